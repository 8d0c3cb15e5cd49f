// The record-linkage review screen (#/link): which person records are the same person. The
// machine proposes (a linkage run scores pairs of persons on their sealed names), reviewers
// decide (each decision, with its reason, is a ledger entry), and the clusters follow.
//
// Two tabs, both in the URL: the review queue (#/link: pairs without a decision, most uncertain
// first, each with why it scored as it did) and the clusters with the decisions in force
// (#/link?tab=clusters), where a decision can be revoked. Records are shown by their titles as
// this account may see them (a person unrevealed is its pseudonym), never by sealed names.
// Analysts and viewers read; admins and investigators decide; running linkage also needs
// identity clearance. The server decides in the end: the page only leaves out what would fail.

import { api, ApiError, type LinkDecision, type LinkExplanation, type LinkPair, type LinkRunReport } from '../api.ts';
import { h, clear, notice, svg, formatTime } from '../dom.ts';
import { recordTitle } from '../labels.ts';
import type { PageContext } from '../main.ts';

const PER_PAGE = 10;
const CLUSTERS_PER_PAGE = 20;

/** Roles that may decide and revoke (user guide, permission matrix). */
export const LINK_DECIDERS = new Set(['admin', 'investigator']);

const readable = (e: unknown) => (e instanceof ApiError ? e.readable : String(e));

// ---- words for the explanation ---------------------------------------------------------------

const FIELD_WORDS: Record<string, string> = {
  given_name: 'given name',
  surname: 'surname',
  birth_date: 'birth date',
  sex: 'sex',
  street_number: 'street number',
  street: 'street',
  address_extra: 'address line 2',
  locality: 'locality',
  postcode: 'postcode',
  region: 'region',
  place: 'place of origin',
  id_number: 'ID number',
  source: 'source',
  events: 'events',
  role: 'role',
  event_months: 'month of events',
  companions: 'who told the story, or whose',
  violations: 'violations',
  origin_km: 'distance between places of origin',
};

/** What each agreement level means, from disagreement (0) to exact (docs/formats/linkage.md,
 *  "Comparison vectors"). Fields not listed, or a level count that differs, read "level k of n". */
const LEVEL_WORDS: Record<string, string[]> = {
  given_name: ['disagrees', 'partial', 'close', 'same sound, other Hangul spelling', 'exact'],
  surname: ['disagrees', 'partial', 'close', 'same sound, other Hangul spelling', 'exact'],
  birth_date: ['disagrees', 'one within the other’s wide range', 'within 3 years', 'close (a slip, or overlapping ranges)', 'exact'],
  street: ['disagrees', 'partial', 'close', 'exact'],
  address_extra: ['disagrees', 'partial', 'close', 'exact'],
  locality: ['disagrees', 'partial', 'close', 'exact'],
  place: ['disagrees', 'same province', 'one within the other', 'exact'],
  events: [
    'no place in common within a year',
    'some places agree, not all of the shorter account',
    'the one place of a one-place account',
    'every place of the shorter account (two or three), or five or more',
    'every place of the shorter account (four or more)',
  ],
  event_months: ['another month at a shared place', 'same month at a shared place'],
  companions: ['their informants (or the victims they told of) are other people', 'their informants (or the victims they told of) were matched'],
  violations: ['none in common', 'some in common, not every one of the shorter account', 'every violation of the shorter account'],
  origin_km: ['more than 80 km apart', '30 to 80 km apart', 'within 30 km (neighbours)'],
  postcode: ['disagrees', 'one character apart', 'exact'],
  id_number: ['disagrees', 'one character apart', 'exact'],
};

export function fieldWords(field: string): string {
  return FIELD_WORDS[field] ?? field.replace(/_/g, ' ');
}

export function levelWords(field: string, level: number, levels: number): string {
  const words = LEVEL_WORDS[field];
  if (words && words.length === levels && words[level]) return words[level];
  if (levels === 2) return level === 1 ? 'agrees' : 'disagrees';
  if (level === levels - 1) return 'exact';
  if (level === 0) return 'disagrees';
  return `level ${level} of ${levels - 1}`;
}

/** A weight in bits, always signed: "+4.0 bits", "−1.2 bits". */
export function bits(weight: number): string {
  const sign = weight > 0 ? '+' : weight < 0 ? '−' : '±';
  return `${sign}${Math.abs(weight).toFixed(1)} bits`;
}

