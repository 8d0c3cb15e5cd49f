// Unit tests of src/verify.ts, run in Node (whose WebCrypto has Ed25519, like Chromium's):
// the RFC 9162 path folding against a reference tree, and a real proof from the server, which
// must pass, and tampered copies of it, which must each fail.
import { test, expect } from '@playwright/test';
import { generateKeyPairSync, sign as edSign, createHash } from 'node:crypto';
import {
  verifyInclusionProof, rootFromInclusion, leafHash, nodeHash, parseVerifierKey, toHex, type InclusionProofDoc,
} from '../src/verify.ts';
import { apiSession, ADMIN } from './helpers.ts';

// RFC 6962 §2.1: MTH over leaves, with the split at the largest power of two below n.
async function mth(leaves: Uint8Array[]): Promise<Uint8Array> {
  if (leaves.length === 1) return leafHash(leaves[0]);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(await mth(leaves.slice(0, k)), await mth(leaves.slice(k)));
}

// RFC 6962 §2.1.1: PATH(m, D[n]).
async function auditPath(m: number, leaves: Uint8Array[]): Promise<Uint8Array[]> {
  if (leaves.length <= 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  if (m < k) return [...(await auditPath(m, leaves.slice(0, k))), await mth(leaves.slice(k))];
  return [...(await auditPath(m - k, leaves.slice(k))), await mth(leaves.slice(0, k))];
}

test('the path folding agrees with RFC 6962 for every leaf of trees of 1 to 17 entries', async () => {
  for (let n = 1; n <= 17; n++) {
    const leaves = Array.from({ length: n }, (_, i) => new TextEncoder().encode(`entry ${i}`));
    const root = await mth(leaves);
    for (let m = 0; m < n; m++) {
      const path = await auditPath(m, leaves);
      expect(toHex(await rootFromInclusion(m, n, await leafHash(leaves[m]), path))).toBe(toHex(root));
      if (n > 1) {
        // The wrong leaf, or the right leaf at the wrong index, does not reach the root.
        const other = await leafHash(leaves[(m + 1) % n]);
        expect(toHex(await rootFromInclusion(m, n, other, path))).not.toBe(toHex(root));
      }
    }
  }
  await expect(rootFromInclusion(5, 5, new Uint8Array(32), [])).rejects.toThrow(/outside the tree/);
});

test.describe('a real proof from the server', () => {
  let proof: InclusionProofDoc;

  test.beforeAll(async () => {
    const admin = await apiSession(ADMIN.account, ADMIN.password());
    const cp = await admin.call('POST', '/checkpoints', {});
    expect(cp.status).toBe(201);
    const answer = await admin.call('GET', '/ledger/5/proof');
    expect(answer.status).toBe(200);
    proof = answer.body as unknown as InclusionProofDoc;
  });

  const tampered = (change: (d: InclusionProofDoc) => void): InclusionProofDoc => {
    const copy = structuredClone(proof);
    change(copy);
    return copy;
  };

  test('passes', async () => {
    const result = await verifyInclusionProof(proof);
    expect(result.steps.filter((s) => !s.ok)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.entry?.seq).toBe(5);
    // The key also parses on its own, and its id is what SHA-256 says.
    const key = await parseVerifierKey(proof.verifier_key ?? '');
    const id = createHash('sha256').update(Buffer.concat([Buffer.from(key.name), Buffer.from([0x0a, 0x01]), Buffer.from(key.publicKey)])).digest();
    expect(toHex(key.keyId)).toBe(id.subarray(0, 4).toString('hex'));
  });

  test('fails when the entry is changed', async () => {
    const doc = tampered((d) => {
      const text = Buffer.from(d.entry, 'base64').toString('utf8').replace('"by":"admin"', '"by":"admix"');
      d.entry = Buffer.from(text).toString('base64');
    });
    const result = await verifyInclusionProof(doc);
    expect(result.ok).toBe(false);
    expect(result.steps.at(-1)?.label).toBe('Inclusion path');
  });

  test('fails when a path hash, the index or the size is changed', async () => {
    const path = tampered((d) => {
      const h = Buffer.from(d.path[0], 'base64');
      h[0] ^= 1;
      d.path[0] = h.toString('base64');
    });
    expect((await verifyInclusionProof(path)).ok).toBe(false);
    expect((await verifyInclusionProof(tampered((d) => { d.index = 6; }))).ok).toBe(false);
    expect((await verifyInclusionProof(tampered((d) => { d.path = d.path.slice(1); }))).ok).toBe(false);
    expect((await verifyInclusionProof(tampered((d) => { d.tree_size += 1; }))).ok).toBe(false);
  });

  test('fails when the checkpoint is changed or its signature is not by the key', async () => {
    // Another root in the body: the signature no longer verifies.
    const root = tampered((d) => {
      const lines = d.checkpoint.split('\n');
      const r = Buffer.from(lines[2], 'base64');
      r[31] ^= 1;
      lines[2] = r.toString('base64');
      d.checkpoint = lines.join('\n');
    });
    const r1 = await verifyInclusionProof(root);
    expect(r1.ok).toBe(false);
    expect(r1.steps.at(-1)?.detail).toMatch(/does not verify/);

    // An impostor's key under the log's name has another key id: no signature by it.
    const { publicKey } = generateKeyPairSync('ed25519');
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    const name = proof.checkpoint.split('\n')[0];
    const id = createHash('sha256').update(Buffer.concat([Buffer.from(name), Buffer.from([0x0a, 0x01]), raw])).digest().subarray(0, 4);
    const impostor = `${name}+${id.toString('hex')}+${Buffer.concat([Buffer.from([1]), raw]).toString('base64')}`;
    const r2 = await verifyInclusionProof(proof, impostor);
    expect(r2.ok).toBe(false);
    expect(r2.steps.at(-1)?.detail).toMatch(/no signature by/);

    // The impostor re-signs a forged checkpoint with their own key and sends their own key:
    // it verifies only against their key, never against the log's.
    const { privateKey: priv2, publicKey: pub2 } = generateKeyPairSync('ed25519');
    const raw2 = pub2.export({ format: 'der', type: 'spki' }).subarray(-32);
    const id2 = createHash('sha256').update(Buffer.concat([Buffer.from(name), Buffer.from([0x0a, 0x01]), raw2])).digest().subarray(0, 4);
    const body = proof.checkpoint.slice(0, proof.checkpoint.lastIndexOf('\n\n') + 1);
    const sig = edSign(null, Buffer.from(body), priv2);
    const forged = tampered((d) => {
      d.checkpoint = `${body}\n\u2014 ${name} ${Buffer.concat([id2, sig]).toString('base64')}\n`;
      d.verifier_key = `${name}+${id2.toString('hex')}+${Buffer.concat([Buffer.from([1]), raw2]).toString('base64')}`;
    });
    expect((await verifyInclusionProof(forged, proof.verifier_key)).ok).toBe(false);

    // A key whose id does not match its name and key is refused.
    const badId = (proof.verifier_key ?? '').replace(/\+([0-9a-f]{8})\+/, (_, h: string) => `+${h === '00000000' ? '00000001' : '00000000'}+`);
    expect((await verifyInclusionProof(proof, badId)).steps.at(-1)?.detail).toMatch(/id does not match/);
  });

  test('fails on a malformed document', async () => {
    expect((await verifyInclusionProof({ format: 'something else' })).ok).toBe(false);
    expect((await verifyInclusionProof(tampered((d) => { d.entry = '!!!'; }))).ok).toBe(false);
    expect((await verifyInclusionProof(tampered((d) => { d.checkpoint = d.checkpoint.replace('\u2014', '-'); }))).ok).toBe(false);
  });
});
