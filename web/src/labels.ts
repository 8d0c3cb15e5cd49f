// Readable labels: vocabulary terms, names of places and organizations, and fuzzy dates. Each
// vocabulary and the place and organization lists are fetched once per page load and cached.

import { api, type Name, type Term, type RecordView } from './api.ts';

export const KINDS = ['act', 'incident', 'person', 'source', 'place', 'organization', 'post', 'claim', 'dossier'];

const PREFIX_KIND: Record<string, string> = {
  act: 'act', inc: 'incident', per: 'person', src: 'source', plc: 'place', org: 'organization',
  pst: 'post', clm: 'claim', dos: 'dossier',
};

/** The kind a record id names by its prefix, or null when it is not a record id. */
export function kindOfId(id: string): string | null {
  const m = /^([a-z]{3})-[a-z0-9][a-z0-9-]*$/.exec(id);
  return m ? (PREFIX_KIND[m[1]] ?? null) : null;
}

const vocabularies = new Map<string, Promise<Map<string, Term>>>();

export function vocabulary(name: string): Promise<Map<string, Term>> {
  let v = vocabularies.get(name);
  if (!v) {
    v = api.vocabulary(name).then((answer) => new Map(answer.terms.map((t) => [t.code, t])));
    v.catch(() => vocabularies.delete(name));
    vocabularies.set(name, v);
  }
  return v;
}

export function termLabel(term: Term | undefined, code: string): string {
  return term?.label?.en ?? term?.label?.ko ?? code;
}

/** Terms in tree order with their depth, for pickers that show the hierarchy. */
export function termTree(terms: Map<string, Term>): { term: Term; depth: number }[] {
  const children = new Map<string | null, Term[]>();
  for (const t of terms.values()) {
    const parent = t.parent && terms.has(t.parent) ? t.parent : null;
    children.set(parent, [...(children.get(parent) ?? []), t]);
  }
  const out: { term: Term; depth: number }[] = [];
  const walk = (parent: string | null, depth: number): void => {
    for (const t of children.get(parent) ?? []) {
      out.push({ term: t, depth });
      walk(t.code, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

export interface Named {
  id: string;
  kind: string;
  label: string;
  names: Name[];
  parent?: string;
  /** A place's type (place_types) and point, when it has them. */
  type?: string;
  lat?: number;
  lon?: number;
}

const lists = new Map<string, Promise<Map<string, Named>>>();

/** Every record of a kind with public names (places, organizations), paged 1000 at a time. */
export function namedRecords(kind: 'place' | 'organization'): Promise<Map<string, Named>> {
  let p = lists.get(kind);
  if (!p) {
    p = (async () => {
      const out = new Map<string, Named>();
      // The API's cursor: each page's `next` is where the following one starts.
      for (let after: string | undefined; ;) {
        const page = await api.records({ kind, limit: 1000, after });
        for (const r of page.records) out.set(r.record.id, toNamed(r));
        if (!page.next || page.records.length === 0) break;
        after = page.next;
      }
      return out;
    })();
    p.catch(() => lists.delete(kind));
    lists.set(kind, p);
  }
  return p;
}

/** Forgets the cached lists, e.g. after a record was added. */
export function forgetNamed(): void {
  lists.clear();
}

function toNamed(r: RecordView): Named {
  const names = (r.record.names as Name[] | undefined) ?? [];
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  return {
    id: r.record.id, kind: r.record.kind, label: preferredName(names) ?? r.record.id, names, parent: r.record.parent as string | undefined,
    type: typeof r.record.type === 'string' ? r.record.type : undefined, lat: num(r.record.lat), lon: num(r.record.lon),
  };
}

/** An English name if there is one (the common variant first), else the first name. */
export function preferredName(names: Name[] | undefined): string | undefined {
  if (!names || names.length === 0) return undefined;
  const en = names.filter((n) => n.lang === 'en');
  return (en.find((n) => n.variant === 'common') ?? en[0] ?? names[0]).text;
}

/** The Korean name of a place, when it has one, shown next to the English. */
export function koreanName(names: Name[] | undefined): string | undefined {
  return names?.find((n) => n.lang === 'ko')?.text;
}

/** A label for a reference: the place's or organization's name, else the id itself. */
export async function refLabel(id: string): Promise<string> {
  const kind = kindOfId(id);
  if (kind === 'place' || kind === 'organization') {
    try {
      return (await namedRecords(kind)).get(id)?.label ?? id;
    } catch {
      return id;
    }
  }
  return id;
}

const SEASONS: Record<string, string> = { '21': 'spring', '22': 'summer', '23': 'autumn', '24': 'winter' };
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A canonical EDTF date (docs/formats/dates.md) in words: "spring 2009", "about 1983",
 *  "1997 to 1999". Anything not understood is shown as stored. */
export function humanDate(edtf: string): string {
  if (edtf === 'XXXX') return 'unknown';
  if (edtf.includes('/')) {
    const [a, b] = edtf.split('/');
    if (a === '..' || a === '') return `by ${humanDate(b)}`;
    if (b === '..' || b === '') return `from ${humanDate(a)}`;
    return `${humanDate(a)} to ${humanDate(b)}`;
  }
  let text = edtf;
  let qualifier = '';
  const q = /[~?%]$/.exec(text);
  if (q) {
    qualifier = q[0] === '~' ? 'about ' : q[0] === '?' ? 'perhaps ' : 'perhaps about ';
    text = text.slice(0, -1);
  }
  let m = /^(\d{4})$/.exec(text);
  if (m) return qualifier + m[1];
  m = /^(\d{4})-(\d{2})$/.exec(text);
  if (m) {
    const n = Number(m[2]);
    if (n >= 1 && n <= 12) return `${qualifier}${MONTHS[n - 1]} ${m[1]}`;
    if (SEASONS[m[2]]) return `${qualifier}${SEASONS[m[2]]} ${m[1]}`;
  }
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m) return `${qualifier}${Number(m[3])} ${MONTHS[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
  m = /^(\d{3})X$/.exec(text);
  if (m) return `${qualifier}the ${m[1]}0s`;
  return edtf;
}

/** A one-line title for a record, without revealing anything: a title, a public name, a
 *  pseudonym, or the violation and date. */
export async function recordTitle(view: RecordView): Promise<string> {
  const r = view.record;
  if (typeof r.title === 'string' && r.title) return r.title;
  if (r.kind === 'person') {
    const pub = preferredName(r.public_names as Name[] | undefined);
    return pub ? `${pub} (${view.pseudonym ?? 'person'})` : (view.pseudonym ?? r.id);
  }
  if (r.kind === 'place' || r.kind === 'organization') return preferredName(r.names as Name[] | undefined) ?? r.id;
  if (r.kind === 'act') {
    const v = await vocabulary('violation_types').catch(() => new Map<string, Term>());
    const parts = [termLabel(v.get(String(r.violation)), String(r.violation))];
    if (typeof r.date === 'string') parts.push(humanDate(r.date));
    if (typeof r.place === 'string') parts.push(await refLabel(r.place));
    return parts.join(' · ');
  }
  if (r.kind === 'claim' && typeof r.statement === 'string') return r.statement.length > 120 ? `${r.statement.slice(0, 117)}…` : r.statement;
  if (r.kind === 'post') return `${String(r.title ?? 'post')}: ${String(r.person)} in ${await refLabel(String(r.organization))}`;
  return r.id;
}
