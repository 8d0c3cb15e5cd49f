// The Amend form of the record page: the record's fields that this account may change, in the
// order and with the properties of the server's schema (a field it calls sealed is left out, and
// a text with sealed passages can only be replaced whole), and a reason. Only what the user
// changed is sent, as a JSON merge patch with the reason (PATCH /api/v1/records/{id}); the
// server validates it, writes a new version to the ledger and answers it. A refusal is shown
// next to the form, which keeps what was typed.

import { api, ApiError, type RecordView } from '../api.ts';
import { h, clear, notice } from '../dom.ts';
import { fieldEditor, loadVocabularies, editorGrid, showSaveError, readPatch, FieldError, SEALED_PASSAGE, type FieldEditor } from '../editor.ts';
import { fieldsOf, fieldLabel, type FieldSpec } from '../schema.ts';
import { forgetNamed } from '../labels.ts';
import { forgetTitles } from '../picker.ts';
import type { PageContext } from '../main.ts';

export async function renderAmendForm(area: HTMLElement, view: RecordView, ctx: PageContext, onCancel: () => void): Promise<void> {
  const r = view.record;
  clear(area, h('h2', { id: 'amend-h' }, 'Amend this record'), h('p', { class: 'loading' }, 'Loading the form…'));
  let specs: FieldSpec[];
  try {
    specs = await fieldsOf(r.kind);
  } catch (e) {
    if (ctx.alive()) clear(area, h('h2', { id: 'amend-h' }, 'Amend this record'), notice('error', `The form cannot be shown: the server did not give its record fields (${e instanceof ApiError ? e.readable : String(e)}).`));
    return;
  }
  if (!ctx.alive()) return;
  if (specs.length === 0) {
    clear(area, h('h2', { id: 'amend-h' }, 'Amend this record'), notice('error', `The server's schema has no fields for the kind '${r.kind}'.`));
    return;
  }
  const vocabs = await loadVocabularies(specs);
  if (!ctx.alive()) return;

  const editable = specs.filter((s) => !s.sealed);
  const sealed = specs.filter((s) => s.sealed).map((s) => fieldLabel(s.name));
  const editors: FieldEditor[] = editable.map((s) => fieldEditor(s, r[s.name], 'amend', vocabs));
  const reason = h('input', { id: 'amend-reason', name: 'reason', maxlength: 1000, size: 60, autocomplete: 'off',
    placeholder: 'e.g. the witness recalled the month in a follow-up interview', 'aria-describedby': 'amend-reason-help' });
  const status = h('div', { class: 'amend-status', 'data-testid': 'amend-status', 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'primary', 'data-testid': 'amend-save' }, 'Save the amendment');

  const form = h('form', {
    class: 'amend-form',
    novalidate: true,
    'aria-labelledby': 'amend-h',
    onsubmit: async (ev: Event) => {
      ev.preventDefault();
      let changes: Record<string, unknown>;
      try {
        changes = readPatch(editors);
      } catch (e) {
        if (e instanceof FieldError) {
          clear(status, notice('error', `Not saved: ${e.message}.`));
          if (e.control) e.control.focus();
          else editors.find((x) => x.spec.name === e.field)?.focus();
          return;
        }
        throw e;
      }
      const why = reason.value.trim();
      if (!why) {
        clear(status, notice('error', 'A reason is required: say why this version is needed (the evidence, not the person). It is kept in the ledger with the new version.'));
        reason.focus();
        return;
      }
      if (Object.keys(changes).length === 0) {
        clear(status, notice('warn', 'Nothing was changed: change a field, then save.'));
        editors[0]?.focus();
        return;
      }
      save.disabled = true;
      clear(status, notice('info', `Saving version ${view.version + 1}…`));
      try {
        const amended = await api.amend(r.id, changes, why);
        forgetNamed();
        forgetTitles();
        if (!ctx.alive()) return;
        ctx.navigate(`#/record/${encodeURIComponent(r.id)}?amended=${amended.version}`);
      } catch (e) {
        if (!ctx.alive()) return;
        showSaveError(status, editors, e);
      } finally {
        save.disabled = false;
      }
    },
  },
    h('p', { class: 'muted' }, `Saving writes version ${view.version + 1} to the ledger; version ${view.version} stays there and in the history. Only the fields you change are sent.`),
    sealed.length ? h('p', { class: 'muted small' }, `Sealed fields (${sealed.join(', ')}) are not in this form and stay as they are.`) : null,
    specs.some((s) => typeof r[s.name] === 'string' && SEALED_PASSAGE.test(r[s.name] as string))
      ? h('p', { class: 'muted small' }, 'Marked passages stay sealed: a text that has them can be kept or replaced whole.') : null,
    editorGrid(editors),
    h('div', { class: 'reason-row' },
      h('label', { for: 'amend-reason' }, 'Reason for this version (required)'),
      reason,
      h('p', { id: 'amend-reason-help', class: 'muted small' }, 'Kept in the ledger with the new version and readable by everyone who may read the ledger: do not put a name in it.')),
    h('div', { class: 'form-buttons' }, save, h('button', { type: 'button', onclick: onCancel }, 'Cancel')),
    status);
  clear(area, h('h2', { id: 'amend-h' }, 'Amend this record'), form);
  editors[0]?.focus();
}
