// Lists of records by kind (GET /api/v1/records) with its filters (type, place, date,
// refers_to), the fields they read being the server's schema's (`projected`), in pages of 50 in
// id order. Pages follow the API's cursor (paging.ts): an answer's `next` (the page's last id)
// is passed as `after` for the page that follows, which costs the server the same however deep;
// the hash keeps the cursors walked (`#/browse?kind=place&after=A,B` is the third page), so that
// "Previous" drops the last one, "First page" all of them, and the position shown ("101–150 of
// 242") is their count times the page size.

import { api, ApiError, type RecordView } from '../api.ts';
import { h, clear, notice, formatTime } from '../dom.ts';
import { KINDS, vocabulary, termLabel, termTree, namedRecords, recordTitle, humanDate, refLabel } from '../labels.ts';
import { fieldsOf, projectedField, type FieldSpec } from '../schema.ts';
import { cursorStack, hashWith } from '../paging.ts';
import type { PageContext } from '../main.ts';

const PER_PAGE = 50;

export async function renderBrowse(main: HTMLElement, ctx: PageContext): Promise<void> {
  const p = ctx.params;
  const kind = p.get('kind') ?? '';
  const stack = cursorStack(p.get('after'));
  const after = stack.at(-1);

  // Which field of the kind the list's type and place filters read: the server's schema says.
  const fields: FieldSpec[] = kind ? await fieldsOf(kind).catch(() => []) : [];
  if (!ctx.alive()) return;
  const typeSpec = projectedField(fields, 'type');
  const typeField = typeSpec?.name;
  const vocabName = typeSpec?.vocabulary;
  const placeField = projectedField(fields, 'place')?.name;
  const [terms, places] = await Promise.all([
    vocabName ? vocabulary(vocabName).catch(() => new Map()) : Promise.resolve(new Map()),
    namedRecords('place').catch(() => new Map()),
  ]);
  if (!ctx.alive()) return;

  const tabs = h('nav', { class: 'tabs', 'aria-label': 'Kinds' }, h('ul', null, KINDS.map((k) =>
    h('li', null, h('a', { href: `#/browse?kind=${k}`, 'aria-current': k === kind ? 'page' : undefined }, `${k}s`)))));

  const type = h('select', { id: 'browse-type', name: 'type' }, h('option', { value: '' }, 'any'),
    termTree(terms).map(({ term, depth }) => h('option', { value: term.code, selected: p.get('type') === term.code },
      `${'\u00a0\u00a0'.repeat(depth)}${termLabel(term, term.code)}`)));
  const placeSelect = h('select', { id: 'browse-place', name: 'place' }, h('option', { value: '' }, 'anywhere'),
    [...places.values()].filter((pl) => pl.id.startsWith('plc-kp') || pl.id.startsWith('plc-cn'))
      .sort((a, b) => a.label.localeCompare(b.label))
      .map((pl) => h('option', { value: pl.id, selected: p.get('place') === pl.id }, pl.label)));
  if (p.get('place') && !placeSelect.value) placeSelect.append(h('option', { value: p.get('place') ?? '', selected: true }, p.get('place') ?? ''));
  const date = h('input', { id: 'browse-date', name: 'date', value: p.get('date') ?? '', placeholder: 'e.g. 2009, spring 2009', size: 14 });
  const form = h('form', {
    class: 'filter-row',
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      // New filters start from the first page.
      const n = new URLSearchParams();
      if (kind) n.set('kind', kind);
      if (typeField && type.value) n.set('type', type.value);
      if (placeSelect.value) n.set('place', placeSelect.value);
      if (date.value.trim()) n.set('date', date.value.trim());
      if (p.get('refers_to')) n.set('refers_to', p.get('refers_to') ?? '');
      ctx.navigate(hashWith('#/browse', n));
    },
  },
    typeField ? h('label', null, `${typeField} `, type) : null,
    placeField || !kind ? h('label', null, 'Place ', placeSelect) : null,
    h('label', null, 'Date ', date),
    h('button', { type: 'submit' }, 'Filter'),
  );

  const results = h('div', { class: 'results' }, h('p', { class: 'loading' }, 'Loading…'));
  clear(main, h('h1', { tabindex: '-1' }, kind ? `Browse ${kind}s` : 'Browse records'), tabs, form,
    p.get('refers_to') ? h('p', null, `Referring to ${p.get('refers_to')} `, h('a', { href: `#/browse?kind=${kind}` }, '(clear)')) : null,
    results);

  let answer;
  try {
    answer = await api.records({
      kind: kind || undefined, type: p.get('type') ?? undefined, place: p.get('place') ?? undefined,
      date: p.get('date') ?? undefined, refers_to: p.get('refers_to') ?? undefined, limit: PER_PAGE, after,
    });
  } catch (e) {
    if (ctx.alive()) clear(results, notice('error', e instanceof ApiError ? e.readable : String(e)));
    return;
  }
  if (!ctx.alive()) return;

  const rows = await Promise.all(answer.records.map((v) => row(v)));
  if (!ctx.alive()) return;
  const page = (cursors: string[]) => {
    const n = new URLSearchParams(p);
    n.delete('offset');
    if (cursors.length) n.set('after', cursors.join(','));
    else n.delete('after');
    return hashWith('#/browse', n);
  };
  const first = stack.length * PER_PAGE;
  const last = first + answer.records.length;
  if (answer.records.length === 0 && stack.length > 0) {
    clear(results, notice('info', `No ${kind ? `${kind}s` : 'records'} follow ${after}. `, h('a', { href: page([]), rel: 'first' }, 'First page')));
    return;
  }
  clear(results,
    h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-testid': 'browse' },
      h('thead', null, h('tr', null, ['Record', 'Id', 'Date', 'Place', 'Last written'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows))),
    h('nav', { class: 'pager', 'aria-label': 'Pages' },
      stack.length > 1 ? h('a', { href: page([]), rel: 'first' }, '« First page') : null,
      stack.length > 0 ? h('a', { href: page(stack.slice(0, -1)), rel: 'prev' }, '← Previous') : null,
      h('span', null, answer.total === 0 ? 'No records.' : `${first + 1}–${last} of ${answer.total}`),
      answer.next ? h('a', { href: page([...stack, answer.next]), rel: 'next' }, 'Next →') : null));
}

async function row(v: RecordView): Promise<HTMLElement> {
  const r = v.record;
  const placeId = (r.place ?? r.location ?? r.origin) as string | undefined;
  return h('tr', { 'data-id': r.id },
    h('td', null, h('a', { href: `#/record/${encodeURIComponent(r.id)}` }, await recordTitle(v)),
      r.sealed?.length ? h('span', { class: 'muted small' }, ` (sealed: ${r.sealed.join(', ')})`) : null),
    h('td', null, h('code', null, r.id)),
    h('td', null, typeof r.date === 'string' ? humanDate(r.date) : ''),
    h('td', null, placeId ? await refLabel(placeId) : ''),
    h('td', null, `${formatTime(v.at)} by ${v.by}`));
}
