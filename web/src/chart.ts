// Horizontal bar charts as plain SVG: one row per value, the label on the left, the count at the
// bar's end. A bar with a link is an SVG <a>, reachable with Tab like any link.

import { h, svg } from './dom.ts';

export interface Bar {
  label: string;
  count: number;
  href?: string;
  lang?: string;
}

export function barChart(title: string, bars: Bar[], id: string): HTMLElement {
  const figure = h('figure', { class: 'chart', 'data-testid': `chart-${id}` }, h('figcaption', null, title));
  if (bars.length === 0) {
    figure.appendChild(h('p', { class: 'muted' }, 'Nothing recorded yet.'));
    return figure;
  }
  const rowHeight = 22;
  const labelWidth = 230;
  const barArea = 300;
  const width = labelWidth + barArea + 50;
  const height = bars.length * rowHeight + 4;
  const max = Math.max(...bars.map((b) => b.count), 1);
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width: '100%',
    role: 'img',
    'aria-label': `${title}: ${bars.map((b) => `${b.label} ${b.count}`).join(', ')}`,
    class: 'bars',
  });
  bars.forEach((b, i) => {
    const y = i * rowHeight + 2;
    const w = Math.max(2, Math.round((b.count / max) * barArea));
    const label = b.label.length > 34 ? `${b.label.slice(0, 33)}…` : b.label;
    const row = svg('g', { class: 'bar-row' },
      svg('title', {}, `${b.label}: ${b.count}`),
      svg('text', { x: labelWidth - 8, y: y + rowHeight / 2 + 4, 'text-anchor': 'end', class: 'bar-label', ...(b.lang ? { lang: b.lang } : {}) }, label),
      svg('rect', { x: labelWidth, y: y + 3, width: w, height: rowHeight - 6, rx: 2, class: 'bar' }),
      svg('text', { x: labelWidth + w + 6, y: y + rowHeight / 2 + 4, class: 'bar-count' }, String(b.count)),
    );
    if (b.href) {
      const a = svg('a', { href: b.href, 'aria-label': `${b.label}: ${b.count}` }, row);
      chart.appendChild(a);
    } else {
      chart.appendChild(row);
    }
  });
  figure.appendChild(chart);
  return figure;
}
