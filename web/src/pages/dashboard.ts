// The dashboard: counts of acts by violation type, year and province, records by kind and
// sources by type (GET /api/v1/stats), and the newest ledger entries (GET /api/v1/ledger).

import { api, ApiError, type Counted, type LedgerEntry } from '../api.ts';
import { h, clear, notice, formatTime } from '../dom.ts';
import { barChart, type Bar } from '../chart.ts';
import { vocabulary, termLabel, refLabel } from '../labels.ts';
import type { PageContext } from '../main.ts';

const RECENT = 15;

export async function renderDashboard(main: HTMLElement, ctx: PageContext): Promise<void> {
  const charts = h('div', { class: 'charts' }, h('p', { class: 'loading' }, 'Loading counts…'));
  const activity = h('section', { class: 'activity', 'aria-labelledby': 'activity-h' },
    h('h2', { id: 'activity-h' }, 'Recent activity'), h('p', { class: 'loading' }, 'Loading the ledger…'));
  clear(main, h('h1', { tabindex: '-1' }, 'Dashboard'), charts, activity);

  const stats = await api.stats();
  if (!ctx.alive()) return;
  const [violations, sourceTypes] = await Promise.all([
    vocabulary('violation_types').catch(() => new Map()),
    vocabulary('source_types').catch(() => new Map()),
  ]);
  const provinces = await Promise.all(stats.acts_by_province.map(async (c) => ({ ...c, label: await refLabel(c.key) })));
  if (!ctx.alive()) return;

  const byCount = (a: Counted, b: Counted) => b.count - a.count;
  const search = (params: Record<string, string>) => `#/search?${new URLSearchParams(params).toString()}`;
  const violationBars: Bar[] = [...stats.acts_by_violation].sort(byCount).map((c) => ({
    label: termLabel(violations.get(c.key), c.key), count: c.count, href: search({ kind: 'act', violation: c.key }),
  }));
  const yearBars: Bar[] = [...stats.acts_by_year].sort((a, b) => a.key.localeCompare(b.key)).map((c) => ({
    label: c.key, count: c.count, href: search({ kind: 'act', from: c.key, to: c.key }),
  }));
  const provinceBars: Bar[] = provinces.sort(byCount).map((c) => ({
    label: c.label, count: c.count, href: search({ kind: 'act', place: c.key }),
  }));
  const kindBars: Bar[] = [...stats.records_by_kind].sort(byCount).map((c) => ({
    label: c.key, count: c.count, href: `#/browse?kind=${encodeURIComponent(c.key)}`,
  }));
  const sourceBars: Bar[] = [...stats.sources_by_type].sort(byCount).map((c) => ({
    label: termLabel(sourceTypes.get(c.key), c.key), count: c.count, href: search({ kind: 'source', source_type: c.key }),
  }));
  clear(charts,
    barChart('Acts by violation type', violationBars, 'violation'),
    barChart('Acts by year', yearBars, 'year'),
    barChart('Acts by province', provinceBars, 'province'),
    barChart('Records by kind', kindBars, 'kind'),
    barChart('Sources by type', sourceBars, 'source-type'),
  );

  const size = stats.ledger.size;
  try {
    const tail = await api.ledger(Math.max(0, size - RECENT), RECENT);
    if (!ctx.alive()) return;
    clear(activity, h('h2', { id: 'activity-h' }, 'Recent activity'),
      h('p', { class: 'muted' }, `The ledger holds ${tail.size} entries; root ${tail.root.slice(0, 16)}…`),
      activityTable([...tail.entries].reverse()));
  } catch (e) {
    if (!ctx.alive()) return;
    clear(activity, h('h2', { id: 'activity-h' }, 'Recent activity'),
      notice('warn', e instanceof ApiError ? e.readable : String(e)));
  }
}

function activityTable(entries: LedgerEntry[]): HTMLElement {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data', 'data-testid': 'activity' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Entry'), h('th', { scope: 'col' }, 'When'),
      h('th', { scope: 'col' }, 'Who'), h('th', { scope: 'col' }, 'What'), h('th', { scope: 'col' }, 'Why'))),
    h('tbody', null, entries.map((e) => {
      const x = e.entry;
      const op = String(x.op ?? '');
      let what: (Node | string)[] = [op];
      if (x.id && typeof x.id === 'string') {
        what = [`${op} ${String(x.kind ?? '')} `, h('a', { href: `#/record/${encodeURIComponent(x.id)}` }, x.id)];
      } else if (op === 'account' && typeof x.account === 'string') {
        what = [`account ${x.account} (${String(x.role ?? '')}${x.clearance ? ', identity clearance' : ''}${x.disabled ? ', disabled' : ''})`];
      } else if (op === 'access') {
        const records = Array.isArray(x.records) ? (x.records as string[]) : [];
        what = [`${op} (${String(x.scope ?? '')}) `, ...records.slice(0, 3).flatMap((id) =>
          id === '*' ? ['every identity '] : [h('a', { href: `#/record/${encodeURIComponent(id)}` }, id), ' '])];
      }
      const why = typeof x.reason === 'string' ? x.reason : typeof x.purpose === 'string' ? `purpose: ${x.purpose}` : '';
      return h('tr', null, h('td', null, String(e.seq)), h('td', null, formatTime(x.at)), h('td', null, String(x.by ?? '')),
        h('td', null, what), h('td', null, why));
    })),
  ));
}
