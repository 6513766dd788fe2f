/** Subsidy: what it costs a country to pay its diaspora a share of their pay gap to come home — sliders for share, cap, years. */
import { getJson } from '../api.ts';
import { drawChart } from '../charts.ts';
import { fmt, h, loadInto, personLink, table } from '../dom.ts';
import { setParams, type PageDef } from '../router.ts';

interface Line { personId: string; displayName: string | null; currentCountry: string; level: string; currentPay: number; homeOffer: number; gapUsed: number; perYear: number; subsidy: number }
interface Plan { origin: string; method: string; cohort: number; eligible: number; excluded: { total: number; byReason: Record<string, number> }; lines: { items: Line[]; total: number }; total: number; perYearTotal: number; sensitivity: Array<{ share: number; ppp: boolean; total: number }>; notes: string[] }

export const subsidyPage: PageDef = {
  path: '/subsidy',
  title: 'Subsidy',
  nav: 'Subsidy',
  async render(root, params) {
    const origin = h('input', { name: 'origin', value: (params.get('origin') ?? 'CN').toUpperCase(), maxlength: 2, style: 'width:5em' });
    const share = h('input', { name: 'share', type: 'range', min: 0, max: 1, step: 0.05, value: params.get('share') ?? '0.5' });
    const cap = h('input', { name: 'cap', type: 'range', min: 0, max: 200000, step: 5000, value: params.get('cap') ?? '0' });
    const years = h('input', { name: 'years', type: 'range', min: 1, max: 10, step: 1, value: params.get('years') ?? '1' });
    const out = { share: h('output', {}), cap: h('output', {}), years: h('output', {}) };
    const form = h('form', { class: 'filters', id: 'subsidy-form' },
      h('label', {}, 'origin (paying country)', origin),
      h('label', {}, h('span', {}, 'share of gap ', out.share), share),
      h('label', {}, h('span', {}, 'yearly cap (USD, 0 = none) ', out.cap), cap),
      h('label', {}, h('span', {}, 'years ', out.years), years),
      h('button', { type: 'submit' }, 'Price it'));
    const box = h('div', { id: 'subsidy' });
    root.append(h('h1', {}, 'Price a return subsidy for a diaspora'), form, box);
    const labels = () => {
      out.share.textContent = share.value;
      out.cap.textContent = cap.value === '0' ? 'none' : fmt(Number(cap.value));
      out.years.textContent = years.value;
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      labels();
      const q = { origin: origin.value.trim().toUpperCase(), share: share.value, cap: cap.value === '0' ? undefined : cap.value, years: years.value };
      setParams('/subsidy', q);
      await loadInto(box, 'the subsidy plan', () => getJson<Plan>('subsidy', { ...q, limit: 50 }), (p) => {
        box.append(
          h('div', { class: 'grid' },
            h('div', { class: 'stat' }, h('b', { id: 'subsidy-total' }, `$${fmt(p.total)}`), h('span', {}, 'total (USD)')),
            h('div', { class: 'stat' }, h('b', {}, `$${fmt(p.perYearTotal)}`), h('span', {}, 'per year')),
            h('div', { class: 'stat' }, h('b', {}, fmt(p.eligible)), h('span', {}, `eligible of ${fmt(p.cohort)} (origin ${p.origin}, abroad)`)),
            h('div', { class: 'stat' }, h('b', {}, fmt(p.excluded.total)), h('span', {}, 'excluded: ' + Object.entries(p.excluded.byReason).map(([k, v]) => `${v} ${k}`).join(', '))),
          ),
          h('p', { class: 'muted' }, p.method),
        );
        const el = h('div', { class: 'chart small', id: 'sensitivity-chart' });
        box.append(h('h2', {}, 'Sensitivity: total by share'), el);
        const shares = [...new Set(p.sensitivity.map((s) => s.share))];
        drawChart(el, {
          tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 70, right: 10, top: 30, bottom: 30 },
          xAxis: { type: 'category', data: shares.map(String) }, yAxis: { type: 'value' },
          series: [true, false].map((ppp) => ({ name: ppp ? 'price-adjusted' : 'nominal', type: 'bar', data: shares.map((s) => p.sensitivity.find((x) => x.share === s && x.ppp === ppp)?.total ?? 0) })),
        });
        box.append(h('h2', {}, `Per person (${p.lines.total})`),
          p.lines.items.length ? table(p.lines.items, [
            { key: 'displayName', label: 'person', cell: (l) => personLink(l.personId, l.displayName) },
            { key: 'currentCountry', label: 'now in' },
            { key: 'level', label: 'level' },
            { key: 'currentPay', label: 'current pay', num: true },
            { key: 'homeOffer', label: 'home offer', num: true },
            { key: 'gapUsed', label: 'gap used', num: true },
            { key: 'subsidy', label: 'subsidy', num: true },
          ]) : h('p', { class: 'state empty' }, 'Nobody eligible.'),
          ...p.notes.map((n) => h('p', { class: 'muted' }, n)));
      });
    };
    for (const input of [share, cap, years]) input.addEventListener('input', () => { labels(); clearTimeout(timer); timer = setTimeout(() => void run(), 250); });
    form.addEventListener('submit', (e) => { e.preventDefault(); void run(); });
    await run();
  },
};
