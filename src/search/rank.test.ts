/** Property tests: the score is monotonic in each factor with the others fixed, in the formula and in index rankings. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SearchIndexBuilder } from './index-builder.ts';
import { DEFAULT_WEIGHTS, combineScore, hIndex, type RankFactors } from './rank.ts';
import { stem, tokenize } from './tokenize.ts';

const factors = fc.record({
  relevance: fc.double({ min: 0.01, max: 50, noNaN: true }),
  citations: fc.integer({ min: 0, max: 100_000 }),
  h: fc.integer({ min: 0, max: 200 }),
  recent: fc.integer({ min: 0, max: 200 }),
  rising: fc.double({ min: 0, max: 20, noNaN: true }),
});
const weights = fc.record({
  citations: fc.double({ min: 0, max: 3, noNaN: true }),
  h: fc.double({ min: 0, max: 3, noNaN: true }),
  recent: fc.double({ min: 0, max: 3, noNaN: true }),
  rising: fc.double({ min: 0, max: 3, noNaN: true }),
});

describe('ranking formula', () => {
  for (const key of ['relevance', 'citations', 'h', 'recent', 'rising'] as const) {
    it(`is monotonic in ${key} with the other factors fixed`, () => {
      fc.assert(
        fc.property(factors, weights, fc.double({ min: 0, max: 1000, noNaN: true }), (f: RankFactors, w, delta) => {
          const more = { ...f, [key]: f[key] + delta };
          expect(combineScore(more, w)).toBeGreaterThanOrEqual(combineScore(f, w));
        }),
      );
    });
  }

  it('impact never lifts a person above (1 + Σ weights) × relevance', () => {
    fc.assert(
      fc.property(factors, (f) => {
        const s = combineScore(f, DEFAULT_WEIGHTS);
        expect(s).toBeGreaterThanOrEqual(f.relevance);
        expect(s).toBeLessThanOrEqual(f.relevance * (1 + 0.3 + 0.3 + 0.2 + 0.2) + 1e-9);
      }),
    );
  });

  it('h-index matches its definition', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 40 }), (cs) => {
        const h = hIndex(cs);
        expect(cs.filter((c) => c >= h).length).toBeGreaterThanOrEqual(h);
        expect(cs.filter((c) => c >= h + 1).length).toBeLessThan(h + 1);
        // with a scratch tally left dirty by a longer list, the same
        const scratch = new Int32Array(64).fill(7);
        expect(hIndex(cs, scratch)).toBe(h);
        expect(hIndex(Int32Array.from(cs), scratch)).toBe(h);
      }),
    );
  });
});

describe('index ranking', () => {
  // corpus: person i authors one work "robot grasping" with cites[i]; a rival set of works shapes idf
  function rankOf(cites: number[], target: number, years: number[]): number {
    const b = new SearchIndexBuilder();
    cites.forEach((c, i) => {
      b.addWork(`W${i}`, { title: 'robot grasping', keywords: i % 2 ? 'manipulation' : null }, years[i] ?? 2020, c);
      b.addAuthorship(`W${i}`, `P${String(i).padStart(3, '0')}`);
    });
    b.addWork('X', { title: 'language models' }, 2020, 0);
    b.addAuthorship('X', 'PX');
    const ids = b.build({ asOf: 2024 }).query('robot grasping', { limit: 1000 }).hits.map((h) => h.personId);
    return ids.indexOf(`P${String(target).padStart(3, '0')}`);
  }

  it('more citations on a person’s work never worsen their rank (everything else fixed)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 2, maxLength: 30 }),
        fc.nat(),
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.integer({ min: 2015, max: 2024 }), { minLength: 30, maxLength: 30 }),
        (cites, t, extra, years) => {
          const target = t % cites.length;
          const more = cites.map((c, i) => (i === target ? c + extra : c));
          expect(rankOf(more, target, years)).toBeLessThanOrEqual(rankOf(cites, target, years));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a more recent work never worsens a person’s rank (recent output and career age change, text fixed)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 2, maxLength: 30 }),
        fc.nat(),
        fc.array(fc.integer({ min: 2010, max: 2018 }), { minLength: 30, maxLength: 30 }),
        (cites, t, years) => {
          const target = t % cites.length;
          const newer = years.map((y, i) => (i === target ? 2023 : y));
          // recent output rises 0 → 1 and career age falls: both factors can only help
          expect(rankOf(cites, target, newer)).toBeLessThanOrEqual(rankOf(cites, target, years));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('aggregates a person’s works without rewarding volume: best + ½ second + ¼ third', () => {
    const b = new SearchIndexBuilder();
    for (let i = 0; i < 10; i++) {
      b.addWork(`W${i}`, { title: 'robot grasping' }, 2020, 0);
      b.addAuthorship(`W${i}`, 'Pmany');
    }
    b.addWork('S', { title: 'robot grasping' }, 2020, 0);
    b.addAuthorship('S', 'Pone');
    const hits = b.build().query('robot grasping', { weights: { citations: 0, h: 0, recent: 0, rising: 0 } }).hits;
    const one = hits.find((h) => h.personId === 'Pone')!.factors.relevance;
    const many = hits.find((h) => h.personId === 'Pmany')!.factors.relevance;
    expect(many).toBeCloseTo(one * 1.75, 5);
  });
});

describe('tokenizer', () => {
  it('lower-cases, splits on non-letters, keeps non-Latin scripts, strips plurals', () => {
    expect(tokenize('Graph Neural Networks for Robots — 로봇 学习')).toEqual(['graph', 'neural', 'network', 'robot', '로봇', '学习']);
    expect(tokenize('Studies of the glasses')).toEqual(['study', 'glasse']);
  });
  it('stemming is idempotent', () => {
    fc.assert(fc.property(fc.stringMatching(/^[a-z]{1,12}$/), (w) => { expect(stem(stem(w))).toBe(stem(w)); }));
  });
});
