/**
 * Browser tests: the real server on a loopback port over a real DuckDB store of real OpenAlex records, the real
 * Vite-built dashboard, driven in Debian's Chromium through playwright-core. A missing Chromium fails (scripts/setup/chromium.sh
 * installs it). On failure a screenshot is written to test-results/.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../api/server.ts';
import { addContactsNear, openSampleStore } from '../api/test-fixture.ts';
import { ISO_NUMERIC_MODULE, isoNumericModule } from '../../scripts/gen-iso-numeric.ts';
import { searchPersonIds } from '../search/index.ts';
import type { Store } from '../store/store.ts';

const CHROMIUM = '/usr/bin/chromium';
let store: Store;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let page: Page;
let topResult: string | undefined;
let contacts: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/setup/chromium.sh (apt-get install chromium)`);
  store = await openSampleStore();
  // The contact list sits two hops from the top "deep learning" researcher, so search → profile → intro has a path.
  for (const id of await searchPersonIds(store, 'deep learning', { limit: 20 })) {
    contacts = await addContactsNear(store, id);
    if (contacts.length) {
      topResult = id;
      break;
    }
  }
  if (!topResult) throw new Error('no "deep learning" result with co-authors in the sample');
  ({ app, url: base } = await startServer(store, { host: '127.0.0.1', port: 0 }));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(15_000);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await store?.close();
});

/** Run a browser step; on failure save a screenshot named after it, then fail. */
async function step(name: string, fn: () => Promise<void>): Promise<void> {
  const errors: string[] = [];
  const onError = (e: Error) => errors.push(e.message);
  page.on('pageerror', onError);
  try {
    await fn();
    expect(errors, 'uncaught errors in the page').toEqual([]);
  } catch (e) {
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: `test-results/${name.replace(/[^a-z0-9]+/gi, '-')}.png`, fullPage: true }).catch(() => {});
    throw e;
  } finally {
    page.off('pageerror', onError);
  }
}

async function go(hash: string): Promise<void> {
  await page.goto(`${base}${hash}`);
}

async function chartDrawn(selector: string): Promise<string> {
  await page.waitForSelector(`${selector}[data-rendered="1"]`);
  return (await page.getAttribute(selector, 'data-fingerprint')) ?? '';
}

