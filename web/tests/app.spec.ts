// The investigator's path through the app, in Chromium against a fresh repository: sign in
// (a wrong password is refused), the dashboard, record a testimony with a sealed name, find it,
// open it, reveal the name with a purpose, verify its ledger entry (and see a tampered proof
// fail), browse by kind with filters and pages (by the API's cursor: forward, back, to the end,
// every record once), and an analyst's reveal refused. Screenshots go to test-results/screenshots/.
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { url, signIn, guardedPage, ADMIN, ANALYST, SHOTS } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

const WORD = `Zelkova${Date.now().toString(36)}`;
const NAME_KO = '한설화';
const NAME_LATN = 'Han Sol Hwa';

let page: Page;
let check: () => Promise<void>;
let personId = '';

test.beforeAll(async ({ browser }) => {
  ({ page, check } = await guardedPage(browser));
});

// Nothing was fetched from anywhere but the server under test, no script error escaped, and the
// Content-Security-Policy refused nothing the app does.
test.afterAll(async () => {
  await check();
});

test('a wrong password is refused, the right one signs in', async () => {
  await page.goto(`${url()}/`);
  await expect(page.getByRole('heading', { name: 'Custodian' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.screenshot({ path: `${SHOTS}/01-login.png` });

  await page.getByLabel('Account').fill(ADMIN.account);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('wrong account or password');
  await expect(page.getByTestId('account')).toHaveCount(0);

  await page.getByLabel('Password').fill(ADMIN.password());
  await page.getByLabel('Password').press('Enter'); // forms submit with Enter
  await expect(page.getByTestId('account')).toHaveText('admin');
  await expect(page.locator('.topbar .role')).toHaveText('admin');
});

test('the dashboard shows counts and recent activity', async () => {
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await expect(page.getByTestId('chart-violation').locator('svg')).toBeVisible();
  await expect(page.getByTestId('chart-violation')).toContainText('Torture');
  await expect(page.getByTestId('chart-year')).toContainText('2009');
  await expect(page.getByTestId('chart-province')).toContainText('North Hamkyong');
  await expect(page.getByTestId('activity').locator('tbody tr')).toHaveCount(15);
  await page.screenshot({ path: `${SHOTS}/02-dashboard.png`, fullPage: true });

  // A bar is a link to the search it counts.
  await page.getByTestId('chart-violation').getByRole('link', { name: /^Torture: \d+/ }).click();
  await expect(page).toHaveURL(/#\/search\?kind=act&violation=torture/);
  await expect(page.getByTestId('result-count')).toHaveText(/^\d+ records?$/);
});

test('record a testimony with a sealed name', async () => {
  await page.getByRole('link', { name: 'Record a testimony' }).click();
  await expect(page.getByRole('heading', { name: 'Record a testimony' })).toBeVisible();
  await page.getByLabel('Name 1', { exact: true }).fill(NAME_KO);
  await page.getByLabel('Name 2', { exact: true }).fill(NAME_LATN);
  await page.getByLabel('Sex').selectOption('female');
  await page.getByLabel('Born').fill('about 1980');

  await page.getByLabel('Title').fill(`Interview ${WORD} (e2e)`);
  await page.getByLabel('Date', { exact: true }).first().fill('2016-03-04');
  await page.getByLabel('Interviewer').fill('E2E interviewer');
  await page.getByLabel('Reliability of the source').selectOption('b');
  await page.getByLabel('Consent to use').check();
  await page.getByLabel('Transcript').fill(`2009년 봄에 온성 보위부 구류장에서 조사를 받았습니다. ${WORD}\nIn spring 2009 I was questioned at the Onsong holding centre. [sensitive]My brother lives in Hoeryong.[/sensitive]`);

  await page.getByLabel('Violation').selectOption('torture');
  await page.locator('#act-1-date').fill('spring 2009');
  await page.locator('#act-1-place').fill('Onsong');
  await page.locator('[data-picker="act-1-place"] .picker-option').first().click();
  await expect(page.locator('#act-1-place-chosen')).toContainText('Chosen:');
  await page.locator('#act-1-unit').fill('MSS');
  await page.locator('#act-1-unit').press('Enter'); // Enter picks the first match
  await expect(page.locator('#act-1-unit-chosen')).toContainText('Chosen:');
  await page.locator('#act-1-description').fill(`Beaten during questioning (${WORD}).`);

  await page.getByTestId('save-testimony').click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  const created = page.getByTestId('created').locator('li');
  await expect(created).toHaveCount(3);
  await expect(created.nth(0)).toContainText('sealed: names, born');
  personId = (await created.nth(0).getByRole('link').textContent()) ?? '';
  expect(personId).toMatch(/^per-/);
  await expect(page.getByText(NAME_KO)).toHaveCount(0); // the answer carried the names sealed
});

test('find the testimony by searching, and refine by a facet', async () => {
  await page.getByRole('link', { name: 'Search', exact: true }).click();
  const box = page.getByRole('searchbox', { name: 'Search words' });
  await box.fill(WORD);
  await box.press('Enter');
  await expect(page.getByTestId('result-count')).toHaveText(/^[23] records$/);
  await expect(page.locator('.snippets b').first()).toHaveText(new RegExp(WORD, 'i'));
  await expect(page.getByTestId('facet-kind')).toContainText('source');
  await page.screenshot({ path: `${SHOTS}/03-search.png`, fullPage: true });

  await page.getByTestId('facet-kind').getByRole('link', { name: /source/ }).click();
  await expect(page.getByTestId('result-count')).toHaveText('1 record');
  await expect(page.locator('.chips')).toContainText('Kind: source');
  await page.setViewportSize({ width: 820, height: 1180 });
  await page.screenshot({ path: `${SHOTS}/03b-search-tablet.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.locator('.hit a.hit-title').first().click();
  await expect(page.getByTestId('record-title')).toContainText(`Interview ${WORD}`);
  await expect(page.locator('.sealed-passage')).toContainText('sealed passage 1');
  await page.getByRole('link', { name: personId }).click();
  await expect(page.getByTestId('pseudonym')).toHaveText(/^P-/);
});

test('reveal the sealed name with a purpose', async () => {
  await expect(page.getByTestId('sealed')).toContainText('names, born');
  await expect(page.getByText(NAME_KO)).toHaveCount(0);
  await page.getByRole('button', { name: 'Reveal' }).click();
  await expect(page.getByRole('alert')).toContainText('A purpose is required');
  await page.getByLabel('Purpose').fill('checking the e2e testimony');
  await page.getByLabel('Purpose').press('Enter');
  await expect(page.getByTestId('revealed')).toContainText(NAME_KO);
  await expect(page.getByTestId('revealed')).toContainText(NAME_LATN);
  await expect(page.getByTestId('revealed')).toContainText('about 1980');
  await expect(page.getByTestId('revealed')).not.toContainText('Roles'); // only what was sealed
  await expect(page.getByText('recorded in the ledger with your purpose')).toBeVisible();
  const ko = page.getByTestId('revealed').locator('[lang="ko"]', { hasText: NAME_KO });
  await expect(ko).toBeVisible();
  // Hangul needs a font that has it (Debian: fonts-noto-cjk, installed by scripts/setup);
  // without one Chromium draws empty boxes.
  expect(execFileSync('fc-list', [':lang=ko', 'family']).toString(), 'no Korean font: run scripts/setup (fonts-noto-cjk)').toMatch(/CJK/);
  await page.screenshot({ path: `${SHOTS}/04-record-revealed.png`, fullPage: true });
});

test('verify the ledger entry in the browser: a checkpoint is made, and the proof passes', async () => {
  await expect(page.getByTestId('history').locator('tbody tr')).toHaveCount(1);
  await page.getByTestId('verify-button').click();
  // The test repository may have a checkpoint from the unit tests, but not one covering this
  // testimony: the app offers to sign one.
  await page.getByTestId('make-checkpoint').click();
  await expect(page.getByTestId('proof-verdict')).toContainText('VERIFIED: ledger entry');
  await expect(page.getByTestId('proof-verdict')).not.toContainText('NOT');
  await expect(page.getByTestId('verify-result')).toContainText('Ed25519 signature by custodian/');
  await expect(page.getByTestId('verify-result')).toContainText('leads to the signed root');
  await expect(page.getByTestId('verify-result')).toContainText(`create of ${personId}, version 1`);
  await page.getByTestId('history').getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('history-verify-result').getByTestId('proof-verdict')).toContainText('VERIFIED');
  await page.getByTestId('history-verify-result').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/05-history-verify.png`, fullPage: true });
});

test('a tampered proof fails in the browser', async () => {
  await page.route('**/api/v1/ledger/*/proof', async (route) => {
    const response = await route.fetch();
    const doc = (await response.json()) as { entry: string };
    const text = Buffer.from(doc.entry, 'base64').toString('utf8').replace(/"at":"(\d{4})/, (_, y: string) => `"at":"${Number(y) - 1}`);
    doc.entry = Buffer.from(text).toString('base64');
    await route.fulfill({ response, json: doc });
  });
  await page.getByTestId('verify-button').click();
  await expect(page.getByTestId('verify-result').getByTestId('proof-verdict')).toContainText('NOT VERIFIED');
  await expect(page.getByTestId('verify-result')).toContainText('not to the signed root');
  await page.screenshot({ path: `${SHOTS}/06-verify-tampered.png`, fullPage: true });
  await page.unroute('**/api/v1/ledger/*/proof');
});

test('browse lists acts with filters and pages', async () => {
  await page.getByRole('link', { name: 'Browse' }).click();
  await expect(page.getByRole('heading', { name: 'Browse acts' })).toBeVisible();
  await expect(page.getByTestId('browse').locator('tbody tr')).toHaveCount(41); // 40 demo acts + 1
  await page.getByLabel('violation').selectOption('torture');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/type=torture/);
  await expect(page.getByTestId('browse').locator('tbody tr')).toHaveCount(6);
  await page.getByRole('link', { name: 'persons' }).click();
  await expect(page.getByTestId('browse')).toContainText('(sealed: names');
});

test('browse pages by the API\'s cursor: forward and back, every record once', async () => {
  const rows = page.getByTestId('browse').locator('tbody tr');
  const ids = () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id') ?? ''));
  await page.getByRole('link', { name: 'places' }).click();
  await expect(page).toHaveURL(/#\/browse\?kind=place$/);
  await expect(page.locator('.pager')).toContainText('1–50 of 242');
  await expect(page.getByRole('link', { name: '← Previous' })).toHaveCount(0);
  await expect(rows).toHaveCount(50);
  const first = await ids();

  // "Next" starts after the page's last id (the API's `next`).
  await page.getByRole('link', { name: 'Next →' }).click();
  await expect(page).toHaveURL(new RegExp(`#/browse\\?kind=place&after=${first[49]}$`));
  await expect(page.locator('.pager')).toContainText('51–100 of 242');
  await expect(rows).toHaveCount(50);
  const second = await ids();
  expect(second.filter((id) => first.includes(id))).toEqual([]);
  expect(second[0] > first[49]).toBe(true);

  // Back to the first page: the same records as before.
  await page.getByRole('link', { name: '← Previous' }).click();
  await expect(page).toHaveURL(/#\/browse\?kind=place$/);
  await expect(page.locator('.pager')).toContainText('1–50 of 242');
  await expect.poll(ids).toEqual(first);

  // To the end: every place once, in id order, and the total kept on each page.
  const walked = [first];
  while (await page.getByRole('link', { name: 'Next →' }).count() > 0) {
    await page.getByRole('link', { name: 'Next →' }).click();
    const n = walked.length;
    await expect(page.locator('.pager')).toContainText(`${n * 50 + 1}–${Math.min(242, n * 50 + 50)} of 242`);
    walked.push(await ids());
    expect(walked.length).toBeLessThan(10);
  }
  const all = walked.flat();
  expect(all).toHaveLength(242);
  expect(new Set(all).size).toBe(242);
  expect(all).toEqual([...all].sort());
  await expect(page).toHaveURL(new RegExp(`after=${walked.slice(0, -1).map((w) => w[w.length - 1]).join(',')}$`));
  await page.getByRole('link', { name: '« First page' }).click();
  await expect(page).toHaveURL(/#\/browse\?kind=place$/);
  await expect.poll(ids).toEqual(first);
});

test('a reload keeps the session, and sign out ends it', async () => {
  await page.reload();
  await expect(page.getByTestId('account')).toHaveText('admin');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByLabel('Account')).toBeVisible();
  await page.goto(`${url()}/#/record/${personId}`);
  await expect(page.getByLabel('Account')).toBeVisible();
});

test('an analyst cannot reveal: the refusal is shown', async ({ browser }) => {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await signIn(p, ANALYST.account, ANALYST.password());
  await expect(p.locator('.topbar .role')).toHaveText('analyst');
  await p.goto(`${url()}/#/record/${personId}`);
  await expect(p.getByTestId('sealed')).toContainText('names');
  await p.getByLabel('Purpose').fill('curious');
  await p.getByRole('button', { name: 'Reveal' }).click();
  await expect(p.getByRole('alert')).toContainText("account 'ana' (analyst) may not reveal sealed identities");
  await expect(p.getByText(NAME_KO)).toHaveCount(0);
  // Nor may an analyst record a testimony.
  await p.getByRole('link', { name: 'Record a testimony' }).click();
  await expect(p.getByText('may not add records')).toBeVisible();
  await ctx.close();
});
