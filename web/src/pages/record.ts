// The record page: a record's fields in words, its sealed fields as sealed, the Reveal action
// (with a purpose, which the server writes to the ledger before answering), the records that
// refer to it, its history, and the Verify action, which checks a ledger entry's inclusion
// proof in this browser (verify.ts) against the verifier key the user trusts (Settings), or
// else the one sent with the proof. Writers also get Amend (amend.ts), "Add a claim about this
// record" and "Add to a dossier" (new.ts).

import { api, ApiError, type Fields, type Name, type RecordView } from '../api.ts';
import { h, clear, notice, formatTime } from '../dom.ts';
import { vocabulary, termLabel, humanDate, kindOfId, refLabel, recordTitle } from '../labels.ts';
import { verifyInclusionProof, type ProofResult } from '../verify.ts';
import { REVEALERS, SIGNERS, type PageContext } from '../main.ts';
import { mayWrite, AUDITORS, fieldsOf } from '../schema.ts';
import { trustedKey } from '../trust.ts';
import { renderAmendForm } from './amend.ts';
import { renderAddToDossier } from './new.ts';

const HIDDEN = new Set(['kind', 'id', 'sealed']);
const SEALED_PASSAGE = /\[sealed passage \d+\]/;

export async function renderRecord(main: HTMLElement, ctx: PageContext): Promise<void> {
  const id = ctx.rest;
  const version = ctx.params.get('version');
  clear(main, h('p', { class: 'loading' }, `Loading ${id}…`));
  let view: RecordView;
  try {
    view = await api.record(id, version ? Number(version) : undefined);
  } catch (e) {
    if (!ctx.alive()) return;
    clear(main, h('h1', { tabindex: '-1' }, id), notice('error', e instanceof ApiError ? e.readable : String(e)));
    return;
  }
  if (!ctx.alive()) return;
  const r = view.record;
  const title = await recordTitle(view);
  if (!ctx.alive()) return;

  const hasSealed = (r.sealed?.length ?? 0) > 0 || Object.values(r).some((v) => typeof v === 'string' && SEALED_PASSAGE.test(v));
  const revealArea = h('section', { class: 'reveal', 'aria-labelledby': 'reveal-h' });
  const verifyArea = h('div', { class: 'verify-area', 'data-testid': 'verify-result' });
  const historyArea = h('section', { class: 'history', 'aria-labelledby': 'history-h' },
    h('h2', { id: 'history-h' }, 'History'), h('p', { class: 'loading' }, 'Loading versions…'));
  const related = h('section', { class: 'related', 'aria-labelledby': 'related-h' });
  const linked = h('section', { class: 'linked', 'aria-labelledby': 'linked-h', 'data-testid': 'linked-records' });
  const amendArea = h('section', { class: 'amend panel', 'aria-labelledby': 'amend-h', 'data-testid': 'amend-area', hidden: true });
  const dossierArea = h('section', { class: 'dossier-add panel', 'aria-labelledby': 'dossier-add-h', 'data-testid': 'dossier-area', hidden: true });
  const role = ctx.session.role;
  const current = !version;

  // A panel that a button opens and closes; closing gives the focus back to the button.
  const toggle = (button: HTMLButtonElement, area: HTMLElement, render: (close: () => void) => Promise<void>) => {
    const close = () => {
      area.hidden = true;
      clear(area);
      button.setAttribute('aria-expanded', 'false');
      button.focus();
    };
    button.addEventListener('click', () => {
      if (!area.hidden) {
        close();
        return;
      }
      area.hidden = false;
      button.setAttribute('aria-expanded', 'true');
      void render(close).catch((e) => { if (ctx.alive()) clear(area, notice('error', e instanceof ApiError ? e.readable : String(e))); });
    });
  };
  const amendButton = current && mayWrite(role, r.kind)
    ? h('button', { type: 'button', 'data-testid': 'amend-button', 'aria-expanded': 'false', 'aria-controls': 'amend-area' }, 'Amend')
    : null;
  const dossierButton = current && r.kind !== 'dossier' && mayWrite(role, 'dossier')
    ? h('button', { type: 'button', 'data-testid': 'add-to-dossier', 'aria-expanded': 'false', 'aria-controls': 'dossier-area' }, 'Add to a dossier')
    : null;
  amendArea.id = 'amend-area';
  dossierArea.id = 'dossier-area';
  if (amendButton) toggle(amendButton, amendArea, (close) => renderAmendForm(amendArea, view, ctx, close));
  if (dossierButton) toggle(dossierButton, dossierArea, (close) => renderAddToDossier(dossierArea, view, ctx, close));
  const claimLinks = mayWrite(role, 'claim') ? [
    h('a', { class: 'button-link', href: `#/new/claim?subject=${encodeURIComponent(r.id)}`, 'data-testid': 'add-claim' }, 'Add a claim about this record'),
    r.kind === 'source' ? h('a', { class: 'button-link', href: `#/new/claim?source=${encodeURIComponent(r.id)}`, 'data-testid': 'add-claim-citing' }, 'Add a claim citing this source') : null,
  ] : [];
  const amended = ctx.params.get('amended');

  clear(main,
    h('p', { class: 'breadcrumb' }, h('a', { href: `#/browse?kind=${r.kind}` }, `${r.kind}s`), ' / ', r.id),
    h('h1', { tabindex: '-1', 'data-testid': 'record-title' }, h('span', { class: `kind kind-${r.kind}` }, r.kind), ' ', title),
    h('p', { class: 'meta' },
      `Version ${view.version}, ledger entry ${view.seq}, ${formatTime(view.at)} by ${view.by}`,
      view.reason ? ` — ${view.reason}` : '',
      version ? [' · ', h('a', { href: `#/record/${encodeURIComponent(r.id)}` }, 'show the current version')] : null),
    amended && Number(amended) === view.version
      ? notice('ok', `Amended: this is version ${view.version} (ledger entry ${view.seq}), with your reason “${view.reason ?? ''}”. The history below lists every version.`)
      : null,
    ctx.params.get('created') && view.version === 1 ? notice('ok', `Saved as ${r.id} (ledger entry ${view.seq}).`) : null,
    view.erased_by ? notice('warn', `This person's identity was erased (ledger entry ${view.erased_by}).`) : null,
    view.pseudonym ? h('p', { class: 'pseudonym' }, 'Pseudonym ', h('code', { 'data-testid': 'pseudonym' }, view.pseudonym)) : null,
    await fieldList(r, false),
    hasSealed ? revealArea : null,
    h('div', { class: 'actions' },
      h('button', { type: 'button', 'data-testid': 'verify-button', onclick: () => void runVerify(view.seq, verifyArea, ctx, r.id) },
        `Verify ledger entry ${view.seq}`),
      amendButton, claimLinks, dossierButton,
      hasSealed && AUDITORS.has(role) ? h('a', { class: 'button-link', href: `#/audit?record=${encodeURIComponent(r.id)}` }, 'Who has seen what is sealed') : null,
    ),
    verifyArea,
    amendButton ? amendArea : null,
    dossierButton ? dossierArea : null,
    r.kind === 'person' ? linked : null,
    historyArea,
    related,
  );
  if (!ctx.alive()) return;
  if (hasSealed) renderRevealForm(revealArea, view, ctx);

  void loadHistory(historyArea, r.id, ctx);
  void loadRelated(related, r.id, ctx);
  if (r.kind === 'person') void loadLinked(linked, r.id, ctx);
}

