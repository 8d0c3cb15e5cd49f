// Shared by the tests: the server's address and accounts (set by global-setup.ts), an API
// client for Node, and signing in through the UI.
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';

export const url = () => {
  const u = process.env.CUSTODIAN_TEST_URL;
  if (!u) throw new Error('CUSTODIAN_TEST_URL is not set: run through playwright test (global-setup.ts)');
  return u;
};
export const ADMIN = { account: 'admin', password: () => process.env.CUSTODIAN_TEST_ADMIN_PASSWORD ?? '' };
export const ANALYST = { account: 'ana', password: () => process.env.CUSTODIAN_TEST_ANALYST_PASSWORD ?? '' };
export const LEGAL = { account: 'lena', password: () => process.env.CUSTODIAN_TEST_LEGAL_PASSWORD ?? '' };

/** A minimal API session from Node: cookie and CSRF token. */
export async function apiSession(account: string, password: string) {
  const r = await fetch(`${url()}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ account, password }),
  });
  if (!r.ok) throw new Error(`login failed: ${r.status} ${await r.text()}`);
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0];
  const { csrf_token: csrf } = (await r.json()) as { csrf_token: string };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url()}/api/v1${path}`, {
      method,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { call };
}

export async function signIn(page: Page, account: string, password: string): Promise<void> {
  await page.goto(`${url()}/#/login`);
  await page.getByLabel('Account').fill(account);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
  await expect(page.getByTestId('account')).toHaveText(account);
}

export const SHOTS = 'test-results/screenshots';

/**
 * A page that records what must never happen: a request to anywhere but the server under test,
 * a script error escaping, or the Content-Security-Policy refusing something the app does.
 * `check()` (in afterAll) closes the context and expects none of them.
 */
export async function guardedPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; check: () => Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const foreign: string[] = [];
  const pageErrors: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(url()) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) pageErrors.push(m.text());
  });
  return {
    context,
    page,
    check: async () => {
      await context.close();
      expect(foreign).toEqual([]);
      expect(pageErrors).toEqual([]);
    },
  };
}
