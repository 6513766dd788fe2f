/**
 * A synthetic OpenAlex snapshot (authors and works JSONL.gz) with a realistic shape: a skewed country mix,
 * career lengths, 1–5 affiliations with year ranges, moves between countries including returns, co-authorship
 * inside communities, Zipf-like citations. Deterministic: the same seed gives the same bytes. Every author is
 * derived from (seed, author index) alone, so any author's affiliation in any year can be recomputed while
 * writing the works that name them. Names are "Synthetic Author N": nothing about a person is implied.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';
import { prng } from '../core/prng.ts';

const COUNTRIES: Array<[string, number]> = [
  ['US', 38], ['CN', 20], ['GB', 6], ['DE', 5], ['CA', 4], ['FR', 4], ['KR', 4], ['JP', 4], ['IN', 4],
  ['CH', 2], ['SG', 2], ['AU', 2], ['IL', 2], ['NL', 1], ['IT', 1], ['ES', 1],
];
const WORDS = ('learning neural network language model reinforcement robot manipulation vision transformer graph ' +
  'diffusion generative optimization bayesian inference causal federated privacy retrieval speech translation ' +
  'reasoning agent policy control planning representation contrastive self-supervised benchmark dataset efficient ' +
  'sparse attention memory multimodal video segmentation detection 3d scene physics molecule protein').split(' ');
const VENUES = ['NeurIPS', 'ICML', 'ICLR', 'CVPR', 'ACL', 'AAAI', 'IJCAI', 'CoRL', 'EMNLP', 'KDD'];
const INSTITUTIONS_PER_1000 = 2;
const COMMUNITY = 1000;

export interface SynthOptions {
  authors: number;
  seed: number;
  out: string;
  onProgress?: (done: number) => void;
}

export interface SynthResult {
  authorsFile: string;
  worksFile: string;
  authors: number;
  works: number;
  authorships: number;
}


const mix = (seed: number, i: number, salt: number): number => (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35) ^ Math.imul(salt, 0x27d4eb2f)) >>> 0;

function weighted<T>(r: number, items: Array<[T, number]>): T {
  const total = items.reduce((t, [, w]) => t + w, 0);
  let x = r * total;
  for (const [v, w] of items) if ((x -= w) < 0) return v;
  return (items[items.length - 1] as [T, number])[0];
}

interface Institution {
  id: string;
  name: string;
  country: string;
  type: string;
}

interface Segment {
  inst: Institution;
  from: number;
  to: number;
}

class World {
  readonly institutions: Institution[] = [];
  readonly byCountry = new Map<string, Institution[]>();
  constructor(readonly seed: number, authors: number) {
    const r = prng(mix(seed, 0, 1));
    const n = Math.max(COUNTRIES.length * 2, Math.ceil((authors / 1000) * INSTITUTIONS_PER_1000) + COUNTRIES.length * 2);
    for (let i = 0; i < n; i++) {
      const country = i < COUNTRIES.length * 2 ? (COUNTRIES[i % COUNTRIES.length] as [string, number])[0] : weighted(r(), COUNTRIES);
      const type = r() < 0.8 ? 'education' : 'company';
      const inst = { id: `https://openalex.org/I${9_000_000 + i}`, name: `Synthetic ${type === 'education' ? 'University' : 'Lab'} ${i} (${country})`, country, type };
      this.institutions.push(inst);
      (this.byCountry.get(country) ?? this.byCountry.set(country, []).get(country)!).push(inst);
    }
  }

  private pick(r: () => number, country: string): Institution {
    const list = this.byCountry.get(country) as Institution[];
    return list[Math.floor(r() * list.length)] as Institution;
  }

  /** Author i's career: start year, segments of (institution, years), with moves and returns. */
  career(i: number): { start: number; end: number; segments: Segment[] } {
    const r = prng(mix(this.seed, i, 2));
    const origin = weighted(r(), COUNTRIES);
    const length = Math.min(30, 1 + Math.floor(-Math.log(1 - r()) * 7));
    const end = 2025 - Math.floor(r() * r() * 10);
    const start = Math.max(1990, end - length + 1);
    const k = Math.min(5, weighted(r(), [[1, 40], [2, 30], [3, 17], [4, 9], [5, 4]] as Array<[number, number]>), end - start + 1);
    const mover = r() < 0.18;
    const countries: string[] = [origin];
    for (let s = 1; s < k; s++) {
      const prev = countries[s - 1] as string;
      if (!mover) countries.push(prev);
      else if (s === k - 1 && s >= 2 && r() < 0.35) countries.push(origin); // a return
      else countries.push(r() < 0.5 ? weighted(r(), COUNTRIES) : prev);
    }
    const cuts = new Set<number>();
    while (cuts.size < k - 1) cuts.add(start + 1 + Math.floor(r() * (end - start)));
    const bounds = [start, ...[...cuts].sort((a, b) => a - b), end + 1];
    const segments: Segment[] = countries.map((c, s) => ({ inst: this.pick(r, c), from: bounds[s] as number, to: (bounds[s + 1] as number) - 1 }));
    return { start, end, segments };
  }
}

