/** `atlas search "<topic words>"`: people ranked by topic relevance × impact, each with its score broken down. */
import { searchPeople, type SearchResponse, type SearchResult } from '../../search/index.ts';
import type { Command } from '../command.ts';
import { printJson } from '../output.ts';
import { storeWithIndexAhead } from '../store-with-index-ahead.ts';

const fmt = (n: number, d = 2): string => (Number.isInteger(n) ? String(n) : n.toFixed(d));

function place(r: SearchResult): string {
  const f = r.facts;
  const origin = f.origin ? `${f.origin} (${f.originBasis ?? 'basis unknown'})` : `unknown${f.originBasis ? ` (${f.originBasis})` : ''}`;
  const flags = [f.abroad ? 'abroad' : '', f.returnee ? 'returnee' : ''].filter(Boolean).join(', ');
  const inst = f.latestInstitutionTypes.length ? `; latest institution: ${f.latestInstitutionTypes.join('/')}` : '';
  return `origin ${origin}; current ${f.currentCountry ?? 'unknown'}${flags ? `; ${flags}` : ''}${inst}`;
}

export function formatSearch(r: SearchResponse): string {
  const p = r.params;
  const filters = Object.entries(p.filters).map(([k, v]) => `${k}=${typeof v === 'object' ? `${v.min}..${v.max}` : String(v)}`);
  const lines = [
    `search "${p.query}" → terms: ${p.terms.join(' ')}${p.unknownTerms.length ? ` (in no work: ${p.unknownTerms.join(' ')})` : ''}`,
    `filters: ${filters.join(', ') || 'none'} · weights: citations=${p.weights.citations} h=${p.weights.h} recent=${p.weights.recent} rising=${p.weights.rising} · as of ${p.asOf} (recent = ${p.recentWindow.from}–${p.recentWindow.to})`,
    `score = relevance × (1 + Σ weight·sat(factor)); relevance = best work + ½·2nd + ¼·3rd (BM25 × share of query terms matched)`,
    `${r.total} people match; showing ${r.results.length ? `${p.offset + 1}–${p.offset + r.results.length}` : 'none'}`,
    '',
  ];
  for (const x of r.results) {
    const b = x.breakdown;
    lines.push(`${x.rank}. ${x.name ?? '(no name)'} [${x.personId}]  score ${fmt(x.score)}`);
    lines.push(
      `   relevance ${fmt(b.relevance)} × impact ${fmt(b.impactMultiplier, 3)} | citations ${b.citations} · h-index ${b.hIndex} (from ${b.worksInStore} works in store)` +
        `${b.sourceHIndex !== null ? ` · source h-index ${b.sourceHIndex}` : ''} · recent works ${b.recentWorks} · rising star ${fmt(b.risingStar)} (career age ${b.careerAge ?? 'unknown'})`,
    );
    lines.push(`   ${place(x)}`);
    for (const w of x.matchedWorks) {
      const meta = [w.year, w.venue, w.status].filter((v) => v !== null && v !== '').join(', ');
      lines.push(`   • ${w.title ?? w.workId} (${meta}) — match ${fmt(w.score)} on ${w.matchedTerms.join(', ')}`);
    }
  }
  return lines.join('\n') + '\n';
}

export const searchCommand: Command = {
  name: 'search',
  summary: 'Find people by topic words, ranked by relevance × impact, with filters on origin, country, career age',
  usage: `atlas search "<topic words>" [--origin CC] [--country CC] [--institution-type T] [--career-age MIN..MAX]
             [--min-h N] [--abroad] [--returnee] [--limit 20] [--offset N] [--weights k=v,…] [--as-of YEAR] [--json]

  --origin CC             origin country (ISO alpha-2; education origin, else first affiliations)
  --country CC            current country
  --institution-type T    type of an institution of the latest affiliation-year (company, education, government, …)
  --career-age MIN..MAX   career age in the as-of year (e.g. 1..8, 10.., ..5)
  --min-h N               h-index computed from the works in the store ≥ N
  --abroad                current country ≠ origin
  --returnee              moved away from the origin and came back
  --limit N               results per page (default 20, at most 200); --offset N skips N
  --weights k=v,…         impact weights (defaults citations=0.3,h=0.3,recent=0.2,rising=0.2)
  --as-of YEAR            year for career age and recent output (default: latest year in the data)

Filters on origin, country, abroad and returnee need careers (atlas refresh-careers). See docs/search.md.`,
  positionals: true,
  options: {
    origin: { type: 'string' },
    country: { type: 'string' },
    'institution-type': { type: 'string' },
    'career-age': { type: 'string' },
    'min-h': { type: 'string' },
    abroad: { type: 'boolean' },
    returnee: { type: 'boolean' },
    limit: { type: 'string' },
    offset: { type: 'string' },
    weights: { type: 'string' },
    'as-of': { type: 'string' },
  },
  async run(ctx, values, positionals) {
    const s = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
    const query = positionals.join(' ');
    const store = await storeWithIndexAhead(ctx);
    const r = await searchPeople(store, query, {
      origin: s('origin'),
      country: s('country'),
      institutionType: s('institution-type'),
      careerAge: s('career-age'),
      minH: s('min-h'),
      abroad: values['abroad'] === true,
      returnee: values['returnee'] === true,
      limit: s('limit'),
      offset: s('offset'),
      weights: s('weights'),
      asOf: s('as-of'),
    });
    if (ctx.json) return printJson(ctx.stdout, r);
    ctx.stdout.write(formatSearch(r));
  },
};
