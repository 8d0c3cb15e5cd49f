// The record kinds' fields, as the server validates them (GET /api/v1/schema, described in
// docs/formats/records.md and docs/formats/api.md), for the forms that add and amend records and
// the pages that show and filter them; and who may write which kind (the user guide's
// permission matrix). The field table is the server's, fetched once per session: field order,
// types, required, vocabularies, the kinds a reference may name, bounds and sealing all come
// from it. What stays here is only what the server has no word for: the hints shown under some
// controls, and the roles' permissions. The server validates everything again: this only decides
// which control a field gets and which actions a page offers.

import { api, type SchemaField } from './api.ts';

export type FieldType = SchemaField['type'];

/** One field as GET /api/v1/schema answers it, with the UI's hint added. */
export interface FieldSpec extends SchemaField {
  /** A short hint under the control (UI only, from HINTS). */
  help?: string;
}

export type Schema = Record<string, FieldSpec[]>;

/** Hints under the controls, by `kind.field`: the only per-field text the server does not give. */
export const HINTS: Record<string, string> = {
  'place.lat': 'Latitude', // the bounds the server gives are added: "Latitude, -90 to 90"
  'place.lon': 'Longitude',
  'place.codes': 'External codes: iso3166_2, openadmindata, facility_number, …',
  'person.public_names': 'Names already public (officials, perpetrators named in published reports). Not sealed.',
  'claim.subject': 'The record the claim is about: any kind.',
  'dossier.records': 'The records the dossier holds: any kind.',
  'dossier.access_group': 'Recorded, not used: who may see a dossier is decided by grants.',
};

let cached: Promise<Schema> | null = null;

/** The server's field table, fetched once per session (forgotten on sign-out, and after a
 *  failed fetch so that the next page tries again). */
export function loadSchema(): Promise<Schema> {
  if (!cached) {
    const p = api.schema().then((answer) => {
      const out: Schema = {};
      for (const [kind, { fields }] of Object.entries(answer.kinds ?? {})) {
        out[kind] = (fields ?? []).map((f) => {
          const help = [HINTS[`${kind}.${f.name}`], bounds(f)].filter(Boolean).join(', ');
          return help ? { ...f, help } : { ...f };
        });
      }
      return out;
    });
    p.catch(() => { if (cached === p) cached = null; });
    cached = p;
  }
  return cached;
}

/** A number's bounds in words, from the schema's min and max. */
function bounds(f: SchemaField): string {
  if (f.min !== undefined && f.max !== undefined) return `${f.min} to ${f.max}`;
  if (f.min !== undefined) return `at least ${f.min}`;
  if (f.max !== undefined) return `at most ${f.max}`;
  return '';
}

/** Forgets the fetched schema (at sign-out: the next account fetches it again). */
export function forgetSchema(): void {
  cached = null;
}

/** A kind's fields in the server's order; empty for a kind the server does not know. */
export async function fieldsOf(kind: string): Promise<FieldSpec[]> {
  return (await loadSchema())[kind] ?? [];
}

/** The fields the records API filters by (`type`, `place`, `date`): the field of a kind that
 *  the server projects to each, from the schema's `projected`. */
export function projectedField(fields: FieldSpec[], projection: string): FieldSpec | undefined {
  return fields.find((f) => f.projected === projection);
}

/** Kinds every admin and investigator may write; the user guide's permission matrix. */
const WRITABLE_KINDS = new Set(['place', 'organization', 'person', 'source', 'incident', 'act', 'post', 'claim', 'dossier']);

/** Roles that may add or amend records of a kind (user guide, permission matrix): claims and
 *  dossiers also legal officers, every other kind admins and investigators only. */
export function mayWrite(role: string, kind: string): boolean {
  if (role === 'admin' || role === 'investigator') return WRITABLE_KINDS.has(kind);
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
