// The verifier key this browser trusts for the repository it talks to: pasted once by the user
// (as published by the organisation; `custodian key` prints it) and kept in localStorage, which
// is per origin, so each server has its own. With it, Verify checks proofs against that key
// instead of the key the server sends along with each proof.

import { parseVerifierKey, type VerifierKey } from './verify.ts';

const KEY = 'custodian.trustedVerifierKey';

export function trustedKey(): string | undefined {
  try {
    return localStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined; // storage disabled: nothing is trusted beyond the proof's own key
  }
}

/** Parses the key (refusing anything that is not a well-formed C2SP Ed25519 verifier key) and
 *  keeps it. Throws ProofError with what is wrong. */
export async function setTrustedKey(text: string): Promise<VerifierKey> {
  const key = await parseVerifierKey(text);
  localStorage.setItem(KEY, key.text);
  return key;
}

export function forgetTrustedKey(): void {
  localStorage.removeItem(KEY);
}