// ---- fields -------------------------------------------------------------------------------

/** The record's fields; with `only`, just those keys (the ones a reveal disclosed). */
async function fieldList(r: Fields, revealed: boolean, only?: Set<string>): Promise<HTMLElement> {
  // Which fields are terms of a vocabulary, and which are dates: the server's schema says.
  // Without it the values are shown as stored.
  const specs = await fieldsOf(r.kind).catch(() => []);
  const vocabFields = new Map(specs.filter((s) => s.vocabulary).map((s) => [s.name, s.vocabulary]));
  const dateFields = new Set(specs.filter((s) => s.type === 'date').map((s) => s.name));
  const dl = h('dl', { class: 'fields', 'data-testid': revealed ? 'revealed-fields' : 'fields' });
  if (!revealed && r.sealed && r.sealed.length > 0) {
    dl.append(h('dt', null, 'sealed'), h('dd', { class: 'sealed', 'data-testid': 'sealed' },
      h('span', { class: 'sealed-mark' }, 'sealed'), ' ', r.sealed.join(', ')));
  }
  const keys = Object.keys(r).filter((k) => !HIDDEN.has(k) && (!only || only.has(k))).sort();
  for (const key of keys) {
    const value = r[key];
    dl.append(h('dt', null, key.replace(/_/g, ' ')), h('dd', null, await fieldValue(key, value, vocabFields.get(key), dateFields.has(key))));
  }
  return dl;
}

