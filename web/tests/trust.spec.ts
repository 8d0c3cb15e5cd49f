// The trusted verifier key (Settings, kept in localStorage): a malformed key is refused; with an
// impostor's key trusted, Verify fails and says the checkpoint is not signed by the key the
// user trusts; with the repository's key (as `custodian key` prints it) Verify passes and says
// which key it trusted; forgetting the key goes back to the key sent with the proof. Also, in
// Node, the verifier's message for a proof signed by another key. Screenshots go to
// test-results/screenshots/.
import { test, expect, type Page } from '@playwright/test';
import { generateKeyPairSync, createHash } from 'node:crypto';
import { verifyInclusionProof, type InclusionProofDoc } from '../src/verify.ts';
import { url, signIn, guardedPage, apiSession, ADMIN, SHOTS } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

const RECORD = 'act-demo-007';

let page: Page;
let check: () => Promise<void>;

const realKey = () => {
  const key = process.env.CUSTODIAN_TEST_VERIFIER_KEY;
  if (!key) throw new Error('CUSTODIAN_TEST_VERIFIER_KEY is not set: run through playwright test (global-setup.ts)');
  return key;
};

/** A well-formed verifier key under the log's own name, for a key pair the log never had. */
function impostorKey(): string {
  const name = realKey().split('+')[0];
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const id = createHash('sha256').update(Buffer.concat([Buffer.from(name), Buffer.from([0x0a, 0x01]), raw])).digest().subarray(0, 4);
  return `${name}+${id.toString('hex')}+${Buffer.concat([Buffer.from([1]), raw]).toString('base64')}`;
}
const IMPOSTOR = impostorKey();

test.beforeAll(async ({ browser }) => {
  ({ page, check } = await guardedPage(browser));
  // A checkpoint that covers the record's entry, so that Verify has something to check.
  const admin = await apiSession(ADMIN.account, ADMIN.password());
  expect((await admin.call('POST', '/checkpoints', {})).status).toBe(201);
});

test.afterAll(async () => {
  await check();
});

test('in Node: a proof checked against another key fails, naming both keys', async () => {
  const admin = await apiSession(ADMIN.account, ADMIN.password());
  const proof = (await admin.call('GET', '/ledger/7/proof')).body as unknown as InclusionProofDoc;
  expect(proof.verifier_key).toBe(realKey()); // what the server sends is what the CLI prints
  expect((await verifyInclusionProof(proof, realKey())).ok).toBe(true);
  const result = await verifyInclusionProof(proof, IMPOSTOR);
  expect(result.ok).toBe(false);
  const last = result.steps.at(-1);
  expect(last?.label).toBe('Checkpoint signature');
  expect(last?.detail).toContain(`no signature by ${realKey().split('+')[0]}`);
  expect(last?.detail).toContain(`the key you trust (${IMPOSTOR})`);
  expect(last?.detail).toContain(`the proof came with another key, ${realKey()}`);
});

test('a malformed key is refused, and nothing is trusted', async () => {
  await signIn(page, ADMIN.account, ADMIN.password());
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await expect(page.getByTestId('trusted-key-state')).toContainText('No key is set');
  await page.getByLabel('Verifier key', { exact: true }).fill('custodian/abc+zz+notbase64');
  await page.getByTestId('save-trusted-key').click();
  await expect(page.getByTestId('trusted-key-status').getByRole('alert')).toContainText('Not saved: the verifier key id is not 8 lowercase hex digits');
  // A key whose id does not match its name and key.
  await page.getByLabel('Verifier key', { exact: true }).fill(realKey().replace(/\+([0-9a-f]{8})\+/, (_, id: string) => `+${id === '00000000' ? '00000001' : '00000000'}+`));
  await page.getByTestId('save-trusted-key').click();
  await expect(page.getByTestId('trusted-key-status').getByRole('alert')).toContainText("the verifier key's id does not match its name and key");
  await expect(page.getByTestId('trusted-key-state')).toContainText('No key is set');
  expect(await page.evaluate(() => localStorage.getItem('custodian.trustedVerifierKey'))).toBeNull();
});

test('with another key trusted, Verify fails and says the checkpoint is not signed by it', async () => {
  await page.getByLabel('Verifier key', { exact: true }).fill(IMPOSTOR);
  await page.getByTestId('save-trusted-key').click();
  await expect(page.getByTestId('trusted-key-status')).toContainText('Saved. Verify now trusts');
  await expect(page.getByTestId('trusted-key-current')).toHaveText(IMPOSTOR);
  await expect(page.getByTestId('trusted-key-state')).toContainText('This server sends another key than the one you trust');
  await page.screenshot({ path: `${SHOTS}/60-settings-impostor.png`, fullPage: true });

  await page.goto(`${url()}/#/record/${RECORD}`);
  await page.getByTestId('verify-button').click();
  const result = page.getByTestId('verify-result');
  await expect(result.getByTestId('proof-verdict')).toContainText('NOT VERIFIED');
  await expect(result).toContainText(`the checkpoint carries no signature by ${realKey().split('+')[0]}, the key you trust (${IMPOSTOR})`);
  await expect(result).toContainText('the proof came with another key');
  await expect(result.getByTestId('proof-key-source')).toContainText('Against the verifier key you trust');
  await page.screenshot({ path: `${SHOTS}/61-verify-untrusted.png`, fullPage: true });
});

test('with the repository\'s key trusted, Verify passes against it; forgotten, it uses the proof\'s', async () => {
  await page.goto(`${url()}/#/settings`);
  await page.getByLabel('Verifier key', { exact: true }).fill(realKey());
  await page.getByLabel('Verifier key', { exact: true }).press('Enter');
  await expect(page.getByTestId('trusted-key-current')).toHaveText(realKey());
  await expect(page.getByTestId('trusted-key-state')).not.toContainText('another key');

  await page.goto(`${url()}/#/record/${RECORD}`);
  await page.getByTestId('verify-button').click();
  const result = page.getByTestId('verify-result');
  await expect(result.getByTestId('proof-verdict')).toContainText('VERIFIED: ledger entry');
  await expect(result.getByTestId('proof-verdict')).not.toContainText('NOT');
  await expect(result).toContainText(`${realKey()} (the key you trust)`);
  // The history's Verify uses it too.
  await page.getByTestId('history').getByRole('button', { name: 'Verify' }).first().click();
  await expect(page.getByTestId('history-verify-result')).toContainText('(the key you trust)');
  await page.screenshot({ path: `${SHOTS}/62-verify-trusted.png`, fullPage: true });

  // The key survives a reload (localStorage), and can be forgotten.
  await page.reload();
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByTestId('trusted-key-current')).toHaveText(realKey());
  await page.getByTestId('forget-trusted-key').click();
  await expect(page.getByTestId('trusted-key-state')).toContainText('No key is set');
  await page.goto(`${url()}/#/record/${RECORD}`);
  await page.getByTestId('verify-button').click();
  await expect(result.getByTestId('proof-verdict')).not.toContainText('NOT');
  await expect(result).toContainText('as sent with the proof');
});
