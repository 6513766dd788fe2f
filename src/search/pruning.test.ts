/**
 * The pruned query path (top-people.ts, match-count.ts, work-sets.ts) and the direct one (each matching person in
 * the filter scored) return exactly what the exhaustive evaluation returns — same people, order, scores bit for bit, works, matched terms and total — on randomised
 * indexes: Zipf vocabularies (words in most works, and rare ones), people with many works, works with identical
 * texts (tied scores), expertise documents, filters, weights, offsets and limits; also read back from the file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prng } from '../core/prng.ts';
import { SearchIndexBuilder } from './index-builder.ts';
import { readSearchIndexFile, searchIndexFile, writeSearchIndexFile } from './search-index-file.ts';
import { SearchIndex, type IndexQueryOptions, type SearchFilters } from './search-index.ts';
import { writeBundle } from '../core/array-bundle.ts';

interface Corpus {
  index: SearchIndex;
  vocab: string[];
}

const SYL = ['ka', 'ro', 'mi', 'tu', 'ne', 'lo', 'par', 'vek', 'dim', 'gra', 'zen', 'fo'];
const wordOf = (i: number): string => {
  let w = '';
  let x = i;
  do {
    w += SYL[x % SYL.length];
    x = Math.floor(x / SYL.length);
  } while (x > 0);
  return `${w}x`;
};

function corpus(seed: number, people: number, works: number, vocabSize: number, build?: (b: SearchIndexBuilder) => void): { builder: SearchIndexBuilder; vocab: string[] } {
  const rnd = prng(seed);
  const vocab = Array.from({ length: vocabSize }, (_, i) => wordOf(i));
  const cdf: number[] = [];
  let acc = 0;
  for (let r = 0; r < vocabSize; r++) cdf.push((acc += 1 / Math.pow(r + 1, 1.1)));
  const zipf = (): string => {
    const u = rnd() * acc;
    let lo = 0;
    while ((cdf[lo] as number) < u) lo++;
    return vocab[lo] as string;
  };
  const words = (n: number): string => Array.from({ length: n }, zipf).join(' ');
  const b = new SearchIndexBuilder();
  const ids = Array.from({ length: people }, (_, i) => `p${String(i).padStart(5, '0')}`);
  const countries = ['US', 'CN', 'DE', 'KR', null];
  for (const id of ids) {
    b.addPerson(id, `Name ${id}`, rnd() < 0.5 ? Math.floor(rnd() * 30) : null);
    if (rnd() < 0.8)
      b.setFacts(id, {
        origin: countries[Math.floor(rnd() * countries.length)] ?? null,
        currentCountry: countries[Math.floor(rnd() * countries.length)] ?? null,
        abroad: rnd() < 0.3,
        returnee: rnd() < 0.2,
        firstYear: rnd() < 0.7 ? 1995 + Math.floor(rnd() * 28) : null,
        latestInstitutionTypes: rnd() < 0.5 ? ['education'] : rnd() < 0.5 ? ['company', 'facility'] : [],
      });
  }
  // a few prolific people, and repeated texts so that work scores tie exactly
  const prolific = ids.slice(0, 5);
  const repeated = Array.from({ length: 6 }, () => ({ title: words(5), keywords: words(2) }));
  for (let w = 0; w < works; w++) {
    const text = rnd() < 0.1 ? (repeated[Math.floor(rnd() * repeated.length)] as { title: string; keywords: string }) : { title: words(3 + Math.floor(rnd() * 8)), keywords: `${words(1)}; ${words(1)}`, abstract: rnd() < 0.3 ? words(12) : null };
    const ord = b.addWork(`W${w}`, text, 2000 + Math.floor(rnd() * 24), Math.floor(Math.exp(rnd() * rnd() * 7)) - 1);
    const n = 1 + Math.floor(rnd() * 4);
    for (let a = 0; a < n; a++) b.addAuthorshipOrdinal(ord, ids[Math.floor(rnd() * people)] as string);
    if (rnd() < 0.15) b.addAuthorshipOrdinal(ord, prolific[Math.floor(rnd() * prolific.length)] as string);
  }
  for (let i = 0; i < people; i += 17) b.addExpertise(ids[i] as string, [words(1), words(2)]);
  build?.(b);
  return { builder: b, vocab };
}

function queries(seed: number, vocab: string[], n: number): Array<{ q: string; o: IndexQueryOptions }> {
  const rnd = prng(seed);
  const word = (): string => {
    const r = rnd();
    // the most frequent words, the middle, the tail, and now and then a word no work has
    if (r < 0.35) return vocab[Math.floor(rnd() * 4)] as string;
    if (r < 0.75) return vocab[4 + Math.floor(rnd() * 60)] as string;
    if (r < 0.97) return vocab[Math.floor(rnd() * vocab.length)] as string;
    return 'nowordlikethis';
  };
  const filterSets: SearchFilters[] = [
    {},
    {},
    { careerAge: { min: 1, max: 12 } },
    { minH: 2 },
    { country: 'US' },
    { origin: 'CN', abroad: true },
    { institutionType: 'education' },
    { returnee: true, minH: 1 },
    { country: 'ZZ' },
  ];
  const out: Array<{ q: string; o: IndexQueryOptions }> = [];
  for (let i = 0; i < n; i++) {
    const q = Array.from({ length: 1 + Math.floor(rnd() * 5) }, word).join(' ');
    const limit = [1, 3, 10, 20, 50, 200][Math.floor(rnd() * 6)] as number;
    const offset = rnd() < 0.3 ? Math.floor(rnd() * 40) : 0;
    const filters = filterSets[Math.floor(rnd() * filterSets.length)] as SearchFilters;
    const weights = rnd() < 0.2 ? { citations: 0, h: 0, recent: 0, rising: 0 } : rnd() < 0.2 ? { citations: 1, h: 0.5, recent: 0, rising: 2 } : undefined;
    out.push({ q, o: { limit, offset, filters, ...(weights ? { weights } : {}) } });
  }
  return out;
}

function expectSame(index: SearchIndex, reference: SearchIndex, qs: Array<{ q: string; o: IndexQueryOptions }>): number {
  let nonEmpty = 0;
  for (const { q, o } of qs) {
    const want = reference.query(q, { ...o, method: 'exhaustive' });
    const got = index.query(q, { ...o, method: 'pruned' });
    expect(got, `${q} ${JSON.stringify(o)}`).toEqual(want);
    expect(index.query(q, { ...o, method: 'direct' })).toEqual(want);
    expect(index.query(q, o)).toEqual(want);
    if (want.hits.length) nonEmpty++;
  }
  return nonEmpty;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
/** A folder for index files, deleted after the tests. */
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'atlas-pruning-'));
  dirs.push(dir);
  return dir;
}