export function percent(p: number): string {
  const v = p * 100;
  // Near 0 and 100 one decimal tells 99.1 from 99.9; in between whole numbers are enough.
  return `${v >= 10 && v <= 90 ? Math.round(v) : v.toFixed(1)}%`;
}

/** A bar from a centre line: right (green) for evidence of the same person, left (red) against.
 *  The words next to it say the same, so it is hidden from screen readers. */
function weightBar(weight: number): SVGElement {
  const width = 120;
  const half = width / 2;
  const scale = half / 10; // 10 bits fill half the bar; more is clipped
  const w = Math.min(half, Math.abs(weight) * scale);
  return svg('svg', { class: 'weight-bar', viewBox: `0 0 ${width} 12`, width, height: 12, 'aria-hidden': 'true', focusable: 'false' },
    svg('rect', { x: weight >= 0 ? half : half - w, y: 2, width: Math.max(w, 1), height: 8, rx: 1, class: weight >= 0 ? 'pos' : 'neg' }),
    svg('line', { x1: half, x2: half, y1: 0, y2: 12, class: 'axis' }));
}

function probabilityBar(p: number): SVGElement {
  const width = 160;
  return svg('svg', { class: 'prob-bar', viewBox: `0 0 ${width} 10`, width, height: 10, 'aria-hidden': 'true', focusable: 'false' },
    svg('rect', { x: 0, y: 0, width, height: 10, rx: 2, class: 'track' }),
    svg('rect', { x: 0, y: 0, width: Math.max(1, Math.round(p * width)), height: 10, rx: 2, class: 'fill' }),
    svg('line', { x1: width / 2, x2: width / 2, y1: 0, y2: 10, class: 'half' }));
}

function explanationTable(e: LinkExplanation, caption: string): HTMLElement {
  const rows = e.fields.map((f) => h('tr', { 'data-field': f.field },
    h('th', { scope: 'row' }, fieldWords(f.field)),
    h('td', null, levelWords(f.field, f.level, f.levels), h('span', { class: 'muted small' }, ` (level ${f.level} of ${f.levels - 1})`)),
    h('td', { class: 'num' }, bits(f.weight)),
    h('td', { class: 'bar-cell' }, weightBar(f.weight))));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data explanation', 'data-testid': 'explanation' },
    h('caption', null, caption),
    h('thead', null, h('tr', null, ['Field', 'Agreement', 'Weight', ''].map((t, i) =>
      h('th', { scope: 'col', class: i === 2 ? 'num' : undefined }, t || h('span', { class: 'visually-hidden' }, 'Weight as a bar'))))),
    h('tbody', null, rows,
      h('tr', { class: 'muted' },
        h('th', { scope: 'row' }, 'prior'),
        h('td', null, 'before any field: the share of matches among the candidate pairs'),
        h('td', { class: 'num' }, bits(e.prior)),
        h('td', { class: 'bar-cell' }, weightBar(e.prior)))),
    h('tfoot', null, h('tr', null,
      h('th', { scope: 'row' }, 'total'),
      h('td', null, e.total >= 0 ? 'for the same person' : 'against the same person'),
      h('td', { class: 'num' }, bits(e.total)),
      h('td', { class: 'bar-cell' }, weightBar(e.total))))));
}

// ---- record titles ---------------------------------------------------------------------------

const titles = new Map<string, Promise<string>>();

/** The record's title as this account sees it (recordTitle: a person is its pseudonym). */
function titleOf(id: string): Promise<string> {
  let t = titles.get(id);
  if (!t) {
    t = api.record(id).then(recordTitle).catch(() => id);
    titles.set(id, t);
  }
  return t;
}

/** A link to a record, named by its id at first and by its title once that has arrived. */
function recordLink(id: string, ctx: PageContext, title?: string): HTMLElement {
  const a = h('a', { href: `#/record/${encodeURIComponent(id)}`, class: 'record-link' }, title || id);
  if (!title) {
    void titleOf(id).then((t) => {
      if (ctx.alive() && t !== id) a.textContent = t;
    });
  }
  return a;
}

function idNote(id: string): HTMLElement {
  return h('span', { class: 'muted small record-id' }, ` ${id}`);
}

// ---- the page --------------------------------------------------------------------------------

