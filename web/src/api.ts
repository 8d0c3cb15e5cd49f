// The client of Custodian's HTTP API (docs/formats/api.md): the session, the CSRF token, and
// errors turned into messages a person can act on.

export interface Session {
  account: string;
  role: string;
  clearance: boolean;
  dossiers: string[];
}

export interface Name {
  text: string;
  lang?: string;
  type?: string;
  variant?: string;
}

export type Fields = Record<string, unknown> & { kind: string; id: string; sealed?: string[] };

/** A record as the API answers it: the record's fields plus where and when it was written. */
export interface RecordView {
  record: Fields;
  version: number;
  seq: number;
  at: string;
  by: string;
  revealed: boolean;
  reason?: string;
  pseudonym?: string;
  erased_by?: string;
}

export interface ListAnswer {
  total: number;
  offset: number;
  records: RecordView[];
  /** Present when more records follow: the page's last id, to pass as `after`. */
  next?: string;
}

/** One field of a kind as GET /api/v1/schema answers it; members only where they apply. */
export interface SchemaField {
  name: string;
  type:
    | 'string' // one line
    | 'text' // free text, line breaks allowed, may hold [sensitive]…[/sensitive]
    | 'date' // a fuzzy date, stored as EDTF
    | 'integer'
    | 'number'
    | 'boolean'
    | 'term' // a code of `vocabulary`
    | 'terms' // codes of `vocabulary`
    | 'ref' // an id of a record of `kinds` (any kind when empty)
    | 'refs'
    | 'names' // [{text, lang, type, variant}]
    | 'grades' // claim sources: [{source, reliability, credibility, excerpt}]
    | 'map'; // {"key": "value"}: external codes
  required?: boolean;
  vocabulary?: string;
  /** For references: the kinds allowed; empty means any kind. */
  kinds?: string[];
  min?: number;
  max?: number;
  /** For strings and texts: the most UTF-8 bytes the server takes. */
  max_bytes?: number;
  /** A person's field that is sealed: shown only when revealed. */
  sealed?: boolean;
  /** What the list filters read the field as: `type`, `place` or `date`. */
  projected?: string;
}

export interface SchemaAnswer {
  kinds: Record<string, { fields: SchemaField[] }>;
}

export interface SearchHit {
  id: string;
  kind: string;
  /** What the record is, in one line, as this account may see it (repo::Describe). */
  title?: string;
  score: number;
  snippets: { field: string; html: string }[];
}

export interface SearchAnswer {
  total: number;
  /** False when `total` is an estimate (a search matching more than a few thousand records). */
  total_exact?: boolean;
  facets_exact?: boolean;
  offset: number;
  behind: number;
  hits: SearchHit[];
  facets: Record<string, { value: string; count: number }[]>;
}

export interface Term {
  code: string;
  label?: Record<string, string>;
  description?: string;
  parent?: string | null;
  grade?: string;
}

export interface LedgerEntry {
  seq: number;
  leaf_hash: string;
  entry: Record<string, unknown> & { op?: string; kind?: string; id?: string; by?: string; at?: string };
}

export interface LedgerAnswer {
  entries: LedgerEntry[];
  size: number;
  root: string;
  repository: string;
}

export interface Counted {
  key: string;
  count: number;
}

export interface Stats {
  acts_by_province: Counted[];
  acts_by_violation: Counted[];
  acts_by_year: Counted[];
  records_by_kind: Counted[];
  sources_by_type: Counted[];
  ledger: { repository: string; root: string; size: number };
}

// ---- record linkage (docs/formats/linkage.md#in-a-repository) ----

/** One field's part in a pair's score: its agreement level (0 disagrees, levels-1 exact) and its
 *  weight in bits (log2 of the Bayes factor). Fields unknown on either side are left out. */
export interface LinkFieldPart {
  field: string;
  level: number;
  levels: number;
  weight: number;
}

export interface LinkExplanation {
  fields: LinkFieldPart[];
  prior: number;
  total: number;
}

export interface LinkPair {
  a: string;
  b: string;
  probability: number;
  explanation: LinkExplanation;
  decision?: 'same' | 'different';
  cluster_a?: string;
  cluster_b?: string;
  /** The records as this account may see them (a person unrevealed: its pseudonym). */
  a_title: string;
  b_title: string;
}

export interface LinkPairsAnswer {
  total: number;
  offset: number;
  pairs: LinkPair[];
}

export interface LinkDecision {
  seq: number;
  a: string;
  b: string;
  decision: 'same' | 'different';
  account: string;
  reason: string;
  at: string;
  revoked_by?: number;
}

export interface LinkCluster {
  cluster: string;
  records: string[];
  decisions: LinkDecision[];
}

export interface LinkClustersAnswer {
  total: number;
  clusters: LinkCluster[];
}

export interface LinkRunReport {
  persons: number;
  candidate_pairs: number;
  kept_pairs: number;
  clusters: number;
  linked_persons: number;
  model: number;
  trained: boolean;
  iterations: number;
  converged: boolean;
  first_entry: number;
  entries: number;
}

export interface LinkModel {
  seq: number;
  at: string;
  by: string;
  persons: number;
  prior: number;
  iterations: number;
  converged: boolean;
  fields: Record<string, { m: number[]; u: number[] }>;
}

/** One reading of sealed identities (GET /api/v1/audit): a reveal (`show`), a search of sealed
 *  names (`search`), an export (`export:disclosure`, `export:full`) or a linkage run (`link`).
 *  `records` is `["*"]` for a full export. */
export interface AccessEvent {
  seq: number;
  at: string;
  account: string;
  scope: string;
  purpose: string;
  records: string[];
}