async function fieldValue(key: string, value: unknown, vocabName: string | undefined, isDate: boolean): Promise<Node | string> {
  if (vocabName) {
    const terms = await vocabulary(vocabName).catch(() => new Map());
    const codes = Array.isArray(value) ? (value as string[]) : [String(value)];
    return codes.map((c) => `${termLabel(terms.get(c), c)}${termLabel(terms.get(c), c) === c ? '' : ` [${c}]`}`).join(', ');
  }
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    if (isDate) {
      const human = humanDate(value);
      return human === value ? value : `${human}  [${value}]`;
    }
    if (kindOfId(value) && key !== 'title') return refLink(value);
    return textBlock(value);
  }
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string' && kindOfId(v))) {
      const ul = h('ul', { class: 'refs' });
      for (const v of value as string[]) ul.appendChild(h('li', null, await refLink(v)));
      return ul;
    }
    if (value.every((v) => v && typeof v === 'object' && 'text' in v)) return nameList(value as Name[]);
    if (value.every((v) => v && typeof v === 'object' && 'source' in v)) {
      const [rel, cred] = await Promise.all([vocabulary('reliability').catch(() => new Map()), vocabulary('credibility').catch(() => new Map())]);
      const ul = h('ul', { class: 'grades' });
      for (const g of value as { source: string; reliability: string; credibility: string; excerpt?: string }[]) {
        ul.appendChild(h('li', null, await refLink(g.source),
          ` — reliability ${g.reliability.toUpperCase()} (${termLabel(rel.get(g.reliability), g.reliability)}), credibility ${g.credibility} (${termLabel(cred.get(g.credibility), g.credibility)})`,
          g.excerpt ? h('blockquote', null, g.excerpt) : null));
      }
      return ul;
    }
    return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  }
  if (value && typeof value === 'object') {
    return h('ul', { class: 'codes' }, Object.entries(value as Record<string, unknown>).map(([k, v]) => h('li', null, `${k}: ${String(v)}`)));
  }
  return String(value);
}

async function refLink(id: string): Promise<HTMLElement> {
  const label = await refLabel(id);
  return h('a', { href: `#/record/${encodeURIComponent(id)}` }, label === id ? id : `${label} (${id})`);
}

function nameList(names: Name[]): HTMLElement {
  return h('ul', { class: 'names' }, names.map((n) => h('li', null,
    h('span', { lang: n.lang || undefined, class: 'name-text' }, n.text),
    [n.lang, n.type, n.variant].some(Boolean) ? h('span', { class: 'muted small' }, ` ${[n.lang, n.type, n.variant].filter(Boolean).join(', ')}`) : null)));
}

/** Free text with its line breaks kept and each "[sealed passage N]" marked as sealed. */
function textBlock(text: string): HTMLElement {
  const div = h('div', { class: text.includes('\n') || text.length > 200 ? 'text-block' : 'text-inline' });
  const parts = text.split(/(\[sealed passage \d+\])/);
  for (const part of parts) {
    if (SEALED_PASSAGE.test(part)) div.appendChild(h('span', { class: 'sealed-passage', title: 'A sensitive passage, sealed' }, part.slice(1, -1)));
    else if (part) div.appendChild(document.createTextNode(part));
  }
  return div;
}

// ---- reveal -------------------------------------------------------------------------------

