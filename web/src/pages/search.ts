// The search page: words, filters (kind, violation, from/to and any facet value), facet counts
// that add a filter when clicked, and paged hits with their snippets. The page's state lives in
// the URL (#/search?q=...&kind=...), so results can be bookmarked and Back works.

import { api, ApiError, type SearchHit, type Term } from '../api.ts';
import { h, clear, notice, safeSnippet } from '../dom.ts';
import { vocabulary, termLabel, termTree, namedRecords, recordTitle, KINDS, type Named } from '../labels.ts';
import type { PageContext } from '../main.ts';

const PER_PAGE = 20;

/** Facet name in the answer → filter parameter of the request. */
const FACETS: [facet: string, param: string, title: string][] = [
  ['kind', 'kind', 'Kind'],
  ['violation_type', 'violation', 'Violation'],
  ['place', 'place', 'Place'],
  ['unit', 'unit', 'Perpetrator unit'],
  ['source_type', 'source_type', 'Source type'],
  ['grade', 'grade', 'Source reliability'],
];
const FILTER_PARAMS = FACETS.map(([, p]) => p);

interface Labels {
  violations: Map<string, Term>;
  sourceTypes: Map<string, Term>;
  grades: Map<string, Term>;
  places: Map<string, Named>;
  units: Map<string, Named>;
}

async function loadLabels(): Promise<Labels> {
  const empty = <T>() => new Map<string, T>();
  const [violations, sourceTypes, grades, places, units] = await Promise.all([
    vocabulary('violation_types').catch(() => empty<Term>()),
    vocabulary('source_types').catch(() => empty<Term>()),
    vocabulary('reliability').catch(() => empty<Term>()),
    namedRecords('place').catch(() => empty<Named>()),
    namedRecords('organization').catch(() => empty<Named>()),
  ]);
  return { violations, sourceTypes, grades, places, units };
}

function valueLabel(labels: Labels, param: string, value: string): string {
  switch (param) {
    case 'violation': return termLabel(labels.violations.get(value), value);
    case 'source_type': return termLabel(labels.sourceTypes.get(value), value);
    case 'grade': return `${value.toUpperCase()}: ${termLabel(labels.grades.get(value), value)}`;
    case 'place': return labels.places.get(value)?.label ?? value;
    case 'unit': return labels.units.get(value)?.label ?? value;
    default: return value;
  }
}

