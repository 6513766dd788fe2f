/**
 * Browser tests: the real server on a loopback port over a real DuckDB store of real OpenAlex records (and a second
 * server over a real paper list plus a real OpenReview profile, for education and mentorship), the real
 * Vite-built dashboard, driven in Debian's Chromium through playwright-core. A missing Chromium fails (scripts/setup/chromium.sh
 * installs it). On failure a screenshot is written to test-results/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../api/server.ts';
import { EDUCATION_FILES_TWO_YEARS, openEducationStore } from '../api/test-education-fixture.ts';
import { addContactsNear, openSampleStore } from '../api/test-fixture.ts';
import { ISO_NUMERIC_MODULE, isoNumericModule } from '../../scripts/gen-iso-numeric.ts';
import { ingestFiles } from '../ingest/run-ingest.ts';
import { searchPersonIds } from '../search/index.ts';
import type { Store } from '../store/store.ts';
import { cliActor } from '../teams/audit.ts';
import { addUser } from '../teams/users.ts';

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

/** The number in a text after a label, e.g. count('known 1,234', 'known') = 1234. */
function count(text: string | null, label: string): number {
  const m = new RegExp(`${label} (\\d[\\d,]*)`).exec(text ?? '');
  return m ? Number((m[1] ?? '').replace(/,/g, '')) : Number.NaN;
}

