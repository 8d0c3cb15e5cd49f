// Amending records from the record page (PATCH /api/v1/records/{id}), in Chromium against the
// test repository: the admin changes an act's date, status and description with a reason and
// sees the new values and the new version in the history; an amendment without a reason is
// refused before anything is sent; an unparseable date and an unknown vocabulary term are
// refused by the server with its message, and change nothing; a person's sealed fields are not
// in the form and stay sealed; a text with a sealed passage keeps it unless replaced whole; an
// analyst gets no Amend button and the API's 403. Screenshots go to test-results/screenshots/.
//
// The acts amended keep their violation and place, so that the counts other specs check hold.
import { test, expect, type Page } from '@playwright/test';
import { url, signIn, guardedPage, apiSession, ADMIN, ANALYST, SHOTS } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

const ACT = 'act-demo-003'; // confiscation, Musan, "late 1990s", alleged
const PERSON = 'per-demo-010';
const WORD = `Amendword${Date.now().toString(36)}`;
const REASON = 'e2e: the second interview dates the confiscation to spring 1998';

let page: Page;
let check: () => Promise<void>;
let patches = 0;

type History = { versions: { version: number; reason?: string; record: Record<string, unknown> }[] };

test.beforeAll(async ({ browser }) => {
  ({ page, check } = await guardedPage(browser));
  page.on('request', (r) => { if (r.method() === 'PATCH') patches += 1; });
});

// Nothing was fetched from anywhere but the server under test, no script error escaped, and the
// Content-Security-Policy refused nothing the app does.
test.afterAll(async () => {
  await check();
});

test('an amendment without a reason is refused, and nothing is sent or lost', async () => {
  await signIn(page, ADMIN.account, ADMIN.password());
  await page.goto(`${url()}/#/record/${ACT}`);
  await expect(page.getByTestId('history').locator('tbody tr')).toHaveCount(1);
  await expect(page.getByTestId('amend-area')).toBeHidden();
  await page.getByTestId('amend-button').click();
  await expect(page.getByTestId('amend-button')).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByRole('heading', { name: 'Amend this record' })).toBeVisible();

  // The form starts from the record: the date as words, the terms and references chosen.
  await expect(page.locator('#amend-date')).toHaveValue('1997 to 1999');
  await expect(page.locator('#amend-date-stored')).toContainText('Stored as 1997/1999');
  await expect(page.locator('#amend-status')).toHaveValue('alleged');
  await expect(page.locator('#amend-violation')).toHaveValue('confiscation');
  await expect(page.locator('#amend-place-chosen')).toContainText('Musan');
  await expect(page.locator('#amend-victim-chosen')).toContainText('per-demo-006');
  await expect(page.locator('#amend-perpetrators-list li')).toHaveCount(1);

  await page.getByLabel('Date', { exact: true }).fill('spring 1998');
  await page.getByLabel('Status').selectOption('corroborated');
  await page.getByLabel('Description').fill(`Grain confiscated at the market by police inspectors in spring 1998 (${WORD}).`);
  await page.getByTestId('amend-save').click();
  await expect(page.getByTestId('amend-status').getByRole('alert')).toContainText('A reason is required');
  await expect(page.locator('#amend-reason')).toBeFocused();
  expect(patches).toBe(0);
  await expect(page.locator('#amend-date')).toHaveValue('spring 1998');
  await expect(page.locator('#amend-status')).toHaveValue('corroborated');
  await expect(page.getByTestId('history').locator('tbody tr')).toHaveCount(1);
  await page.getByTestId('amend-area').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/20-amend-no-reason.png`, fullPage: true });
  await page.setViewportSize({ width: 820, height: 1180 });
  await page.getByTestId('amend-area').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/20b-amend-tablet.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
});

test('an amendment with a reason shows the new values and a new version in the history', async () => {
  await page.getByLabel('Reason for this version (required)').fill(REASON);
  await page.getByLabel('Reason for this version (required)').press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/record/${ACT}\\?amended=2$`));
  expect(patches).toBe(1);
  await expect(page.getByRole('status').filter({ hasText: 'Amended: this is version 2' })).toContainText(REASON);
  await expect(page.locator('.meta')).toContainText('Version 2');
  const fields = page.getByTestId('fields');
  await expect(fields).toContainText(/spring 1998\s+\[1998-21\]/);
  await expect(fields).toContainText('Corroborated [corroborated]');
  await expect(fields).toContainText(WORD);
  await expect(fields).toContainText('Confiscation');
  const rows = page.getByTestId('history').locator('tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText(REASON);
  await expect(rows.nth(1)).toContainText('date, description, status');
  await expect(page.getByTestId('amend-area')).toBeHidden();
  await page.screenshot({ path: `${SHOTS}/21-amend-saved.png`, fullPage: true });

  // The server has it so, as version 2 with the reason.
  const admin = await apiSession(ADMIN.account, ADMIN.password());
  const history = (await admin.call('GET', `/records/${ACT}/history`)).body as unknown as History;
  expect(history.versions.map((v) => v.version)).toEqual([1, 2]);
  expect(history.versions[1].reason).toBe(REASON);
  expect(history.versions[1].record.date).toBe('1998-21');
  expect(history.versions[1].record.place).toBe('plc-kp-north-hamgyong-musan'); // not sent, kept
});

