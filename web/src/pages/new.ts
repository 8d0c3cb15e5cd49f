// Adding a claim or a dossier (#/new/claim, #/new/dossier), with the kinds' fields as the
// server's schema gives them (GET /api/v1/schema, docs/formats/records.md): a claim is a
// statement about one record (its subject) with one or more sources, each graded for reliability
// (A-F) and credibility (1-6); a dossier is a working file with a title, a type and the records
// it holds. The record page links here with the subject, source or record filled in (?subject=,
// ?source=, ?records=), and offers "Add to a dossier" (renderAddToDossier), which amends a
// dossier's list of records with a reason. Admins, investigators and legal officers may add
// both; the server decides in the end.

import { api, ApiError, type RecordView } from '../api.ts';
import { h, clear, notice } from '../dom.ts';
import { fieldEditor, loadVocabularies, editorGrid, showSaveError, readDocument, FieldError, type FieldEditor } from '../editor.ts';
import { recordTitle } from '../labels.ts';
import { forgetTitles } from '../picker.ts';
import { fieldsOf, mayWrite, type FieldSpec } from '../schema.ts';
import type { PageContext } from '../main.ts';

const KINDS: [string, string][] = [['claim', 'New claim'], ['dossier', 'New dossier']];

const INTRO: Record<string, string> = {
  claim: 'A claim asserts something about one record, on the strength of one or more sources. Grade each source separately: how reliable the source is (A-F) and how credible this information from it is (1-6). Nothing combines the grades.',
  dossier: 'A dossier is a working file: a prosecution case, a report chapter, an urgent action. Only admins and the accounts it is granted to see it; you are granted the dossiers you create.',
};

export async function renderNew(main: HTMLElement, ctx: PageContext): Promise<void> {
  const kind = ctx.rest === 'dossier' ? 'dossier' : 'claim';
  const tabs = h('nav', { class: 'tabs', 'aria-label': 'What to add' }, h('ul', null, KINDS.map(([k, label]) =>
    h('li', null, h('a', { href: `#/new/${k}`, 'aria-current': k === kind ? 'page' : undefined }, label)))));
  const title = kind === 'claim' ? 'New claim' : 'New dossier';
  if (!mayWrite(ctx.session.role, kind)) {
    clear(main, h('h1', { tabindex: '-1' }, title), tabs,
      notice('warn', `Your account's role (${ctx.session.role}) may not add ${kind}s; an admin, an investigator or a legal officer can.`));
    return;
  }
  clear(main, h('h1', { tabindex: '-1' }, title), tabs, h('p', { class: 'loading' }, 'Loading the form…'));
  let specs: FieldSpec[];
  try {
    specs = await fieldsOf(kind);
  } catch (e) {
    if (ctx.alive()) clear(main, h('h1', { tabindex: '-1' }, title), tabs, notice('error', `The form cannot be shown: the server did not give its record fields (${e instanceof ApiError ? e.readable : String(e)}).`));
    return;
  }
  if (!ctx.alive()) return;
  if (specs.length === 0) {
    clear(main, h('h1', { tabindex: '-1' }, title), tabs, notice('error', `The server's schema has no fields for the kind '${kind}'.`));
    return;
  }
  const vocabs = await loadVocabularies(specs);
  if (!ctx.alive()) return;

  const p = ctx.params;
  const initial: Record<string, unknown> = kind === 'claim'
    ? { subject: p.get('subject') ?? undefined, sources: p.getAll('source').map((source) => ({ source, reliability: '', credibility: '' })) }
    : { records: p.getAll('records') };
  const editors: FieldEditor[] = specs.map((s) => fieldEditor(s, initial[s.name], `new-${kind}`, vocabs));
  const status = h('div', { class: 'submit-status', 'data-testid': 'new-status', 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'primary', 'data-testid': `save-${kind}` }, kind === 'claim' ? 'Save the claim' : 'Save the dossier');

  const form = h('form', {
    class: 'record-form',
    novalidate: true,
    onsubmit: async (ev: Event) => {
      ev.preventDefault();
      let doc: Record<string, unknown>;
      try {
        doc = readDocument(kind, editors);
      } catch (e) {
        if (!(e instanceof FieldError)) throw e;
        clear(status, notice('error', `Not saved: ${e.message}.`));
        editors.find((x) => x.spec.name === e.field)?.focus();
        return;
      }
      save.disabled = true;
      clear(status, notice('info', 'Saving…'));
      try {
        const created = await api.create(doc);
        if (!ctx.alive()) return;
        ctx.navigate(`#/record/${encodeURIComponent(created.record.id)}?created=1`);
      } catch (e) {
        if (!ctx.alive()) return;
        showSaveError(status, editors, e);
      } finally {
        save.disabled = false;
      }
    },
  },
    h('p', { class: 'muted' }, INTRO[kind]),
    editorGrid(editors),
    h('div', { class: 'form-buttons' }, save),
    status);
  clear(main, h('h1', { tabindex: '-1' }, title), tabs, form);
}

