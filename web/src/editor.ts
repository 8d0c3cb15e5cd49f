// Form controls for a record's fields, one per field type of the server's schema (schema.ts):
// the amend form on the record page and the claim and dossier forms use them. Each control
// starts from the field's current value (or nothing), says whether the user changed it, and
// reads back what to send: a value for a new record, or a JSON merge patch member (RFC 7386)
// for an amendment, where null removes the field. What is sent is checked again by the server,
// whose message is shown.

import { ApiError, type Name, type Term } from './api.ts';
import { h, clear, notice } from './dom.ts';
import { vocabulary, termLabel, termTree, humanDate } from './labels.ts';
import { refPicker, refList } from './picker.ts';
import { fieldLabel, type FieldSpec } from './schema.ts';

export interface FieldEditor {
  spec: FieldSpec;
  /** The label cell and the control cell, for a two-column grid. */
  cells: [HTMLElement, HTMLElement];
  /** The value to write, or undefined for absent. Throws FieldError for input it cannot read. */
  read: () => unknown;
  /** Whether the user changed the field from its starting value. */
  changed: () => boolean;
  /** The member of a merge patch that makes the change: the value, or null to remove it. */
  patch: () => unknown;
  focus: () => void;
}

export class FieldError extends Error {
  constructor(readonly field: string, message: string, readonly control?: HTMLElement) {
    super(`field '${field}': ${message}`);
  }
}

export const SEALED_PASSAGE = /\[sealed passage \d+\]/;

const NAME_LANGS = ['ko', 'ko-Latn', 'en', 'zh', 'zh-Latn', 'ja', 'ru'];

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Loads the vocabularies that the fields use, once, before the controls are made. */
export async function loadVocabularies(specs: FieldSpec[]): Promise<Map<string, Map<string, Term>>> {
  const names = new Set(specs.map((s) => s.vocabulary).filter((v): v is string => Boolean(v)));
  if (specs.some((s) => s.type === 'grades')) ['reliability', 'credibility'].forEach((v) => names.add(v));
  const out = new Map<string, Map<string, Term>>();
  await Promise.all([...names].map(async (n) => out.set(n, await vocabulary(n).catch(() => new Map<string, Term>()))));
  return out;
}

