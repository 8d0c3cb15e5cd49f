// The access audit (#/audit): every reading of sealed identities, newest first, from the
// ledger's access entries (GET /api/v1/audit): reveals, searches of sealed names, exports with
// identities and record-linkage runs, each with who, when and the purpose they gave. Filters are
// the API's own: one account, one record (`*`: full exports and linkage runs, which read every
// identity). Admins and legal officers may read it; anyone else gets the server's refusal.
//
// Pages follow the API's cursor: an answer's `next` (the ledger entry of the page's oldest
// event, present when older events exist) is passed as `before` for the next page. The ledger
// only grows at the new end, so an older page never shifts when new readings are written. The
// hash keeps the cursors of the pages walked through, comma-separated and oldest first
// (`#/audit?before=368,317` is the third page): "Newer" drops the last one and "Newest" all of
// them. `limit` sets the page size (default 50, at most the API's 1000).

import { api, ApiError, type AccessEvent } from '../api.ts';
import { h, clear, notice, formatTime } from '../dom.ts';
import { cursorStack, hashWith } from '../paging.ts';
import type { PageContext } from '../main.ts';

export const PER_PAGE = 50;
const API_MAX = 1000;

const SCOPES: Record<string, string> = {
  show: 'reveal',
  search: 'search of sealed names',
  link: 'record linkage run',
  'export:disclosure': 'disclosure export',
  'export:full': 'full export',
};

export function scopeLabel(scope: string): string {
  return SCOPES[scope] ?? (scope.startsWith('export:') ? `export (${scope.slice(7)})` : scope);
}

export async function renderAudit(main: HTMLElement, ctx: PageContext): Promise<void> {
  const p = ctx.params;
  const account = p.get('account')?.trim() ?? '';
  const record = p.get('record')?.trim() ?? '';
  const limit = Math.min(API_MAX, Math.max(1, Math.floor(Number(p.get('limit') ?? PER_PAGE)) || PER_PAGE));
  const stack = cursorStack(p.get('before')).filter((c) => /^\d+$/.test(c)).map(Number);
  const before = stack.at(-1);
  const per = limit === PER_PAGE ? undefined : limit;

  const accountIn = h('input', { id: 'audit-account', name: 'account', value: account, size: 16, autocomplete: 'off', placeholder: 'e.g. admin' });
  const recordIn = h('input', { id: 'audit-record', name: 'record', value: record, size: 28, autocomplete: 'off', placeholder: 'an id, or * for all', title: 'A record id; * lists full exports and linkage runs, which read every identity' });
  const form = h('form', {
    class: 'filter-row',
    'aria-label': 'Filter the audit',
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      ctx.navigate(link({ account: accountIn.value.trim(), record: recordIn.value.trim(), limit: per }));
    },
  },
    h('label', null, 'Account ', accountIn),
    h('label', null, 'Record ', recordIn),
    h('button', { type: 'submit' }, 'Filter'),
    account || record ? h('a', { href: link({ limit: per }) }, 'Clear the filters') : null);

  const results = h('div', { class: 'results' }, h('p', { class: 'loading' }, 'Loading the audit…'));
  clear(main, h('h1', { tabindex: '-1' }, 'Access audit'),
    h('p', { class: 'muted' }, 'Who read sealed identities, when, and with what purpose: each reveal, search of sealed names, export with identities and record-linkage run is a ledger entry written before anything was shown, so this list is as tamper-evident as the records.'),
    form, results);

  let events: AccessEvent[];
  let next: number | undefined;
  try {
    ({ events, next } = await api.audit({ account: account || undefined, record: record || undefined, limit, before }));
  } catch (e) {
    if (!ctx.alive()) return;
    if (e instanceof ApiError && e.status === 403) {
      clear(results, notice('error', `${e.readable}. The access audit is for admins and legal officers.`));
    } else {
      clear(results, notice('error', e instanceof ApiError ? e.readable : String(e)));
    }
    return;
  }
  if (!ctx.alive()) return;

  const start = stack.length * limit;
  const filters = [account ? `by ${account}` : '', record ? (record === '*' ? 'of every identity' : `naming ${record}`) : ''].filter(Boolean).join(', ');
  const newest = link({ account, record, limit: per });

  if (events.length === 0 && before === undefined) {
    clear(results, h('p', { 'data-testid': 'audit-count' }, filters ? `No readings ${filters}.` : 'No one has read a sealed identity yet.'));
    return;
  }
  if (events.length === 0) {
    clear(results, notice('info', `There are no readings${filters ? ` ${filters}` : ''} before ledger entry ${before}. `, h('a', { href: newest }, 'Newest readings')));
    return;
  }

  clear(results,
    h('p', { 'data-testid': 'audit-count' }, `Readings ${start + 1}–${start + events.length}${filters ? `, ${filters}` : ''}, newest first.`),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data audit', 'data-testid': 'audit' },
      h('thead', null, h('tr', null, ['When', 'Ledger entry', 'Account', 'What', 'Records', 'Purpose'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, events.map((e) => h('tr', { 'data-seq': String(e.seq), 'data-testid': 'audit-row' },
        h('td', { class: 'nowrap' }, formatTime(e.at)),
        h('td', null, String(e.seq)),
        h('td', null, h('a', { href: link({ account: e.account, record, limit: per }), title: `Only readings by ${e.account}` }, e.account)),
        h('td', null, h('span', { class: `scope scope-${e.scope.replace(/[^a-z]/g, '-')}` }, scopeLabel(e.scope))),
        h('td', null, recordsCell(e.records, account, per)),
        h('td', { class: 'purpose' }, e.purpose)))))),
    h('nav', { class: 'pager', 'aria-label': 'Pages' },
      stack.length > 1 ? h('a', { href: newest, rel: 'first' }, '« Newest') : null,
      stack.length > 0 ? h('a', { href: link({ account, record, limit: per, before: stack.slice(0, -1) }), rel: 'prev' }, '← Newer') : null,
      h('span', null, `Page ${stack.length + 1}`),
      next !== undefined ? h('a', { href: link({ account, record, limit: per, before: [...stack, next] }), rel: 'next' }, 'Older →') : null));
}

function recordsCell(records: string[], account: string, limit: number | undefined): (Node | string)[] {
  if (records.length === 1 && records[0] === '*') {
    return [h('a', { href: link({ account, record: '*', limit }), title: 'Only readings of every identity' }, 'every identity')];
  }
  if (records.length === 0) return ['none (nothing matched)'];
  const items = (ids: string[]) => ids.map((id) => h('li', null,
    h('a', { href: `#/record/${encodeURIComponent(id)}` }, id), ' ',
    h('a', { href: link({ account, record: id, limit }), class: 'small', 'aria-label': `Only readings naming ${id}` }, '(filter)')));
  if (records.length <= 5) return [h('ul', { class: 'plain' }, items(records))];
  return [h('ul', { class: 'plain' }, items(records.slice(0, 3))),
    h('details', null, h('summary', null, `and ${records.length - 3} more`), h('ul', { class: 'plain' }, items(records.slice(3))))];
}

/** The audit's hash: filters, the page size when not the default, and the cursors walked. */
function link(q: { account?: string; record?: string; limit?: number; before?: number[] }): string {
  const n = new URLSearchParams();
  if (q.account) n.set('account', q.account);
  if (q.record) n.set('record', q.record);
  if (q.limit) n.set('limit', String(q.limit));
  if (q.before?.length) n.set('before', q.before.join(','));
  return hashWith('#/audit', n);
}
