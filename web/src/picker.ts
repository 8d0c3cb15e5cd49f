// Pickers for references. A place or an organization: type part of any of its names (in any
// script; case, diacritics and apostrophes do not matter) and choose from the matches; the list
// of records comes from GET /api/v1/records?kind=..., fetched once. Any other kind (a person, a
// source, an incident, or any record at all): type whole words, which GET /api/v1/search looks
// up, or the record's id. `refPicker` holds one reference, `refList` several.

import { api, ApiError } from './api.ts';
import { h, clear, debounce } from './dom.ts';
import { namedRecords, koreanName, kindOfId, recordTitle, type Named } from './labels.ts';

export interface Picker {
  element: HTMLElement;
  value: () => string | undefined;
  /** Sets the choice (undefined clears it); the label is looked up. */
  set: (id: string | undefined) => void;
}

export function fold(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/['’ʼ`\-\s]/g, '').toLowerCase();
}

interface Option {
  id: string;
  label: string;
  extra?: (Node | string)[];
}

const titles = new Map<string, Promise<string>>();

/** A record's one-line title as this account may see it, or its id if it cannot be read. */
export function titleOf(id: string): Promise<string> {
  let t = titles.get(id);
  if (!t) {
    const kind = kindOfId(id);
    t = kind === 'place' || kind === 'organization'
      ? namedRecords(kind).then((all) => all.get(id)?.label ?? id, () => id)
      : api.record(id).then(recordTitle, () => id);
    titles.set(id, t);
  }
  return t;
}

/** Forgets the cached titles, e.g. after a record was amended. */
export function forgetTitles(): void {
  titles.clear();
}

const LOCAL_KINDS = new Set(['place', 'organization']);

function placeholderFor(kinds: string[]): string {
  if (kinds.length === 1 && kinds[0] === 'place') return 'e.g. Onsong, 온성, Hoeryong';
  if (kinds.length === 1 && kinds[0] === 'organization') return 'e.g. MSS, Bowibu';
  if (kinds.length === 1 && kinds[0] === 'source') return 'words of its title, or its id (src-…)';
  if (kinds.length === 1 && kinds[0] === 'person') return 'its id (per-…) or words of a public name';
  return 'words, or a record id';
}

/**
 * The search box and its list of matches. `onPick` is called with the chosen id and label; the
 * box is then emptied. Enter picks the first match, ArrowDown moves into the list.
 */
function finder(kinds: string[], id: string, label: string, describedBy: string, onPick: (o: Option) => void): HTMLElement {
  const local = kinds.length === 1 && LOCAL_KINDS.has(kinds[0]) ? (kinds[0] as 'place' | 'organization') : null;
  const input = h('input', { id, type: 'search', autocomplete: 'off', size: 40, placeholder: placeholderFor(kinds), 'aria-describedby': describedBy });
  const list = h('ul', { class: 'picker-list', role: 'list' });
  const status = h('span', { class: 'muted small', 'aria-live': 'polite' });
  let generation = 0;

  const show = (options: Option[], none: string) => {
    clear(list, options.length === 0 ? h('li', { class: 'muted' }, none) : options.map((o) => h('li', null, h('button', {
      type: 'button', class: 'picker-option', 'data-id': o.id,
      onclick: () => { clear(list); input.value = ''; onPick(o); input.focus(); },
    }, o.label, o.extra ?? []))));
  };

  const searchLocal = async (kind: 'place' | 'organization', term: string) => {
    let all: Map<string, Named>;
    try {
      all = await namedRecords(kind);
    } catch {
      clear(status, `The ${kind}s could not be loaded.`);
      return;
    }
    const matches = [...all.values()]
      .filter((n) => n.names.some((nm) => fold(nm.text).includes(term)) || n.id.includes(term))
      .sort((a, b) => Number(!fold(a.label).startsWith(term)) - Number(!fold(b.label).startsWith(term)) || a.label.length - b.label.length)
      .slice(0, 8);
    show(matches.map((m) => {
      const ko = koreanName(m.names);
      const parent = m.parent ? all.get(m.parent)?.label : undefined;
      return { id: m.id, label: m.label, extra: [ko && ko !== m.label ? h('span', { lang: 'ko' }, ` · ${ko}`) : '', parent ? h('span', { class: 'muted small' }, ` — in ${parent}`) : ''] };
    }), `No ${kind} matches.`);
  };

  const searchRemote = async (text: string) => {
    const my = ++generation;
    const options: Option[] = [];
    const asId = text.trim().toLowerCase();
    const idKind = kindOfId(asId);
    if (idKind && (kinds.length === 0 || kinds.includes(idKind))) {
      try {
        const view = await api.record(asId);
        options.push({ id: asId, label: await recordTitle(view), extra: [h('span', { class: 'muted small' }, ` ${view.record.kind} ${asId}`)] });
      } catch (e) {
        if (my !== generation) return;
        clear(status, e instanceof ApiError && e.status === 404 ? `There is no record ${asId}.` : e instanceof ApiError ? e.readable : String(e));
      }
    }
    if (options.length === 0 && !idKind) {
      try {
        const answer = await api.search({ q: text, kind: kinds.length ? kinds : undefined, limit: 8 });
        for (const hit of answer.hits) {
          options.push({ id: hit.id, label: hit.title || hit.id, extra: [h('span', { class: 'muted small' }, ` ${hit.kind} ${hit.id}`)] });
        }
      } catch (e) {
        if (my !== generation) return;
        clear(status, e instanceof ApiError ? e.readable : String(e));
        return;
      }
    }
    if (my !== generation) return;
    show(options, idKind ? `No ${kinds.join(' or ') || 'record'} with this id.` : 'No match. Search looks for whole words; an id (e.g. src-…) also works.');
  };

  const remote = debounce((text: string) => void searchRemote(text), 250);

  const search = () => {
    clear(status);
    if (local) {
      const term = fold(input.value);
      if (!term) clear(list);
      else void searchLocal(local, term);
      return;
    }
    if (!input.value.trim()) {
      generation++;
      clear(list);
      return;
    }
    remote(input.value);
  };

  input.addEventListener('input', search);
  // Enter in the search box picks the first match instead of submitting the whole form.
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      (list.querySelector('button.picker-option') as HTMLButtonElement | null)?.click();
    } else if (ev.key === 'ArrowDown') {
      ev.preventDefault();
      (list.querySelector('button.picker-option') as HTMLButtonElement | null)?.focus();
    }
  });
  return h('div', { class: 'finder' }, h('label', { for: id }, label), input, status, list);
}

