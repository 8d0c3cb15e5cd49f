// The forms take their fields from the server (GET /api/v1/schema), in Chromium against the test
// repository: the new claim and new dossier forms and the amend forms list the schema's fields
// in its order, mark as required exactly those it calls required, and offer no control for a
// field it calls sealed; a schema changed on the way (Playwright's route) changes the forms the
// same way, so nothing of the field table is a copy in the app; the schema is fetched once per
// session. Nothing is saved here.
import { test, expect, type Page, type Route } from '@playwright/test';
import { url, signIn, guardedPage, apiSession, ADMIN, SHOTS } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

interface Field {
  name: string;
  type: string;
  required?: boolean;
  vocabulary?: string;
  kinds?: string[];
  min?: number;
  max?: number;
  sealed?: boolean;
}
type Schema = { kinds: Record<string, { fields: Field[] }> };

const PERSON = 'per-demo-012';
const ACT = 'act-demo-010';
const PLACE = 'plc-kp-jagang-kanggye';

let page: Page;
let check: () => Promise<void>;
let schema: Schema;

test.beforeAll(async ({ browser }) => {
  ({ page, check } = await guardedPage(browser));
  const admin = await apiSession(ADMIN.account, ADMIN.password());
  const answer = await admin.call('GET', '/schema');
  expect(answer.status).toBe(200);
  schema = answer.body as unknown as Schema;
});

test.afterAll(async () => {
  await check();
});

/** The form's fields as shown: name (data-field) and label, in the grid's order. */
function grid(p: Page) {
  return p.locator('.edit-grid .edit-label').evaluateAll((cells) =>
    cells.map((c) => ({ name: c.getAttribute('data-field') ?? '', label: (c.textContent ?? '').trim() })));
}

const controlId = (prefix: string, name: string) => `#${prefix}-${name.replace(/_/g, '-')}`;
const words = (name: string) => ({ lat: 'latitude', lon: 'longitude', url: 'URL' } as Record<string, string>)[name] ?? name.replace(/_/g, ' ');

async function openAmend(p: Page, id: string): Promise<void> {
  await p.evaluate((hash) => { location.hash = hash; }, `#/record/${id}`);
  await expect(p.locator('.breadcrumb')).toContainText(id);
  await p.getByTestId('amend-button').click();
  await expect(p.getByTestId('amend-save')).toBeVisible();
}

test('the claim and dossier forms: the schema\'s fields, in its order, required as it says', async () => {
  await signIn(page, ADMIN.account, ADMIN.password());
  for (const kind of ['claim', 'dossier']) {
    await page.goto(`${url()}/#/new/${kind}`);
    await expect(page.getByTestId(`save-${kind}`)).toBeVisible();
    const fields = schema.kinds[kind].fields;
    const shown = await grid(page);
    expect(shown.map((f) => f.name)).toEqual(fields.map((f) => f.name));
    for (const f of fields) {
      const label = shown.find((s) => s.name === f.name)?.label ?? '';
      expect(label.endsWith('(required)'), `${kind}.${f.name}: '${label}'`).toBe(Boolean(f.required));
    }
  }
  // The example: a claim's sources are required because the schema says so.
  expect(schema.kinds.claim.fields.find((f) => f.name === 'sources')?.required).toBe(true);
  await page.goto(`${url()}/#/new/claim`);
  await expect(page.locator('.edit-label[data-field="sources"]')).toHaveText('Sources (required)');
});

test('the amend forms: no control for a field the schema calls sealed; bounds from its min and max', async () => {
  const person = schema.kinds.person.fields;
  const sealed = person.filter((f) => f.sealed);
  expect(sealed.length).toBeGreaterThan(0);
  await openAmend(page, PERSON);
  expect((await grid(page)).map((f) => f.name)).toEqual(person.filter((f) => !f.sealed).map((f) => f.name));
  for (const f of sealed) await expect(page.locator(controlId('amend', f.name))).toHaveCount(0);
  await expect(page.getByTestId('amend-area')).toContainText(`Sealed fields (${sealed.map((f) => words(f.name)).join(', ')}) are not in this form`);

  await openAmend(page, ACT);
  expect((await grid(page)).map((f) => f.name)).toEqual(schema.kinds.act.fields.map((f) => f.name));

  await openAmend(page, PLACE);
  const lat = schema.kinds.place.fields.find((f) => f.name === 'lat');
  expect(lat?.min).toBeDefined();
  await expect(page.locator('#amend-lat-help')).toHaveText(`Latitude, ${lat?.min} to ${lat?.max}`);
});

test('a schema changed on the way changes the forms; it is fetched once per session', async ({ browser }) => {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  let fetched = 0;
  await p.route('**/api/v1/schema', async (route: Route) => {
    fetched += 1;
    const response = await route.fetch();
    const changed = (await response.json()) as Schema;
    const field = (kind: string, name: string) => {
      const f = changed.kinds[kind].fields.find((x) => x.name === name);
      if (!f) throw new Error(`no field ${kind}.${name} in the server's schema`);
      return f;
    };
    delete field('claim', 'sources').required;
    delete field('claim', 'statement').required;
    changed.kinds.dossier.fields.reverse();
    field('person', 'public_names').sealed = true;
    field('act', 'status').vocabulary = 'sexes';
    field('act', 'place').kinds = ['organization'];
    Object.assign(field('place', 'lat'), { min: -45, max: 45 });
    await route.fulfill({ response, json: changed });
  });
  await signIn(p, ADMIN.account, ADMIN.password());

  await p.evaluate(() => { location.hash = '#/new/claim'; });
  await expect(p.getByTestId('save-claim')).toBeVisible();
  await expect(p.locator('.edit-label[data-field="sources"]')).toHaveText('Sources');
  await expect(p.locator('.edit-label[data-field="statement"]')).toHaveText('Statement');
  await expect(p.locator('.edit-label[data-field="subject"]')).toHaveText('Subject (required)');

  await p.evaluate(() => { location.hash = '#/new/dossier'; });
  await expect(p.getByTestId('save-dossier')).toBeVisible();
  expect((await grid(p)).map((f) => f.name)).toEqual([...schema.kinds.dossier.fields].reverse().map((f) => f.name));

  await openAmend(p, PERSON);
  await expect(p.locator('#amend-public-names')).toHaveCount(0);
  await expect(p.getByTestId('amend-area')).toContainText('Sealed fields (names, public names, born');

  await openAmend(p, ACT);
  await expect(p.locator('#amend-status option[value="female"]')).toHaveCount(1);
  await expect(p.locator('#amend-place')).toHaveAttribute('placeholder', 'e.g. MSS, Bowibu');

  await openAmend(p, PLACE);
  await expect(p.locator('#amend-lat-help')).toHaveText('Latitude, -45 to 45');
  await p.screenshot({ path: `${SHOTS}/70-schema-changed.png`, fullPage: true });
  expect(fetched).toBe(1);

  // A new session asks again.
  await p.getByRole('button', { name: 'Sign out' }).click();
  await expect(p.getByLabel('Account')).toBeVisible();
  await signIn(p, ADMIN.account, ADMIN.password());
  await p.evaluate(() => { location.hash = '#/new/claim'; });
  await expect(p.getByTestId('save-claim')).toBeVisible();
  expect(fetched).toBe(2);
  await ctx.close();
});