/** The control of one field. `prefix` makes the element ids unique on the page. */
export function fieldEditor(spec: FieldSpec, initial: unknown, prefix: string, vocabs: Map<string, Map<string, Term>>): FieldEditor {
  const id = `${prefix}-${spec.name.replace(/_/g, '-')}`;
  const words = fieldLabel(spec.name);
  const Words = `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
  const text = `${Words}${spec.required ? ' (required)' : ''}`;
  const help = spec.help ? h('p', { class: 'muted small field-help', id: `${id}-help` }, spec.help) : null;
  const describedBy = spec.help ? `${id}-help` : undefined;
  const labelFor = h('label', { for: id }, text);
  const labelGroup = h('span', { class: 'group-label', id: `${id}-label` }, text);
  const terms = spec.vocabulary ? vocabs.get(spec.vocabulary) ?? new Map<string, Term>() : new Map<string, Term>();

  const simple = (control: HTMLElement, extra: (Node | null)[], read: () => unknown, changed: () => boolean): FieldEditor => ({
    spec,
    cells: [labelFor, h('div', { class: 'control' }, control, ...extra, help)],
    read,
    changed,
    patch: () => read() ?? null,
    focus: () => control.focus(),
  });
  const group = (control: HTMLElement, read: () => unknown, changed: () => boolean, focus: () => void, patch?: () => unknown): FieldEditor => {
    control.setAttribute('role', 'group');
    control.setAttribute('aria-labelledby', `${id}-label`);
    return {
      spec,
      cells: [labelGroup, h('div', { class: 'control' }, control, help)],
      read,
      changed,
      patch: patch ?? (() => read() ?? null),
      focus,
    };
  };

  switch (spec.type) {
    case 'string': {
      const start = typeof initial === 'string' ? initial : '';
      const input = h('input', { id, class: 'wide', value: start, size: 50, 'aria-describedby': describedBy });
      return simple(input, [], () => (input.value.trim() === '' ? undefined : input.value.trim()), () => input.value.trim() !== start.trim());
    }

    case 'text': {
      // As a textarea gives it back: line breaks as LF.
      const start = typeof initial === 'string' ? initial.replace(/\r\n?/g, '\n') : '';
      const area = h('textarea', { id, rows: start.length > 400 ? 8 : 3, cols: 70, 'aria-describedby': describedBy });
      area.value = start;
      if (!SEALED_PASSAGE.test(start)) {
        return simple(area, [], () => (area.value.trim() === '' ? undefined : area.value), () => area.value !== start);
      }
      // The text has sealed passages, which this form cannot show: the field can be kept as it
      // is, or replaced whole (the server refuses a patch that repeats a "[sealed passage N]").
      let replacing = false;
      area.value = '';
      area.hidden = true;
      const current = h('div', { class: 'text-block locked', id: `${id}-current` }, start);
      const toggle = h('button', { type: 'button', class: 'small', 'data-testid': `${id}-replace` }, 'Replace the whole text');
      const note = h('p', { class: 'muted small' }, 'This text has sealed passages, which stay as they are unless you replace the whole text.');
      toggle.addEventListener('click', () => {
        replacing = !replacing;
        area.hidden = !replacing;
        current.hidden = replacing;
        toggle.textContent = replacing ? 'Keep the current text' : 'Replace the whole text';
        clear(note, replacing
          ? 'The new text replaces the old one, sealed passages included; mark what must stay sealed as [sensitive]…[/sensitive]. Earlier versions stay in the ledger.'
          : 'This text has sealed passages, which stay as they are unless you replace the whole text.');
        if (replacing) area.focus();
      });
      return {
        spec,
        cells: [labelFor, h('div', { class: 'control' }, note, current, area, toggle, help)],
        read: () => (replacing ? (area.value.trim() === '' ? undefined : area.value) : start),
        changed: () => replacing,
        patch: () => (replacing ? (area.value.trim() === '' ? null : area.value) : start),
        focus: () => (replacing ? area : toggle).focus(),
      };
    }

    case 'date': {
      // Shown in words ("spring 2009"), which the server reads back; only a change is sent.
      const stored = typeof initial === 'string' ? initial : typeof initial === 'number' ? String(initial) : '';
      const start = stored ? humanDate(stored) : '';
      const hint = h('p', { class: 'muted small', id: `${id}-stored` },
        stored ? `Stored as ${stored}. ` : '', 'Write it as said: 2009, March 2009, spring 2009, about 1983, between 2008 and 2010, 2009년 봄.');
      const input = h('input', { id, value: start, size: 30, placeholder: 'e.g. spring 2009', 'aria-describedby': `${id}-stored` });
      return simple(input, [hint], () => (input.value.trim() === '' ? undefined : input.value.trim()), () => input.value.trim() !== start);
    }

    case 'integer':
    case 'number': {
      // Bounds (the schema's min and max) are in the hint; the server checks them.
      const whole = spec.type === 'integer';
      const start = typeof initial === 'number' ? String(initial) : '';
      const input = h('input', { id, value: start, size: 12, inputmode: whole ? 'numeric' : 'decimal', 'aria-describedby': describedBy });
      const read = () => {
        const t = input.value.trim();
        if (t === '') return undefined;
        const n = Number(t);
        if (!(whole ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/).test(t) || !Number.isFinite(n)) {
          throw new FieldError(spec.name, `'${t}' is not ${whole ? 'a whole number' : 'a number'}`, input);
        }
        return n;
      };
      return simple(input, [], read, () => input.value.trim() !== start);
    }

    case 'boolean': {
      const start = initial === true ? 'true' : initial === false ? 'false' : '';
      const select = h('select', { id },
        h('option', { value: '', selected: start === '' }, 'not recorded'),
        h('option', { value: 'true', selected: start === 'true' }, 'yes'),
        h('option', { value: 'false', selected: start === 'false' }, 'no'));
      return simple(select, [], () => (select.value === '' ? undefined : select.value === 'true'), () => select.value !== start);
    }

    case 'term': {
      const start = typeof initial === 'string' ? initial : '';
      const graded = spec.vocabulary === 'reliability' || spec.vocabulary === 'credibility';
      const select = h('select', { id, 'aria-describedby': describedBy },
        spec.required && start ? null : h('option', { value: '' }, spec.required ? 'choose' : 'not set'),
        termTree(terms).map(({ term, depth }) => h('option', { value: term.code, selected: term.code === start },
          `${'\u00a0\u00a0'.repeat(depth)}${graded ? `${term.code.toUpperCase()}: ` : ''}${termLabel(term, term.code)}`)),
        start && !terms.has(start) ? h('option', { value: start, selected: true }, start) : null);
      return simple(select, [], () => (select.value === '' ? undefined : select.value), () => select.value !== start);
    }

    case 'terms': {
      const start = Array.isArray(initial) ? (initial as string[]) : [];
      const codes = [...terms.keys(), ...start.filter((c) => !terms.has(c))];
      const boxes = codes.map((code) => h('input', { type: 'checkbox', value: code, checked: start.includes(code), id: `${id}-${code}` }));
      const box = h('div', { class: 'checks', id },
        boxes.map((b, i) => h('label', { class: 'check' }, b, ` ${termLabel(terms.get(codes[i]), codes[i])}`)));
      const read = () => {
        const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
        // Keep the stored order for the codes kept, new ones after, in the vocabulary's order.
        const list = [...start.filter((c) => chosen.includes(c)), ...chosen.filter((c) => !start.includes(c))];
        return list.length ? list : undefined;
      };
      return group(box, read, () => !same([...(read() as string[] | undefined ?? [])].sort(), [...start].sort()), () => boxes[0]?.focus());
    }

    case 'ref': {
      const start = typeof initial === 'string' ? initial : undefined;
      const picker = refPicker(spec.kinds ?? [], id, text, start);
      picker.element.querySelector('.finder > label')?.remove(); // the grid's label names the box
      return {
        spec,
        cells: [h('label', { for: id }, text), h('div', { class: 'control' }, picker.element, help)],
        read: () => picker.value(),
        changed: () => picker.value() !== start,
        patch: () => picker.value() ?? null,
        focus: () => (picker.element.querySelector('input') as HTMLInputElement | null)?.focus(),
      };
    }

    case 'refs': {
      const start = Array.isArray(initial) ? (initial as string[]) : [];
      const list = refList(spec.kinds ?? [], id, fieldLabel(spec.name), start);
      const read = () => (list.values().length ? list.values() : undefined);
      return {
        spec,
        cells: [h('span', { class: 'group-label' }, text), h('div', { class: 'control' }, list.element, help)],
        read,
        changed: () => !same(read(), start.length ? start : undefined),
        patch: () => read() ?? null,
        focus: () => (list.element.querySelector('input') as HTMLInputElement | null)?.focus(),
      };
    }

    case 'names': {
      const start = (Array.isArray(initial) ? (initial as Name[]) : []).map(normalName);
      const rows = h('div', { class: 'names-edit', id });
      const datalist = h('datalist', { id: `${id}-langs` }, NAME_LANGS.map((l) => h('option', { value: l })));
      let n = 0;
      const addRow = (name?: Name) => {
        n += 1;
        const rid = `${id}-${n}`;
        const textIn = h('input', { id: `${rid}-text`, class: 'name-text', size: 28, value: name?.text ?? '', lang: name?.lang || undefined, 'aria-label': `${Words} ${n}: text` });
        const langIn = h('input', { id: `${rid}-lang`, size: 7, value: name?.lang ?? '', list: `${id}-langs`, placeholder: 'lang', 'aria-label': `${Words} ${n}: language (ko, ko-Latn, en, …)` });
        const typeIn = h('input', { id: `${rid}-type`, size: 9, value: name?.type ?? '', placeholder: 'type', 'aria-label': `${Words} ${n}: type (official, alias, …)` });
        const variantIn = h('input', { id: `${rid}-variant`, size: 8, value: name?.variant ?? '', placeholder: 'variant', 'aria-label': `${Words} ${n}: variant (common, mr, rr, …)` });
        langIn.addEventListener('change', () => { textIn.lang = langIn.value.trim(); });
        const row = h('div', { class: 'name-row' }, textIn, langIn, typeIn, variantIn,
          h('button', { type: 'button', class: 'link-button', 'aria-label': `Remove ${words} ${n}`, onclick: () => { row.remove(); addButton.focus(); } }, 'remove'));
        rows.appendChild(row);
        return textIn;
      };
      const addButton = h('button', { type: 'button', class: 'small', onclick: () => addRow().focus() }, 'Add a name');
      start.forEach((nm) => addRow(nm));
      if (start.length === 0) addRow();
      const read = () => {
        const list = [...rows.querySelectorAll('.name-row')].map((row) => {
          const [t, l, ty, v] = [...row.querySelectorAll('input')].map((i) => (i as HTMLInputElement).value.trim());
          return t || l || ty || v ? normalName({ text: t, lang: l, type: ty, variant: v }) : null;
        }).filter((x): x is Name => x !== null);
        return list.length ? list : undefined;
      };
      const box = h('div', { class: 'names-box' }, rows, datalist, addButton);
      return group(box, read, () => !same(read(), start.length ? start : undefined), () => (rows.querySelector('input') as HTMLInputElement | null)?.focus());
    }

    case 'grades': {
      type Grade = { source: string; reliability: string; credibility: string; excerpt?: string };
      const start = (Array.isArray(initial) ? (initial as Grade[]) : []).map(normalGrade);
      const rel = vocabs.get('reliability') ?? new Map<string, Term>();
      const cred = vocabs.get('credibility') ?? new Map<string, Term>();
      const rows = h('ol', { class: 'grades-edit', id });
      const readers: (() => Grade | null)[] = [];
      let n = 0;
      const addRow = (g?: Grade) => {
        n += 1;
        const rid = `${id}-${n}`;
        const source = refPicker(['source'], `${rid}-source`, `Source ${n}`, g?.source);
        const reliability = h('select', { id: `${rid}-reliability` }, h('option', { value: '' }, 'choose'),
          [...rel.values()].map((t) => h('option', { value: t.code, selected: t.code === g?.reliability }, `${t.code.toUpperCase()}: ${termLabel(t, t.code)}`)));
        const credibility = h('select', { id: `${rid}-credibility` }, h('option', { value: '' }, 'choose'),
          [...cred.values()].map((t) => h('option', { value: t.code, selected: t.code === g?.credibility }, `${t.code}: ${termLabel(t, t.code)}`)));
        const excerpt = h('textarea', { id: `${rid}-excerpt`, rows: 2, cols: 60 });
        excerpt.value = g?.excerpt ?? '';
        const row = h('li', { class: 'grade-row', 'data-grade': String(n) },
          source.element,
          h('div', { class: 'grid' },
            h('label', { for: `${rid}-reliability` }, `Reliability of source ${n} (A-F)`), reliability,
            h('label', { for: `${rid}-credibility` }, `Credibility of the information (1-6)`), credibility,
            h('label', { for: `${rid}-excerpt` }, 'Excerpt (optional)'), excerpt),
          h('button', { type: 'button', class: 'small', onclick: () => { row.remove(); readers[readers.indexOf(reader)] = () => null; addButton.focus(); } }, `Remove source ${n}`));
        const reader = (): Grade | null => {
          const s = source.value();
          if (!s && !reliability.value && !credibility.value && !excerpt.value.trim()) return null;
          return normalGrade({ source: s ?? '', reliability: reliability.value, credibility: credibility.value, excerpt: excerpt.value });
        };
        readers.push(reader);
        rows.appendChild(row);
        return row;
      };
      const addButton = h('button', { type: 'button', class: 'small', onclick: () => (addRow().querySelector('input') as HTMLInputElement | null)?.focus() }, 'Add another source');
      start.forEach((g) => addRow(g));
      if (start.length === 0) addRow();
      const read = () => {
        const list = readers.map((r) => r()).filter((g): g is Grade => g !== null);
        for (const [i, g] of list.entries()) {
          if (!g.source) throw new FieldError(spec.name, `item ${i + 1}: choose the source`);
          if (!g.reliability) throw new FieldError(spec.name, `item ${i + 1}: choose the reliability of ${g.source} (A-F)`);
          if (!g.credibility) throw new FieldError(spec.name, `item ${i + 1}: choose the credibility of the information from ${g.source} (1-6)`);
        }
        return list.length ? list : undefined;
      };
      const box = h('div', { class: 'grades-box' }, rows, addButton);
      return group(box, read, () => !same(read(), start.length ? start : undefined), () => (rows.querySelector('input') as HTMLInputElement | null)?.focus());
    }

    case 'map': {
      const start = initial && typeof initial === 'object' ? (initial as Record<string, string>) : {};
      const rows = h('div', { class: 'map-edit', id });
      let n = 0;
      const addRow = (key = '', value = '') => {
        n += 1;
        const k = h('input', { id: `${id}-${n}-key`, size: 16, value: key, 'aria-label': `${Words} ${n}: key` });
        const v = h('input', { id: `${id}-${n}-value`, size: 24, value, 'aria-label': `${Words} ${n}: value` });
        const row = h('div', { class: 'name-row' }, k, ' = ', v,
          h('button', { type: 'button', class: 'link-button', onclick: () => { row.remove(); addButton.focus(); } }, 'remove'));
        rows.appendChild(row);
        return k;
      };
      const addButton = h('button', { type: 'button', class: 'small', onclick: () => addRow().focus() }, 'Add a code');
      Object.entries(start).forEach(([k, v]) => addRow(k, String(v)));
      const read = (): Record<string, string> | undefined => {
        const out: Record<string, string> = {};
        for (const row of rows.querySelectorAll('.name-row')) {
          const [k, v] = [...row.querySelectorAll('input')].map((i) => (i as HTMLInputElement).value.trim());
          if (k) out[k] = v;
        }
        return Object.keys(out).length ? out : undefined;
      };
      // A merge patch merges objects key by key: send the keys changed, and null for those removed.
      const patch = () => {
        const now = read() ?? {};
        const out: Record<string, string | null> = {};
        for (const k of Object.keys(start)) if (!(k in now)) out[k] = null;
        for (const [k, v] of Object.entries(now)) if (start[k] !== v) out[k] = v;
        return out;
      };
      const box = h('div', { class: 'map-box' }, rows, addButton);
      return group(box, read, () => Object.keys(patch()).length > 0, () => (rows.querySelector('input') as HTMLInputElement | null)?.focus() ?? addButton.focus(), patch);
    }

    default: {
      // A type this app does not know (a newer server): shown, kept as it is, never sent.
      const shown = h('div', { class: 'muted small', id }, initial === undefined ? 'not set' : JSON.stringify(initial),
        ` (a ${String((spec as { type: unknown }).type)} field, which this form cannot change)`);
      return {
        spec,
        cells: [h('span', { class: 'group-label' }, text), h('div', { class: 'control' }, shown, help)],
        read: () => initial ?? undefined,
        changed: () => false,
        patch: () => initial ?? null,
        focus: () => undefined,
      };
    }
  }
}

function normalName(n: Partial<Name>): Name {
  const out: Name = { text: n.text ?? '' };
  if (n.lang) out.lang = n.lang;
  if (n.type) out.type = n.type;
  if (n.variant) out.variant = n.variant;
  return out;
}

function normalGrade(g: { source: string; reliability: string; credibility: string; excerpt?: string }) {
  const out: { source: string; reliability: string; credibility: string; excerpt?: string } = { source: g.source, reliability: g.reliability, credibility: g.credibility };
  if (g.excerpt && g.excerpt.trim()) out.excerpt = g.excerpt;
  return out;
}

/** A two-column grid of controls. */
export function editorGrid(editors: FieldEditor[]): HTMLElement {
  return h('div', { class: 'edit-grid' }, editors.map((e) => [
    h('div', { class: 'edit-label', 'data-field': e.spec.name }, e.cells[0]),
    e.cells[1],
  ]));
}

/** Reads a new record from the controls: absent fields left out. */
export function readDocument(kind: string, editors: FieldEditor[]): Record<string, unknown> {
  const doc: Record<string, unknown> = { kind };
  for (const e of editors) {
    const v = e.read();
    if (v !== undefined) doc[e.spec.name] = v;
  }
  return doc;
}

/** The merge patch of what the user changed: empty when nothing was. */
export function readPatch(editors: FieldEditor[]): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const e of editors) if (e.changed()) changes[e.spec.name] = e.patch();
  return changes;
}

/** A refused save: the server's reason, the promise that nothing was written, and the focus on
 * the field the server named ("field 'date': ..."), so that the form can be corrected. */
export function showSaveError(status: HTMLElement, editors: FieldEditor[], e: unknown): void {
  clear(status, notice('error', `Not saved: ${e instanceof ApiError ? e.readable : String(e)}`),
    h('p', { class: 'muted small' }, 'Nothing was written. The form keeps what you typed: correct it and save again.'));
  const field = e instanceof ApiError ? /^field '([a-z_]+)'/.exec(e.message)?.[1] : undefined;
  editors.find((x) => x.spec.name === field)?.focus();
}