export interface AuditAnswer {
  events: AccessEvent[];
  /** Present when older events exist: the ledger entry of the page's oldest, to pass as `before`. */
  next?: number;
}

/** An answer other than 2xx. `message` is the server's, which names what was wrong. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** What to show: the server's message, with a hint for the statuses a person can act on. */
  get readable(): string {
    switch (this.code) {
      case 'unauthenticated':
        return this.status === 401 && this.message ? this.message : 'You are not signed in.';
      case 'csrf':
        return 'The session is missing its security token. Sign out and sign in again.';
      case 'too_many_attempts':
        return `${this.message}${this.retryAfter ? ` Try again in ${this.retryAfter} seconds.` : ''}`;
      case 'network':
        return this.message;
      default:
        return this.message || `The server answered ${this.status}.`;
    }
  }
}

const BASE = '/api/v1';
const CSRF_KEY = 'custodian.csrf';

let csrfToken: string | null = sessionStorage.getItem(CSRF_KEY);
let onUnauthenticated: (() => void) | null = null;

/** Called when a request finds the session ended (401), e.g. after the server restarted. */
export function setUnauthenticatedHandler(fn: () => void): void {
  onUnauthenticated = fn;
}

type Query = Record<string, string | number | boolean | undefined | null | (string | number)[]>;

export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) value.forEach((v) => params.append(key, String(v)));
    else params.append(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(BASE + path + queryString(query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached. Check that custodian serve is running.');
  }
  const text = await response.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      throw new ApiError(response.status, 'internal', `The server answered ${response.status} with something that is not JSON.`);
    }
  }
  if (!response.ok) {
    const err = (data as { error?: { code?: string; message?: string } } | null)?.error;
    const e = new ApiError(
      response.status,
      err?.code ?? 'error',
      err?.message ?? `The server answered ${response.status}.`,
      response.headers.get('Retry-After') ?? undefined,
    );
    if (response.status === 401 && path !== '/session' && onUnauthenticated) onUnauthenticated();
    throw e;
  }
  return data as T;
}

export const api = {
  async login(account: string, password: string): Promise<Session> {
    const answer = await request<Session & { csrf_token: string }>('POST', '/session', { account, password });
    csrfToken = answer.csrf_token;
    // The token is needed again after a reload, and GET /session does not repeat it. The tab's
    // sessionStorage is readable by this origin only, and the token is useless without the
    // HttpOnly cookie.
    sessionStorage.setItem(CSRF_KEY, csrfToken);
    return { account: answer.account, role: answer.role, clearance: answer.clearance, dossiers: answer.dossiers };
  },
  async logout(): Promise<void> {
    try {
      await request('DELETE', '/session');
    } finally {
      csrfToken = null;
      sessionStorage.removeItem(CSRF_KEY);
    }
  },
  hasCsrf: () => csrfToken !== null,
  session: () => request<Session>('GET', '/session'),
  records: (query: Query) => request<ListAnswer>('GET', '/records', undefined, query),
  record: (id: string, version?: number) =>
    request<RecordView>('GET', `/records/${encodeURIComponent(id)}`, undefined, { version }),
  history: (id: string) => request<{ versions: RecordView[] }>('GET', `/records/${encodeURIComponent(id)}/history`),
  reveal: (id: string, purpose: string) =>
    request<RecordView>('POST', `/records/${encodeURIComponent(id)}/reveal`, { purpose }),
  create: (doc: Record<string, unknown>) => request<RecordView>('POST', '/records', doc),
  /** A new version from a JSON merge patch (RFC 7386) and a reason (docs/formats/api.md). */
  amend: (id: string, changes: Record<string, unknown>, reason: string) =>
    request<RecordView>('PATCH', `/records/${encodeURIComponent(id)}`, { changes, reason }),
  search: (query: Query) => request<SearchAnswer>('GET', '/search', undefined, query),
  vocabulary: (name: string) => request<{ name: string; terms: Term[] }>('GET', `/vocabularies/${encodeURIComponent(name)}`),
  stats: () => request<Stats>('GET', '/stats'),
  audit: (query: Query) => request<AuditAnswer>('GET', '/audit', undefined, query),
  /** Every kind's fields as the server validates them; schema.ts fetches it once per session. */
  schema: () => request<SchemaAnswer>('GET', '/schema'),
  ledger: (from: number, limit: number) => request<LedgerAnswer>('GET', '/ledger', undefined, { from, limit }),
  proof: (seq: number) => request<unknown>('GET', `/ledger/${seq}/proof`),
  // The server refuses an empty body here ("the request failed"), so send an empty object.
  checkpoints: () => request<{ verifier_key: string; checkpoints: { id: number; size: number; note: string; at: string }[] }>('GET', '/checkpoints'),
  checkpoint: () => request<{ id: number; size: number; note: string }>('POST', '/checkpoints', {}),
  linkRun: (purpose: string, retrain: boolean) =>
    request<LinkRunReport>('POST', '/link/run', retrain ? { purpose, retrain } : { purpose }),
  linkPairs: (query: Query) => request<LinkPairsAnswer>('GET', '/link/pairs', undefined, query),
  linkDecide: (a: string, b: string, decision: 'same' | 'different', reason: string) =>
    request<{ seq: number }>('POST', '/link/decisions', { a, b, decision, reason }),
  linkDecisions: (query: Query) => request<{ decisions: LinkDecision[] }>('GET', '/link/decisions', undefined, query),
  linkRevoke: (seq: number, reason: string) =>
    request<{ seq: number }>('POST', `/link/decisions/${seq}/revoke`, { reason }),
  linkClusters: (query: Query) => request<LinkClustersAnswer>('GET', '/link/clusters', undefined, query),
  linkModel: () => request<{ model: LinkModel | null }>('GET', '/link/model'),
};