async function write(stream: Writable, s: string): Promise<void> {
  if (!stream.write(s)) await once(stream, 'drain');
}

function openGz(file: string): { gz: Writable; done: Promise<void> } {
  const gz = createGzip({ level: 6 });
  const out = createWriteStream(file);
  gz.pipe(out);
  return { gz, done: once(out, 'finish').then(() => undefined) };
}

const instJson = (x: Institution): Record<string, unknown> => ({ id: x.id, display_name: x.name, country_code: x.country, type: x.type, ror: null });

export async function synthesize(o: SynthOptions): Promise<SynthResult> {
  await mkdir(o.out, { recursive: true });
  const world = new World(o.seed, o.authors);
  const authorsFile = path.join(o.out, 'authors.jsonl.gz');
  const worksFile = path.join(o.out, 'works.jsonl.gz');
  const a = openGz(authorsFile);
  const w = openGz(worksFile);
  let works = 0;
  let authorships = 0;
  const r = prng(mix(o.seed, 0, 3));
  for (let i = 0; i < o.authors; i++) {
    const c = world.career(i);
    const affiliations = c.segments.map((s) => ({ institution: instJson(s.inst), years: Array.from({ length: s.to - s.from + 1 }, (_, j) => s.to - j) }));
    await write(a.gz, JSON.stringify({
      id: `https://openalex.org/A${5_000_000_000 + i}`, orcid: null, display_name: `Synthetic Author ${i}`,
      // Like OpenAlex, every record carries every field, null when unknown (the synthesiser computes no author-level totals).
      works_count: null, cited_by_count: null, summary_stats: { '2yr_mean_citedness': null, h_index: null, i10_index: null },
      affiliations, updated_date: '2025-01-01T00:00:00', created_date: '2025-01-01',
    }) + '\n');
    // Works led by this author: about 2.5 on average, co-authors mostly from the same community.
    const nWorks = Math.floor(-Math.log(1 - r()) * 2.5);
    for (let k = 0; k < nWorks; k++) {
      const year = c.start + Math.floor(r() * (c.end - c.start + 1));
      const size = 1 + Math.min(7, Math.floor(-Math.log(1 - r()) * 2));
      const team = new Set<number>([i]);
      const base = Math.floor(i / COMMUNITY) * COMMUNITY;
      while (team.size < size) {
        const j = r() < 0.85 ? base + Math.floor(r() * COMMUNITY) : Math.floor(r() * o.authors);
        if (j < o.authors) team.add(j);
      }
      const auths = [...team].map((j, pos) => {
        const cj = j === i ? c : world.career(j);
        const seg = cj.segments.find((s) => s.from <= year && year <= s.to);
        return { author_position: pos === 0 ? 'first' : 'middle', author: { id: `https://openalex.org/A${5_000_000_000 + j}`, display_name: `Synthetic Author ${j}`, orcid: null }, institutions: seg ? [instJson(seg.inst)] : [] };
      });
      const title = Array.from({ length: 4 + Math.floor(r() * 5) }, () => WORDS[Math.floor(Math.pow(r(), 1.6) * WORDS.length)]).join(' ');
      const cited = Math.max(0, Math.floor(2 / Math.pow(1 - r(), 1 / 1.1)) - 2); // Pareto tail, alpha 1.1
      await write(w.gz, JSON.stringify({
        id: `https://openalex.org/W${7_000_000_000 + works}`, doi: null, title, display_name: title, publication_year: year, cited_by_count: cited,
        primary_location: { source: { display_name: VENUES[Math.floor(r() * VENUES.length)] } }, authorships: auths,
        keywords: [], topics: [], concepts: [], abstract_inverted_index: null, updated_date: '2025-01-01T00:00:00',
      }) + '\n');
      works++;
      authorships += auths.length;
    }
    if (i % 10_000 === 0) o.onProgress?.(i);
  }
  a.gz.end();
  w.gz.end();
  await Promise.all([a.done, w.done]);
  return { authorsFile, worksFile, authors: o.authors, works, authorships };
}