test('an unparseable date is refused with the server\'s message; the form keeps it; nothing changes', async () => {
  await page.getByTestId('amend-button').click();
  await expect(page.locator('#amend-date')).toHaveValue('spring 1998');
  await page.locator('#amend-date').fill('spring 19O8');
  await page.locator('#amend-reason').fill('e2e: a typo in the date');
  await page.getByTestId('amend-save').click();
  const alert = page.getByTestId('amend-status').getByRole('alert');
  await expect(alert).toContainText("Not saved: field 'date':");
  await expect(alert).toContainText('is not a date');
  await expect(page.getByTestId('amend-status')).toContainText('Nothing was written');
  await expect(page.locator('#amend-date')).toHaveValue('spring 19O8');
  await expect(page.locator('#amend-date')).toBeFocused();
  await expect(page.locator('#amend-reason')).toHaveValue('e2e: a typo in the date');
  await expect(page).toHaveURL(/amended=2$/);
  await page.screenshot({ path: `${SHOTS}/22-amend-bad-date.png`, fullPage: true });

  // Neither a new version nor a ledger entry.
  const admin = await apiSession(ADMIN.account, ADMIN.password());
  const history = (await admin.call('GET', `/records/${ACT}/history`)).body as unknown as History;
  expect(history.versions).toHaveLength(2);

  // Cancel closes the form and gives the focus back to the button.
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('amend-area')).toBeHidden();
  await expect(page.getByTestId('amend-button')).toBeFocused();
});

test('through the API: an unknown vocabulary term, or no reason, is refused and changes nothing', async () => {
  const admin = await apiSession(ADMIN.account, ADMIN.password());
  const ledgerBefore = ((await admin.call('GET', '/stats')).body as { ledger: { size: number } }).ledger.size;
  const term = await admin.call('PATCH', `/records/${ACT}`, { changes: { status: 'nonsense' }, reason: 'e2e: an unknown term' });
  expect(term.status).toBe(400);
  expect((term.body.error as { message: string }).message).toMatch(/'nonsense' is not a term of vocabulary act_statuses/);
  const missing = await admin.call('PATCH', `/records/${ACT}`, { changes: { status: 'established' } });
  expect(missing.status).toBe(400);
  expect((missing.body.error as { message: string }).message).toMatch(/reason/);
  const empty = await admin.call('PATCH', `/records/${ACT}`, { changes: { status: 'established' }, reason: '' });
  expect(empty.status).toBe(400);
  const history = (await admin.call('GET', `/records/${ACT}/history`)).body as unknown as History;
  expect(history.versions).toHaveLength(2);
  expect(history.versions[1].record.status).toBe('corroborated');
  expect(((await admin.call('GET', '/stats')).body as { ledger: { size: number } }).ledger.size).toBe(ledgerBefore);

  // The page says the same as the API, unchanged.
  await page.reload();
  await expect(page.getByTestId('fields')).toContainText('Corroborated [corroborated]');
});

