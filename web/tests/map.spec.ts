// The map of places (#/map): the outline extracted at build time is small and holds only the
// region (map/outline.ts, in Node); in Chromium against the test repository, the map draws the
// country outlines and one focusable point per province, each with the count GET
// /api/v1/stats gives; Tab reaches the points and Enter shows a place's names in Hangul and
// Latin, its count and a link to browse its acts (places within it included); a county's count
// comes from the records API; the layers switch; nothing is fetched from another origin.
// Screenshots go to test-results/screenshots/.
import { test, expect, type Page } from '@playwright/test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOutline, BOX } from '../map/outline.ts';
import { url, signIn, guardedPage, apiSession, ADMIN, SHOTS } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/assets');
const PROVINCE_TYPES = new Set(['province', 'special_city', 'china_province']);
const ONSONG = 'plc-kp-north-hamgyong-onsong';

type Place = { id: string; type: string; lat?: number; lon?: number };

let page: Page;
let check: () => Promise<void>;
let counts = new Map<string, number>();
let provinces: Place[] = [];

test.beforeAll(async ({ browser }) => {
  ({ page, check } = await guardedPage(browser));
  const admin = await apiSession(ADMIN.account, ADMIN.password());
  const stats = (await admin.call('GET', '/stats')).body as { acts_by_province: { key: string; count: number }[] };
  counts = new Map(stats.acts_by_province.map((c) => [c.key, c.count]));
  const places = (await admin.call('GET', '/records?kind=place&limit=1000')).body as { records: { record: Place }[] };
  provinces = places.records.map((r) => r.record).filter((p) => PROVINCE_TYPES.has(p.type) && p.lat !== undefined);
});

// Nothing was fetched from anywhere but the server under test (no tiles, no fonts), no script
// error escaped, and the Content-Security-Policy refused nothing.
test.afterAll(async () => {
  await check();
});

test('the outline shipped is small and holds only the Korean peninsula and north-east China', () => {
  const outline = loadOutline();
  expect(outline.countries.map((c) => c.name).sort()).toEqual(['China', 'North Korea', 'Russia', 'South Korea']);
  for (const c of outline.countries) {
    for (const polygon of c.polygons) {
      for (const ring of polygon) {
        expect(ring.length).toBeGreaterThanOrEqual(3);
        for (const [lon, lat] of ring) {
          expect(lon).toBeGreaterThanOrEqual(BOX.west);
          expect(lon).toBeLessThanOrEqual(BOX.east);
          expect(lat).toBeGreaterThanOrEqual(BOX.south);
          expect(lat).toBeLessThanOrEqual(BOX.north);
        }
      }
    }
  }
  const nk = outline.countries.find((c) => c.name === 'North Korea');
  expect(nk?.polygons.flat(2).length).toBeGreaterThan(150); // a coastline, not a box
  expect(JSON.stringify(outline).length).toBeLessThan(30_000);

  // The build put it in the map page's own chunk, and nothing of the world beyond it.
  const chunks = readdirSync(dist).filter((f) => /^map-.*\.js$/.test(f));
  expect(chunks).toHaveLength(1);
  expect(statSync(path.join(dist, chunks[0])).size).toBeLessThan(40_000);
  for (const f of readdirSync(dist)) {
    const text = readFileSync(path.join(dist, f), 'utf8');
    expect(text, f).not.toContain('Brazil');
    expect(text, f).not.toMatch(/https?:\/\/[a-z0-9.-]*(tile|openstreetmap|mapbox|googleapis)/i);
  }
});

