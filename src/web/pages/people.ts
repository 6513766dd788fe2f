/** People: find by id, ORCID/OpenAlex id or exact name; without a query, everyone by citations (paged). */
import { getJson, type Page } from '../api.ts';
import { fmt, h, loadInto, personLink, table } from '../dom.ts';
import { href, setParams, type PageDef } from '../router.ts';

interface PersonRow {
  person_id: string;
  display_name: string | null;
  source_cited_by?: number | null;
  country?: string | null;
  [k: string]: unknown;
}

const LIMIT = 25;

export const peoplePage: PageDef = {
  path: '/people',
  title: 'People',
  nav: 'People',
  async render(root, params) {
    const q = params.get('q') ?? '';
    const offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
    const input = h('input', { name: 'q', value: q, placeholder: 'person id, ORCID, OpenAlex id or exact name', size: 40 });
    const form = h('form', { class: 'filters', id: 'people-form' }, h('label', {}, 'Find a person', input), h('button', { type: 'submit' }, 'Find'));
    const box = h('div', { id: 'people-results' });
    root.append(h('h1', {}, 'People'), form, box);
    const load = async (query: string, off: number) => {
      setParams('/people', { q: query, offset: off || undefined });
      await loadInto(
        box,
        'people',
        () => getJson<Page<PersonRow>>('people', { q: query, limit: LIMIT, offset: off }),
        (p) => {
          box.append(h('p', { class: 'muted' }, `${fmt(p.total)} people${query ? ` match "${query}"` : ', most cited first'}`));
          box.append(
            table(p.items, [
              { key: 'display_name', label: 'name', cell: (r) => personLink(r.person_id, r.display_name) },
              { key: 'person_id', label: 'id' },
              { key: 'country', label: 'latest country', cell: (r) => (r.country ? h('a', { href: href('/country', { cc: r.country }) }, r.country) : '–') },
              { key: 'source_cited_by', label: 'citations', num: true },
            ]),
          );
          const pager = h('p', {});
          if (off > 0) pager.append(h('a', { href: href('/people', { q: query, offset: Math.max(0, off - LIMIT) }) }, '← previous'), ' ');
          if (off + LIMIT < p.total) pager.append(h('a', { href: href('/people', { q: query, offset: off + LIMIT }), id: 'next-page' }, 'next →'));
          box.append(pager);
        },
        (p) => p.items.length === 0,
        query ? `Nobody matches "${query}". Try an ORCID, an OpenAlex id (A…) or the exact name.` : 'No people in the database yet.',
      );
    };
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void load(input.value.trim(), 0);
    });
    await load(q, offset);
  },
};
