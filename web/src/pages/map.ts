// The map of places (#/map): the gazetteer's provinces and counties as points from their
// coordinates, on country outlines shipped with the app (Natural Earth via world-atlas,
// extracted at build time: map/outline.ts). No tiles, nothing from another origin. Provinces
// are sized by the acts recorded in them (GET /api/v1/stats, acts_by_province); counties,
// cities, detention facilities and border crossings are small points, in layers that can be
// switched off. Every point is focusable, with a label; selecting one shows its names (Hangul
// and Latin), its count of acts and a link to browse them (the place filter includes the
// places within it). A table under the map lists the provinces with the same counts.
//
// Projection: Mercator over the box of the outline, which is small enough (13° by 7.5°) for
// any projection to look right; Mercator keeps the shapes familiar.

import outline from 'virtual:map-outline';
import { api, ApiError, type Term } from '../api.ts';
import { h, clear, notice, svg } from '../dom.ts';
import { namedRecords, vocabulary, termLabel, koreanName, type Named } from '../labels.ts';
import type { Point } from '../../map/outline.ts';
import type { PageContext } from '../main.ts';

const WIDTH = 1000;
const PROVINCE_TYPES = new Set(['province', 'special_city', 'china_province']);

interface Layer {
  key: string;
  label: string;
  types: Set<string>;
  on: boolean;
}

const LAYERS: Layer[] = [
  { key: 'counties', label: 'Counties and cities', types: new Set(['county', 'city', 'district', 'town', 'china_prefecture', 'china_city']), on: true },
  { key: 'facilities', label: 'Detention facilities', types: new Set(['detention_facility']), on: false },
  { key: 'crossings', label: 'Border crossings', types: new Set(['border_crossing']), on: false },
];

const COUNTRY_LABELS: [string, number, number][] = [
  ['CHINA', 121.2, 43.3],
  ['NORTH KOREA', 127.35, 39.45],
  ['SOUTH KOREA', 128.9, 37.25],
  ['RUSSIA', 131.45, 43.9],
];
const SEA_LABELS: [string, number, number][] = [
  ['Yellow Sea', 123.2, 38.1],
  ['East Sea (Sea of Japan)', 130.4, 39.6],
  ['Korea Bay', 123.4, 39.3],
];

const mercator = (lat: number) => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));

export interface Projection {
  width: number;
  height: number;
  xy: (lon: number, lat: number) => [number, number];
}

export function projection(width = WIDTH): Projection {
  const { west, east, south, north } = outline.box;
  const top = mercator(north);
  const span = top - mercator(south);
  const scale = width / (((east - west) * Math.PI) / 180);
  return {
    width,
    height: Math.round(span * scale),
    xy: (lon, lat) => [((lon - west) * Math.PI / 180) * scale, (top - mercator(lat)) * scale],
  };
}

const r1 = (n: number) => Math.round(n * 10) / 10;

function pathOf(polygons: Point[][][], p: Projection): string {
  return polygons.map((rings) => rings.map((ring) => ring.map(([lon, lat], i) => {
    const [x, y] = p.xy(lon, lat);
    return `${i === 0 ? 'M' : 'L'}${r1(x)} ${r1(y)}`;
  }).join('') + 'Z').join('')).join('');
}

/** A province's radius: the area grows with the count; a province without acts is a ring. */
function radius(count: number, max: number): number {
  return count === 0 ? 5 : 7 + 17 * Math.sqrt(count / Math.max(max, 1));
}