describe('dashboard in Chromium', () => {
  it('overview shows real counts and the people-by-country chart', async () => {
    await step('overview', async () => {
      await go('#/');
      await page.waitForSelector('#overview[data-state="ready"]');
      expect(await page.textContent('[data-count="works"] b')).toBe('195');
      await chartDrawn('#country-chart');
    });
  });

  it('people → profile: find by ORCID, open the profile, see the timeline and co-authors', async () => {
    await step('people-profile', async () => {
      await go('#/people');
      await page.waitForSelector('#people-results[data-state="ready"]');
      await page.fill('input[name=q]', '0000-0003-2510-9515');
      await page.click('#people-form button');
      await page.waitForSelector('#people-results[data-state="ready"] a[data-person="A5100691996"]');
      await page.click('a[data-person="A5100691996"]');
      await page.waitForSelector('#profile[data-state="ready"]');
      expect(await page.textContent('#person-name')).toBe('Jianming Zhan');
      await chartDrawn('#timeline-chart');
    });
  });

  it('shows the empty state for a search without matches and the error state for an unknown person', async () => {
    await step('empty-error', async () => {
      await go('#/people?q=nobody%20by%20this%20name');
      await page.waitForSelector('#people-results[data-state="empty"]');
      await go('#/profile?id=A0000000000');
      await page.waitForSelector('#profile[data-state="error"]');
      expect(await page.textContent('#profile')).toContain('NOT_FOUND');
    });
  });

  it('flows: Sankey and net-rate map render; a narrower window redraws the chart; a flow lists its people', async () => {
    await step('flows', async () => {
      await go('#/flows');
      await page.waitForSelector('#flows[data-state="ready"]');
      const before = await chartDrawn('#sankey');
      await chartDrawn('#net-map');
      expect(await page.textContent('#flows .career-params')).toMatch(/originYears 3 · minStay 2 · earlyCareer 8 · asOf none · referenceYear \d{4}/);
      const summaryAll = await page.textContent('#flows-summary');
      await page.fill('input[name=from]', '2015');
      await page.fill('input[name=to]', '2025');
      await page.click('#flows-form button');
      await page.waitForFunction((s) => document.querySelector('#flows-summary')?.textContent !== s && document.querySelector('#flows')?.getAttribute('data-state') === 'ready', summaryAll);
      const after = await chartDrawn('#sankey');
      expect(after).not.toBe(before);
      expect(page.url()).toContain('from=2015');
      // The people behind the biggest flow (the same list a click on its Sankey link opens), then one of them.
      await page.click('#top-flows a.flow-link');
      await page.waitForSelector('#movers-list[data-state="ready"] a[data-person]');
      const who = await page.getAttribute('#movers-list a[data-person]', 'data-person');
      await page.click('#movers-list a[data-person]');
      await page.waitForSelector('#profile[data-state="ready"]');
      expect(page.url()).toContain(`id=${who}`);
    });
  });

  it('search → profile → intro path, end to end', async () => {
    await step('search-profile-intro', async () => {
      await go('#/search');
      await page.waitForSelector('#search-results[data-state="empty"]');
      await page.fill('input[name=q]', 'deep learning');
      await page.click('#search-form button');
      await page.waitForSelector('#search-results[data-state="ready"]');
      await chartDrawn('#score-chart');
      // The contacts who reach these results, best first: the test's contacts sit two hops from the top result.
      await page.waitForSelector('#brokers[data-state="ready"]');
      const brokers = await page.locator('#brokers a[data-person]').evaluateAll((as) => as.map((a) => a.getAttribute('data-person')));
      expect(brokers.length).toBeGreaterThan(0);
      expect(brokers.every((b) => b !== null && contacts.includes(b))).toBe(true);
      expect(await page.textContent('#brokers')).toMatch(/reaches|of \d+/);
      await page.click(`#search-results table a[data-person="${topResult}"]`);
      await page.waitForSelector('#profile[data-state="ready"]');
      expect(page.url()).toContain(`id=${topResult}`);
      await page.click('#intro-link');
      await page.waitForSelector('#intro[data-state="ready"]');
      await chartDrawn('#intro-graph');
      expect(await page.locator('.card.path').count()).toBeGreaterThan(0);
      expect(await page.textContent('.card.path')).toMatch(/co-authored|contact list/);
    });
  });

  it('cohort stages: undergraduate → graduate → now as a Sankey with shares, unknowns and the proxy count; a topic cohort narrows it', async () => {
    await step('cohort', async () => {
      const everyone = (await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM careers'))[0]?.n ?? 0;
      await go('#/cohort');
      await page.waitForSelector('#cohort[data-state="ready"]');
      await chartDrawn('#stages-sankey');
      expect(await page.textContent('#cohort-summary')).toContain(`${everyone.toLocaleString('en-US')} with a derived career`);
      expect(await page.locator('.card.stage').count()).toBe(3);
      // Every careers figure states its parameters (spec): the defaults, echoed from the API.
      expect(await page.textContent('#cohort .career-params')).toMatch(/originYears 3 · minStay 2 · earlyCareer 8 · asOf none · referenceYear \d{4}/);
      expect(await page.textContent('.card.stage[data-stage="graduate"]')).toMatch(/of which origin as proxy \d+/);
      // The current stage's countries add up with its unknowns to everyone staged.
      const cur = await page.locator('.card.stage[data-stage="current"] tbody tr td:nth-child(2)').allTextContents();
      const unknown = Number((/unknown (\d[\d,]*)/.exec((await page.textContent('.card.stage[data-stage="current"]')) ?? '')?.[1] ?? 'NaN').replace(/,/g, ''));
      if (cur.length < 15) expect(cur.reduce((n, t) => n + Number(t.replace(/,/g, '')), 0) + unknown).toBe(everyone);
      await page.fill('#cohort-form input[name=topic]', 'deep learning');
      await page.click('#cohort-form button');
      await page.waitForFunction(() => location.hash.includes('topic=deep'));
      await page.waitForSelector('#cohort[data-state="ready"]');
      const narrowed = Number((/(\d[\d,]*) with a derived career/.exec((await page.textContent('#cohort-summary')) ?? '')?.[1] ?? 'NaN').replace(/,/g, ''));
      expect(narrowed).toBeGreaterThan(0);
      expect(narrowed).toBeLessThan(everyone);
    });
  });

  it('country page shows the diaspora and returnees by year', async () => {
    await step('country', async () => {
      await go('#/country?cc=CN');
      await page.waitForSelector('#diaspora[data-state="ready"]');
      await page.waitForSelector('#returnees[data-state="ready"]');
      await chartDrawn('#returnees-chart');
      expect(await page.textContent('#diaspora')).toContain('people of origin CN');
      await go('#/country?cc=XX');
      await page.waitForSelector('#diaspora[data-state="error"]');
      expect(await page.textContent('#diaspora')).toContain('UNKNOWN_COUNTRY');
    });
  });

  it('country page draws the diaspora on a world map: Natural Earth regions coloured by people, the origin marked apart', async () => {
    // The origin with the biggest diaspora in the sample, and how many of its people work in its top destination.
    const [top] = await store.query<{ origin: string; current_country: string; n: number }>(
      `SELECT origin, current_country, COUNT(*) AS n FROM careers WHERE abroad GROUP BY origin, current_country ORDER BY n DESC, origin, current_country LIMIT 1`,
    );
    if (!top) throw new Error('no diaspora in the sample store');
    const cc = top.origin;
    await step('country-map', async () => {
      await go(`#/country?cc=${cc}`);
      await page.waitForSelector('#diaspora[data-state="ready"]');
      await chartDrawn('#diaspora-map');
      await chartDrawn('#diaspora-chart');
      expect(await page.textContent('#diaspora-map-title')).toBe(`Where people of origin ${cc} work now (origin = education, else first-affiliation country)`);
      // What ECharts built: the series, and per region its value and the fill of the shapes it drew.
      const map = await page.evaluate(() => {
        type Zr = { style?: { fill?: unknown }; traverse?(cb: (c: Zr) => void): void };
        type Data = { count(): number; getName(i: number): string; get(dim: string, i: number): number; getItemGraphicEl(i: number): Zr | undefined };
        const chart = window.atlasChart?.(document.querySelector('#diaspora-map'));
        if (!chart) return undefined;
        const series = (chart.getOption() as { series: Array<{ type: string; map: string }> }).series;
        const data = (chart as unknown as { getModel(): { getSeriesByIndex(i: number): { getData(): Data } } }).getModel().getSeriesByIndex(0).getData();
        const regions: Array<{ name: string; value: number; drawn: boolean; fills: string[] }> = [];
        for (let i = 0; i < data.count(); i++) {
          const el = data.getItemGraphicEl(i);
          const fills: string[] = [];
          el?.traverse?.((c) => void (typeof c.style?.fill === 'string' && fills.push(c.style.fill)));
          regions.push({ name: data.getName(i), value: data.get('value', i), drawn: el !== undefined, fills });
        }
        return { types: series.map((x) => x.type), map: series[0]?.map, regions };
      });
      expect(map?.types).toEqual(['map']);
      expect(map?.map).toBe('world');
      const regions = map?.regions ?? [];
      expect(regions.filter((r) => r.drawn && r.fills.length > 0).length).toBeGreaterThan(100);
      const valued = regions.filter((r) => r.value > 0);
      expect(valued.length).toBeGreaterThan(0);
      expect(Math.max(...valued.map((r) => r.value))).toBe(top.n);
      // Countries with people take the visualMap's blues; the rest stay grey; the origin is orange and holds no value.
      const fillsOf = (rs: typeof regions) => new Set(rs.flatMap((r) => r.fills));
      expect([...fillsOf(valued)].every((f) => f !== '#eef0f3' && f !== '#f5a524')).toBe(true);
      const origin = regions.filter((r) => r.fills.includes('#f5a524'));
      expect(origin.length).toBeGreaterThan(0);
      expect(origin.every((r) => Number.isNaN(r.value))).toBe(true);
      expect(fillsOf(regions.filter((r) => Number.isNaN(r.value) && !origin.includes(r)))).toEqual(new Set(['#eef0f3']));
      // The tooltip of the top destination names the country and its people of this origin.
      const topName = valued.find((r) => r.value === top.n)?.name ?? '';
      await page.evaluate((name) => window.atlasChart?.(document.querySelector('#diaspora-map'))?.dispatchAction({ type: 'showTip', seriesIndex: 0, name }), topName);
      await page.waitForFunction((t) => document.querySelector('#diaspora-map')?.textContent?.includes(t), `${topName} (${top.current_country}): ${top.n} `);
      expect(await page.textContent('#diaspora-map')).toContain(`of origin ${cc} work here`);
      expect(await page.textContent('#diaspora')).toMatch(/Career parameters .*originYears 3/);
      mkdirSync('test-results', { recursive: true });
      await page.locator('#diaspora').screenshot({ path: 'test-results/country-diaspora-map.png' });
    });
  });

  it('the bundled ISO numeric table matches data/countries/country-codes.csv (scripts/gen-iso-numeric.ts)', () => {
    expect(readFileSync(ISO_NUMERIC_MODULE, 'utf8')).toBe(isoNumericModule());
  });

  it('subsidy: moving the share slider reprices', async () => {
    await step('subsidy', async () => {
      await go('#/subsidy?origin=CN&share=0.25');
      await page.waitForSelector('#subsidy[data-state="ready"]');
      await chartDrawn('#sensitivity-chart');
      const low = await page.textContent('#subsidy-total');
      await page.locator('input[name=share]').fill('1');
      await page.waitForFunction((t) => document.querySelector('#subsidy[data-state="ready"] #subsidy-total')?.textContent !== t, low);
      expect(page.url()).toContain('share=1');
    });
  });
});