export async function renderLink(main: HTMLElement, ctx: PageContext): Promise<void> {
  titles.clear(); // titles depend on what the account may see, and records change
  const p = ctx.params;
  const tab = p.get('tab') === 'clusters' ? 'clusters' : 'queue';
  const s = ctx.session;
  const mayDecide = LINK_DECIDERS.has(s.role);
  const mayRun = mayDecide && s.clearance;

  const summary = h('p', { class: 'link-summary', 'data-testid': 'link-summary', 'aria-live': 'polite' },
    h('span', { class: 'loading' }, 'Loading…'));
  const content = h('div', { class: 'link-content' }, h('p', { class: 'loading' }, 'Loading…'));
  const tabs = h('nav', { class: 'tabs', 'aria-label': 'Linking' }, h('ul', null,
    h('li', null, h('a', { href: '#/link', 'aria-current': tab === 'queue' ? 'page' : undefined }, 'Review queue')),
    h('li', null, h('a', { href: '#/link?tab=clusters', 'aria-current': tab === 'clusters' ? 'page' : undefined }, 'Clusters and decisions'))));

  const refreshSummary = () => loadSummary(summary, ctx, mayRun);
  const refreshContent = () => (tab === 'queue'
    ? loadQueue(content, ctx, mayDecide, refreshSummary)
    : loadClusters(content, ctx, mayDecide, refreshSummary));

  clear(main,
    h('h1', { tabindex: '-1' }, 'Linking'),
    h('p', { class: 'muted' },
      'Which person records, made by different projects in different scripts and spellings, are the same person. ',
      'The machine proposes pairs; reviewers decide, with a reason, and each decision is a ledger entry. ',
      'Records are shown as your account may see them: persons by their pseudonyms.'),
    summary,
    mayRun ? runSection(ctx, async () => { await Promise.all([refreshSummary(), refreshContent()]); }) : null,
    mayDecide ? null : notice('info', `Your account (${s.role}) may read the queue and the clusters; admins and investigators decide.`),
    mayDecide && !mayRun ? h('p', { class: 'muted small' }, 'Running linkage needs identity clearance, which your account does not have.') : null,
    tabs,
    content);
  await Promise.all([refreshSummary(), refreshContent()]);
}

async function loadSummary(area: HTMLElement, ctx: PageContext, mayRun: boolean): Promise<void> {
  try {
    const [queue, clusters, model] = await Promise.all([
      api.linkPairs({ undecided: true, limit: 1 }),
      api.linkClusters({ limit: 1 }),
      api.linkModel(),
    ]);
    if (!ctx.alive()) return;
    if (!model.model && queue.total === 0) {
      clear(area, 'Linkage has not been run yet. ',
        mayRun ? 'Run it below.' : 'An admin or an investigator with identity clearance can run it.');
      return;
    }
    const m = model.model;
    clear(area,
      h('strong', { 'data-testid': 'queue-total' }, queue.total === 1 ? '1 pair to review' : `${queue.total} pairs to review`),
      ' · ',
      h('strong', { 'data-testid': 'cluster-total' }, clusters.total === 1 ? '1 cluster' : `${clusters.total} clusters`),
      ' of records that are the same person',
      m ? h('span', { class: 'muted' }, ` · model of ledger entry ${m.seq}, fitted on ${m.persons} persons${m.at ? ` ${formatTime(m.at)}` : ''}${m.by ? ` by ${m.by}` : ''}`) : null);
  } catch (e) {
    if (ctx.alive()) clear(area, notice('error', readable(e)));
  }
}

// ---- run -------------------------------------------------------------------------------------