export async function renderMap(main: HTMLElement, ctx: PageContext): Promise<void> {
  clear(main, h('h1', { tabindex: '-1' }, 'Map of places'), h('p', { class: 'loading' }, 'Loading the places and counts…'));
  let places: Map<string, Named>;
  let byProvince: Map<string, number>;
  let types: Map<string, Term>;
  try {
    const [all, stats, placeTypes] = await Promise.all([namedRecords('place'), api.stats(), vocabulary('place_types').catch(() => new Map<string, Term>())]);
    places = all;
    byProvince = new Map(stats.acts_by_province.map((c) => [c.key, c.count]));
    types = placeTypes;
  } catch (e) {
    if (ctx.alive()) main.appendChild(notice('error', e instanceof ApiError ? e.readable : String(e)));
    return;
  }
  if (!ctx.alive()) return;

  const p = projection();
  const { west, east, south, north } = outline.box;
  const inBox = (n: Named) => n.lat !== undefined && n.lon !== undefined && n.lon >= west && n.lon <= east && n.lat >= south && n.lat <= north;
  const located = [...places.values()].filter(inBox);
  const provinces = located.filter((n) => n.type && PROVINCE_TYPES.has(n.type)).sort((a, b) => a.label.localeCompare(b.label));
  const max = Math.max(0, ...provinces.map((n) => byProvince.get(n.id) ?? 0));
  const typeWord = (n: Named) => termLabel(types.get(n.type ?? ''), n.type ?? 'place').toLowerCase();
  const parentName = (n: Named) => (n.parent ? places.get(n.parent)?.label : undefined);

  const info = h('aside', { class: 'map-info', 'aria-live': 'polite', 'data-testid': 'map-info', 'aria-labelledby': 'map-info-h' },
    h('h2', { id: 'map-info-h' }, 'Select a place'),
    h('p', { class: 'muted' }, 'Click a point, or move to it with Tab and press Enter, to see its names, how many acts are recorded there and a link to them.'));

  const chart = svg('svg', {
    viewBox: `0 0 ${p.width} ${p.height}`, class: 'map', 'data-testid': 'map',
    role: 'group', 'aria-label': `Map of the Korean peninsula and north-east China: ${provinces.length} provinces sized by acts recorded, and ${located.length - provinces.length} other places`,
  });
  chart.appendChild(svg('rect', { x: 0, y: 0, width: p.width, height: p.height, class: 'sea' }));
  for (const c of outline.countries) {
    chart.appendChild(svg('path', { d: pathOf(c.polygons, p), class: `country country-${c.id}`, 'data-country': c.name, 'fill-rule': 'evenodd' }, svg('title', {}, c.name)));
  }
  for (const [text, lon, lat] of SEA_LABELS) {
    const [x, y] = p.xy(lon, lat);
    chart.appendChild(svg('text', { x: r1(x), y: r1(y), class: 'sea-label', 'text-anchor': 'middle', 'aria-hidden': 'true' }, text));
  }
  for (const [text, lon, lat] of COUNTRY_LABELS) {
    const [x, y] = p.xy(lon, lat);
    chart.appendChild(svg('text', { x: r1(x), y: r1(y), class: 'country-label', 'text-anchor': 'middle', 'aria-hidden': 'true' }, text));
  }

  let selected: SVGElement | null = null;
  const choose = (n: Named, el: SVGElement) => {
    selected?.classList.remove('selected');
    selected = el;
    el.classList.add('selected');
    void showInfo(n);
  };
  const point = (n: Named, cls: string, label: string, shape: SVGElement, extra: Record<string, string | number> = {}): SVGElement => {
    const g = svg('g', { class: `point ${cls}`, tabindex: 0, role: 'button', 'aria-label': label, 'data-place': n.id, ...extra }, svg('title', {}, label), shape);
    g.addEventListener('click', () => choose(n, g));
    g.addEventListener('keydown', (ev) => {
      const key = (ev as KeyboardEvent).key;
      if (key === 'Enter' || key === ' ') {
        ev.preventDefault();
        choose(n, g);
      }
    });
    return g;
  };

  // Provinces first: they come first with Tab, and the small points are drawn over them.
  const provinceLayer = svg('g', { class: 'layer layer-provinces' });
  const provinceLabels = svg('g', { class: 'layer layer-province-labels', 'aria-hidden': 'true' });
  for (const n of [...provinces].sort((a, b) => (byProvince.get(b.id) ?? 0) - (byProvince.get(a.id) ?? 0))) {
    const count = byProvince.get(n.id) ?? 0;
    const [x, y] = p.xy(n.lon!, n.lat!);
    const r = radius(count, max);
    const ko = koreanName(n.names);
    const label = `${n.label}${ko ? ` (${ko})` : ''}, ${typeWord(n)}: ${count} ${count === 1 ? 'act' : 'acts'}`;
    provinceLayer.appendChild(point(n, `point-province${count === 0 ? ' empty' : ''}`, label,
      svg('g', {}, svg('circle', { cx: r1(x), cy: r1(y), r: r1(r) }),
        count > 0 && r >= 10 ? svg('text', { x: r1(x), y: r1(y + 4), 'text-anchor': 'middle', class: 'point-count', 'aria-hidden': 'true' }, String(count)) : null),
      { 'data-testid': 'province-point', 'data-count': count }));
    provinceLabels.appendChild(svg('text', { x: r1(x + r + 3), y: r1(y + 4), class: 'province-label' }, n.label));
  }
  chart.append(provinceLayer);

  const layerGroups = new Map<string, SVGElement>();
  for (const layer of LAYERS) {
    const g = svg('g', { class: `layer layer-${layer.key}`, 'data-layer': layer.key });
    for (const n of located.filter((x) => x.type && layer.types.has(x.type)).sort((a, b) => a.label.localeCompare(b.label))) {
      const [x, y] = p.xy(n.lon!, n.lat!);
      const ko = koreanName(n.names);
      const parent = parentName(n);
      const label = `${n.label}${ko ? ` (${ko})` : ''}, ${typeWord(n)}${parent ? ` in ${parent}` : ''}`;
      const shape = layer.key === 'crossings'
        ? svg('path', { d: `M${r1(x)} ${r1(y - 4.5)}L${r1(x + 4)} ${r1(y + 3)}L${r1(x - 4)} ${r1(y + 3)}Z` })
        : layer.key === 'facilities'
          ? svg('rect', { x: r1(x - 3), y: r1(y - 3), width: 6, height: 6 })
          : svg('circle', { cx: r1(x), cy: r1(y), r: 2.6 });
      g.appendChild(point(n, `point-${layer.key}`, label, shape));
    }
    if (!layer.on) g.setAttribute('display', 'none');
    layerGroups.set(layer.key, g);
    chart.appendChild(g);
  }
  chart.appendChild(provinceLabels);

  const toggles = h('fieldset', { class: 'map-layers' }, h('legend', null, 'Show'),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', checked: true, disabled: true }), ' Provinces (sized by acts)'),
    LAYERS.map((layer) => {
      const box = h('input', { type: 'checkbox', checked: layer.on, id: `layer-${layer.key}` });
      box.addEventListener('change', () => {
        const g = layerGroups.get(layer.key);
        if (box.checked) g?.removeAttribute('display');
        else g?.setAttribute('display', 'none');
      });
      return h('label', { class: 'check', for: `layer-${layer.key}` }, box, ` ${layer.label}`);
    }));

  const table = h('table', { class: 'data province-table', 'data-testid': 'province-table' },
    h('caption', null, 'Acts by province (the same counts as the map)'),
    h('thead', null, h('tr', null, ['Province', 'Hangul', 'Acts', ''].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, [...provinces].sort((a, b) => (byProvince.get(b.id) ?? 0) - (byProvince.get(a.id) ?? 0) || a.label.localeCompare(b.label)).map((n) => {
      const count = byProvince.get(n.id) ?? 0;
      return h('tr', { 'data-place': n.id },
        h('th', { scope: 'row' }, h('a', { href: `#/record/${encodeURIComponent(n.id)}` }, n.label)),
        h('td', { lang: 'ko' }, koreanName(n.names) ?? ''),
        h('td', { class: 'num' }, String(count)),
        h('td', null, count > 0 ? h('a', { href: browseLink(n.id) }, 'Browse the acts') : ''));
    })));

  clear(main, h('h1', { tabindex: '-1' }, 'Map of places'),
    h('p', { class: 'muted' }, 'Provinces are sized by the acts recorded in them or in the places within them; counties, cities and other places are small points. Coordinates are points, never boundaries.'),
    toggles,
    h('div', { class: 'map-layout' },
      h('figure', { class: 'map-figure' }, chart,
        h('figcaption', { class: 'map-attribution', 'data-testid': 'map-attribution' },
          h('span', null, 'Country outlines: Made with Natural Earth (1:50m, public domain), via world-atlas. '),
          h('span', null, 'Provinces and counties: Open Admin Data (north-korea-administrative-divisions), ',
            h('a', { href: 'https://creativecommons.org/licenses/by/4.0/', rel: 'license noreferrer' }, 'CC BY 4.0'),
            ', converted into Custodian\'s gazetteer; facilities, crossings and Chinese places from public reports.'))),
      info),
    table);

  async function showInfo(n: Named): Promise<void> {
    const ko = n.names.filter((x) => x.lang === 'ko').map((x) => x.text);
    const latin = n.names.filter((x) => x.lang === 'ko-Latn' || (x.lang === 'en' && x.text !== n.label)).map((x) => x.text);
    const zh = n.names.filter((x) => x.lang === 'zh').map((x) => x.text);
    const parent = parentName(n);
    const isProvince = n.type !== undefined && PROVINCE_TYPES.has(n.type);
    const countLine = h('p', { 'data-testid': 'map-info-count' }, isProvince ? '' : 'Counting the acts…');
    clear(info,
      h('h2', { id: 'map-info-h', 'data-testid': 'map-info-name' }, n.label),
      h('dl', { class: 'place-names' },
        ko.length ? [h('dt', null, 'Hangul'), h('dd', { lang: 'ko', 'data-testid': 'map-info-hangul' }, ko.join(' · '))] : null,
        latin.length ? [h('dt', null, 'Latin'), h('dd', null, latin.join(' · '))] : null,
        zh.length ? [h('dt', null, 'Chinese'), h('dd', { lang: 'zh' }, zh.join(' · '))] : null,
        h('dt', null, 'Type'), h('dd', null, typeWord(n), parent ? ` in ${parent}` : ''),
        h('dt', null, 'Point'), h('dd', null, `${n.lat?.toFixed(3)}° N, ${n.lon?.toFixed(3)}° E`)),
      countLine,
      h('p', null, h('a', { href: browseLink(n.id), 'data-testid': 'map-info-browse' }, `Browse the acts in ${n.label}`),
        ' (places within it included) · ', h('a', { href: `#/record/${encodeURIComponent(n.id)}` }, 'the place record')));
    if (isProvince) {
      const count = byProvince.get(n.id) ?? 0;
      clear(countLine, h('strong', null, String(count)), ` ${count === 1 ? 'act is' : 'acts are'} recorded in this ${typeWord(n)}.`);
      return;
    }
    try {
      const answer = await api.records({ kind: 'act', place: n.id, limit: 1 });
      if (!ctx.alive() || !info.contains(countLine)) return;
      clear(countLine, h('strong', null, String(answer.total)), ` ${answer.total === 1 ? 'act is' : 'acts are'} recorded here or in places within it.`);
    } catch (e) {
      if (ctx.alive()) clear(countLine, e instanceof ApiError ? e.readable : String(e));
    }
  }
}

function browseLink(id: string): string {
  return `#/browse?kind=act&place=${encodeURIComponent(id)}`;
}
