// The record-linkage review screen (#/link), in Chromium against the test repository, whose
// global setup added one man written three ways (김철수, Kim Chol-su, Gim Cheol-su) and an
// unrelated woman (박영희). The admin (with identity clearance) runs linkage from the page (a
// purpose is required), reviews the queue with its explanations, decides a pair with a reason,
// sees it leave the queue and listed among the decisions, and revokes it. An analyst reads the
// same screens without any way to decide, is refused by the API when deciding directly, and
// never sees the persons' names. Screenshots go to test-results/screenshots/.
import { test, expect, type Page } from '@playwright/test';
import { url, signIn, guardedPage, apiSession, ADMIN, ANALYST, SHOTS } from './helpers.ts';
import { LINK_PERSONS } from './global-setup.ts';

test.describe.configure({ mode: 'serial' });

const ids = () => {
  const list = (process.env.CUSTODIAN_TEST_LINK_IDS ?? '').split(',').filter(Boolean);
  if (list.length !== LINK_PERSONS.length) throw new Error('CUSTODIAN_TEST_LINK_IDS is not set: run through playwright test (global-setup.ts)');
  return list;
};
const REASON = 'e2e: the birth registers show different mothers';

let page: Page;
let check: () => Promise<void>;
let decidedSeq = 0;

test.beforeAll(async ({ browser }) => {
  ({ page, check } = await guardedPage(browser));
});

// Nothing was fetched from anywhere but the server under test, no script error escaped, and the
// Content-Security-Policy refused nothing the app does.
test.afterAll(async () => {
  await check();
});

