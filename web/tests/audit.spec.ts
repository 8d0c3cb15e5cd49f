// The access audit (#/audit, GET /api/v1/audit) in Chromium against the test repository: the
// admin reveals a person with a purpose and finds the reading listed with it; the API's filters
// (record, account) from the form and from the rows' links; pages of 50, newest first, walked
// by the API's cursor (`before`/`next`), each reading on exactly one page even when new ones are
// written meanwhile; an analyst gets no Audit link and sees the API's refusal; a legal officer
// reads it.
// Screenshots go to test-results/screenshots/.
import { test, expect, type Page } from '@playwright/test';
import { url, signIn, guardedPage, apiSession, ADMIN, ANALYST, LEGAL, SHOTS } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

const PERSON = 'per-demo-005';
const PAGED = 'per-demo-006';
const TAG = Date.now().toString(36);
const PURPOSE = `e2e audit ${TAG}: preparing the follow-up interview`;

let page: Page;
let check: () => Promise<void>;

test.beforeAll(async ({ browser }) => {
  ({ page, check } = await guardedPage(browser));
});

test.afterAll(async () => {
  await check();
});

test('a reveal made here is listed with its purpose, newest first', async () => {
  await signIn(page, ADMIN.account, ADMIN.password());
  await page.goto(`${url()}/#/record/${PERSON}`);
  await page.getByLabel('Purpose').fill(PURPOSE);
  await page.getByLabel('Purpose').press('Enter');
  await expect(page.getByTestId('revealed')).toBeVisible();

  await page.getByRole('link', { name: 'Audit', exact: true }).click();
  await expect(page).toHaveURL(/#\/audit$/);
  await expect(page.getByRole('heading', { name: 'Access audit' })).toBeVisible();
  const first = page.getByTestId('audit-row').first();
  await expect(first).toContainText(PURPOSE);
  await expect(first).toContainText('admin');
  await expect(first).toContainText('reveal');
  await expect(first.locator(`a[href="#/record/${PERSON}"]`)).toHaveCount(1);
  // The ledger entry is the server's.
  const admin = await apiSession(ADMIN.account, ADMIN.password());
  const events = ((await admin.call('GET', `/audit?record=${PERSON}&limit=1`)).body as { events: { seq: number; purpose: string }[] }).events;
  expect(events[0].purpose).toBe(PURPOSE);
  await expect(first).toHaveAttribute('data-seq', String(events[0].seq));
  await page.screenshot({ path: `${SHOTS}/40-audit.png`, fullPage: true });
});

test('the API\'s filters: a record and an account, from the form and from the rows', async () => {
  await page.getByTestId('audit-row').first().getByRole('link', { name: `Only readings naming ${PERSON}` }).click();
  await expect(page).toHaveURL(new RegExp(`#/audit\\?record=${PERSON}$`));
  await expect(page.getByLabel('Record')).toHaveValue(PERSON);
  await expect(page.getByTestId('audit-count')).toContainText(`naming ${PERSON}`);
  const rows = page.getByTestId('audit-row');
  const n = await rows.count();
  expect(n).toBeGreaterThan(0);
  for (let i = 0; i < n; i++) await expect(rows.nth(i).locator(`a[href="#/record/${PERSON}"]`)).toHaveCount(1);

  await page.getByLabel('Account').fill(LEGAL.account);
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(new RegExp(`account=${LEGAL.account}&record=${PERSON}`));
  await expect(page.getByTestId('audit-count')).toHaveText(`No readings by ${LEGAL.account}, naming ${PERSON}.`);
  await page.getByRole('link', { name: 'Clear the filters' }).click();
  await expect(page).toHaveURL(/#\/audit$/);
  await expect(page.getByTestId('audit-row').first()).toContainText(PURPOSE);

  // A record page links to the readings that name it.
  await page.goto(`${url()}/#/record/${PERSON}`);
  await page.getByRole('link', { name: 'Who has seen what is sealed' }).click();
  await expect(page).toHaveURL(new RegExp(`#/audit\\?record=${PERSON}$`));
  await expect(page.getByTestId('audit-row').first()).toContainText(PURPOSE);
});

test('pages of 50 readings, newest first, the older ones by the API\'s cursor', async () => {
  const admin = await apiSession(ADMIN.account, ADMIN.password());
  for (let i = 0; i < 55; i++) {
    const r = await admin.call('POST', `/records/${PAGED}/reveal`, { purpose: `e2e page ${TAG} ${i}` });
    expect(r.status).toBe(200);
  }
  await page.goto(`${url()}/#/audit?record=${PAGED}`);
  const rows = page.getByTestId('audit-row');
  await expect(rows).toHaveCount(50);
  await expect(rows.first().locator('td.purpose')).toHaveText(`e2e page ${TAG} 54`);
  await expect(rows.last().locator('td.purpose')).toHaveText(`e2e page ${TAG} 5`);
  await expect(page.getByTestId('audit-count')).toContainText('Readings 1–50');
  await expect(page.getByRole('link', { name: '← Newer' })).toHaveCount(0);
  // "Older" asks for the readings before the oldest shown: the API's `next`.
  const oldest = await rows.last().getAttribute('data-seq');
  await page.getByRole('link', { name: 'Older →' }).click();
  await expect(page).toHaveURL(new RegExp(`#/audit\\?record=${PAGED}&before=${oldest}$`));
  await expect(rows).toHaveCount(5);
  await expect(rows.first().locator('td.purpose')).toHaveText(`e2e page ${TAG} 4`);
  await expect(rows.last().locator('td.purpose')).toHaveText(`e2e page ${TAG} 0`);
  await expect(page.getByTestId('audit-count')).toContainText('Readings 51–55');
  await expect(page.getByRole('link', { name: 'Older →' })).toHaveCount(0);
  await expect(page.getByText('at most the newest')).toHaveCount(0); // no limit to warn of
  await page.getByRole('link', { name: '← Newer' }).click();
  await expect(page).toHaveURL(new RegExp(`#/audit\\?record=${PAGED}$`));
  await expect(rows).toHaveCount(50);
  await page.setViewportSize({ width: 820, height: 1180 });
  await page.screenshot({ path: `${SHOTS}/41-audit-tablet.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
});

test('small pages (limit in the hash): every reading exactly once, though new ones are written meanwhile', async () => {
  const admin = await apiSession(ADMIN.account, ADMIN.password());
  type Events = { events: { seq: number }[]; next?: number };
  const all = ((await admin.call('GET', `/audit?record=${PAGED}&limit=1000`)).body as unknown as Events).events.map((e) => e.seq);
  expect(all.length).toBeGreaterThan(40); // three pages of 20 at least
  const rows = page.getByTestId('audit-row');
  const seqs = () => rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-seq'))));

  await page.goto(`${url()}/#/audit?record=${PAGED}&limit=20`);
  await expect(rows).toHaveCount(20);
  const first = await seqs();
  expect(first).toEqual(all.slice(0, 20));
  // The row links keep the page size.
  await expect(rows.first().getByRole('link', { name: 'admin', exact: true })).toHaveAttribute('href', `#/audit?account=admin&record=${PAGED}&limit=20`);

  // Readings written while the first page is shown push nothing onto the next ones.
  for (let i = 0; i < 3; i++) {
    expect((await admin.call('POST', `/records/${PAGED}/reveal`, { purpose: `e2e meanwhile ${TAG} ${i}` })).status).toBe(200);
  }

  const walked: number[][] = [first];
  const cursors: number[] = [];
  while (await page.getByRole('link', { name: 'Older →' }).count() > 0) {
    cursors.push(walked[walked.length - 1][walked[walked.length - 1].length - 1]);
    await page.getByRole('link', { name: 'Older →' }).click();
    await expect(page).toHaveURL(new RegExp(`#/audit\\?record=${PAGED}&limit=20&before=${cursors.join(',')}$`));
    const n = walked.length;
    await expect(page.getByTestId('audit-count')).toContainText(`Readings ${n * 20 + 1}–`);
    await expect(page.locator('.pager')).toContainText(`Page ${n + 1}`);
    walked.push(await seqs());
    expect(walked.length).toBeLessThan(20);
  }
  const seen = walked.flat();
  expect(seen).toEqual(all);
  expect(new Set(seen).size).toBe(seen.length);
  expect(walked.length).toBeGreaterThanOrEqual(3);
  await page.screenshot({ path: `${SHOTS}/43-audit-older.png`, fullPage: true });

  // To the newest page, which now has the new readings first; back (the browser's Back) to the
  // oldest, and one page newer.
  await page.getByRole('link', { name: '« Newest' }).click();
  await expect(page).toHaveURL(new RegExp(`#/audit\\?record=${PAGED}&limit=20$`));
  await expect(rows.first().locator('td.purpose')).toHaveText(`e2e meanwhile ${TAG} 2`);
  const now = ((await admin.call('GET', `/audit?record=${PAGED}&limit=20`)).body as unknown as Events).events.map((e) => e.seq);
  expect(now.slice(3)).toEqual(first.slice(0, 17));
  await expect.poll(seqs).toEqual(now);
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`before=${cursors.join(',')}$`));
  await expect.poll(seqs).toEqual(walked[walked.length - 1]);
  await page.getByRole('link', { name: '← Newer' }).click();
  await expect(page).toHaveURL(new RegExp(`&before=${cursors.slice(0, -1).join(',')}$`));
  await expect.poll(seqs).toEqual(walked[walked.length - 2]);
});

test('an analyst has no Audit link, and the page shows the API\'s refusal', async ({ browser }) => {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await signIn(p, ANALYST.account, ANALYST.password());
  await expect(p.getByRole('link', { name: 'Dashboard' })).toBeVisible();
  await expect(p.getByRole('link', { name: 'Audit', exact: true })).toHaveCount(0);
  await p.goto(`${url()}/#/audit`);
  await expect(p.getByRole('alert')).toContainText("account 'ana' (analyst) may not read the access audit");
  await expect(p.getByTestId('audit-row')).toHaveCount(0);
  await expect(p.getByText(PURPOSE)).toHaveCount(0);
  await p.screenshot({ path: `${SHOTS}/42-audit-refused.png`, fullPage: true });
  await ctx.close();

  const analyst = await apiSession(ANALYST.account, ANALYST.password());
  expect((await analyst.call('GET', '/audit')).status).toBe(403);
});

test('a legal officer reads the audit', async ({ browser }) => {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await signIn(p, LEGAL.account, LEGAL.password());
  await p.getByRole('link', { name: 'Audit', exact: true }).click();
  await p.getByLabel('Record').fill(PERSON);
  await p.getByLabel('Record').press('Enter');
  await expect(p.getByTestId('audit-row').first()).toContainText(PURPOSE);
  await ctx.close();
});