describe('pruned search equals the exhaustive evaluation', () => {
  for (const [seed, people, works, vocab] of [
    [1, 300, 2000, 60],
    [2, 2000, 6000, 400],
    [3, 50, 3000, 30],
    [4, 5000, 4000, 2000],
  ] as const) {
    it(`on a random index (seed ${seed}: ${people} people, ${works} works, ${vocab} words)`, () => {
      const { builder, vocab: v } = corpus(seed, people, works, vocab);
      const index = builder.build();
      const nonEmpty = expectSame(index, index, queries(seed * 7, v, 250));
      expect(nonEmpty).toBeGreaterThan(150);
    });
  }

  it('pages concatenate to the long list, and the pruned path needs no second look', () => {
    const { builder, vocab } = corpus(9, 1500, 5000, 200);
    const index = builder.build();
    for (const q of [`${vocab[0]}`, `${vocab[0]} ${vocab[1]}`, `${vocab[0]} ${vocab[30]} ${vocab[2]}`, `${vocab[40]} ${vocab[41]}`]) {
      const all = index.query(q, { limit: 200, method: 'pruned' });
      const pages = [0, 7, 14, 21].flatMap((offset) => index.query(q, { limit: 7, offset, method: 'pruned' }).hits);
      expect(pages).toEqual(all.hits.slice(0, 28));
      // a repeated query gives the same answer (the scratch is left clean)
      expect(index.query(q, { limit: 200, method: 'pruned' })).toEqual(all);
    }
  });

  it('read back from the file, the index answers exactly as the built one does exhaustively', () => {
    const { builder, vocab } = corpus(5, 2500, 8000, 500);
    const parts = builder.buildParts();
    const dir = tempDir();
    writeSearchIndexFile(dir, parts, 'v1');
    const built = new SearchIndex(parts);
    const read = readSearchIndexFile(dir, 'v1');
    expect(read).not.toBeNull();
    const fromFile = new SearchIndex(read!);
    expect(fromFile.stats()).toEqual(built.stats());
    expectSame(fromFile, built, queries(55, vocab, 200));
  });

  it('each work\'s largest impact is kept by the file and adopted; a kept one that is not whole is not, and the answers stay', () => {
    const { builder, vocab } = corpus(8, 1500, 5000, 200);
    const good = builder.buildParts();
    const dir = tempDir();
    writeSearchIndexFile(dir, good, 'v1');
    const read = readSearchIndexFile(dir, 'v1');
    expect(read?.impact?.works).toEqual(good.impact?.works);
    expect(good.impact?.works?.some((v) => v > 1)).toBe(true);
    const reference = new SearchIndex(good);
    expectSame(new SearchIndex(read!), reference, queries(81, vocab, 60));
    // the same index written with a works section below 1 (no impact multiplier is): read without it, computed again
    const parts = corpus(8, 1500, 5000, 200).builder.buildParts();
    parts.impact = { key: read!.impact!.key, values: read!.impact!.values, works: new Float32Array(parts.workIds.length).fill(0.5) };
    writeSearchIndexFile(dir, parts, 'v1');
    const damaged = readSearchIndexFile(dir, 'v1');
    expect(damaged?.impact?.values).toEqual(read?.impact?.values);
    expect(damaged?.impact?.works).toBeUndefined();
    expectSame(new SearchIndex(damaged!), reference, queries(81, vocab, 60));
  });

  it('a file of the earlier format is not used: it is deleted and the index is built again', () => {
    const dir = tempDir();
    const { builder } = corpus(6, 100, 300, 40);
    const parts = builder.buildParts();
    writeSearchIndexFile(dir, parts, 'v1');
    expect(readSearchIndexFile(dir, 'v1')).not.toBeNull();
    // the same bundle under format 1 (before the pruning's arrays)
    writeBundle(searchIndexFile(dir), { meta: { format: 1, version: 'v1', asOf: parts.asOf, careersPresent: false }, arrays: { termStart: parts.termStart }, lines: {} });
    expect(readSearchIndexFile(dir, 'v1')).toBeNull();
    expect(readSearchIndexFile(dir, 'v1')).toBeNull();
  });
});