test('a person\'s sealed fields are not in the form and stay sealed', async () => {
  await page.goto(`${url()}/#/record/${PERSON}`);
  await expect(page.getByTestId('sealed')).toContainText('names, born, description');
  await page.getByTestId('amend-button').click();
  await expect(page.getByTestId('amend-area')).toContainText('Sealed fields (names, born, description, family, contact, current location, photo) are not in this form');
  await expect(page.locator('#amend-names')).toHaveCount(0);
  await expect(page.locator('#amend-born')).toHaveCount(0);
  await expect(page.locator('#amend-public-names')).toBeVisible();
  await page.getByRole('checkbox', { name: 'Intervening party' }).check();
  await page.locator('#amend-reason').fill('e2e: she later spoke to the inspectors for her son');
  await page.getByTestId('amend-save').click();
  await expect(page).toHaveURL(/amended=2$/);
  await expect(page.getByTestId('fields')).toContainText('Intervening party [intervening_party]');
  await expect(page.getByTestId('sealed')).toContainText('names, born, description');
  await expect(page.getByText('신옥화')).toHaveCount(0);
});

test('a text with a sealed passage keeps it unless it is replaced whole', async () => {
  const admin = await apiSession(ADMIN.account, ADMIN.password());
  const created = await admin.call('POST', '/records', {
    kind: 'source', type: 'document', title: `E2E document ${WORD}`,
    summary: 'An open part. [sensitive]The informant lives in Hyesan.[/sensitive] A closing part.',
  });
  expect(created.status).toBe(201);
  const id = (created.body.record as { id: string }).id;

  await page.goto(`${url()}/#/record/${id}`);
  await page.getByTestId('amend-button').click();
  await expect(page.locator('#amend-summary-current')).toContainText('[sealed passage 1]');
  await expect(page.locator('#amend-summary')).toBeHidden();
  await page.locator('#amend-title').fill(`E2E document ${WORD} (corrected title)`);
  await page.locator('#amend-reason').fill('e2e: the title was misread');
  await page.getByTestId('amend-save').click();
  await expect(page).toHaveURL(/amended=2$/);
  await expect(page.getByTestId('record-title')).toContainText('(corrected title)');
  await expect(page.locator('.sealed-passage')).toContainText('sealed passage 1');
  // The passage is still there, as written: revealing shows it.
  await page.getByLabel('Purpose').fill('e2e: checking that the amendment kept the passage');
  await page.getByLabel('Purpose').press('Enter');
  await expect(page.getByTestId('revealed')).toContainText('The informant lives in Hyesan.');

  // Replacing the whole text: the new text, with its own passage, and the old one gone from
  // the current version.
  await page.getByTestId('amend-button').click();
  await page.getByTestId('amend-summary-replace').click();
  await expect(page.locator('#amend-summary')).toBeFocused();
  await page.locator('#amend-summary').fill('A rewritten summary. [sensitive]A new protected detail.[/sensitive]');
  await page.locator('#amend-reason').fill('e2e: the summary was rewritten from the original');
  await page.getByTestId('amend-save').click();
  await expect(page).toHaveURL(/amended=3$/);
  await expect(page.getByTestId('fields')).toContainText('A rewritten summary. sealed passage 1');
  await expect(page.getByText('A new protected detail.')).toHaveCount(0);
  await expect(page.getByTestId('history').locator('tbody tr')).toHaveCount(3);
});