function renderRevealForm(area: HTMLElement, view: RecordView, ctx: PageContext): void {
  const s = ctx.session;
  const may = REVEALERS.has(s.role) && s.clearance;
  const status = h('div', { class: 'reveal-status' });
  const purpose = h('input', { id: 'reveal-purpose', name: 'purpose', required: true, maxlength: 1000, size: 50,
    placeholder: 'e.g. preparing the follow-up interview of 3 May' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Reveal');
  const form = h('form', {
    class: 'reveal-form',
    novalidate: true, // the message below says what a purpose is for; the browser's would not
    onsubmit: async (ev: Event) => {
      ev.preventDefault();
      const why = purpose.value.trim();
      if (!why) {
        clear(status, notice('error', 'A purpose is required: say why you need to see this identity (the task, not the person).'));
        purpose.focus();
        return;
      }
      submit.disabled = true;
      clear(status, notice('info', 'Recording your purpose and revealing…'));
      try {
        const revealed = await api.reveal(view.record.id, why);
        if (!ctx.alive()) return;
        // Only what the reveal disclosed: the sealed fields and the texts that had sealed passages.
        const before = view.record;
        const disclosed = new Set(Object.keys(revealed.record).filter((k) => JSON.stringify(revealed.record[k]) !== JSON.stringify(before[k])));
        const fields = disclosed.size > 0
          ? await fieldList(revealed.record, true, disclosed)
          : h('p', null, 'Nothing is sealed in this version.');
        clear(status,
          notice('ok', `Revealed. This viewing was recorded in the ledger with your purpose: “${why}”.`),
          h('div', { class: 'revealed', 'data-testid': 'revealed' },
            h('h3', null, 'Sealed fields, revealed'),
            fields,
            h('button', { type: 'button', onclick: () => clear(status, notice('info', 'Hidden again. Revealing again records another viewing.')) }, 'Hide')));
        purpose.value = '';
      } catch (e) {
        if (!ctx.alive()) return;
        clear(status, notice('error', e instanceof ApiError ? e.readable : String(e)));
      } finally {
        submit.disabled = false;
      }
    },
  },
    h('label', { for: 'reveal-purpose' }, 'Purpose'), purpose, submit);
  clear(area,
    h('h2', { id: 'reveal-h' }, 'Sealed identity'),
    h('p', { class: 'muted' }, may
      ? 'Revealing needs a purpose. It is written to the ledger before anything is shown, and is readable by everyone who may read the ledger.'
      : `Your account (${s.role}${s.clearance ? '' : ', without identity clearance'}) is not expected to be allowed to reveal; the server decides.`),
    form, status);
}

// ---- history ------------------------------------------------------------------------------

async function loadHistory(area: HTMLElement, id: string, ctx: PageContext): Promise<void> {
  let versions: RecordView[];
  try {
    versions = (await api.history(id)).versions;
  } catch (e) {
    if (ctx.alive()) clear(area, h('h2', { id: 'history-h' }, 'History'), notice('error', e instanceof ApiError ? e.readable : String(e)));
    return;
  }
  if (!ctx.alive()) return;
  const verifyArea = h('div', { class: 'verify-area', 'data-testid': 'history-verify-result' });
  const rows = versions.map((v, i) => {
    const before = i > 0 ? versions[i - 1].record : null;
    const changed = before ? changedFields(before, v.record) : ['created'];
    return h('tr', null,
      h('td', null, h('a', { href: `#/record/${encodeURIComponent(id)}?version=${v.version}` }, String(v.version))),
      h('td', null, String(v.seq)),
      h('td', null, formatTime(v.at)),
      h('td', null, v.by),
      h('td', null, v.reason ?? (i === 0 ? '' : '—')),
      h('td', null, changed.join(', ')),
      h('td', null, h('button', { type: 'button', class: 'small', onclick: () => void runVerify(v.seq, verifyArea, ctx, id) }, 'Verify')));
  });
  clear(area, h('h2', { id: 'history-h' }, 'History'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-testid': 'history' },
      h('thead', null, h('tr', null, ['Version', 'Ledger entry', 'When', 'Who', 'Reason', 'Changed', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows))),
    verifyArea);
}

function changedFields(a: Fields, b: Fields): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => k !== 'id' && k !== 'kind' && JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}

async function loadRelated(area: HTMLElement, id: string, ctx: PageContext): Promise<void> {
  try {
    const answer = await api.records({ refers_to: id, limit: 50 });
    if (!ctx.alive() || answer.total === 0) return;
    const items = await Promise.all(answer.records.map(async (v) =>
      h('li', null, h('span', { class: `kind kind-${v.record.kind}` }, v.record.kind), ' ',
        h('a', { href: `#/record/${encodeURIComponent(v.record.id)}` }, await recordTitle(v)))));
    if (!ctx.alive()) return;
    clear(area, h('h2', { id: 'related-h' }, `Records that refer to this one (${answer.total})`), h('ul', { class: 'related-list' }, items),
      answer.total > answer.records.length ? h('p', null, h('a', { href: `#/browse?refers_to=${encodeURIComponent(id)}` }, 'See all')) : null);
  } catch {
    // Related records are a convenience; the page is complete without them.
  }
}

/** The other records of this person's cluster (record linkage), if it has any. */
async function loadLinked(area: HTMLElement, id: string, ctx: PageContext): Promise<void> {
  try {
    const answer = await api.linkClusters({ record: id, limit: 1 });
    const cluster = answer.clusters.find((c) => c.records.includes(id));
    const others = cluster ? cluster.records.filter((other) => other !== id) : [];
    if (!ctx.alive() || others.length === 0) return;
    const items = await Promise.all(others.map(async (other) => {
      const title = await api.record(other).then(recordTitle).catch(() => other);
      return h('li', null, h('span', { class: 'kind kind-person' }, 'person'), ' ',
        h('a', { href: `#/record/${encodeURIComponent(other)}` }, title),
        title === other ? null : h('span', { class: 'muted small' }, ` ${other}`));
    }));
    if (!ctx.alive()) return;
    clear(area, h('h2', { id: 'linked-h' }, `Linked records (${others.length})`),
      h('p', { class: 'muted small' }, 'Record linkage counts these records as the same person as this one. ',
        h('a', { href: '#/link?tab=clusters' }, 'Clusters and decisions')),
      h('ul', { class: 'related-list' }, items));
  } catch {
    // Linkage may not have run; the page is complete without it.
  }
}

// ---- verify -------------------------------------------------------------------------------

export async function runVerify(seq: number, area: HTMLElement, ctx: PageContext, recordId: string): Promise<void> {
  clear(area, notice('info', `Fetching the inclusion proof of ledger entry ${seq}…`));
  let doc: unknown;
  try {
    doc = await api.proof(seq);
  } catch (e) {
    if (!ctx.alive()) return;
    if (e instanceof ApiError && e.status === 409) {
      const canSign = SIGNERS.has(ctx.session.role);
      clear(area, notice('warn', `${e.readable}. No signed checkpoint covers ledger entry ${seq} yet, so there is nothing to verify it against.`),
        canSign
          ? h('button', { type: 'button', 'data-testid': 'make-checkpoint', onclick: async () => {
              clear(area, notice('info', 'Signing a checkpoint of the current ledger…'));
              try {
                const cp = await api.checkpoint();
                if (!ctx.alive()) return;
                area.appendChild(notice('ok', `Checkpoint #${cp.id} signs ${cp.size} entries.`));
                await runVerify(seq, area, ctx, recordId);
              } catch (err) {
                if (ctx.alive()) clear(area, notice('error', err instanceof ApiError ? err.readable : String(err)));
              }
            } }, 'Sign a checkpoint now, then verify')
          : h('p', { class: 'muted' }, 'An admin or a legal officer can sign a checkpoint.'));
      return;
    }
    clear(area, notice('error', e instanceof ApiError ? e.readable : String(e)));
    return;
  }
  const trusted = trustedKey();
  const result = await verifyInclusionProof(doc, trusted);
  if (!ctx.alive()) return;
  // The proof must be of this record's entry, not of some other entry that happens to verify.
  if (result.ok) {
    const e = result.entry;
    if (!e || e.id !== recordId || e.seq !== seq) {
      result.ok = false;
      result.steps.push({ label: 'Entry', ok: false, detail: `the proved entry is not ledger entry ${seq} of ${recordId}` });
    } else {
      result.steps.push({ label: 'Entry', ok: true, detail: `the proved entry is ledger entry ${seq}: ${String(e.op)} of ${recordId}${e.version ? `, version ${String(e.version)}` : ''}` });
    }
  }
  clear(area, proofReport(seq, result, trusted !== undefined));
}

function proofReport(seq: number, result: ProofResult, trusted: boolean): HTMLElement {
  const entry = result.entry;
  return h('section', { class: `proof ${result.ok ? 'proof-pass' : 'proof-fail'}`, 'aria-live': 'polite' },
    h('p', { class: 'proof-verdict', role: result.ok ? 'status' : 'alert', 'data-testid': 'proof-verdict' },
      result.ok ? `✔ VERIFIED: ledger entry ${seq} is in the signed ledger` : `✘ NOT VERIFIED: the proof of ledger entry ${seq} fails`),
    h('p', { class: 'muted small' }, 'Checked in this browser: the checkpoint\'s Ed25519 signature, and the entry\'s SHA-256 leaf hash folded with the audit path up to the signed root (RFC 6962, RFC 9162).'),
    h('p', { class: 'small', 'data-testid': 'proof-key-source' }, trusted
      ? ['Against the verifier key you trust (', h('a', { href: '#/settings' }, 'Settings'), '), not the one sent with the proof.']
      : ['Against the verifier key sent with the proof, which proves nothing on its own: ', h('a', { href: '#/settings' }, 'set the key your organisation published'), ' to check against it.']),
    h('ol', { class: 'proof-steps' }, result.steps.map((s) => h('li', { class: s.ok ? 'step-ok' : 'step-fail' },
      h('strong', null, `${s.ok ? '✔' : '✘'} ${s.label}: `), h('span', { class: 'break' }, s.detail)))),
    entry ? h('details', null, h('summary', null, 'The entry as proved'),
      h('pre', { class: 'entry-json' }, JSON.stringify(entry, null, 2))) : null,
  );
}
