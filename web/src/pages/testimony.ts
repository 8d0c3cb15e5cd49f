// Recording a testimony: the interviewee (a person whose names the server seals), the interview
// (a source with the transcript, date and reliability grade, interviewee = that person), and
// the acts the testimony describes (victim = that person, sources = [the interview]).
// Records are created one after another through POST /api/v1/records; if one is refused, those
// already created are kept and listed, and submitting again creates only the rest.

import { api, ApiError, type Term, type RecordView } from '../api.ts';
import { h, clear, notice } from '../dom.ts';
import { vocabulary, termLabel, termTree, forgetNamed } from '../labels.ts';
import { refPicker, type Picker } from '../picker.ts';
import { WRITERS, type PageContext } from '../main.ts';

const NAME_LANGS: [string, string][] = [['ko', 'Korean (Hangul)'], ['ko-Latn', 'Korean (romanized)'], ['en', 'English'], ['zh', 'Chinese'], ['', 'other']];

interface ActForm {
  element: HTMLElement;
  violation: HTMLSelectElement;
  date: HTMLInputElement;
  status: HTMLSelectElement;
  description: HTMLTextAreaElement;
  place: Picker;
  unit: Picker;
}

export async function renderTestimony(main: HTMLElement, ctx: PageContext): Promise<void> {
  if (!WRITERS.has(ctx.session.role)) {
    clear(main, h('h1', { tabindex: '-1' }, 'Record a testimony'),
      notice('warn', `Your account's role (${ctx.session.role}) may not add records; an admin or an investigator can.`));
    return;
  }
  const empty = new Map<string, Term>();
  const [violations, sexes, roles, reliability, statuses] = await Promise.all(
    ['violation_types', 'sexes', 'person_roles', 'reliability', 'act_statuses'].map((v) => vocabulary(v).catch(() => empty)));
  if (!ctx.alive()) return;

  // ---- the interviewee ----
  const names = h('div', { class: 'names-edit' });
  const addName = (lang = 'ko') => {
    const n = names.childElementCount + 1;
    const text = h('input', { id: `name-${n}`, class: 'name-text', size: 30, lang: lang || undefined });
    const langSel = h('select', { id: `name-${n}-lang`, 'aria-label': `Name ${n}: script or language`, class: 'name-lang' },
      NAME_LANGS.map(([code, label]) => h('option', { value: code, selected: code === lang }, label)));
    langSel.addEventListener('change', () => { text.lang = langSel.value; });
    names.appendChild(h('div', { class: 'name-row' }, h('label', { for: `name-${n}` }, `Name ${n}`), text, langSel));
  };
  addName('ko');
  addName('ko-Latn');
  const sex = h('select', { id: 'person-sex' }, h('option', { value: '' }, 'not recorded'),
    [...sexes.values()].map((t) => h('option', { value: t.code }, termLabel(t, t.code))));
  const born = h('input', { id: 'person-born', placeholder: 'e.g. about 1975', size: 16 });
  const origin = refPicker('place', 'person-origin', 'Place of origin');
  const roleBoxes = [...roles.values()].map((t) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', value: t.code, checked: ['witness', 'victim', 'source_person'].includes(t.code), class: 'role-box' }), ` ${termLabel(t, t.code)}`));
  const contact = h('textarea', { id: 'person-contact', rows: 2, cols: 50 });

  // ---- the interview ----
  const srcTitle = h('input', { id: 'source-title', size: 50, placeholder: 'e.g. Interview 17 (Seoul)' });
  const srcDate = h('input', { id: 'source-date', size: 16, placeholder: 'e.g. 2015-06-02' });
  const interviewer = h('input', { id: 'source-interviewer', size: 30 });
  const grade = h('select', { id: 'source-reliability' }, h('option', { value: '' }, 'not graded'),
    [...reliability.values()].map((t) => h('option', { value: t.code }, `${t.code.toUpperCase()}: ${termLabel(t, t.code)}`)));
  const location = refPicker('place', 'source-location', 'Where the interview took place');
  const consentUse = h('input', { id: 'source-consent-use', type: 'checkbox' });
  const consentShare = h('input', { id: 'source-consent-share', type: 'checkbox' });
  const protection = h('input', { id: 'source-protection', type: 'checkbox', checked: true });
  const summary = h('textarea', { id: 'source-summary', rows: 3, cols: 70 });
  const transcript = h('textarea', { id: 'source-transcript', rows: 10, cols: 70, lang: 'ko' });

  // ---- the acts ----
  const acts: ActForm[] = [];
  const actsBox = h('div', { class: 'acts' });
  const addAct = () => {
    const n = acts.length + 1;
    const violation = h('select', { id: `act-${n}-violation`, required: true }, h('option', { value: '' }, 'choose a violation'),
      termTree(violations).map(({ term, depth }) => h('option', { value: term.code }, `${'\u00a0\u00a0'.repeat(depth)}${termLabel(term, term.code)}`)));
    const date = h('input', { id: `act-${n}-date`, size: 20, placeholder: 'e.g. spring 2009, 2009-03, between 2008 and 2010' });
    const status = h('select', { id: `act-${n}-status` }, h('option', { value: '' }, 'not set'),
      [...statuses.values()].map((t) => h('option', { value: t.code, selected: t.code === 'alleged' }, termLabel(t, t.code))));
    const description = h('textarea', { id: `act-${n}-description`, rows: 3, cols: 70 });
    const place = refPicker('place', `act-${n}-place`, 'Place');
    const unit = refPicker('organization', `act-${n}-unit`, 'Perpetrator unit');
    const element = h('fieldset', { class: 'act', 'data-act': String(n) },
      h('legend', null, `Act ${n}`),
      h('div', { class: 'grid' },
        h('label', { for: `act-${n}-violation` }, 'Violation'), violation,
        h('label', { for: `act-${n}-date` }, 'Date'), date,
        h('label', { for: `act-${n}-status` }, 'Status'), status),
      place.element, unit.element,
      h('label', { for: `act-${n}-description` }, 'Description'), description);
    acts.push({ element, violation, date, status, description, place, unit });
    actsBox.appendChild(element);
    return violation;
  };
  addAct();

  const status = h('div', { class: 'submit-status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'save-testimony' }, 'Save the testimony');

  // What was created so far, so that a second submit after a refusal does not duplicate it.
  let person: RecordView | undefined;
  let source: RecordView | undefined;
  const created: RecordView[] = [];
  const createdActs = new Map<number, RecordView>();

  const form = h('form', {
    class: 'testimony-form',
    onsubmit: async (ev: Event) => {
      ev.preventDefault();
      submit.disabled = true;
      clear(status, notice('info', 'Saving…'));
      try {
        if (!person) {
          person = await create('The interviewee', personDoc());
          created.push(person);
        }
        if (!source) {
          source = await create('The interview', sourceDoc(person.record.id));
          created.push(source);
        }
        for (const [i, act] of acts.entries()) {
          if (createdActs.has(i)) continue;
          if (!act.violation.value) throw new StepError(`Act ${i + 1}`, 'choose a violation', act.violation);
          const v = await create(`Act ${i + 1}`, actDoc(act, person.record.id, source.record.id), act.violation);
          createdActs.set(i, v);
          created.push(v);
        }
        forgetNamed();
        if (!ctx.alive()) return;
        clear(status, notice('ok', 'Saved. The names were sealed by the server; others see the interviewee by pseudonym only.'),
          createdList(created), h('button', { type: 'button', onclick: () => ctx.navigate(`#/testimony?again=${Date.now()}`) }, 'Record another testimony'));
        submit.hidden = true;
        status.querySelector('a')?.focus();
      } catch (e) {
        if (!ctx.alive()) return;
        const message = e instanceof StepError ? `${e.step}: ${e.message}` : e instanceof ApiError ? e.readable : String(e);
        clear(status, notice('error', message),
          created.length ? [h('p', null, 'Already saved (saving again will not repeat these):'), createdList(created)] : null);
        if (e instanceof StepError && e.focus) e.focus.focus();
      } finally {
        submit.disabled = false;
      }
    },
  },
    h('fieldset', null, h('legend', null, 'The interviewee'),
      h('p', { class: 'muted small' }, 'Names, date of birth and contact details are sealed (encrypted) by the server before they are written. Others see the person by pseudonym.'),
      names,
      h('button', { type: 'button', class: 'small', onclick: () => addName('') }, 'Add another name'),
      h('div', { class: 'grid' },
        h('label', { for: 'person-sex' }, 'Sex'), sex,
        h('label', { for: 'person-born' }, 'Born'), born),
      origin.element,
      h('div', { class: 'roles' }, h('span', null, 'Roles: '), roleBoxes),
      h('label', { for: 'person-contact' }, 'Contact (sealed)'), contact),
    h('fieldset', null, h('legend', null, 'The interview'),
      h('div', { class: 'grid' },
        h('label', { for: 'source-title' }, 'Title'), srcTitle,
        h('label', { for: 'source-date' }, 'Date'), srcDate,
        h('label', { for: 'source-interviewer' }, 'Interviewer'), interviewer,
        h('label', { for: 'source-reliability' }, 'Reliability of the source'), grade),
      location.element,
      h('div', { class: 'checks' },
        h('label', { class: 'check' }, consentUse, ' Consent to use'),
        h('label', { class: 'check' }, consentShare, ' Consent to share'),
        h('label', { class: 'check' }, protection, ' Protection concerns')),
      h('label', { for: 'source-summary' }, 'Summary'), summary,
      h('label', { for: 'source-transcript' }, 'Transcript'),
      h('p', { class: 'muted small', id: 'transcript-help' }, 'Mark anything that could identify someone as [sensitive]…[/sensitive]: it is sealed, and the rest stays searchable.'),
      transcript),
    h('fieldset', null, h('legend', null, 'Acts described'),
      actsBox,
      h('button', { type: 'button', class: 'small', onclick: () => addAct().focus() }, 'Add another act')),
    submit,
    status,
  );
  transcript.setAttribute('aria-describedby', 'transcript-help');

  clear(main, h('h1', { tabindex: '-1' }, 'Record a testimony'), form);

  function personDoc(): Record<string, unknown> {
    const list = [...names.querySelectorAll('.name-row')].map((row) => {
      const text = (row.querySelector('input') as HTMLInputElement).value.trim();
      const lang = (row.querySelector('select') as HTMLSelectElement).value;
      return text ? (lang ? { text, lang } : { text }) : null;
    }).filter(Boolean);
    const chosenRoles = roleBoxes.map((l) => l.querySelector('input') as HTMLInputElement).filter((b) => b.checked).map((b) => b.value);
    return compact({
      kind: 'person', names: list.length ? list : undefined, sex: sex.value, born: born.value.trim(),
      origin: origin.value(), roles: chosenRoles.length ? chosenRoles : undefined, contact: contact.value.trim(),
    });
  }

  function sourceDoc(interviewee: string): Record<string, unknown> {
    return compact({
      kind: 'source', type: 'interview', title: srcTitle.value.trim(), date: srcDate.value.trim(), interviewer: interviewer.value.trim(),
      interviewee, location: location.value(), reliability: grade.value,
      consent_to_use: consentUse.checked, consent_to_share: consentShare.checked, protection_concerns: protection.checked,
      summary: summary.value.trim(), transcript: transcript.value.trim(),
    });
  }

  function actDoc(act: ActForm, victim: string, src: string): Record<string, unknown> {
    const unit = act.unit.value();
    return compact({
      kind: 'act', violation: act.violation.value, victim, sources: [src], place: act.place.value(),
      perpetrators: unit ? [unit] : undefined, date: act.date.value.trim(), status: act.status.value,
      description: act.description.value.trim(),
    });
  }
}

class StepError extends Error {
  constructor(readonly step: string, message: string, readonly focus?: HTMLElement) {
    super(message);
  }
}

async function create(step: string, doc: Record<string, unknown>, focus?: HTMLElement): Promise<RecordView> {
  try {
    return await api.create(doc);
  } catch (e) {
    throw new StepError(step, e instanceof ApiError ? e.readable : String(e), focus);
  }
}

/** Drops empty strings and undefined values: the server treats a missing field as absent. */
function compact(doc: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined && v !== ''));
}

function createdList(records: RecordView[]): HTMLElement {
  return h('ul', { class: 'created', 'data-testid': 'created' }, records.map((r) => h('li', null,
    h('span', { class: `kind kind-${r.record.kind}` }, r.record.kind), ' ',
    h('a', { href: `#/record/${encodeURIComponent(r.record.id)}` }, r.record.id),
    r.pseudonym ? ` — pseudonym ${r.pseudonym}` : '',
    r.record.sealed?.length ? ` (sealed: ${r.record.sealed.join(', ')})` : '')));
}
