// Claims and dossiers, in Chromium against the test repository, as a legal officer (who may add
// and amend claims and dossiers, and nothing else): a claim citing a source is started from the
// source's page, refused while a grade or the statement is missing (and nothing is created),
// then saved, and listed on the source's page; a dossier is started from a record's page with
// it, and another record is added to it later ("Add to a dossier", with a reason); the legal
// officer amends the claim but gets no Amend button on an act. Screenshots go to
// test-results/screenshots/.
import { test, expect, type Page } from '@playwright/test';
import { url, signIn, guardedPage, apiSession, ADMIN, ANALYST, LEGAL, SHOTS } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

const SOURCE = 'src-demo-004';
const SUBJECT = 'act-demo-020';
const OTHER = 'act-demo-019';
const WORD = `Claimword${Date.now().toString(36)}`;
const STATEMENT = `Food rations at Kyohwaso No. 12 were withheld from returned women in 2010 (${WORD}).`;
const DOSSIER_TITLE = `E2E dossier ${WORD}: Jongo-ri, 2009-2011`;

let page: Page;
let check: () => Promise<void>;
let claimId = '';
let dossierId = '';
let posts = 0;

test.beforeAll(async ({ browser }) => {
  ({ page, check } = await guardedPage(browser));
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/v1/records')) posts += 1; });
});

test.afterAll(async () => {
  await check();
});

async function claimCount(): Promise<number> {
  const admin = await apiSession(ADMIN.account, ADMIN.password());
  return ((await admin.call('GET', '/records?kind=claim&limit=1')).body as { total: number }).total;
}

test('a legal officer gets the claim and dossier actions, but no Amend on an act', async () => {
  await signIn(page, LEGAL.account, LEGAL.password());
  await expect(page.locator('.topbar .role')).toHaveText('legal_officer');
  await expect(page.getByRole('link', { name: 'New claim' })).toBeVisible();
  await page.goto(`${url()}/#/record/${SUBJECT}`);
  await expect(page.getByTestId('record-title')).toBeVisible();
  await expect(page.getByTestId('add-claim')).toHaveText('Add a claim about this record');
  await expect(page.getByTestId('add-to-dossier')).toBeVisible();
  await expect(page.getByTestId('amend-button')).toHaveCount(0);
});

