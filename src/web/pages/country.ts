/** Country: its diaspora (people of this origin abroad, by current country) on a world map and a bar chart, and its returnees by year. */
import { getJson, type Page } from '../api.ts';
import { drawChart, registerWorldMap } from '../charts.ts';
import { careerParams, fmt, h, loadInto } from '../dom.ts';
import { href, setParams, type PageDef } from '../router.ts';

interface Diaspora { params: { career: Record<string, unknown> }; origin: { total: number }; atHome: number; abroad: number; currentUnknown: number; originBasis: Record<string, number>; byCurrentCountry: Page<{ country: string; people: number; share: number }> }
interface Returnees { returnees: number; everLeft: number; byYear: Array<{ year: number; returnees: number }>; returnedFrom: Page<{ country: string; returnees: number }> }

/** The API's largest page; a diaspora spans at most ~250 countries, so this is one request, rarely two. */
const PAGE = 200;

/** The diaspora with every current country (the map needs them all, not a top list). */
async function diasporaOf(cc: string): Promise<Diaspora> {
  const d = await getJson<Diaspora>(`diaspora/${encodeURIComponent(cc)}`, { limit: PAGE });
  const items = [...d.byCurrentCountry.items];
  while (items.length < d.byCurrentCountry.total) {
    const next = await getJson<Diaspora>(`diaspora/${encodeURIComponent(cc)}`, { limit: PAGE, offset: items.length });
    if (!next.byCurrentCountry.items.length) break;
    items.push(...next.byCurrentCountry.items);
  }
  return { ...d, byCurrentCountry: { ...d.byCurrentCountry, items, limit: items.length, offset: 0 } };
}

const ORIGIN_FILL = '#f5a524';
const NO_DATA_FILL = '#eef0f3';

/** Choropleth of where people of origin cc work now; the origin itself is drawn apart (its people are at home, not diaspora). */
function diasporaMap(el: HTMLElement, cc: string, d: Diaspora): { offMap: string[]; originOnMap: boolean } {
  const world = registerWorldMap();
  const data: Array<{ name: string; value?: number; code: string; people: number; itemStyle?: object }> = [];
  const offMap: string[] = [];
  for (const r of d.byCurrentCountry.items) {
    const regions = world.regionsOf.get(r.country);
    if (!regions) offMap.push(`${r.country} ${fmt(r.people)}`);
    else if (r.country !== cc) for (const name of regions) data.push({ name, value: r.people, code: r.country, people: r.people });
  }
  for (const name of world.regionsOf.get(cc) ?? []) {
    data.push({ name, code: cc, people: d.atHome, itemStyle: { areaColor: ORIGIN_FILL, borderColor: '#8a5a00', borderWidth: 1.2 } });
  }
  const max = Math.max(1, ...data.map((x) => x.value ?? 0));
  drawChart(
    el,
    {
      tooltip: {
        trigger: 'item',
        formatter: (p: { name: string; data?: { code: string; people: number } }) => {
          if (!p.data) return `${p.name}: nobody of origin ${cc} works here`;
          if (p.data.code === cc) return `${p.name} (${cc}), the origin: ${fmt(p.data.people)} at home (not diaspora)`;
          return `${p.name} (${p.data.code}): ${fmt(p.data.people)} ${p.data.people === 1 ? 'person' : 'people'} of origin ${cc} work here`;
        },
      },
      visualMap: { type: 'continuous', min: 0, max, seriesIndex: 0, orient: 'horizontal', left: 'center', bottom: 0, text: [fmt(max), `people of origin ${cc} working there: 0`], inRange: { color: ['#d6e6f5', '#1769aa', '#0b2f52'] } },
      series: [
        {
          type: 'map',
          map: world.map,
          roam: true,
          scaleLimit: { min: 1, max: 12 },
          top: 10,
          bottom: 40,
          selectedMode: false,
          itemStyle: { areaColor: NO_DATA_FILL, borderColor: '#b8c0cc', borderWidth: 0.5 },
          emphasis: { label: { show: false }, itemStyle: { areaColor: '#ffe08a' } },
          data,
        },
      ],
    },
    (p) => {
      const code = (p.data as { code?: string } | undefined)?.code;
      if (code && code !== cc) location.hash = href('/country', { cc: code });
    },
  );
  return { offMap, originOnMap: world.regionsOf.has(cc) };
}