/** "Add to a dossier" on a record page: choose one of the dossiers this account sees; the
 *  dossier is amended with the record added to its list, and a reason. */
export async function renderAddToDossier(area: HTMLElement, view: RecordView, ctx: PageContext, onCancel: () => void): Promise<void> {
  const id = view.record.id;
  const heading = h('h2', { id: 'dossier-add-h' }, 'Add to a dossier');
  const newLink = h('a', { href: `#/new/dossier?records=${encodeURIComponent(id)}`, 'data-testid': 'new-dossier-with' }, 'Start a new dossier with this record');
  clear(area, heading, h('p', { class: 'loading' }, 'Loading the dossiers you may see…'));
  let dossiers: RecordView[];
  try {
    dossiers = (await api.records({ kind: 'dossier', limit: 1000 })).records;
  } catch (e) {
    if (ctx.alive()) clear(area, heading, notice('error', e instanceof ApiError ? e.readable : String(e)), h('p', null, newLink));
    return;
  }
  if (!ctx.alive()) return;
  if (dossiers.length === 0) {
    clear(area, heading, h('p', null, 'No dossier is granted to your account yet. ', newLink));
    return;
  }
  const holds = (d: RecordView) => Array.isArray(d.record.records) && (d.record.records as string[]).includes(id);
  const titles = await Promise.all(dossiers.map(recordTitle));
  if (!ctx.alive()) return;
  const select = h('select', { id: 'dossier-choice' }, h('option', { value: '' }, 'choose a dossier'),
    dossiers.map((d, i) => h('option', { value: d.record.id, disabled: holds(d) }, `${titles[i]} (${d.record.id})${holds(d) ? ' — already holds it' : ''}`)));
  const reason = h('input', { id: 'dossier-reason', size: 50, maxlength: 1000, placeholder: 'e.g. the act belongs to the Onsong case' });
  const status = h('div', { class: 'dossier-status', 'data-testid': 'dossier-status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Add to the dossier');
  const form = h('form', {
    class: 'inline-form',
    novalidate: true,
    onsubmit: async (ev: Event) => {
      ev.preventDefault();
      if (!select.value) {
        clear(status, notice('error', 'Choose a dossier.'));
        select.focus();
        return;
      }
      const why = reason.value.trim();
      if (!why) {
        clear(status, notice('error', 'A reason is required: the dossier gets a new version, and the reason is kept in the ledger with it.'));
        reason.focus();
        return;
      }
      submit.disabled = true;
      clear(status, notice('info', 'Adding…'));
      try {
        // The list as it is now, not as it was when the page was drawn: a merge patch replaces
        // a list whole.
        const current = await api.record(select.value);
        const records = Array.isArray(current.record.records) ? (current.record.records as string[]) : [];
        if (records.includes(id)) {
          clear(status, notice('warn', `${select.value} already holds this record.`));
          return;
        }
        const amended = await api.amend(select.value, { records: [...records, id] }, why);
        forgetTitles();
        if (!ctx.alive()) return;
        clear(status, notice('ok', 'Added to ', h('a', { href: `#/record/${encodeURIComponent(amended.record.id)}` }, await recordTitle(amended)),
          ` (version ${amended.version}, ledger entry ${amended.seq}).`));
        select.selectedOptions[0].disabled = true;
        select.value = '';
        reason.value = '';
      } catch (e) {
        if (ctx.alive()) clear(status, notice('error', `Not added: ${e instanceof ApiError ? e.readable : String(e)}`));
      } finally {
        submit.disabled = false;
      }
    },
  },
    h('label', { for: 'dossier-choice' }, 'Dossier'), select,
    h('label', { for: 'dossier-reason' }, 'Reason (required)'), reason,
    h('div', { class: 'form-buttons' }, submit, h('button', { type: 'button', onclick: onCancel }, 'Close')));
  clear(area, heading,
    h('p', { class: 'muted' }, 'The dossier gets a new version with this record added to its list. ', newLink, '.'),
    form, status);
  select.focus();
}