describe('dashboard on education and mentorship (ICLR 2021 and ICML 2023 lists + a real OpenReview profile)', () => {
  let edu: Store;
  let eduApp: FastifyInstance;
  let eduBase: string;
  const n = async (sql: string, params: string[] = []) => Number((await edu.query<{ n: number }>(sql, params))[0]?.n ?? Number.NaN);

  beforeAll(async () => {
    edu = await openEducationStore(EDUCATION_FILES_TWO_YEARS);
    ({ app: eduApp, url: eduBase } = await startServer(edu, { host: '127.0.0.1', port: 0 }));
  }, 600_000);

  afterAll(async () => {
    await eduApp?.close();
    await edu?.close();
  });

  it('profile: education with its basis, stated advisors linking to their profiles, the origin with its basis, position texts, institution links', async () => {
    await step('profile-education', async () => {
      await page.goto(`${eduBase}#/profile?id=${encodeURIComponent('~Yang_Liu3')}`);
      await page.waitForSelector('#profile[data-state="ready"]');
      expect(await page.textContent('#person-name')).toBe('Yang Liu');
      // The stated PhD from his profile, with years, basis and source.
      const phd = page.locator('#education tbody tr', { hasText: 'University of Michigan, Ann Arbor' });
      expect(await phd.count()).toBe(1);
      expect(await phd.textContent()).toMatch(/doctorate.*University of Michigan, Ann Arbor.*US.*2010–2015.*stated.*openreview/);
      // The origin says what it rests on, and that it is an origin.
      expect(await page.getAttribute('#origin', 'data-basis')).toBe('education');
      expect(await page.textContent('#origin')).toMatch(/^Origin: US — from the doctorate record at University of Michigan, Ann Arbor \(US\), 2010–2015, stated \(basis: education\)\..*never a nationality/);
      // Position texts from the expanded profile history beside each span.
      expect(await page.textContent('#timeline-table')).toContain('Postdoc 2016–2018');
      await chartDrawn('#timeline-chart');
      // Three stated advisors; Parkes links to his own profile, where Yang Liu is his mentee.
      expect(await page.locator('#mentors [data-kind="mentorship"]').count()).toBe(3);
      const parkesRow = page.locator('#mentors tbody tr', { hasText: 'David C. Parkes' });
      expect(await parkesRow.textContent()).toMatch(/stated.*Postdoc Advisor.*1\.00.*2016–2018.*openreview: “Postdoc Advisor” David Parkes; read at profile-v1-Yang_Liu3\.json:1; matched by name\+email domain/);
      expect(await page.textContent('#mentors')).toContain('Mingyan Liu (known only from this relation)');
      mkdirSync('test-results', { recursive: true });
      await page.screenshot({ path: 'test-results/profile-education-mentors.png', fullPage: true });
      await page.click('#mentors a[data-person="openreview:~David_C._Parkes1"]');
      await page.waitForFunction(() => document.querySelector('#person-name')?.textContent === 'David C. Parkes');
      await page.waitForSelector('#profile[data-state="ready"] #mentees a[data-person="openreview:~Yang_Liu3"]');
      // A timeline institution opens that institution's page.
      await page.goBack();
      await page.waitForFunction(() => document.querySelector('#person-name')?.textContent === 'Yang Liu');
      await page.click('#timeline-table a[data-institution="name:harvard university"]');
      await page.waitForSelector('#institution[data-state="ready"]');
      expect(await page.textContent('#institution-name')).toContain('Harvard');
    });
  });

  it('profile: a paper-list person with an observed bachelor record shows it as observed, and the origin resting on it', async () => {
    const [who] = await edu.query<{ person_id: string; institution_id: string }>(
      `SELECT e.person_id, e.institution_id FROM education_records e JOIN careers c ON c.person_id = e.person_id
       WHERE e.basis = 'observed' AND e.degree = 'bachelor' AND e.country IS NOT NULL AND c.origin_basis = 'education'
         AND e.person_id NOT IN (SELECT person_id FROM education_records WHERE basis = 'stated') ORDER BY e.person_id LIMIT 1`,
    );
    if (!who) throw new Error('no observed bachelor record in the paper lists');
    await step('profile-observed', async () => {
      await page.goto(`${eduBase}#/profile?id=${encodeURIComponent(who.person_id)}`);
      await page.waitForSelector('#profile[data-state="ready"]');
      const row = page.locator('#education tbody tr', { has: page.locator(`a[data-institution="${who.institution_id}"]`) });
      expect(await row.locator('[data-basis="observed"]').count()).toBeGreaterThan(0);
      expect(await row.first().textContent()).toMatch(/bachelor.*observed.*paperlist/);
      expect(await page.textContent('#origin')).toMatch(/from the bachelor record at .* observed \(basis: education\)/);
    });
  });

  it('institution page: who is there now, feeders by education and by previous affiliation with their basis, where alumni went; found by name', async () => {
    // The institution with the most people there now among those with both feeder kinds.
    const [inst] = await edu.query<{ id: string; name: string; n: number }>(
      `SELECT c.current_institution AS id, MAX(i.name) AS name, COUNT(*) AS n FROM careers c JOIN institutions i ON i.institution_id = c.current_institution
       WHERE c.current_institution IN (SELECT to_place FROM moves WHERE level = 'institution')
         AND c.current_institution IN (SELECT cc.current_institution FROM careers cc JOIN education_records e ON e.person_id = cc.person_id)
       GROUP BY c.current_institution ORDER BY n DESC, id LIMIT 1`,
    );
    if (!inst) throw new Error('no institution with feeders in the sample');
    const [topFeeder] = await edu.query<{ institution_id: string; people: number }>(
      `SELECT e.institution_id, COUNT(DISTINCT e.person_id) AS people FROM education_records e
       WHERE e.institution_id IS NOT NULL AND e.person_id IN (SELECT person_id FROM careers WHERE current_institution = $1)
       GROUP BY e.institution_id ORDER BY people DESC, e.institution_id LIMIT 1`,
      [inst.id],
    );
    const movedIn = await n(`SELECT COUNT(DISTINCT person_id) AS n FROM moves WHERE level = 'institution' AND to_place = $1`, [inst.id]);
    await step('institution', async () => {
      await page.goto(`${eduBase}#/institution`);
      await page.waitForSelector('#institution[data-state="empty"]');
      const word = (inst.name.split(/\s+/).find((w) => w.length > 5) ?? inst.name).toLowerCase();
      await page.fill('#institution-form input[name=q]', word);
      await page.click('#institution-form button');
      await page.waitForSelector(`#institution-matches[data-state="ready"] a[data-institution="${inst.id}"]`);
      await page.click(`#institution-matches a[data-institution="${inst.id}"]`);
      await page.waitForSelector('#institution[data-state="ready"]');
      expect(await page.textContent('#institution-name')).toContain(inst.name);
      expect(await page.textContent('[data-count="current"] b')).toBe(inst.n.toLocaleString('en-US'));
      expect(await page.locator('#there-now tbody tr').count()).toBe(Math.min(25, inst.n));
      expect(await page.textContent('#there-now-origins')).toMatch(/stated education records \d+, observed education records \d+, first affiliation \d+, nothing \d+/);
      // Feeders by education: the top one with its count and its stated / observed split.
      const first = page.locator('#feeders-education tbody tr').first();
      expect(await first.locator('a[data-institution]').getAttribute('data-institution')).toBe(topFeeder?.institution_id);
      const cells = await first.locator('td').allTextContents();
      expect(Number(cells[2])).toBe(topFeeder?.people);
      expect(Number(cells[3]) + Number(cells[4])).toBeGreaterThanOrEqual(Number(cells[2]));
      expect(await page.locator('#feeders-education-countries tbody tr').count()).toBeGreaterThan(0);
      // Feeders by previous affiliation: confirmed institution moves in.
      expect(movedIn).toBeGreaterThan(0);
      expect(await page.locator('#feeders-affiliation tbody tr').count()).toBeGreaterThan(0);
      expect(await page.textContent('#institution .grid')).toContain(`${movedIn.toLocaleString('en-US')}moved in from elsewhere`);
      expect(await page.locator('#alumni, #former-staff').count()).toBe(2);
      await chartDrawn('#institution-sankey');
      mkdirSync('test-results', { recursive: true });
      await page.screenshot({ path: 'test-results/institution-talent.png', fullPage: true });
      // Its cohort: the cohort page filtered to the people there now.
      await page.click('a[href^="#/cohort?institution="]');
      await page.waitForSelector('#cohort[data-state="ready"]');
      expect(count(await page.textContent('#cohort-summary'), 'cohort,')).toBe(inst.n);
    });
  });

  it('cohort page: the undergraduate stage is real — known from bachelor records by basis, unknown apart; graduate proxies counted', async () => {
    const staged = await n('SELECT COUNT(*) AS n FROM careers');
    const under = await n('SELECT COUNT(*) AS n FROM careers WHERE undergrad_country IS NOT NULL');
    const statedBachelors = await n(`SELECT COUNT(DISTINCT person_id) AS n FROM education_records WHERE basis = 'stated' AND degree = 'bachelor' AND country IS NOT NULL`);
    const proxy = await n('SELECT COUNT(*) AS n FROM careers WHERE graduate_country IS NULL AND origin IS NOT NULL');
    expect(under).toBeGreaterThan(0);
    await step('cohort-undergraduate', async () => {
      await page.goto(`${eduBase}#/cohort`);
      await page.waitForSelector('#cohort[data-state="ready"]');
      await chartDrawn('#stages-sankey');
      const ug = await page.textContent('.card.stage[data-stage="undergraduate"] .stage-counts');
      expect(count(ug, 'known')).toBe(under);
      expect(count(ug, 'unknown')).toBe(staged - under);
      // Every bachelor record in this store is observed (the one profile states only a doctorate).
      expect(statedBachelors).toBe(0);
      expect(count(ug, 'stated')).toBe(0);
      expect(count(ug, 'observed')).toBe(under);
      expect(count(await page.textContent('.card.stage[data-stage="graduate"]'), 'of which origin as proxy')).toBe(proxy);
      expect(await page.textContent('#origin-rests-on')).toMatch(/stated education records \d+, observed education records [1-9]/);
      const rows = await page.locator('.card.stage[data-stage="undergraduate"] tbody tr').count();
      expect(rows).toBeGreaterThan(0);
      mkdirSync('test-results', { recursive: true });
      await page.screenshot({ path: 'test-results/cohort-undergraduate.png', fullPage: true });
    });
  });

  it('flows page says what the movers\' origins rest on, and takes a current-institution cohort', async () => {
    const [top] = await edu.query<{ id: string }>(
      `SELECT c.current_institution AS id FROM careers c JOIN moves m ON m.person_id = c.person_id AND m.level = 'country'
       WHERE c.current_institution IS NOT NULL GROUP BY c.current_institution ORDER BY COUNT(*) DESC, id LIMIT 1`,
    );
    if (!top) throw new Error('no institution with country movers');
    await step('flows-origin-basis', async () => {
      await page.goto(`${eduBase}#/flows?institution=${encodeURIComponent(top.id)}`);
      await page.waitForSelector('#flows[data-state="ready"]');
      const movers = count(await page.textContent('#flows-summary'), 'moves by');
      const rests = await page.textContent('#flows-origin-rests-on');
      const parts = ['stated education records', 'observed education records', 'first affiliation', 'nothing'].map((l) => count(rests, l));
      expect(parts.reduce((a, b) => a + b, 0)).toBe(movers);
      expect(movers).toBe(await n(`SELECT COUNT(DISTINCT m.person_id) AS n FROM moves m JOIN careers c ON c.person_id = m.person_id WHERE m.level = 'country' AND c.current_institution = $1`, [top.id]));
    });
  });
});