export const countryPage: PageDef = {
  path: '/country',
  title: 'Country',
  nav: 'Country',
  async render(root, params) {
    const cc = (params.get('cc') ?? 'CN').toUpperCase();
    const input = h('input', { name: 'cc', value: cc, maxlength: 2, style: 'width:5em' });
    const form = h('form', { class: 'filters', id: 'country-form' }, h('label', {}, 'country (ISO code)', input), h('button', { type: 'submit' }, 'Show'));
    const dBox = h('div', { id: 'diaspora' });
    const rBox = h('div', { id: 'returnees' });
    root.append(h('h1', {}, `Diaspora and returnees: ${cc}`), form, h('h2', {}, 'Diaspora: where people of this origin work now'), dBox, h('h2', {}, 'Returnees by year'), rBox);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      location.hash = href('/country', { cc: input.value.trim().toUpperCase() });
    });
    setParams('/country', { cc });
    await Promise.all([
      loadInto(dBox, 'the diaspora', () => diasporaOf(cc), (d) => {
        const basis = Object.entries(d.originBasis).map(([k, n]) => `${fmt(n)} ${k.replace('_', ' ')}`).join(', ');
        dBox.append(
          h('p', {}, `${fmt(d.origin.total)} people of origin ${cc}: ${fmt(d.atHome)} at home, ${fmt(d.abroad)} abroad (origin basis: ${basis}), ${fmt(d.currentUnknown)} current country unknown. `, h('a', { href: href('/subsidy', { origin: cc }) }, 'Price a return subsidy →')),
          careerParams(d.params.career),
        );
        if (!d.byCurrentCountry.items.length) return void dBox.append(h('p', { class: 'state empty' }, 'Nobody of this origin is abroad in the atlas.'));
        const mapEl = h('div', { class: 'chart', id: 'diaspora-map' });
        const barEl = h('div', { class: 'chart', id: 'diaspora-chart' });
        const note = h('p', { class: 'muted', id: 'diaspora-map-note' });
        dBox.append(
          h('h3', { id: 'diaspora-map-title' }, `Where people of origin ${cc} work now (origin = education, else first-affiliation country)`),
          h('div', { style: 'display:flex;flex-wrap:wrap;gap:16px' }, h('div', { style: 'flex:3 1 560px;min-width:0' }, mapEl), h('div', { style: 'flex:1 1 300px;min-width:0' }, h('div', { class: 'muted' }, 'Top 30 countries abroad'), barEl)),
          note,
        );
        const { offMap, originOnMap } = diasporaMap(mapEl, cc, d);
        const home = originOnMap ? `${cc} itself, in orange, holds the ${fmt(d.atHome)} at home` : `${cc} itself (${fmt(d.atHome)} at home) is too small to draw at this scale`;
        note.textContent = `Darker blue: more people of origin ${cc} work there; ${home}. Grey: nobody of this origin. Natural Earth 1:110m shapes; drag to pan, scroll to zoom.`;
        if (offMap.length) note.textContent += ` Too small for this map, in the bar chart only: ${offMap.join(', ')}.`;
        const rows = d.byCurrentCountry.items.slice(0, 30);
        drawChart(barEl, { tooltip: {}, grid: { left: 40, right: 10, top: 10, bottom: 30 }, xAxis: { type: 'category', data: rows.map((r) => r.country) }, yAxis: { type: 'value', minInterval: 1 }, series: [{ type: 'bar', data: rows.map((r) => r.people), itemStyle: { color: '#1769aa' } }] });
      }, (d) => d.origin.total === 0, `Nobody in the atlas has origin ${cc}.`),
      loadInto(rBox, 'returnees', () => getJson<Returnees>(`returnees/${encodeURIComponent(cc)}`), (r) => {
        rBox.append(h('p', {}, `${fmt(r.returnees)} returnees out of ${fmt(r.everLeft)} who ever left; came back from ${r.returnedFrom.items.map((x) => `${x.country} (${x.returnees})`).join(', ') || '–'}.`));
        const el = h('div', { class: 'chart small', id: 'returnees-chart' });
        rBox.append(el);
        drawChart(el, { tooltip: {}, grid: { left: 40, right: 10, top: 10, bottom: 30 }, xAxis: { type: 'category', data: r.byYear.map((x) => String(x.year)) }, yAxis: { type: 'value', minInterval: 1 }, series: [{ type: 'bar', data: r.byYear.map((x) => x.returnees), itemStyle: { color: '#7a5af8' } }] });
      }, (r) => r.byYear.length === 0, `No returnees to ${cc} in the atlas.`),
    ]);
  },
};
