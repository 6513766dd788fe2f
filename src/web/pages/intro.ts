/** Intro: the k best warm-introduction paths from an owner's contacts to a person, drawn as a graph, with the evidence per hop. */
import { getJson } from '../api.ts';
import { fillOwners } from '../owners.ts';
import { drawChart } from '../charts.ts';
import { fmt, h, loadInto, personLink } from '../dom.ts';
import { href, setParams, type PageDef } from '../router.ts';

type Evidence = {
  kind: string; title?: string | null; year?: number | null; note?: string | null; strength?: number; source?: string; detail?: string | Record<string, unknown> | null; file?: string; line?: number; weight: number;
  relation?: string | null; confidence?: number; start_year?: number | null; end_year?: number | null;
};
interface Hop { from: string; to: string; weight: number; evidence: Evidence[] }
interface Path { cost: number; strength: number; nodes: string[]; hops: Hop[] }
interface Intro { params: { owner: string; target: string; target_name: string | null }; names: Record<string, string>; paths: Path[] }

function evidenceText(e: Evidence): string {
  if (e.kind === 'work') return `co-authored “${e.title ?? 'untitled'}” (${e.year ?? '?'})`;
  if (e.kind === 'contact') return `in the contact list (strength ${e.strength}${e.note ? `, “${e.note}”` : ''}; ${e.file}:${e.line})`;
  if (e.kind === 'mentorship' || e.kind === 'mentorship-inferred') return mentorshipText(e);
  return `${e.kind}${e.source ? ` per ${e.source}` : ''}${e.year ? ` (${e.year})` : ''}${typeof e.detail === 'string' && e.detail ? `: ${e.detail}` : ''}`;
}

/** A stated mentorship with its source and how it was resolved; an inferred one with its confidence and reasons. */
function mentorshipText(e: Evidence): string {
  const d = typeof e.detail === 'object' && e.detail !== null ? e.detail : {};
  const years = e.start_year || e.end_year ? ` ${e.start_year ?? '?'}–${e.end_year ?? ''}` : '';
  if (e.kind === 'mentorship') {
    const where = typeof d['file'] === 'string' ? `; ${String(d['file'])}${d['line'] ? `:${String(d['line'])}` : ''}` : '';
    const how = typeof d['how'] === 'string' ? `, resolved by ${d['how']}` : '';
    return `stated mentorship “${e.relation ?? 'mentor'}”${years} per ${e.source ?? 'a profile'}${how}${where}`;
  }
  const reasons = Array.isArray(d['reasons']) ? `: ${(d['reasons'] as unknown[]).map(String).join('; ')}` : '';
  return `inferred mentorship${years}, confidence ${fmt(e.confidence ?? 0, 2)}${reasons}`;
}

function graph(el: HTMLElement, r: Intro): void {
  const pos = new Map<string, [number, number]>();
  r.paths.forEach((p, pi) => p.nodes.forEach((n, i) => { if (!pos.has(n)) pos.set(n, [i * 200, i === 0 || i === p.nodes.length - 1 ? 0 : (pi - (r.paths.length - 1) / 2) * 70]); }));
  const last = Math.max(...r.paths.map((p) => p.nodes.length - 1));
  pos.set(r.params.target, [last * 200, 0]);
  const edges = new Map<string, { source: string; target: string; value: number }>();
  for (const p of r.paths) for (const hop of p.hops) edges.set(`${hop.from}|${hop.to}`, { source: hop.from, target: hop.to, value: hop.weight });
  el.style.height = `${Math.max(240, r.paths.length * 70 + 120)}px`;
  drawChart(el, {
    tooltip: {},
    series: [{
      type: 'graph', layout: 'none', roam: true, edgeSymbol: ['none', 'arrow'], label: { show: true, position: 'bottom', fontSize: 11 },
      data: [...pos.entries()].map(([id, [x, y]]) => ({ id, name: r.names[id] ?? id, x, y, symbolSize: id === r.params.target || id.startsWith('me:') ? 26 : 16, itemStyle: { color: id.startsWith('me:') ? '#12b76a' : id === r.params.target ? '#b54708' : '#1769aa' } })),
      links: [...edges.values()].map((e) => ({ ...e, lineStyle: { width: 1 + Math.min(5, e.value) } })),
    }],
  }, (x) => {
    const id = (x.data as { id?: string } | undefined)?.id;
    if (x.dataType === 'node' && id && !id.startsWith('me:')) location.hash = href('/profile', { id });
  });
}

export const introPage: PageDef = {
  path: '/intro',
  title: 'Warm intro',
  nav: 'Intro',
  async render(root, params) {
    const target = h('input', { name: 'target', value: params.get('target') ?? '', placeholder: 'person id, ORCID or exact name', size: 32 });
    const owner = h('select', { name: 'owner' });
    const form = h('form', { class: 'filters', id: 'intro-form' }, h('label', {}, 'from the contacts of', owner), h('label', {}, 'to', target), h('button', { type: 'submit' }, 'Find paths'));
    const box = h('div', { id: 'intro' });
    root.append(h('h1', {}, 'How do I reach this person?'), form, box);
    if (!(await fillOwners(owner, box, 'No contact list imported yet: run `atlas contacts import FILE.csv --owner NAME`, then come back.', params.get('owner')))) return;
    const run = async () => {
      const t = target.value.trim();
      setParams('/intro', { owner: owner.value, target: t });
      if (!t) {
        box.dataset['state'] = 'empty';
        return void box.replaceChildren(h('div', { class: 'state empty' }, 'Name a person to reach (or follow “intro path” from search or a profile).'));
      }
      await loadInto(box, 'intro paths', () => getJson<Intro>('intro', { owner: owner.value, target: t, k: 5 }), (r) => {
        box.append(h('p', {}, `${r.paths.length} path(s) from ${owner.value}'s contacts to `, personLink(r.params.target, r.params.target_name), '. Thicker edges are stronger ties; click a person for the profile.'));
        const el = h('div', { class: 'chart', id: 'intro-graph' });
        box.append(el);
        graph(el, r);
        r.paths.forEach((p, i) => {
          box.append(
            h('div', { class: 'card path', 'data-path': i },
              h('b', {}, `Path ${i + 1}: strength ${fmt(p.strength, 3)} (${p.hops.length} hops)`),
              h('ol', {}, ...p.hops.map((hop) => h('li', {}, `${r.names[hop.from] ?? hop.from} → `, hop.to.startsWith('me:') ? hop.to : personLink(hop.to, r.names[hop.to]), ` (weight ${fmt(hop.weight, 2)})`, h('ul', {}, ...hop.evidence.slice(0, 3).map((e) => h('li', { class: 'muted' }, evidenceText(e))))))),
            ),
          );
        });
      }, (r) => r.paths.length === 0, `No path within 4 hops from ${owner.value}'s contacts to this person.`);
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void run();
    });
    await run();
  },
};