test('a claim started from its source\'s page is refused while incomplete, and nothing is created', async () => {
  const before = await claimCount();
  await page.goto(`${url()}/#/record/${SOURCE}`);
  await page.getByTestId('add-claim-citing').click();
  await expect(page).toHaveURL(new RegExp(`#/new/claim\\?source=${SOURCE}$`));
  await expect(page.getByRole('heading', { name: 'New claim', level: 1 })).toBeVisible();
  await expect(page.locator('#new-claim-sources-1-source-chosen')).toContainText(SOURCE);

  // The subject, found by its id.
  await page.getByLabel('Subject (required)').fill(SUBJECT);
  await page.locator(`[data-picker="new-claim-subject"] .picker-option[data-id="${SUBJECT}"]`).click();
  await expect(page.locator('#new-claim-subject-chosen')).toContainText(SUBJECT);
  await expect(page.locator('#new-claim-subject-chosen')).toContainText('Denial of access to food');

  // A source without its grades: the page says what is missing and sends nothing.
  await page.getByTestId('save-claim').click();
  await expect(page.getByTestId('new-status').getByRole('alert')).toContainText(`choose the reliability of ${SOURCE} (A-F)`);
  expect(posts).toBe(0);

  await page.getByLabel('Reliability of source 1 (A-F)').selectOption('c');
  await page.getByLabel('Credibility of the information (1-6)').selectOption('3');
  await page.getByLabel('Excerpt (optional)').fill('그때는 하루에 옥수수 한 줌이었습니다.');
  // No statement: the server refuses, with its message, and the form keeps everything.
  await page.getByTestId('save-claim').click();
  await expect(page.getByTestId('new-status').getByRole('alert')).toContainText("field 'statement'");
  expect(posts).toBe(1);
  await expect(page.getByLabel('Reliability of source 1 (A-F)')).toHaveValue('c');
  await expect(page.locator('#new-claim-subject-chosen')).toContainText(SUBJECT);
  expect(await claimCount()).toBe(before);
  await page.screenshot({ path: `${SHOTS}/30-claim-refused.png`, fullPage: true });
  await page.setViewportSize({ width: 820, height: 1180 });
  await page.screenshot({ path: `${SHOTS}/30b-claim-tablet.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
});

test('the claim is saved, and appears on its source\'s page', async () => {
  await page.getByLabel('Statement (required)').fill(STATEMENT);
  await page.getByTestId('save-claim').click();
  await expect(page).toHaveURL(/#\/record\/clm-[a-z0-9-]+\?created=1$/);
  claimId = /#\/record\/(clm-[a-z0-9-]+)/.exec(page.url())?.[1] ?? '';
  await expect(page.getByRole('status').filter({ hasText: `Saved as ${claimId}` })).toBeVisible();
  await expect(page.getByTestId('record-title')).toContainText(WORD);
  const fields = page.getByTestId('fields');
  await expect(fields).toContainText(/reliability C \(Fairly reliable\), credibility 3 \(Possibly true\)/);
  await expect(fields.locator(`a[href="#/record/${SUBJECT}"]`)).toHaveCount(1);
  await expect(fields.locator('blockquote')).toHaveText('그때는 하루에 옥수수 한 줌이었습니다.');
  await page.screenshot({ path: `${SHOTS}/31-claim-saved.png`, fullPage: true });

  await page.goto(`${url()}/#/record/${SOURCE}`);
  const related = page.locator('section.related');
  await expect(related.locator(`a[href="#/record/${claimId}"]`)).toContainText(WORD);
  await page.goto(`${url()}/#/record/${SUBJECT}`);
  await expect(page.locator('section.related').locator(`a[href="#/record/${claimId}"]`)).toHaveCount(1);
});

test('a dossier started from a record\'s page, with another record added later with a reason', async () => {
  await page.goto(`${url()}/#/record/${SUBJECT}`);
  await page.getByTestId('add-to-dossier').click();
  await expect(page.getByTestId('dossier-area')).toContainText('No dossier is granted to your account yet.');
  await page.getByTestId('new-dossier-with').click();
  await expect(page).toHaveURL(new RegExp(`#/new/dossier\\?records=${SUBJECT}$`));
  await expect(page.locator('#new-dossier-records-list li')).toHaveCount(1);
  await expect(page.locator(`#new-dossier-records-list li[data-id="${SUBJECT}"]`)).toBeVisible();
  await page.getByLabel('Title (required)').fill(DOSSIER_TITLE);
  await page.getByLabel('Type', { exact: true }).selectOption('prosecution_case');
  // The claim too, found by its id.
  await page.getByLabel('Add to records').fill(claimId);
  await page.locator(`[data-picker="new-dossier-records"] .picker-option[data-id="${claimId}"]`).click();
  await expect(page.locator('#new-dossier-records-list li')).toHaveCount(2);
  await page.screenshot({ path: `${SHOTS}/32-dossier-form.png`, fullPage: true });
  await page.getByTestId('save-dossier').click();
  await expect(page).toHaveURL(/#\/record\/dos-[a-z0-9-]+\?created=1$/);
  dossierId = /#\/record\/(dos-[a-z0-9-]+)/.exec(page.url())?.[1] ?? '';
  await expect(page.getByTestId('record-title')).toContainText(DOSSIER_TITLE);
  await expect(page.getByTestId('fields').locator(`a[href="#/record/${SUBJECT}"]`)).toHaveCount(1);
  await expect(page.getByTestId('fields').locator(`a[href="#/record/${claimId}"]`)).toHaveCount(1);

  // Another record, from its own page: a reason is required.
  await page.goto(`${url()}/#/record/${OTHER}`);
  await page.getByTestId('add-to-dossier').click();
  await page.getByLabel('Dossier', { exact: true }).selectOption(dossierId);
  await page.getByRole('button', { name: 'Add to the dossier' }).click();
  await expect(page.getByTestId('dossier-status').getByRole('alert')).toContainText('A reason is required');
  await page.getByLabel('Reason (required)').fill('e2e: the same prison, the same months');
  await page.getByRole('button', { name: 'Add to the dossier' }).click();
  await expect(page.getByTestId('dossier-status')).toContainText(/Added to .+ \(version 2, ledger entry \d+\)\./);
  await page.screenshot({ path: `${SHOTS}/33-dossier-added.png`, fullPage: true });

  await page.goto(`${url()}/#/record/${dossierId}`);
  await expect(page.getByTestId('fields').locator(`a[href="#/record/${OTHER}"]`)).toHaveCount(1);
  await expect(page.getByTestId('history').locator('tbody tr').nth(1)).toContainText('e2e: the same prison, the same months');
  // A dossier that already holds the record is offered, but not chosen again.
  await page.goto(`${url()}/#/record/${SUBJECT}`);
  await page.getByTestId('add-to-dossier').click();
  await expect(page.locator(`#dossier-choice option[value="${dossierId}"]`)).toBeDisabled();
  await expect(page.locator(`#dossier-choice option[value="${dossierId}"]`)).toContainText('already holds it');

  // Granted to its maker (and admins) only.
  const analyst = await apiSession(ANALYST.account, ANALYST.password());
  expect((await analyst.call('GET', `/records/${dossierId}`)).status).toBe(403);
});

test('the legal officer amends the claim', async () => {
  await page.goto(`${url()}/#/record/${claimId}`);
  await page.getByTestId('amend-button').click();
  await expect(page.locator('#amend-statement')).toHaveValue(STATEMENT);
  await expect(page.locator('#amend-sources-1-reliability')).toHaveValue('c');
  await page.locator('#amend-sources-1-credibility').selectOption('2');
  await page.locator('#amend-reason').fill('e2e: a second interview confirms the rations');
  await page.getByTestId('amend-save').click();
  await expect(page).toHaveURL(/amended=2$/);
  await expect(page.getByTestId('fields')).toContainText('credibility 2 (Probably true)');
  await expect(page.getByTestId('history').locator('tbody tr')).toHaveCount(2);
  await expect(page.getByTestId('history').locator('tbody tr').nth(1)).toContainText('sources');
});
