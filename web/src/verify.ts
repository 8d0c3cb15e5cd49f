// Checks a custodian-inclusion-proof/1 document (docs/formats/proofs.md) with the browser's own
// crypto, trusting nothing the server says about it:
//   1. the verifier key parses (C2SP signed-note: name+keyid+base64(0x01 || Ed25519 key)) and its
//      key id is SHA-256(name || 0x0A || 0x01 || key)[:4];
//   2. the checkpoint note carries a signature line by that key, and every such line verifies
//      (Ed25519, RFC 8032, over the note's body);
//   3. the checkpoint body (C2SP tlog-checkpoint) names the key's origin and the proof's size;
//   4. the entry's leaf hash, SHA-256(0x00 || entry) (RFC 6962 §2.1), folded with the audit path
//      as in RFC 9162 §2.1.3.2, gives the root the checkpoint signs.
// Pure functions over bytes; no DOM, so it runs under Node's WebCrypto in the unit tests too.

export interface VerifierKey {
  name: string;
  keyId: Uint8Array; // 4 bytes
  publicKey: Uint8Array; // 32 bytes, Ed25519
  text: string;
}

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  extensions: string[];
}

export interface InclusionProofDoc {
  format: string;
  entry: string;
  index: number;
  tree_size: number;
  path: string[];
  checkpoint: string;
  verifier_key?: string;
}

export interface Step {
  label: string;
  ok: boolean;
  detail: string;
}

export interface ProofResult {
  ok: boolean;
  steps: Step[];
  /** The entry's exact bytes decoded as JSON, when they are JSON. */
  entry?: Record<string, unknown>;
  entryText?: string;
  checkpoint?: Checkpoint;
  root?: string; // hex
  leafHash?: string; // hex
  key?: VerifierKey;
}

export class ProofError extends Error {}

const encoder = new TextEncoder();

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Standard base64 with padding, strictly: anything else is refused, not skipped. */
export function base64Decode(text: string, what: string): Uint8Array {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new ProofError(`${what} is not standard base64`);
  }
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', concat(...parts)));
}

/** RFC 6962 §2.1: a leaf is SHA-256(0x00 || entry). */
export function leafHash(entry: Uint8Array): Promise<Uint8Array> {
  return sha256(Uint8Array.of(0), entry);
}

/** RFC 6962 §2.1: an inner node is SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(Uint8Array.of(1), left, right);
}

/** Parses "<name>+<8 hex key id>+<base64(0x01 || key)>", splitting at the first two '+' since
 *  base64 may contain '+', and checks the key id against the name and key. */
export async function parseVerifierKey(text: string): Promise<VerifierKey> {
  const trimmed = text.trim();
  const first = trimmed.indexOf('+');
  const second = first < 0 ? -1 : trimmed.indexOf('+', first + 1);
  if (first <= 0 || second < 0) throw new ProofError('the verifier key is not name+keyid+key');
  const name = trimmed.slice(0, first);
  const idHex = trimmed.slice(first + 1, second);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new ProofError('the verifier key id is not 8 lowercase hex digits');
  for (const ch of name) {
    const c = ch.codePointAt(0) ?? 0;
    if (c <= 0x20 || c === 0x7f) throw new ProofError('the verifier key name contains a space or control character');
  }
  const blob = base64Decode(trimmed.slice(second + 1), 'the verifier key');
  if (blob.length !== 33 || blob[0] !== 0x01) throw new ProofError('the verifier key is not an Ed25519 key (type 0x01, 32 bytes)');
  const publicKey = blob.slice(1);
  const keyId = (await sha256(encoder.encode(name), Uint8Array.of(0x0a, 0x01), publicKey)).slice(0, 4);
  if (toHex(keyId) !== idHex) throw new ProofError("the verifier key's id does not match its name and key");
  return { name, keyId, publicKey, text: trimmed };
}

export interface SignedNote {
  body: string;
  signatures: { name: string; blob: Uint8Array }[];
}

/** C2SP signed-note: the body, an empty line, then lines "— <name> <base64(keyid || sig)>". */
export function parseNote(note: string): SignedNote {
  if (!note.endsWith('\n')) throw new ProofError('the checkpoint note does not end with a newline');
  if (note.includes('\r') || note.includes('\0')) throw new ProofError('the checkpoint note contains CR or NUL');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new ProofError('the checkpoint note has no signature block');
  const body = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > 100) throw new ProofError('the checkpoint note has more than 100 signatures');
  const signatures = lines.map((line) => {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) throw new ProofError('a signature line of the checkpoint note is malformed');
    const blob = base64Decode(m[2], 'a signature');
    if (blob.length < 5) throw new ProofError('a signature of the checkpoint note is too short');
    return { name: m[1], blob };
  });
  return { body, signatures };
}

/** Verifies the note against one key: at least one signature by it, and all of them valid. */
export async function verifyNote(note: SignedNote, key: VerifierKey): Promise<void> {
  const mine = note.signatures.filter((s) => s.name === key.name && equal(s.blob.slice(0, 4), key.keyId));
  if (mine.length === 0) throw new ProofError(`the checkpoint carries no signature by ${key.name}`);
  const cryptoKey = await crypto.subtle.importKey('raw', concat(key.publicKey), { name: 'Ed25519' }, false, ['verify']);
  const body = concat(encoder.encode(note.body));
  for (const s of mine) {
    const sig = concat(s.blob.slice(4));
    if (sig.length !== 64 || !(await crypto.subtle.verify({ name: 'Ed25519' }, cryptoKey, sig, body))) {
      throw new ProofError(`the signature by ${key.name} does not verify`);
    }
  }
}