test('an analyst gets no Amend button, and the API refuses the amendment', async ({ browser }) => {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await signIn(p, ANALYST.account, ANALYST.password());
  await p.goto(`${url()}/#/record/${ACT}`);
  await expect(p.getByTestId('record-title')).toBeVisible();
  await expect(p.getByTestId('verify-button')).toBeVisible();
  await expect(p.getByTestId('amend-button')).toHaveCount(0);
  await expect(p.getByTestId('add-claim')).toHaveCount(0);
  await expect(p.getByTestId('add-to-dossier')).toHaveCount(0);
  await ctx.close();

  const analyst = await apiSession(ANALYST.account, ANALYST.password());
  const refused = await analyst.call('PATCH', `/records/${ACT}`, { changes: { status: 'established' }, reason: 'e2e: an analyst tries' });
  expect(refused.status).toBe(403);
  expect((refused.body.error as { message: string }).message).toContain("account 'ana' (analyst) may not add or amend records");
  const admin = await apiSession(ADMIN.account, ADMIN.password());
  const history = (await admin.call('GET', `/records/${ACT}/history`)).body as unknown as History;
  expect(history.versions).toHaveLength(2);
});

test('a place: a name added, and an external code merged key by key', async () => {
  const PLACE = 'plc-kp-jagang-kanggye';
  await page.goto(`${url()}/#/record/${PLACE}`);
  await page.getByTestId('amend-button').click();
  const names = page.locator('#amend-names .name-row');
  await expect(page.locator('#amend-names-1-text')).toHaveValue('Kanggye City');
  const before = await names.count();
  await page.getByRole('button', { name: 'Add a name' }).click();
  await expect(names).toHaveCount(before + 1);
  await page.getByLabel(`Names ${before + 1}: text`).fill('江界市');
  await page.getByLabel(`Names ${before + 1}: language (ko, ko-Latn, en, …)`).fill('zh');
  await page.getByRole('button', { name: 'Add a code' }).click();
  await page.locator('#amend-codes .name-row').last().locator('input').first().fill('e2e');
  await page.locator('#amend-codes .name-row').last().locator('input').last().fill('K-1');
  await page.locator('#amend-reason').fill('e2e: the Chinese name, and a code from the test');
  const sent = page.waitForRequest((r) => r.method() === 'PATCH');
  await page.getByTestId('amend-save').click();
  // Only what changed is sent, and the code as one key of a merge patch.
  const body = (await sent).postDataJSON() as { changes: Record<string, unknown> };
  expect(Object.keys(body.changes).sort()).toEqual(['codes', 'names']);
  expect(body.changes.codes).toEqual({ e2e: 'K-1' });
  await expect(page).toHaveURL(/amended=2$/);
  await expect(page.getByTestId('fields').locator('[lang="zh"]')).toHaveText('江界市');
  await expect(page.getByTestId('fields')).toContainText('e2e: K-1');
  await expect(page.getByTestId('fields')).toContainText('openadmindata:');

  // Removing the code sends it as null; the other codes stay.
  await page.getByTestId('amend-button').click();
  const codeRows = page.locator('#amend-codes .name-row');
  for (let i = 0; i < await codeRows.count(); i++) {
    if ((await codeRows.nth(i).locator('input').first().inputValue()) === 'e2e') {
      await codeRows.nth(i).getByRole('button', { name: 'remove' }).click();
      break;
    }
  }
  await expect(codeRows).toHaveCount(1);
  await page.locator('#amend-reason').fill('e2e: the test code removed');
  const removed = page.waitForRequest((r) => r.method() === 'PATCH');
  await page.getByTestId('amend-save').click();
  expect(((await removed).postDataJSON() as { changes: Record<string, unknown> }).changes).toEqual({ codes: { e2e: null } });
  await expect(page).toHaveURL(/amended=3$/);
  await expect(page.getByTestId('fields')).not.toContainText('e2e: K-1');
  await expect(page.getByTestId('fields')).toContainText('openadmindata:');
});