test('the admin runs linkage from the page: a purpose is required', async () => {
  await signIn(page, ADMIN.account, ADMIN.password());
  await page.getByRole('link', { name: 'Linking' }).click();
  await expect(page).toHaveURL(/#\/link$/);
  await expect(page.getByRole('heading', { name: 'Linking', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Linking' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('link-summary')).toContainText('Linkage has not been run yet');
  await expect(page.getByTestId('queue-count')).toHaveText('Nothing to review.');

  // Without a purpose the page refuses, and nothing is sent.
  let runs = 0;
  page.on('request', (r) => { if (r.url().endsWith('/api/v1/link/run')) runs += 1; });
  await page.getByRole('button', { name: 'Run linkage' }).click();
  await expect(page.getByRole('alert')).toContainText('A purpose is required');
  await expect(page.getByLabel('Purpose')).toBeFocused();
  expect(runs).toBe(0);
  await page.screenshot({ path: `${SHOTS}/10-link-not-run.png`, fullPage: true });

  await page.getByLabel('Purpose').fill('e2e: duplicate persons before the report');
  await page.getByLabel('Purpose').press('Enter');
  const result = page.getByTestId('run-result');
  await expect(result).toContainText('Linkage ran, with your purpose “e2e: duplicate persons before the report” recorded in the ledger.');
  await expect(result).toContainText('persons compared');
  await expect(result).toContainText(/fitted now \(ledger entry \d+, \d+ EM iterations/);
  expect(runs).toBe(1);
  await expect(page.getByTestId('queue-total')).toHaveText(/^\d+ pairs? to review$/);
  await expect(page.getByTestId('cluster-total')).toHaveText(/^[1-9]\d* clusters?$/);
});

test('the queue shows pairs with their probability and a per-field explanation', async () => {
  const pairs = page.getByTestId('link-pair');
  expect(await pairs.count()).toBeGreaterThanOrEqual(3); // the three spellings pair with each other
  const first = pairs.first();
  await expect(first.getByTestId('probability')).toHaveText(/^\d+(\.\d)?%$/);
  const explanation = first.getByTestId('explanation');
  await expect(explanation.locator('tbody th', { hasText: 'given name' })).toBeVisible();
  await expect(explanation.locator('tbody th', { hasText: 'surname' })).toBeVisible();
  await expect(explanation.locator('tr[data-field="given_name"]')).toContainText(/(exact|close|partial|disagrees|same sound)/);
  await expect(explanation.locator('tr[data-field="given_name"]')).toContainText(/level \d of 4/);
  await expect(explanation.locator('tr[data-field="given_name"] .num')).toHaveText(/^[+−±]\d+\.\d bits$/);
  await expect(explanation.locator('tfoot')).toContainText('total');
  await expect(explanation.locator('svg.weight-bar').first()).toBeVisible();
  // Both records are links to their pages, named by what the account may see, not by names.
  const links = first.locator('.pair-record a');
  await expect(links).toHaveCount(2);
  await expect(links.first()).toHaveAttribute('href', /^#\/record\/per-/);
  await expect(first.getByRole('button', { name: 'Same person' })).toBeVisible();
  await expect(first.getByRole('button', { name: 'Different persons' })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/11-link-queue.png`, fullPage: true });
});

test('a decision needs a reason, is recorded, and takes the pair out of the queue', async () => {
  const first = page.getByTestId('link-pair').first();
  const a = (await first.getAttribute('data-a')) ?? '';
  const b = (await first.getAttribute('data-b')) ?? '';
  const before = Number((await page.getByTestId('queue-total').textContent())?.match(/\d+/)?.[0]);

  let decides = 0;
  page.on('request', (r) => { if (r.url().endsWith('/api/v1/link/decisions') && r.method() === 'POST') decides += 1; });
  await first.getByRole('button', { name: 'Different persons' }).click();
  await expect(first.getByRole('alert')).toContainText('A reason is required');
  await expect(first.getByLabel('Reason')).toBeFocused();
  expect(decides).toBe(0);

  await first.getByLabel('Reason').fill(REASON);
  await first.getByRole('button', { name: 'Different persons' }).click();
  const confirmation = page.getByTestId('decision-confirmation');
  await expect(confirmation).toContainText(/Recorded as ledger entry \d+: .+ and .+ are different persons\./);
  decidedSeq = Number((await confirmation.textContent())?.match(/ledger entry (\d+)/)?.[1]);
  expect(decidedSeq).toBeGreaterThan(0);
  await expect(page.locator(`[data-testid="link-pair"][data-a="${a}"][data-b="${b}"]`)).toHaveCount(0);
  await expect(page.getByTestId('queue-total')).toHaveText(before - 1 === 1 ? '1 pair to review' : `${before - 1} pairs to review`);
  await page.screenshot({ path: `${SHOTS}/12-link-decided.png`, fullPage: true });

  // The decision is listed among those in force, with its reason.
  await page.getByRole('link', { name: 'Clusters and decisions' }).click();
  await expect(page.getByRole('heading', { name: 'Decisions in force' })).toBeVisible();
  const row = page.locator(`[data-testid="decision-row"][data-seq="${decidedSeq}"]`);
  await expect(row).toContainText('different persons');
  await expect(row).toContainText(REASON);
  await expect(row).toContainText('admin');
  await expect(row.locator(`a[href="#/record/${a}"]`)).toHaveCount(1);
  await expect(page.getByTestId('clusters').locator('.cluster').first().locator('a')).not.toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/13-link-clusters-decisions.png`, fullPage: true });
});

test('a decision can be revoked, with a reason, and the pair returns to the queue', async () => {
  const row = page.locator(`[data-testid="decision-row"][data-seq="${decidedSeq}"]`);
  await row.getByRole('button', { name: `Revoke decision ${decidedSeq}` }).click();
  const reason = page.getByLabel(`Reason for revoking decision ${decidedSeq}`);
  await expect(reason).toBeFocused();
  await row.getByRole('button', { name: 'Revoke decision' }).click();
  await expect(row.getByRole('alert')).toContainText('A reason is required');
  await reason.fill('e2e: the registers were of two other families');
  await reason.press('Enter');
  await expect(page.getByTestId('revoke-status')).toContainText(new RegExp(`Decision ${decidedSeq} revoked \\(ledger entry \\d+\\)`));
  await expect(page.getByTestId('decisions-empty')).toHaveText('No decisions in force.');

  await page.getByRole('link', { name: 'Show revoked decisions too' }).click();
  const revoked = page.locator(`[data-testid="decision-row"][data-seq="${decidedSeq}"]`);
  await expect(revoked).toHaveClass(/revoked/);
  await expect(revoked).toContainText(/revoked by entry \d+/);
  await expect(revoked.getByRole('button', { name: /Revoke/ })).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/14-link-revoked.png`, fullPage: true });

  await page.getByRole('link', { name: 'Review queue' }).click();
  await expect(page.getByTestId('link-pair').first()).toBeVisible();
});

test('a person\'s record page lists the other records of its cluster', async () => {
  const [first, second, third, unrelated] = ids();
  await page.goto(`${url()}/#/record/${first}`);
  const linked = page.getByTestId('linked-records');
  await expect(linked.getByRole('heading')).toHaveText(/^Linked records \(\d+\)$/);
  await expect(linked.locator(`a[href="#/record/${second}"]`)).toHaveCount(1);
  await expect(linked.locator(`a[href="#/record/${third}"]`)).toHaveCount(1);
  await expect(linked.locator(`a[href="#/record/${unrelated}"]`)).toHaveCount(0);
  await expect(linked.locator(`a[href="#/record/${first}"]`)).toHaveCount(0);
  await linked.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/15-record-linked.png`, fullPage: true });

  // The unrelated woman is in no cluster: no section.
  await page.goto(`${url()}/#/record/${unrelated}`);
  await expect(page.getByTestId('record-title')).toBeVisible();
  await expect(page.getByTestId('history').locator('tbody tr')).toHaveCount(1);
  await expect(page.getByTestId('linked-records')).toBeEmpty();
});

test('an analyst reads the queue and the clusters, cannot decide, and sees no names', async ({ browser }) => {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  await signIn(p, ANALYST.account, ANALYST.password());
  await p.getByRole('link', { name: 'Linking' }).click();
  await expect(p.getByTestId('queue-total')).toHaveText(/^\d+ pairs? to review$/);
  const pairs = p.getByTestId('link-pair');
  await expect(pairs.first()).toBeVisible();
  await expect(pairs.first().getByTestId('explanation')).toContainText('given name');
  await expect(p.getByText('may read the queue and the clusters')).toBeVisible();
  await expect(p.getByRole('button', { name: 'Same person' })).toHaveCount(0);
  await expect(p.getByRole('button', { name: 'Different persons' })).toHaveCount(0);
  await expect(p.getByRole('button', { name: 'Run linkage' })).toHaveCount(0);
  await expect(p.getByLabel('Reason')).toHaveCount(0);

  const noNames = async () => {
    // Titles arrive after the page; wait for the links to settle on them before reading.
    await p.waitForLoadState('networkidle');
    const text = await p.locator('body').innerText();
    const html = await p.content();
    for (const person of LINK_PERSONS) {
      expect(text, `the page shows ${person.name}`).not.toContain(person.name);
      expect(html, `the page holds ${person.name}`).not.toContain(person.name);
    }
  };
  await noNames();
  await p.screenshot({ path: `${SHOTS}/16-link-analyst.png`, fullPage: true });

  await p.getByRole('link', { name: 'Clusters and decisions' }).click();
  await expect(p.getByTestId('clusters')).toBeVisible();
  await expect(p.getByRole('button', { name: /Revoke/ })).toHaveCount(0);
  await noNames();
  await p.goto(`${url()}/#/record/${ids()[0]}`);
  await expect(p.getByTestId('linked-records').getByRole('heading')).toBeVisible();
  await noNames();

  // The API refuses an analyst's decision and run, whatever the page shows.
  const session = await apiSession(ANALYST.account, ANALYST.password());
  const [a, b] = ids();
  const decided = await session.call('POST', '/link/decisions', { a, b, decision: 'different', reason: 'e2e: an analyst tries' });
  expect(decided.status).toBe(403);
  const ran = await session.call('POST', '/link/run', { purpose: 'e2e: an analyst tries' });
  expect(ran.status).toBe(403);
  expect(errors).toEqual([]);
  await ctx.close();
});
