// The record kinds' fields as the server defines them (src/model/schema.cc, described in
// docs/formats/records.md), for the forms that add and amend records, and who may write which
// kind (the user guide's permission matrix). The server validates everything again: this only
// decides which control a field gets and which actions a page offers.

export type FieldType =
  | 'string' // one line
  | 'text' // free text, line breaks allowed, may hold [sensitive]…[/sensitive]
  | 'date' // a fuzzy date, stored as EDTF
  | 'number'
  | 'boolean'
  | 'term' // a code of `vocabulary`
  | 'terms' // codes of `vocabulary`
  | 'ref' // an id of a record of `kinds` (any kind when empty)
  | 'refs'
  | 'names' // [{text, lang, type, variant}]
  | 'grades' // claim sources: [{source, reliability, credibility, excerpt}]
  | 'map'; // {"key": "value"}: external codes

export interface FieldSpec {
  name: string;
  type: FieldType;
  required?: boolean;
  vocabulary?: string;
  /** For references: the kinds allowed; empty means any kind. */
  kinds?: string[];
  min?: number;
  max?: number;
  /** A person's sealed field: never shown sealed, never sent by the amend form. */
  sealed?: boolean;
  /** A short hint under the control. */
  help?: string;
}

const f = (name: string, type: FieldType, more: Partial<FieldSpec> = {}): FieldSpec => ({ name, type, ...more });

export const SCHEMA: Record<string, FieldSpec[]> = {
  place: [
    f('names', 'names', { required: true }),
    f('type', 'term', { required: true, vocabulary: 'place_types' }),
    f('parent', 'ref', { kinds: ['place'] }),
    f('lat', 'number', { min: -90, max: 90, help: 'Latitude, -90 to 90' }),
    f('lon', 'number', { min: -180, max: 180, help: 'Longitude, -180 to 180' }),
    f('facility_type', 'term', { vocabulary: 'facility_types' }),
    f('operated_by', 'term', { vocabulary: 'agencies' }),
    f('codes', 'map', { help: 'External codes: iso3166_2, openadmindata, facility_number, …' }),
    f('source', 'string'),
    f('note', 'text'),
  ],
  organization: [
    f('names', 'names', { required: true }),
    f('agency', 'term', { vocabulary: 'agencies' }),
    f('parent', 'ref', { kinds: ['organization'] }),
    f('place', 'ref', { kinds: ['place'] }),
    f('description', 'text'),
  ],
  person: [
    f('names', 'names', { sealed: true }),
    f('public_names', 'names', { help: 'Names already public (officials, perpetrators named in published reports). Not sealed.' }),
    f('sex', 'term', { vocabulary: 'sexes' }),
    f('born', 'date', { sealed: true }),
    f('origin', 'ref', { kinds: ['place'] }),
    f('roles', 'terms', { vocabulary: 'person_roles' }),
    f('description', 'text', { sealed: true }),
    f('family', 'text', { sealed: true }),
    f('contact', 'text', { sealed: true }),
    f('current_location', 'text', { sealed: true }),
    f('photo', 'text', { sealed: true }),
  ],
  source: [
    f('type', 'term', { required: true, vocabulary: 'source_types' }),
    f('title', 'string'),
    f('date', 'date'),
    f('languages', 'terms', { vocabulary: 'languages' }),
    f('interviewer', 'string'),
    f('collected_by', 'ref', { kinds: ['organization'] }),
    f('interviewee', 'ref', { kinds: ['person'] }),
    f('location', 'ref', { kinds: ['place'] }),
    f('consent_to_use', 'boolean'),
    f('consent_to_share', 'boolean'),
    f('protection_concerns', 'boolean'),
    f('reliability', 'term', { vocabulary: 'reliability' }),
    f('citation', 'string'),
    f('url', 'string'),
    f('summary', 'text'),
    f('transcript', 'text'),
  ],
  incident: [
    f('title', 'string', { required: true }),
    f('date', 'date'),
    f('place', 'ref', { kinds: ['place'] }),
    f('sources', 'refs', { kinds: ['source'] }),
    f('description', 'text'),
  ],
  act: [
    f('violation', 'term', { required: true, vocabulary: 'violation_types' }),
    f('victim', 'ref', { required: true, kinds: ['person'] }),
    f('incident', 'ref', { kinds: ['incident'] }),
    f('perpetrators', 'refs', { kinds: ['person', 'organization'] }),
    f('place', 'ref', { kinds: ['place'] }),
    f('date', 'date'),
    f('status', 'term', { vocabulary: 'act_statuses' }),
    f('legal_qualification', 'term', { vocabulary: 'legal_qualifications' }),
    f('sources', 'refs', { kinds: ['source'] }),
    f('description', 'text'),
  ],
  post: [
    f('person', 'ref', { required: true, kinds: ['person'] }),
    f('organization', 'ref', { required: true, kinds: ['organization'] }),
    f('title', 'string'),
    f('date', 'date'),
    f('sources', 'refs', { kinds: ['source'] }),
  ],
  claim: [
    f('subject', 'ref', { required: true, help: 'The record the claim is about: any kind.' }),
    f('statement', 'text', { required: true }),
    f('sources', 'grades', { required: true }),
  ],
  dossier: [
    f('title', 'string', { required: true }),
    f('type', 'term', { vocabulary: 'dossier_types' }),
    f('records', 'refs', { help: 'The records the dossier holds: any kind.' }),
    f('access_group', 'string', { help: 'Recorded, not used: who may see a dossier is decided by grants.' }),
    f('description', 'text'),
  ],
};

/** Roles that may add or amend records of a kind (user guide, permission matrix): claims and
 *  dossiers also legal officers, every other kind admins and investigators only. */
export function mayWrite(role: string, kind: string): boolean {
  if (role === 'admin' || role === 'investigator') return kind in SCHEMA;
  if (role === 'legal_officer') return kind === 'claim' || kind === 'dossier';
  return false;
}

/** Roles that may read the access audit. */
export const AUDITORS = new Set(['admin', 'legal_officer']);

/** Field names as words: "legal_qualification" → "legal qualification". */
export function fieldLabel(name: string): string {
  const words: Record<string, string> = { lat: 'latitude', lon: 'longitude', url: 'URL' };
  return words[name] ?? name.replace(/_/g, ' ');
}