function runSection(ctx: PageContext, after: () => Promise<void>): HTMLElement {
  const status = h('div', { class: 'run-status', 'data-testid': 'run-status' });
  const purpose = h('input', { id: 'link-purpose', name: 'purpose', required: true, maxlength: 1000, size: 50,
    placeholder: 'e.g. victim count for the 2027 report' });
  const retrain = h('input', { id: 'link-retrain', type: 'checkbox', name: 'retrain' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Run linkage');
  const form = h('form', {
    class: 'link-run-form',
    novalidate: true, // the message below says what a purpose is for; the browser's would not
    onsubmit: async (ev: Event) => {
      ev.preventDefault();
      const why = purpose.value.trim();
      if (!why) {
        clear(status, notice('error', 'A purpose is required: say why the sealed names of persons are compared (the task, not a person).'));
        purpose.focus();
        return;
      }
      submit.disabled = true;
      clear(status, notice('info', 'Recording your purpose and running linkage… On a large repository this takes minutes.'));
      try {
        const report = await api.linkRun(why, retrain.checked);
        if (!ctx.alive()) return;
        clear(status, runReport(report, why));
        purpose.value = '';
        retrain.checked = false;
        await after();
      } catch (e) {
        if (ctx.alive()) clear(status, notice('error', readable(e)));
      } finally {
        submit.disabled = false;
      }
    },
  },
    h('label', { for: 'link-purpose' }, 'Purpose'), purpose,
    h('label', { class: 'check' }, retrain, ' Fit the model again'),
    submit);
  return h('section', { class: 'link-run', 'aria-labelledby': 'link-run-h' },
    h('h2', { id: 'link-run-h' }, 'Run linkage'),
    h('p', { class: 'muted small' },
      'A run reads every person’s sealed names, sex, birth year and origin in memory, scores the likely pairs and clusters them. ',
      'Your purpose is written to the ledger first. Nothing the run records contains a name.'),
    form, status);
}

function runReport(r: LinkRunReport, why: string): HTMLElement {
  const distinct = r.persons - r.linked_persons + r.clusters;
  const last = r.first_entry + Math.max(r.entries, 1) - 1;
  return h('div', { 'data-testid': 'run-result' },
    notice('ok', `Linkage ran, with your purpose “${why}” recorded in the ledger.`),
    h('dl', { class: 'run-report' },
      h('dt', null, 'persons compared'), h('dd', null, String(r.persons)),
      h('dt', null, 'candidate pairs'), h('dd', null, `${r.candidate_pairs}, of which ${r.kept_pairs} kept (probability 5% or more)`),
      h('dt', null, 'clusters'), h('dd', null, `${r.clusters} holding ${r.linked_persons} records: about ${distinct} distinct persons`),
      h('dt', null, 'model'), h('dd', null, r.trained
        ? `fitted now (ledger entry ${r.model}, ${r.iterations} EM iterations${r.converged ? '' : ', not converged'})`
        : `recorded earlier (ledger entry ${r.model})`),
      h('dt', null, 'ledger'), h('dd', null, r.entries > 1 ? `entries ${r.first_entry}–${last}` : `entry ${r.first_entry}`)));
}

// ---- the queue -------------------------------------------------------------------------------

async function loadQueue(area: HTMLElement, ctx: PageContext, mayDecide: boolean, refreshSummary: () => Promise<void>): Promise<void> {
  const offset = Math.max(0, Number(ctx.params.get('offset') ?? 0) || 0);
  let answer;
  try {
    answer = await api.linkPairs({ undecided: true, order: 'uncertainty', limit: PER_PAGE, offset });
  } catch (e) {
    if (ctx.alive()) clear(area, h('h2', null, 'Review queue'), notice('error', readable(e)));
    return;
  }
  if (!ctx.alive()) return;

  const confirmation = h('div', { class: 'decision-confirmation', 'data-testid': 'decision-confirmation' });
  let total = answer.total;
  const count = h('p', { class: 'result-count', 'data-testid': 'queue-count' });
  const list = h('ol', { class: 'link-pairs', 'data-testid': 'queue' });
  const pageLink = (o: number) => `#/link${o > 0 ? `?offset=${o}` : ''}`;
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  const showCount = () => {
    const shown = list.childElementCount;
    count.textContent = total === 0 ? 'Nothing to review.'
      : `${total === 1 ? '1 pair' : `${total} pairs`} without a decision, the most uncertain first${shown > 0 ? `: ${offset + 1}–${offset + shown} here` : ''}`;
    clear(pager,
      offset > 0 ? h('a', { href: pageLink(Math.max(0, offset - PER_PAGE)), rel: 'prev' }, '← Previous') : null,
      offset + shown < total ? h('a', { href: pageLink(offset + PER_PAGE), rel: 'next' }, 'Next →') : null);
  };

  const decided = (li: HTMLElement, message: Node) => {
    const next = (li.nextElementSibling ?? li.previousElementSibling) as HTMLElement | null;
    li.remove();
    total -= 1;
    clear(confirmation, message);
    showCount();
    void refreshSummary();
    // Keep the keyboard where the work is: the next pair, or the confirmation.
    const target = next?.querySelector<HTMLElement>('h3') ?? confirmation.querySelector<HTMLElement>('.notice');
    if (target) {
      target.tabIndex = -1;
      target.focus();
    }
    if (list.childElementCount === 0 && total > 0) {
      // This page is done; the pairs after it have moved up.
      const to = offset < total ? offset : Math.max(0, offset - PER_PAGE);
      list.replaceWith(h('p', null, h('button', { type: 'button', onclick: () => ctx.navigate(pageLink(to)) }, 'Show the next pairs')));
    }
  };

  answer.pairs.forEach((pair, i) => list.appendChild(pairItem(pair, offset + i + 1, ctx, mayDecide, decided)));
  clear(area,
    h('h2', null, 'Review queue'),
    confirmation,
    count,
    answer.total === 0
      ? h('p', { class: 'muted' }, 'Every scored pair has a decision, or linkage has not been run yet.')
      : list,
    pager);
  showCount();
}

function pairItem(pair: LinkPair, n: number, ctx: PageContext, mayDecide: boolean,
  decided: (li: HTMLElement, message: Node) => void): HTMLElement {
  const titleA = pair.a_title || pair.a;
  const titleB = pair.b_title || pair.b;
  const headingId = `pair-${n}-h`;
  const li = h('li', { class: 'link-pair', 'data-testid': 'link-pair', 'data-a': pair.a, 'data-b': pair.b });
  const card = (label: string, id: string, title: string, cluster?: string) => h('div', { class: 'pair-record' },
    h('span', { class: 'muted small' }, label), ' ',
    h('span', { class: 'kind kind-person' }, 'person'), ' ',
    recordLink(id, ctx, title), idNote(id),
    cluster && cluster !== id ? h('div', { class: 'muted small' }, `in the cluster of ${cluster}`) : null);

  li.append(
    h('div', { class: 'pair-head' },
      h('h3', { id: headingId }, `Pair ${n}`),
      h('span', { class: 'probability', 'data-testid': 'probability' }, percent(pair.probability)),
      h('span', { class: 'muted' }, 'likely the same person'),
      probabilityBar(pair.probability)),
    h('div', { class: 'pair-records' },
      card('A', pair.a, titleA, pair.cluster_a),
      card('B', pair.b, titleB, pair.cluster_b)),
    explanationTable(pair.explanation, 'Why this score: each field’s agreement and its weight (positive for the same person)'),
  );
  if (mayDecide) li.appendChild(decideForm(pair, n, titleA, titleB, ctx, (message) => decided(li, message)));
  return li;
}

function decideForm(pair: LinkPair, n: number, titleA: string, titleB: string, ctx: PageContext,
  done: (message: Node) => void): HTMLElement {
  const reasonId = `pair-${n}-reason`;
  const status = h('div', { class: 'decide-status' });
  const reason = h('textarea', { id: reasonId, name: 'reason', rows: 2, maxlength: 1000, required: true,
    'aria-describedby': `${reasonId}-hint`, placeholder: 'e.g. same birthplace and family, transcript p.4' });
  const buttons: HTMLButtonElement[] = [];
  const decide = async (decision: 'same' | 'different') => {
    const why = reason.value.trim();
    if (!why) {
      clear(status, notice('error', 'A reason is required: say what shows that these are the same person or different persons.'));
      reason.focus();
      return;
    }
    buttons.forEach((b) => { b.disabled = true; });
    clear(status, notice('info', 'Recording the decision…'));
    try {
      const { seq } = await api.linkDecide(pair.a, pair.b, decision, why);
      if (!ctx.alive()) return;
      done(notice('ok', `Recorded as ledger entry ${seq}: `,
        h('a', { href: `#/record/${encodeURIComponent(pair.a)}` }, titleA), ' and ',
        h('a', { href: `#/record/${encodeURIComponent(pair.b)}` }, titleB),
        decision === 'same' ? ' are the same person.' : ' are different persons.',
        ' ', h('a', { href: '#/link?tab=clusters' }, 'See the decisions')));
    } catch (e) {
      if (!ctx.alive()) return;
      clear(status, notice('error', readable(e)));
      buttons.forEach((b) => { b.disabled = false; });
    }
  };
  buttons.push(
    h('button', { type: 'button', class: 'primary', 'data-decision': 'same', onclick: () => void decide('same') }, 'Same person'),
    h('button', { type: 'button', 'data-decision': 'different', onclick: () => void decide('different') }, 'Different persons'));
  return h('div', { class: 'decide-form', role: 'group', 'aria-label': `Decide pair ${n}` },
    h('label', { for: reasonId }, 'Reason'),
    reason,
    h('span', { id: `${reasonId}-hint`, class: 'muted small' }, 'Required. It is written to the ledger with your decision and readable by everyone who may read the ledger.'),
    h('div', { class: 'decide-buttons' }, buttons),
    status);
}

// ---- clusters and decisions ------------------------------------------------------------------

async function loadClusters(area: HTMLElement, ctx: PageContext, mayDecide: boolean, refreshSummary: () => Promise<void>): Promise<void> {
  const offset = Math.max(0, Number(ctx.params.get('offset') ?? 0) || 0);
  const all = ctx.params.get('all') === '1';
  const clustersArea = h('section', { class: 'link-clusters', 'aria-labelledby': 'clusters-h' },
    h('h2', { id: 'clusters-h' }, 'Clusters'), h('p', { class: 'loading' }, 'Loading…'));
  const decisionsArea = h('section', { class: 'link-decisions', 'aria-labelledby': 'decisions-h' },
    h('h2', { id: 'decisions-h' }, 'Decisions'), h('p', { class: 'loading' }, 'Loading…'));
  clear(area, clustersArea, decisionsArea);
  const reload = async () => {
    await Promise.all([
      renderClusters(clustersArea, ctx, offset),
      renderDecisions(decisionsArea, ctx, all, mayDecide, reload),
      refreshSummary(),
    ]);
  };
  await Promise.all([renderClusters(clustersArea, ctx, offset), renderDecisions(decisionsArea, ctx, all, mayDecide, reload)]);
}

async function renderClusters(area: HTMLElement, ctx: PageContext, offset: number): Promise<void> {
  const heading = h('h2', { id: 'clusters-h' }, 'Clusters');
  let answer;
  try {
    answer = await api.linkClusters({ limit: CLUSTERS_PER_PAGE, offset });
  } catch (e) {
    if (ctx.alive()) clear(area, heading, notice('error', readable(e)));
    return;
  }
  if (!ctx.alive()) return;
  const pageLink = (o: number) => `#/link?tab=clusters${o > 0 ? `&offset=${o}` : ''}`;
  const shown = answer.clusters.length;
  clear(area, heading,
    h('p', { class: 'muted' }, 'Records the latest run and the decisions count as one person.'),
    answer.total === 0
      ? h('p', { 'data-testid': 'clusters-empty' }, 'No clusters: no two records are counted as the same person.')
      : h('ol', { class: 'clusters', 'data-testid': 'clusters', start: String(offset + 1) }, answer.clusters.map((c) =>
          h('li', { class: 'cluster', 'data-cluster': c.cluster },
            h('span', null, `${c.records.length} records`),
            c.decisions.length ? h('span', { class: 'muted small' }, ` · ${c.decisions.length === 1 ? '1 decision' : `${c.decisions.length} decisions`}`) : null,
            h('ul', { class: 'cluster-records' }, c.records.map((id) => h('li', null,
              h('span', { class: 'kind kind-person' }, 'person'), ' ', recordLink(id, ctx), idNote(id))))))),
    answer.total > shown || offset > 0
      ? h('nav', { class: 'pager', 'aria-label': 'Pages of clusters' },
          offset > 0 ? h('a', { href: pageLink(Math.max(0, offset - CLUSTERS_PER_PAGE)), rel: 'prev' }, '← Previous') : null,
          h('span', null, `${offset + 1}–${offset + shown} of ${answer.total}`),
          offset + shown < answer.total ? h('a', { href: pageLink(offset + CLUSTERS_PER_PAGE), rel: 'next' }, 'Next →') : null)
      : null);
}

async function renderDecisions(area: HTMLElement, ctx: PageContext, all: boolean, mayDecide: boolean,
  reload: () => Promise<void>): Promise<void> {
  const heading = h('h2', { id: 'decisions-h' }, all ? 'Decisions, revoked ones too' : 'Decisions in force');
  const toggle = h('p', null, all
    ? h('a', { href: '#/link?tab=clusters' }, 'Show only the decisions in force')
    : h('a', { href: '#/link?tab=clusters&all=1' }, 'Show revoked decisions too'));
  // One status line for the section, kept across reloads: a revocation's confirmation outlives
  // the table it reloads.
  const status = area.querySelector<HTMLElement>('.revoke-status')
    ?? h('div', { class: 'revoke-status', 'data-testid': 'revoke-status' });
  let decisions: LinkDecision[];
  try {
    decisions = (await api.linkDecisions({ all: all ? true : undefined })).decisions;
  } catch (e) {
    if (ctx.alive()) clear(area, heading, notice('error', readable(e)));
    return;
  }
  if (!ctx.alive()) return;
  const rows = decisions.slice().reverse().map((d) => decisionRow(d, ctx, mayDecide, status, reload));
  clear(area, heading, toggle,
    status,
    decisions.length === 0
      ? h('p', { 'data-testid': 'decisions-empty' }, all ? 'No decisions yet.' : 'No decisions in force.')
      : h('div', { class: 'table-wrap' }, h('table', { class: 'data decisions', 'data-testid': 'decisions' },
          h('caption', { class: 'visually-hidden' }, 'Reviewers’ decisions, newest first'),
          h('thead', null, h('tr', null, ['Entry', 'Records', 'Decision', 'Reason', 'By', 'When', mayDecide ? 'Action' : null]
            .filter((t): t is string => t !== null).map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', null, rows))));
}

function decisionRow(d: LinkDecision, ctx: PageContext, mayDecide: boolean, status: HTMLElement,
  reload: () => Promise<void>): HTMLElement {
  const action = h('td', { class: 'decision-action' });
  const tr = h('tr', { class: d.revoked_by ? 'revoked' : undefined, 'data-seq': String(d.seq), 'data-testid': 'decision-row' },
    h('td', null, String(d.seq)),
    h('td', null, recordLink(d.a, ctx), h('span', { class: 'muted' }, ' and '), recordLink(d.b, ctx)),
    h('td', null, h('span', { class: `decision decision-${d.decision}` }, d.decision === 'same' ? 'same person' : 'different persons'),
      d.revoked_by ? h('div', { class: 'muted small' }, `revoked by entry ${d.revoked_by}`) : null),
    h('td', null, d.reason),
    h('td', null, d.account),
    h('td', null, formatTime(d.at)),
    mayDecide ? action : null);
  if (mayDecide && !d.revoked_by) {
    const open = h('button', { type: 'button', class: 'small', 'aria-label': `Revoke decision ${d.seq}`,
      onclick: () => showRevokeForm() }, 'Revoke');
    const showRevokeForm = () => {
      const id = `revoke-${d.seq}-reason`;
      const reason = h('input', { id, name: 'reason', required: true, maxlength: 1000, size: 28,
        placeholder: 'why it no longer holds' });
      const err = h('div');
      const submit = h('button', { type: 'submit', class: 'small primary' }, 'Revoke decision');
      const form = h('form', {
        class: 'revoke-form', novalidate: true,
        onsubmit: async (ev: Event) => {
          ev.preventDefault();
          const why = reason.value.trim();
          if (!why) {
            clear(err, notice('error', 'A reason is required to revoke a decision.'));
            reason.focus();
            return;
          }
          submit.disabled = true;
          try {
            const { seq } = await api.linkRevoke(d.seq, why);
            if (!ctx.alive()) return;
            clear(status, notice('ok', `Decision ${d.seq} revoked (ledger entry ${seq}). It stays in the ledger, marked revoked; the pair is back in the review queue.`));
            await reload();
            const done = status.querySelector<HTMLElement>('.notice');
            if (done) {
              done.tabIndex = -1;
              done.focus();
            }
          } catch (e) {
            if (ctx.alive()) clear(err, notice('error', readable(e)));
            submit.disabled = false;
          }
        },
      },
        h('label', { for: id }, `Reason for revoking decision ${d.seq}`), reason, submit,
        h('button', { type: 'button', class: 'small', onclick: () => { clear(action, open); open.focus(); } }, 'Cancel'),
        err);
      clear(action, form);
      reason.focus();
    };
    action.appendChild(open);
  }
  return tr;
}