test('the map draws the outlines and one focusable point per province, with the counts of /api/v1/stats', async () => {
  expect(provinces.length).toBe(13);
  await signIn(page, ADMIN.account, ADMIN.password());
  await page.getByRole('link', { name: 'Map', exact: true }).click();
  await expect(page).toHaveURL(/#\/map$/);
  await expect(page.getByRole('heading', { name: 'Map of places' })).toBeVisible();
  const map = page.getByTestId('map');
  await expect(map).toBeVisible();
  for (const name of ['North Korea', 'South Korea', 'China']) {
    const outline = map.locator(`path.country[data-country="${name}"]`);
    await expect(outline).toHaveCount(1);
    expect(((await outline.getAttribute('d')) ?? '').length).toBeGreaterThan(200);
  }

  const points = page.getByTestId('province-point');
  await expect(points).toHaveCount(provinces.length);
  for (const p of provinces) {
    const count = counts.get(p.id) ?? 0;
    const point = map.locator(`[data-testid="province-point"][data-place="${p.id}"]`);
    await expect(point).toHaveAttribute('data-count', String(count));
    await expect(point).toHaveAttribute('tabindex', '0');
    await expect(point).toHaveAttribute('aria-label', new RegExp(`: ${count} acts?$`));
    await expect(page.locator(`[data-testid="province-table"] tr[data-place="${p.id}"] td.num`)).toHaveText(String(count));
  }
  // Every act of a province is counted: the counts add up to the stats' total by province.
  const sum = [...counts.values()].reduce((a, b) => a + b, 0);
  const shown = await points.evaluateAll((els) => els.reduce((a, el) => a + Number(el.getAttribute('data-count')), 0));
  expect(shown).toBe(sum);

  await expect(page.getByTestId('map-attribution')).toContainText('Made with Natural Earth');
  await expect(page.getByTestId('map-attribution')).toContainText('Open Admin Data');
  await expect(page.getByTestId('map-attribution')).toContainText('CC BY 4.0');
  await page.screenshot({ path: `${SHOTS}/50-map.png`, fullPage: true });
});

test('keyboard: Tab reaches the points, Enter shows the names, the count and a link to the acts', async () => {
  const [top] = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const [topId, topCount] = top;
  // After the layer switches, Tab goes to the provinces, largest first.
  await page.locator('#layer-crossings').focus();
  await page.keyboard.press('Tab');
  const focused = page.locator(':focus');
  await expect(focused).toHaveAttribute('data-place', topId);
  await page.keyboard.press('Enter');
  const info = page.getByTestId('map-info');
  await expect(info.getByTestId('map-info-name')).toHaveText(/\S/);
  await expect(info.getByTestId('map-info-count')).toHaveText(`${topCount} ${topCount === 1 ? 'act is' : 'acts are'} recorded in this province.`);
  if (topId === 'plc-kp-north-hamgyong') {
    await expect(info.getByTestId('map-info-name')).toHaveText('North Hamkyong');
    await expect(info.getByTestId('map-info-hangul')).toContainText('함경북도');
    await expect(info).toContainText('Hamgyŏng-bukto');
  }
  await page.keyboard.press('Tab');
  await expect(page.locator(':focus')).toHaveAttribute('data-testid', 'province-point');
  await expect(page.locator(':focus')).not.toHaveAttribute('data-place', topId);
  await page.screenshot({ path: `${SHOTS}/51-map-selected.png` });

  await info.getByTestId('map-info-browse').click();
  await expect(page).toHaveURL(new RegExp(`#/browse\\?kind=act&place=${topId}$`));
  await expect(page.getByTestId('browse').locator('tbody tr')).toHaveCount(Math.min(topCount, 50));
  await expect(page.locator('.pager')).toContainText(`of ${topCount}`);
});

test('a county: its names and its count from the records API; layers switch', async () => {
  await page.goto(`${url()}/#/map`);
  const onsong = page.locator(`[data-place="${ONSONG}"]`);
  await onsong.click();
  const info = page.getByTestId('map-info');
  await expect(info.getByTestId('map-info-name')).toHaveText('Onsong');
  await expect(info.getByTestId('map-info-hangul')).toHaveText('온성군');
  const admin = await apiSession(ADMIN.account, ADMIN.password());
  const total = ((await admin.call('GET', `/records?kind=act&place=${ONSONG}&limit=1`)).body as { total: number }).total;
  expect(total).toBeGreaterThan(0);
  await expect(info.getByTestId('map-info-count')).toHaveText(`${total} ${total === 1 ? 'act is' : 'acts are'} recorded here or in places within it.`);
  await expect(info.getByTestId('map-info-browse')).toHaveAttribute('href', `#/browse?kind=act&place=${ONSONG}`);

  await page.getByLabel('Counties and cities').uncheck();
  await expect(onsong).toBeHidden();
  await expect(page.locator('[data-place="plc-mss-holding-onsong"]')).toBeHidden();
  await page.getByLabel('Detention facilities').check();
  await expect(page.locator('[data-place="plc-mss-holding-onsong"]')).toBeVisible();
  await expect(page.locator('[data-place="plc-mss-holding-onsong"]')).toHaveAttribute('aria-label', /^Onsong .*holding centre \(온성 보위부 구류장\), .* in Onsong$/);

  await page.setViewportSize({ width: 820, height: 1180 });
  await page.getByTestId('province-point').first().click();
  await page.screenshot({ path: `${SHOTS}/52-map-tablet.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
});