/** One reference. `kinds` empty: any kind. */
export function refPicker(kinds: string | string[], id: string, label: string, initial?: string): Picker {
  const allowed = Array.isArray(kinds) ? kinds : [kinds];
  let chosen: string | undefined;
  const chosenLine = h('p', { id: `${id}-chosen`, class: 'picker-chosen' }, 'None chosen.');
  const input = (): HTMLInputElement | null => element.querySelector(`#${CSS.escape(id)}`);

  const show = async (labelText?: string) => {
    const now = chosen;
    if (!now) {
      clear(chosenLine, 'None chosen.');
      return;
    }
    const text = labelText ?? (await titleOf(now));
    if (chosen !== now) return;
    clear(chosenLine, 'Chosen: ', h('strong', null, text), text === now ? ' ' : ` (${now}) `,
      h('button', { type: 'button', class: 'link-button', onclick: () => { chosen = undefined; void show(); input()?.focus(); } }, 'clear'));
  };

  const element = h('div', { class: 'picker', 'data-picker': id },
    finder(allowed, id, label, `${id}-chosen`, (o) => { chosen = o.id; void show(o.label); }),
    chosenLine);
  const set = (value: string | undefined) => {
    chosen = value;
    void show();
  };
  if (initial) set(initial);
  return { element, value: () => chosen, set };
}

export interface RefList {
  element: HTMLElement;
  values: () => string[];
  add: (id: string) => void;
}

/** Several references, in order; the same id is not added twice. */
export function refList(kinds: string[], id: string, label: string, initial: string[] = []): RefList {
  const ids: string[] = [];
  const list = h('ol', { class: 'ref-list', id: `${id}-list`, 'aria-label': `${label}: chosen` });

  const render = () => {
    clear(list, ids.length === 0 ? h('li', { class: 'muted none' }, 'None.') : ids.map((ref, i) => {
      const text = h('span', null, ref);
      void titleOf(ref).then((t) => { if (t !== ref) clear(text, h('strong', null, t), ` (${ref})`); });
      return h('li', { 'data-id': ref }, text, ' ', h('button', {
        type: 'button', class: 'link-button', 'aria-label': `Remove ${ref}`,
        onclick: () => { ids.splice(i, 1); render(); (element.querySelector('input') as HTMLInputElement | null)?.focus(); },
      }, 'remove'));
    }));
  };
  const add = (ref: string) => {
    if (!ids.includes(ref)) ids.push(ref);
    render();
  };

  const element = h('div', { class: 'picker picker-multi', 'data-picker': id },
    list,
    finder(kinds, id, `Add to ${label}`, `${id}-list`, (o) => add(o.id)));
  initial.forEach((ref) => { if (!ids.includes(ref)) ids.push(ref); });
  render();
  return { element, values: () => [...ids], add };
}