describe('dashboard on a server with accounts', () => {
  let acc: Store;
  let accApp: FastifyInstance;
  let accBase: string;
  let p: Page;
  let reachable = '';
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    acc = await openSampleStore();
    for (const id of await searchPersonIds(acc, 'deep learning', { limit: 20 })) {
      if ((await addContactsNear(acc, id)).length) {
        reachable = id;
        break;
      }
    }
    // TEST_OWNER ('demo') owns the contact list: make it a recruiter; vera only reads aggregates.
    keys['demo'] = (await addUser(acc, 'demo', 'recruiter', cliActor())).key;
    keys['vera'] = (await addUser(acc, 'vera', 'viewer', cliActor())).key;
    ({ app: accApp, url: accBase } = await startServer(acc, { host: '127.0.0.1', port: 0 }));
    p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    p.setDefaultTimeout(15_000);
  }, 120_000);

  afterAll(async () => {
    await p?.close();
    await accApp?.close();
    await acc?.close();
  });

  const signIn = async (key: string) => {
    await p.waitForSelector('#sign-in');
    await p.fill('#key-input', key);
    await p.click('#sign-in button');
  };

  it('asks for the key, refuses a wrong one, signs in, shows who, keeps the contact list private, signs out', async () => {
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    try {
      await p.goto(`${accBase}#/flows`);
      await p.waitForSelector('#sign-in');
      expect(decodeURIComponent(p.url())).toContain('next=#/flows');
      await signIn(`atl_000000000000_${'A'.repeat(43)}`);
      expect(await (await p.waitForSelector('#sign-in-status [role=alert]')).textContent()).toMatch(/not accepted: unknown or replaced API key/);
      await signIn(keys['demo']!);
      await p.waitForSelector('#flows[data-state="ready"]');
      expect(await p.textContent('#who-name')).toBe('demo · recruiter');
      await p.goto(`${accBase}#/intro?target=${reachable}`);
      await p.waitForSelector('#intro[data-state="ready"]');
      expect(await p.locator('.card.path').count()).toBeGreaterThan(0);
      await p.click('#sign-out');
      await p.waitForSelector('#sign-in');
      await p.goto(`${accBase}#/people`);
      await signIn(keys['vera']!);
      await p.waitForSelector('#people-results[data-state="error"]');
      expect(await p.textContent('#people-results')).toMatch(/viewer.*needs the role analyst/);
      expect(errors).toEqual([]);
    } catch (e) {
      mkdirSync('test-results', { recursive: true });
      await p.screenshot({ path: 'test-results/accounts-sign-in.png', fullPage: true }).catch(() => {});
      throw e;
    }
  });

  it('pipeline board: create a shortlist, add a person from the profile, move the card, export the CSV', async () => {
    try {
      await p.evaluate(() => sessionStorage.clear()); // vera signed in last
      await p.goto(`${accBase}#/pipeline`);
      await p.reload();
      await signIn(keys['demo']!);
      await p.waitForSelector('#shortlists[data-state="empty"]');
      await p.fill('#create-shortlist input[name=name]', 'LLM leads');
      await p.click('#create-shortlist button');
      await p.waitForSelector('#shortlist-board[data-state="ready"]');
      expect(await p.textContent('#board-name')).toBe('LLM leads');
      await p.goto(`${accBase}#/profile?id=${reachable}`);
      await p.waitForSelector('#add-to-shortlist button');
      await p.click('#add-to-shortlist button');
      await p.click('#add-to-shortlist a');
      await p.waitForSelector(`.column[data-stage="shortlisted"] [data-person-card="${reachable}"]`);
      await p.selectOption(`select[data-move="${reachable}"]`, 'met');
      await p.waitForSelector(`.column[data-stage="met"] [data-person-card="${reachable}"]`);
      const [download] = await Promise.all([p.waitForEvent('download'), p.click('#export-csv')]);
      expect(download.suggestedFilename()).toBe('LLM_leads.csv');
      const file = await download.path();
      const text = readFileSync(file, 'utf8');
      expect(text).toMatch(new RegExp(`^shortlist,owner,person_id,name,stage,`));
      expect(text).toContain(`LLM leads,demo,${reachable},`);
      expect(text).toContain(',met,');
    } catch (e) {
      mkdirSync('test-results', { recursive: true });
      await p.screenshot({ path: 'test-results/accounts-pipeline.png', fullPage: true }).catch(() => {});
      throw e;
    }
  });

  it('alerts: watch a person from the profile; an ingest of a new work of theirs shows on the alerts page; mark read', async () => {
    try {
      await p.goto(`${accBase}#/profile?id=${reachable}`);
      await p.waitForSelector('#watch-person');
      await p.click('#watch-person');
      await p.waitForFunction(() => /watching — person: /.test(document.querySelector('#watch-control')?.textContent ?? ''));
      const [who] = await acc.query<{ display_name: string }>(`SELECT display_name FROM people WHERE person_id = $1`, [reachable]);
      const dir = mkdtempSync(path.join(tmpdir(), 'atlas-watch-web-'));
      const file = path.join(dir, 'new-work.jsonl');
      writeFileSync(file, JSON.stringify({ id: 'https://openalex.org/W4999999991', title: 'A new paper to be alerted about', publication_year: 2025, updated_date: '2026-11-01', cited_by_count: 0, authorships: [{ author_position: 'first', author: { id: `https://openalex.org/${reachable}`, display_name: who!.display_name }, institutions: [] }] }) + '\n');
      await ingestFiles(acc, [file]);
      rmSync(dir, { recursive: true, force: true });
      await p.goto(`${accBase}#/alerts`);
      await p.waitForSelector('#alerts[data-state="ready"]');
      expect(await p.textContent('#alerts tr[data-alert="work"]')).toContain('A new paper to be alerted about');
      await p.waitForSelector('#watches[data-state="ready"]');
      expect(await p.textContent('#watches')).toMatch(/following 1 · 1 unread/);
      await p.click('#mark-read');
      await p.waitForSelector('#alerts[data-state="empty"]');
    } catch (e) {
      mkdirSync('test-results', { recursive: true });
      await p.screenshot({ path: 'test-results/accounts-alerts.png', fullPage: true }).catch(() => {});
      throw e;
    }
  });
});
