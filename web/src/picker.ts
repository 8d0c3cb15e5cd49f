// A picker for a place or an organization: type part of any of its names (in any script;
// case, diacritics and apostrophes do not matter) and choose from the matches. The list of
// records comes from GET /api/v1/records?kind=..., fetched once.

import { h, clear } from './dom.ts';
import { namedRecords, koreanName, type Named } from './labels.ts';

export interface Picker {
  element: HTMLElement;
  value: () => string | undefined;
}

export function fold(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/['’ʼ`\-\s]/g, '').toLowerCase();
}

export function refPicker(kind: 'place' | 'organization', id: string, label: string): Picker {
  let chosen: Named | undefined;
  const input = h('input', { id, type: 'search', autocomplete: 'off', size: 40, placeholder: kind === 'place' ? 'e.g. Onsong, 온성, Hoeryong' : 'e.g. MSS, Bowibu', 'aria-describedby': `${id}-chosen` });
  const list = h('ul', { class: 'picker-list', role: 'list' });
  const chosenLine = h('p', { id: `${id}-chosen`, class: 'picker-chosen' }, 'None chosen.');
  const status = h('span', { class: 'muted small' });

  const show = () => {
    if (chosen) {
      clear(chosenLine, 'Chosen: ', h('strong', null, chosen.label), ` (${chosen.id}) `,
        h('button', { type: 'button', class: 'link-button', onclick: () => { chosen = undefined; show(); input.focus(); } }, 'clear'));
    } else {
      clear(chosenLine, 'None chosen.');
    }
  };

  const search = async () => {
    const term = fold(input.value);
    if (!term) {
      clear(list);
      return;
    }
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
    clear(list, matches.length === 0 ? h('li', { class: 'muted' }, `No ${kind} matches.`) : matches.map((m) => {
      const ko = koreanName(m.names);
      const parent = m.parent ? all.get(m.parent)?.label : undefined;
      return h('li', null, h('button', {
        type: 'button', class: 'picker-option', 'data-id': m.id,
        onclick: () => { chosen = m; clear(list); input.value = ''; show(); input.focus(); },
      }, m.label, ko && ko !== m.label ? h('span', { lang: 'ko' }, ` · ${ko}`) : null, parent ? h('span', { class: 'muted small' }, ` — in ${parent}`) : null));
    }));
  };

  input.addEventListener('input', () => void search());
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

  const element = h('div', { class: 'picker', 'data-picker': id },
    h('label', { for: id }, label), input, status, list, chosenLine);
  return { element, value: () => chosen?.id };
}
