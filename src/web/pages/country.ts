/** Country: its diaspora (people of this origin abroad, by current country) and its returnees by year. */
import { getJson, type Page } from '../api.ts';
import { drawChart } from '../charts.ts';
import { fmt, h, loadInto } from '../dom.ts';
import { href, setParams, type PageDef } from '../router.ts';

interface Diaspora { origin: { total: number }; atHome: number; abroad: number; currentUnknown: number; byCurrentCountry: Page<{ country: string; people: number; share: number }> }
interface Returnees { returnees: number; everLeft: number; byYear: Array<{ year: number; returnees: number }>; returnedFrom: Page<{ country: string; returnees: number }> }

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
      loadInto(dBox, 'the diaspora', () => getJson<Diaspora>(`diaspora/${encodeURIComponent(cc)}`, { limit: 30 }), (d) => {
        dBox.append(h('p', {}, `${fmt(d.origin.total)} people of origin ${cc}: ${fmt(d.atHome)} at home, ${fmt(d.abroad)} abroad, ${fmt(d.currentUnknown)} current country unknown. `, h('a', { href: href('/subsidy', { origin: cc }) }, 'Price a return subsidy →')));
        if (!d.byCurrentCountry.items.length) return void dBox.append(h('p', { class: 'state empty' }, 'Nobody of this origin is abroad in the atlas.'));
        const el = h('div', { class: 'chart small', id: 'diaspora-chart' });
        dBox.append(el);
        const rows = d.byCurrentCountry.items;
        drawChart(el, { tooltip: {}, grid: { left: 40, right: 10, top: 10, bottom: 30 }, xAxis: { type: 'category', data: rows.map((r) => r.country) }, yAxis: { type: 'value', minInterval: 1 }, series: [{ type: 'bar', data: rows.map((r) => r.people), itemStyle: { color: '#1769aa' } }] });
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