/** C2SP tlog-checkpoint body: origin, decimal size, base64 root, then extension lines. */
export function parseCheckpoint(body: string): Checkpoint {
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) throw new ProofError('the checkpoint body has fewer than three lines');
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText)) throw new ProofError('the checkpoint size is not a decimal number');
  if (extensions.some((l) => l === '')) throw new ProofError('the checkpoint has an empty extension line');
  const root = base64Decode(rootText, 'the checkpoint root');
  if (root.length !== 32) throw new ProofError('the checkpoint root is not 32 bytes');
  return { origin, size: Number(sizeText), root, extensions };
}

/** RFC 9162 §2.1.3.2: the root that a leaf and its inclusion path lead to. */
export async function rootFromInclusion(index: number, size: number, leaf: Uint8Array, path: Uint8Array[]): Promise<Uint8Array> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new ProofError('the entry index is outside the tree');
  }
  // BigInt keeps the bit operations exact beyond 2^31.
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r = leaf;
  for (const p of path) {
    if (sn === 0n) throw new ProofError('the inclusion path is too long');
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw new ProofError('the inclusion path is too short');
  return r;
}

/**
 * Verifies an inclusion proof document. `trustedKey` is the verifier key to trust (as published);
 * without it, the key the document carries is used, and the result says so. Never throws for a
 * bad proof: the result lists each step with whether it held.
 */
export async function verifyInclusionProof(doc: unknown, trustedKey?: string): Promise<ProofResult> {
  const steps: Step[] = [];
  const result: ProofResult = { ok: false, steps };
  const fail = (label: string, e: unknown): ProofResult => {
    steps.push({ label, ok: false, detail: e instanceof Error ? e.message : String(e) });
    return result;
  };

  const d = doc as Partial<InclusionProofDoc> | null;
  if (!d || typeof d !== 'object' || d.format !== 'custodian-inclusion-proof/1') {
    return fail('Proof format', 'the document is not a custodian-inclusion-proof/1');
  }
  if (typeof d.checkpoint !== 'string' || typeof d.entry !== 'string' || !Array.isArray(d.path) ||
      typeof d.index !== 'number' || typeof d.tree_size !== 'number') {
    return fail('Proof format', 'a member of the proof is missing or of the wrong type');
  }
  if (d.path.length > 128) return fail('Proof format', 'the inclusion path has more than 128 hashes');

  let key: VerifierKey;
  try {
    const keyText = trustedKey ?? d.verifier_key;
    if (!keyText) throw new ProofError('no verifier key was given and the proof carries none');
    key = await parseVerifierKey(keyText);
    result.key = key;
    steps.push({
      label: 'Verifier key',
      ok: true,
      detail: trustedKey ? `${key.text} (the key you trust)` : `${key.text} (as sent with the proof: compare it with the key your organisation published)`,
    });
  } catch (e) {
    return fail('Verifier key', e);
  }

  let checkpoint: Checkpoint;
  try {
    const note = parseNote(d.checkpoint);
    await verifyNote(note, key);
    checkpoint = parseCheckpoint(note.body);
    result.checkpoint = checkpoint;
    steps.push({ label: 'Checkpoint signature', ok: true, detail: `Ed25519 signature by ${key.name} verifies` });
  } catch (e) {
    // With a trusted key, say which key the proof came with, so that the mismatch is plain.
    const sent = typeof d.verifier_key === 'string' ? d.verifier_key.trim() : '';
    if (trustedKey && sent && sent !== key.text) {
      return fail('Checkpoint signature', `${e instanceof Error ? e.message : String(e)}, the key you trust (${key.text}); the proof came with another key, ${sent}, which you have not said to trust`);
    }
    return fail('Checkpoint signature', e);
  }
  if (checkpoint.origin !== key.name) {
    return fail('Checkpoint origin', `the checkpoint is for the log '${checkpoint.origin}', the key for '${key.name}'`);
  }
  if (checkpoint.size !== d.tree_size) {
    return fail('Checkpoint size', `the checkpoint signs ${checkpoint.size} entries, the proof claims ${d.tree_size}`);
  }
  steps.push({ label: 'Checkpoint', ok: true, detail: `signs a tree of ${checkpoint.size} entries with root ${toHex(checkpoint.root)}` });

  try {
    const entry = base64Decode(d.entry, 'the entry');
    const path = d.path.map((p, i) => {
      const bytes = base64Decode(p, `path hash ${i + 1}`);
      if (bytes.length !== 32) throw new ProofError(`path hash ${i + 1} is not 32 bytes`);
      return bytes;
    });
    try {
      result.entryText = new TextDecoder('utf-8', { fatal: true }).decode(entry);
      result.entry = JSON.parse(result.entryText) as Record<string, unknown>;
    } catch {
      // Not JSON: the hashes below still decide.
    }
    const leaf = await leafHash(entry);
    result.leafHash = toHex(leaf);
    const root = await rootFromInclusion(d.index, d.tree_size, leaf, path);
    result.root = toHex(root);
    if (!equal(root, checkpoint.root)) {
      return fail('Inclusion path', `leaf ${result.leafHash} with ${path.length} path hashes leads to ${result.root}, not to the signed root`);
    }
    steps.push({
      label: 'Inclusion path',
      ok: true,
      detail: `entry ${d.index}: leaf ${result.leafHash} with ${path.length} path hashes leads to the signed root`,
    });
  } catch (e) {
    return fail('Inclusion path', e);
  }
  if (result.entry && typeof result.entry.seq === 'number' && result.entry.seq !== d.index) {
    return fail('Entry number', `the entry says it is number ${String(result.entry.seq)}, the proof places it at ${d.index}`);
  }
  result.ok = true;
  return result;
}