export async function renderSearch(main: HTMLElement, ctx: PageContext): Promise<void> {
  const p = ctx.params;
  const labels = await loadLabels();
  if (!ctx.alive()) return;

  const q = h('input', { id: 'search-q', type: 'search', name: 'q', value: p.get('q') ?? '', placeholder: 'Words, "a phrase", Onsong OR 온성, NOT China', 'aria-label': 'Search words' });
  const kind = h('select', { id: 'search-kind', name: 'kind' },
    h('option', { value: '' }, 'any kind'),
    KINDS.map((k) => h('option', { value: k, selected: p.getAll('kind')[0] === k }, k)));
  const violation = h('select', { id: 'search-violation', name: 'violation' },
    h('option', { value: '' }, 'any violation'),
    termTree(labels.violations).map(({ term, depth }) =>
      h('option', { value: term.code, selected: p.getAll('violation')[0] === term.code }, `${'\u00a0\u00a0'.repeat(depth)}${termLabel(term, term.code)}`)));
  const from = h('input', { id: 'search-from', name: 'from', value: p.get('from') ?? '', placeholder: 'e.g. 2009, 2009-03', size: 14 });
  const to = h('input', { id: 'search-to', name: 'to', value: p.get('to') ?? '', placeholder: 'e.g. 2015', size: 14 });
  const identities = h('input', { id: 'search-identities', type: 'checkbox', name: 'identities', checked: p.get('identities') === '1' });
  const purpose = h('input', { id: 'search-purpose', name: 'purpose', value: p.get('purpose') ?? '', placeholder: 'why you need to match sealed names', size: 40 });

  const form = h('form', {
    class: 'search-form', role: 'search',
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      const next = new URLSearchParams();
      if (q.value.trim()) next.set('q', q.value.trim());
      // The selects set the first value of their filter; values added from facets are kept.
      for (const param of FILTER_PARAMS) {
        const values = p.getAll(param);
        const select = param === 'kind' ? kind : param === 'violation' ? violation : null;
        if (select) {
          const rest = values.slice(1).filter((v) => v !== select.value);
          if (select.value) next.append(param, select.value);
          rest.forEach((v) => next.append(param, v));
        } else {
          values.forEach((v) => next.append(param, v));
        }
      }
      if (from.value.trim()) next.set('from', from.value.trim());
      if (to.value.trim()) next.set('to', to.value.trim());
      if (identities.checked) {
        next.set('identities', '1');
        next.set('purpose', purpose.value.trim());
      }
      ctx.navigate(`#/search?${next.toString()}`);
    },
  },
    h('div', { class: 'search-row' }, q, h('button', { type: 'submit', class: 'primary' }, 'Search')),
    h('div', { class: 'filter-row' },
      h('label', null, 'Kind ', kind),
      h('label', null, 'Violation ', violation),
      h('label', null, 'From ', from),
      h('label', null, 'To ', to),
    ),
    ctx.session.clearance
      ? h('div', { class: 'filter-row' },
          h('label', null, identities, ' Also match sealed names'),
          h('label', null, 'Purpose ', purpose),
          h('span', { class: 'muted small' }, 'Matching sealed names is recorded in the ledger with your purpose.'))
      : null,
  );

  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  const facets = h('aside', { class: 'facets', 'aria-label': 'Refine' });
  clear(main, h('h1', { tabindex: '-1' }, 'Search'), form, h('div', { class: 'search-body' }, facets, results));

  const hasFilter = FILTER_PARAMS.some((f) => p.getAll(f).length > 0) || p.get('from') || p.get('to');
  if (!p.get('q') && !hasFilter) {
    results.appendChild(h('p', { class: 'muted' }, 'Type words to search for, or choose a filter. Spelling, case and romanization do not matter: Sinuiju finds 신의주.'));
    if (!form.contains(document.activeElement)) q.focus();
    return;
  }

  const offset = Math.max(0, Number(p.get('offset') ?? 0) || 0);
  const query: Record<string, string | string[] | number | undefined> = { q: p.get('q') ?? undefined, limit: PER_PAGE, offset };
  for (const f of FILTER_PARAMS) query[f] = p.getAll(f);
  query.from = p.get('from') ?? undefined;
  query.to = p.get('to') ?? undefined;
  if (p.get('identities') === '1') {
    query.identities = 'true';
    query.purpose = p.get('purpose') ?? '';
  }

  results.appendChild(h('p', { class: 'loading' }, 'Searching…'));
  let answer;
  try {
    answer = await api.search(query);
  } catch (e) {
    if (!ctx.alive()) return;
    clear(results, notice('error', e instanceof ApiError ? e.readable : String(e)));
    return;
  }
  if (!ctx.alive()) return;

  // Active filters, each removable.
  const link = (mutate: (n: URLSearchParams) => void) => {
    const n = new URLSearchParams(p);
    n.delete('offset');
    mutate(n);
    return `#/search?${n.toString()}`;
  };
  const chips = h('ul', { class: 'chips', 'aria-label': 'Active filters' });
  for (const [, param, title] of FACETS) {
    for (const value of p.getAll(param)) {
      chips.appendChild(h('li', null, h('a', {
        class: 'chip', href: link((n) => {
          const rest = n.getAll(param).filter((v) => v !== value);
          n.delete(param);
          rest.forEach((v) => n.append(param, v));
        }), 'aria-label': `Remove filter ${title}: ${valueLabel(labels, param, value)}`,
      }, `${title}: ${valueLabel(labels, param, value)} ✕`)));
    }
  }
  for (const [param, title] of [['from', 'From'], ['to', 'To']] as const) {
    const v = p.get(param);
    if (v) chips.appendChild(h('li', null, h('a', { class: 'chip', href: link((n) => n.delete(param)) }, `${title}: ${v} ✕`)));
  }

  // Facets: every value with its count; a click adds it as a filter.
  clear(facets, h('h2', { class: 'visually-hidden' }, 'Refine by'));
  for (const [facet, param, title] of FACETS) {
    const values = answer.facets[facet] ?? [];
    if (values.length === 0) continue;
    const active = new Set(p.getAll(param));
    const list = h('ul', null, values.slice(0, 12).map((v) => h('li', null,
      active.has(v.value)
        ? h('span', { class: 'facet-active' }, valueLabel(labels, param, v.value), h('span', { class: 'count', title: answer.facets_exact === false ? 'estimated' : undefined }, `${answer.facets_exact === false ? '~' : ''}${v.count}`))
        : h('a', { href: link((n) => n.append(param, v.value)), 'data-facet': `${param}:${v.value}` },
            valueLabel(labels, param, v.value), h('span', { class: 'count', title: answer.facets_exact === false ? 'estimated' : undefined }, `${answer.facets_exact === false ? '~' : ''}${v.count}`)))));
    facets.appendChild(h('section', { class: 'facet', 'data-testid': `facet-${param}` }, h('h3', null, title), list));
  }

  const total = answer.total;
  const first = total === 0 ? 0 : offset + 1;
  const last = offset + answer.hits.length;
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' },
    offset > 0 ? h('a', { href: link((n) => n.set('offset', String(Math.max(0, offset - PER_PAGE)))), rel: 'prev' }, '← Previous') : null,
    h('span', null, total === 0 ? 'No records match.' : `${first}–${last} of ${total}`),
    last < total ? h('a', { href: link((n) => n.set('offset', String(offset + PER_PAGE))), rel: 'next' }, 'Next →') : null,
  );
  clear(results,
    chips.childElementCount ? chips : null,
    answer.behind > 0 ? notice('warn', `The index is ${answer.behind} ledger entries behind (the repository is locked): the newest records may be missing.`) : null,
    p.get('identities') === '1' ? notice('info', 'Sealed names were matched too; this search was recorded in the ledger with your purpose.') : null,
    h('p', { class: 'result-count', 'data-testid': 'result-count' },
      `${answer.total_exact === false ? 'about ' : ''}${total === 1 ? '1 record' : `${total} records`}`),
    h('ol', { class: 'hits', start: String(first) }, answer.hits.map((hit) => hitItem(hit, ctx))),
    pager,
  );
}

function hitItem(hit: SearchHit, ctx: PageContext): HTMLElement {
  const href = `#/record/${encodeURIComponent(hit.id)}`;
  const title = h('a', { href, class: 'hit-title' }, hit.title || hit.id);
  const li = h('li', { class: 'hit', 'data-id': hit.id },
    h('div', { class: 'hit-head' }, h('span', { class: `kind kind-${hit.kind}` }, hit.kind), title, h('span', { class: 'muted small hit-id' }, hit.id)),
    h('dl', { class: 'snippets' }, hit.snippets.map((s) => [
      h('dt', null, s.field),
      h('dd', null, safeSnippet(s.html)),
    ])),
  );
  // The server describes each hit as the account may see it; only an older server leaves the
  // title to a request per hit.
  if (!hit.title) {
    void api.record(hit.id).then(recordTitle).then((t) => {
      if (ctx.alive()) title.textContent = t;
    }).catch(() => undefined);
  }
  return li;
}
