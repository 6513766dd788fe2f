/**
 * `atlas pull wikidata (--from-store | --ids FILE)`: the Wikidata entities of researchers, for the Wikidata reader
 * (education P69, employers P108, doctoral advisors and students P184/P185, and the ORCID, DBLP and Scholar ids
 * that join them to the people already stored). Three kinds of call, all through one polite client:
 * - Resolution (SPARQL, `GET <sparql>?query=…&format=json`): the items of the external ids, one property a query,
 *   `SELECT ?item ?v WHERE { VALUES ?v {"…" …} ?item wdt:P496 ?v }` with ≤ 200 values (and an encoded query of
 *   ≤ 6,000 characters, so the GET stays well under the proxies' URL limits) — an indexed lookup that costs the
 *   query service milliseconds of its 60 s a minute. Each query is a page without records; the Q-ids it finds go
 *   to the job's `items` list and the ids it does not find to `unresolved` (pull_job_ids), landed with it.
 * - Entities (`GET <api.php>?action=wbgetentities&ids=Q1|Q2…&props=info|labels|claims|sitelinks&languages=en|mul
 *   &format=json&maxlag=5`), ≤ 50 ids a call (the API's limit for clients without the bot right): first the Q-ids
 *   given directly (by offset in the job's query), then the resolved ones (by position in the `items` list, the ones
 *   given directly left out). `info` brings the entity's `modified` (the record's date); `mul` labels are asked
 *   beside `en` because Wikidata now keeps many people's names only as the multilingual label.
 * - Lookups (`props=labels|claims`, ≤ 50 ids a call, each item once a run): the items the people of the batch name
 *   — P69/P108 institutions (an undated employer is not read, so not asked), P512 degrees the reader's table does
 *   not know, P184/P185 people — and then the P17 countries of those institutions, for their P297 codes.
 * A page is one batch of people as one `{"entities": {…}}` document, with the lookups it needs in it, so the reader
 * finds each institution's label and country beside the people who name it. Lookups are cut to what the reader
 * reads of them (labels, P17, P297): a person named as an advisor never lands as a person of the page, and nothing
 * else of theirs is kept. P27 (citizenship) and P172 (ethnic group) are removed from every entity before a page is
 * written, and no item they name is ever asked.
 * Skipped, and listed with the job (pull_job_ids): ids without an item (`unresolved`), Q-ids Wikidata does not have
 * (`missing`, answered `{"id": …, "missing": ""}`), items that are not humans (P31 Q5; `not-human`), and people the
 * reader would reject (a malformed time, reversed years, a bad external id; `rejected`) — so one bad statement on
 * Wikidata does not stop a pull of thousands.
 * Politeness (Wikimedia's User-Agent and API etiquette): a descriptive User-Agent with contact details (the
 * default, or `--user-agent` / `$ATLAS_USER_AGENT`); one request at a time, 1 a second by default; 429 with
 * Retry-After, 5xx, resets and cut bodies retried; a wait longer than two minutes pauses the job; `maxlag=5` on
 * every api.php call, and a maxlag answer (HTTP 200, `{"error": {"code": "maxlag"}}`, Retry-After) waited out a
 * bounded number of times.
 */
import { isCountryCode } from '../../core/countries.ts';
import { AtlasError, InputError } from '../../core/errors.ts';
import { DEGREE_ITEMS } from '../../ingest/wikidata/wikidata-degrees.ts';
import { statements, wikidataFacts } from '../../ingest/wikidata/wikidata-facts.ts';
import { createHttpClient, type HttpClient, type JsonResponse } from '../http/http-client.ts';
import { redactUrl, retryAfterMs } from '../http/rate-limit.ts';
import { jobIds, type Json, type PullJob } from '../jobs/pull-jobs.ts';
import { DEFAULT_USER_AGENT, stringOption, wholeOption, type PreparedPull, type PullContext, type Puller } from '../puller.ts';
import type { Page, PullPlan } from '../run-pull.ts';
import { countIds, EXTERNAL_PROPS, EXTERNAL_SCHEMES, QID, wikidataIdsFromFile, wikidataIdsFromStore, type ExternalScheme } from './wikidata-ids.ts';

export const WIKIDATA_API = 'https://www.wikidata.org/w/api.php';
export const WIKIDATA_SPARQL = 'https://query.wikidata.org/sparql';
/** wbgetentities takes ≤ 50 ids a call (500 with the bot right, which this tool does not have). */
export const MAX_IDS_PER_CALL = 50;
/** Values of one SPARQL resolution query. */
export const MAX_VALUES_PER_QUERY = 200;
/** The encoded query of one SPARQL GET stays under this many characters. */
export const MAX_QUERY_CHARS = 6000;
/** Wikimedia asks API clients not to hammer: one request a second, to both endpoints together. */
export const DEFAULT_RATE = 1;
/** Wikimedia's recommended maxlag for non-interactive clients (Pywikibot's default). */
export const MAXLAG = 5;
/** A maxlag answer without Retry-After: wait this long (the manual says at least 5 s). */
const MAXLAG_WAIT_MS = 5000;
/** Above this many calls (an hour at the default rate) a pull needs --yes. */
const CONFIRM_CALLS = 3600;
export const PEOPLE_PROPS = 'info|labels|claims|sitelinks';
export const LOOKUP_PROPS = 'labels|claims';
export const LANGUAGES = 'en|mul';
/** Claims never read, never written to a page, and whose items are never asked. */
export const NEVER_READ = ['P27', 'P172'] as const;
/** Wikimedia's User-Agent policy asks for contact details: an e-mail address or a URL. */
const CONTACT = /[\w.+-]+@[\w-]+\.[\w.-]+|https?:\/\/\S+/;

export interface WikidataQuery {
  /** Items given directly (the file's Q-ids, the store's wikidata identifiers). */
  qids: string[];
  /** External ids to resolve, by scheme. */
  external: Record<ExternalScheme, string[]>;
  /** Ids a wbgetentities call of people. */
  batch: number;
  from: string;
  apiUrl: string;
  sparqlUrl: string;
}

type ResolveState = { phase: 'resolve'; scheme: ExternalScheme; offset: number };
/** Offset in the query's `qids`. */
type GivenState = { phase: 'given'; offset: number };
/** Position in the job's `items` list (pull_job_ids): the `ord` of the last id asked. */
type ResolvedState = { phase: 'resolved'; after: number };
type State = ResolveState | GivenState | ResolvedState;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const uniq = (xs: Iterable<string>): string[] => [...new Set(xs)];

function rateOf(ctx: PullContext): number {
  const raw = stringOption(ctx.values, 'rate');
  const rate = Number(raw ?? DEFAULT_RATE);
  if (!Number.isFinite(rate) || rate <= 0) throw new AtlasError('BAD_ARGUMENT', `--rate must be a positive number of requests per second, not "${raw}"`);
  return rate;
}

/** The User-Agent sent: --user-agent, else $ATLAS_USER_AGENT, else the default; one without contact details is refused. */
export function userAgentOf(ctx: PullContext): string {
  const given = stringOption(ctx.values, 'user-agent') ?? (ctx.env['ATLAS_USER_AGENT']?.trim() || undefined);
  if (given === undefined) return DEFAULT_USER_AGENT;
  if (!CONTACT.test(given)) {
    throw new AtlasError('BAD_ARGUMENT', `the User-Agent "${given.slice(0, 80)}" has no contact details: Wikimedia's User-Agent policy asks for an e-mail address or a URL, e.g. "my-lab-atlas/1.0 (https://lab.example.org; me@example.org)"`);
  }
  return given;
}

function urlOption(ctx: PullContext, name: string): string | undefined {
  const v = stringOption(ctx.values, name);
  if (v === undefined) return undefined;
  try {
    new URL(v);
  } catch {
    throw new AtlasError('BAD_ARGUMENT', `--${name} must be a URL, not "${v}"`);
  }
  return v;
}

function client(ctx: PullContext): HttpClient {
  const retries = wholeOption(ctx.values, 'retries', 20);
  return createHttpClient({
    source: 'Wikidata',
    requestsPerSecond: rateOf(ctx),
    userAgent: userAgentOf(ctx),
    ...ctx.http,
    ...(retries === null ? {} : { maxRetries: retries }),
    ...(ctx.onHttpEvent ? { onEvent: ctx.onHttpEvent } : {}),
  });
}

/** The resolution query of some values of one property (values are checked ids; quotes and backslashes escaped all the same). */
export function sparqlQuery(prop: string, values: readonly string[]): string {
  return `SELECT ?item ?v WHERE { VALUES ?v { ${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(' ')} } ?item wdt:${prop} ?v }`;
}

const encodedLength = (s: string): number => new URLSearchParams({ q: s }).toString().length - 2;

/** Where the resolution query starting at `offset` ends: ≤ 200 values, ≤ MAX_QUERY_CHARS encoded (at least one value). */
export function chunkEnd(prop: string, values: readonly string[], offset: number): number {
  let length = encodedLength(sparqlQuery(prop, []));
  let end = offset;
  while (end < values.length && end - offset < MAX_VALUES_PER_QUERY) {
    const add = encodedLength(`"${values[end]}" `);
    if (end > offset && length + add > MAX_QUERY_CHARS) break;
    length += add;
    end++;
  }
  return end;
}

export function entitiesUrl(apiUrl: string, ids: readonly string[], props: string): string {
  const u = new URL(apiUrl);
  u.searchParams.set('action', 'wbgetentities');
  u.searchParams.set('ids', ids.join('|'));
  u.searchParams.set('props', props);
  u.searchParams.set('languages', LANGUAGES);
  u.searchParams.set('format', 'json');
  u.searchParams.set('maxlag', String(MAXLAG));
  return u.toString();
}

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** The item a snak names, or null. */
function itemOfSnak(snak: unknown): string | null {
  if (!isObj(snak) || snak['snaktype'] !== 'value' || !isObj(snak['datavalue'])) return null;
  const v = snak['datavalue']['value'];
  if (isObj(v) && typeof v['id'] === 'string' && QID.test(v['id'])) return v['id'];
  if (isObj(v) && typeof v['numeric-id'] === 'number' && Number.isInteger(v['numeric-id']) && v['numeric-id'] > 0) return `Q${v['numeric-id']}`;
  return null;
}

function firstQualifier(st: Obj, qualifier: string): unknown {
  const q = isObj(st['qualifiers']) ? st['qualifiers'] : {};
  return Array.isArray(q[qualifier]) ? (q[qualifier] as unknown[])[0] : undefined;
}

const hasValue = (snak: unknown): boolean => isObj(snak) && snak['snaktype'] === 'value';

const isHuman = (e: Obj): boolean => statements(e, 'P31').some((st) => itemOfSnak(st.s['mainsnak']) === 'Q5');

/** The items a person's statements name that the reader looks up: institutions, unknown degrees, advisors and students. */
export function referencedItems(person: Obj): string[] {
  const out: string[] = [];
  const push = (id: string | null): void => {
    if (id !== null) out.push(id);
  };
  for (const { s } of statements(person, 'P69')) {
    push(itemOfSnak(s['mainsnak']));
    const degree = itemOfSnak(firstQualifier(s, 'P512'));
    if (degree !== null && !DEGREE_ITEMS[degree]) out.push(degree);
  }
  // The reader skips an employer without P580 or P582: its institution is not read.
  for (const { s } of statements(person, 'P108')) if (hasValue(firstQualifier(s, 'P580')) || hasValue(firstQualifier(s, 'P582'))) push(itemOfSnak(s['mainsnak']));
  for (const prop of ['P184', 'P185']) for (const { s } of statements(person, prop)) push(itemOfSnak(s['mainsnak']));
  return uniq(out);
}

/** P297 statements whose code the reader accepts (an invalid one would make it reject the whole page). */
function validCodes(list: unknown): unknown[] {
  return (Array.isArray(list) ? list : []).filter((st) => {
    const snak = isObj(st) ? st['mainsnak'] : null;
    const v = isObj(snak) && isObj(snak['datavalue']) ? snak['datavalue']['value'] : null;
    return typeof v === 'string' && isCountryCode(v.trim().toUpperCase());
  });
}

/** What the reader reads of an entity it only looks up: its labels, P17 country and P297 code — never P31, so never a person. */
export function lookupOf(e: Obj, id: string): Obj {
  const claims = isObj(e['claims']) ? e['claims'] : {};
  const kept: Obj = {};
  if (Array.isArray(claims['P17'])) kept['P17'] = claims['P17'];
  const codes = validCodes(claims['P297']);
  if (codes.length > 0) kept['P297'] = codes;
  return { type: e['type'] ?? 'item', id, labels: isObj(e['labels']) ? e['labels'] : {}, claims: kept };
}

/** A person's entity as it goes into a page: as received, without P27 and P172 (and without P297 codes the reader would refuse). */
export function personOf(e: Obj): Obj {
  const claims: Obj = { ...(isObj(e['claims']) ? e['claims'] : {}) };
  for (const p of NEVER_READ) delete claims[p];
  if ('P297' in claims) {
    const codes = validCodes(claims['P297']);
    if (codes.length > 0) claims['P297'] = codes;
    else delete claims['P297'];
  }
  return { ...e, claims };
}

const countriesOf = (lookup: Obj | null | undefined): string[] => (lookup ? statements(lookup, 'P17').map((st) => itemOfSnak(st.s['mainsnak'])).filter((x): x is string => x !== null) : []);

interface ApiBody {
  entities?: unknown;
  error?: unknown;
}

interface SparqlBody {
  results?: { bindings?: unknown };
}

/** The entity answering an asked id: under its own key, or (a redirect) the one whose `redirects.from` it is. */
function answerFor(entities: Obj, asked: string): Obj | null {
  const direct = entities[asked];
  if (isObj(direct)) return direct;
  for (const e of Object.values(entities)) if (isObj(e) && isObj(e['redirects']) && e['redirects']['from'] === asked) return e;
  return null;
}

function lists(l: Record<string, string[]>): Record<string, string[]> | undefined {
  const out = Object.fromEntries(Object.entries(l).filter(([, ids]) => ids.length > 0));
  return Object.keys(out).length > 0 ? out : undefined;
}

function initialState(q: WikidataQuery): State {
  const scheme = EXTERNAL_SCHEMES.find((s) => q.external[s].length > 0);
  if (scheme) return { phase: 'resolve', scheme, offset: 0 };
  return { phase: 'given', offset: 0 };
}

/** Where the pull goes once a scheme's ids are all resolved. */
function afterScheme(q: WikidataQuery, scheme: ExternalScheme): State {
  const nextScheme = EXTERNAL_SCHEMES.slice(EXTERNAL_SCHEMES.indexOf(scheme) + 1).find((s) => q.external[s].length > 0);
  if (nextScheme) return { phase: 'resolve', scheme: nextScheme, offset: 0 };
  return q.qids.length > 0 ? { phase: 'given', offset: 0 } : { phase: 'resolved', after: 0 };
}

const hasExternal = (q: WikidataQuery): boolean => EXTERNAL_SCHEMES.some((s) => q.external[s].length > 0);

export const wikidataPuller: Puller = {
  source: 'wikidata',
  usage: `atlas pull wikidata (--from-store | --ids FILE) [--batch N]      the Wikidata entities of researchers, with the institutions and countries they name
      FILE: one id a line — Q42, orcid:0000-0002-1825-0097, dblp:<pid>, scholar:<user id>; --from-store: the store's ORCID, DBLP, Scholar and Wikidata ids
      [--user-agent UA | $ATLAS_USER_AGENT] (with contact details, as Wikimedia asks) [--sparql-url URL] [--api-url URL] [--rate N] [--retries N]
    ORCID/DBLP/Scholar ids → items by SPARQL (≤ ${MAX_VALUES_PER_QUERY} values a query); entities by wbgetentities (≤ ${MAX_IDS_PER_CALL} ids a call, maxlag=${MAXLAG});
    default rate ${DEFAULT_RATE} request a second; never P27 (citizenship) or P172 (ethnic group)`,
  options: {
    ids: { type: 'string' },
    'from-store': { type: 'boolean' },
    batch: { type: 'string' },
    'user-agent': { type: 'string' },
    'sparql-url': { type: 'string' },
    'api-url': { type: 'string' },
    rate: { type: 'string' },
    retries: { type: 'string' },
  },

  async prepare(ctx, args): Promise<PreparedPull> {
    if (args.length > 0) throw new AtlasError('BAD_ARGUMENT', `unexpected argument "${args[0]}"; say whose entities with --from-store or --ids FILE`);
    const file = stringOption(ctx.values, 'ids');
    const fromStore = ctx.values['from-store'] === true;
    if (fromStore === (file !== undefined)) throw new AtlasError('BAD_ARGUMENT', 'say whose entities: atlas pull wikidata --from-store, or --ids FILE (one id a line: Q42, orcid:…, dblp:…, scholar:…)');
    // Options are checked before the file or the store is read.
    const rate = rateOf(ctx);
    userAgentOf(ctx);
    wholeOption(ctx.values, 'retries', 20);
    const batch = wholeOption(ctx.values, 'batch', MAX_IDS_PER_CALL) ?? MAX_IDS_PER_CALL;
    const apiUrl = urlOption(ctx, 'api-url') ?? WIKIDATA_API;
    const sparqlUrl = urlOption(ctx, 'sparql-url') ?? WIKIDATA_SPARQL;
    const ids = file !== undefined ? await wikidataIdsFromFile(file) : await wikidataIdsFromStore(ctx.store);
    const q: WikidataQuery = { qids: ids.qids, external: ids.external, batch, from: file !== undefined ? `file ${file}` : 'store', apiUrl, sparqlUrl };
    const asked = countIds(ids);
    let queries = 0;
    for (const s of EXTERNAL_SCHEMES) for (let o = 0; o < q.external[s].length; queries++) o = chunkEnd(EXTERNAL_PROPS[s], q.external[s], o);
    // At most one item an id; each batch of people, then (at most) a call of their institutions and one of the countries.
    const batches = Math.ceil(asked / batch);
    const calls = queries + batches * 3;
    const parts = [
      ids.qids.length ? `${ids.qids.length.toLocaleString('en-US')} Q-ids` : '',
      ...EXTERNAL_SCHEMES.map((s) => (q.external[s].length ? `${q.external[s].length.toLocaleString('en-US')} ${s === 'orcid' ? 'ORCID' : s === 'dblp' ? 'DBLP' : 'Scholar'} ids` : '')),
    ].filter(Boolean);
    return {
      kind: 'entities',
      query: q as unknown as Record<string, Json>,
      state: initialState(q) as unknown as Json,
      total: asked,
      preview: {
        results: asked,
        calls,
        costUsd: null,
        remainingUsd: null,
        needsConfirmation: calls > CONFIRM_CALLS,
        summary: `${parts.join(', ')} (from the ${q.from}): ${queries ? `${queries} SPARQL ${queries === 1 ? 'query' : 'queries'} to find their items, then ` : ''}the entities in calls of ≤ ${batch} with the institutions and countries they name — at most about ${calls.toLocaleString('en-US')} calls, ${duration(calls / rate)} at ${rate} a second; ids and items Wikidata does not have are skipped`,
      },
    };
  },

  async plan(ctx, job): Promise<PullPlan<Json>> {
    if (job.kind !== 'entities') throw new AtlasError('BAD_ARGUMENT', `pull job ${job.id} is a Wikidata "${job.kind}" job, which this version cannot continue`);
    const stored = job.query as unknown as WikidataQuery;
    // A resumed job keeps the endpoints it started on unless this run names others (a test's replay server).
    const q: WikidataQuery = { ...stored, apiUrl: urlOption(ctx, 'api-url') ?? stored.apiUrl ?? WIKIDATA_API, sparqlUrl: urlOption(ctx, 'sparql-url') ?? stored.sparqlUrl ?? WIKIDATA_SPARQL };
    const http = client(ctx);
    const maxLagRetries = wholeOption(ctx.values, 'retries', 20) ?? ctx.http?.maxRetries ?? 5;
    const maxWaitMs = (ctx.http?.maxWaitSeconds ?? 120) * 1000;
    const given = new Set(q.qids);
    /** Lookups of this run, by the id asked (null: Wikidata has no such item). */
    const cache = new Map<string, Obj | null>();
    let itemsTotal: number | null = null;

    /** An api.php call: its JSON, with a maxlag answer waited out (bounded) and any other error answer a failure naming the URL. */
    async function apiGet(url: string): Promise<JsonResponse<ApiBody> & { entities: Obj }> {
      for (let attempt = 1; ; attempt++) {
        const r = await http.getJson<ApiBody>(url);
        const err = isObj(r.body) && isObj(r.body.error) ? r.body.error : null;
        if (err === null) {
          if (!isObj(r.body) || !isObj(r.body.entities)) throw new AtlasError('REMOTE_ERROR', `Wikidata ${r.url}: the answer has no \`entities\``, { details: { url: r.url } });
          return { ...r, entities: r.body.entities };
        }
        const code = typeof err['code'] === 'string' ? err['code'] : 'error';
        const info = typeof err['info'] === 'string' ? err['info'] : '';
        if (code !== 'maxlag') throw new AtlasError('REMOTE_ERROR', `Wikidata ${r.url}: ${code}${info ? `: ${info}` : ''}`, { details: { url: r.url, code } });
        if (attempt > maxLagRetries) {
          throw new AtlasError('REMOTE_ERROR', `Wikidata ${r.url}: the databases are still lagging more than ${MAXLAG} s (${info || 'maxlag'}) after ${attempt} attempts; resume later with \`atlas pull --resume ${job.id}\``, { details: { url: r.url, code } });
        }
        const wait = retryAfterMs(r.headers, '') ?? MAXLAG_WAIT_MS;
        if (wait > maxWaitMs) {
          const at = new Date(Date.now() + wait).toISOString();
          throw new AtlasError('BUDGET_EXHAUSTED', `Wikidata says to wait ${Math.round(wait / 1000)} s (its databases are lagging: ${info}): the pull stops here; resume after ${at} with \`atlas pull --resume ${job.id}\``, { details: { resumeAfter: at, url: r.url } });
        }
        http.stats.retries++;
        ctx.onHttpEvent?.({ kind: 'retry', url: r.url, attempt, reason: `Wikidata ${r.url}: maxlag (${info || `lag above ${MAXLAG} s`})`, waitMs: wait });
        await sleep(wait);
      }
    }

    /** Lookups of the ids not yet known this run, ≤ 50 a call; an id Wikidata does not have is known as null. */
    async function fill(ids: readonly string[]): Promise<void> {
      const todo = ids.filter((id) => !cache.has(id));
      for (let i = 0; i < todo.length; i += MAX_IDS_PER_CALL) {
        const chunk = todo.slice(i, i + MAX_IDS_PER_CALL);
        const r = await apiGet(entitiesUrl(q.apiUrl, chunk, LOOKUP_PROPS));
        for (const id of chunk) {
          const e = answerFor(r.entities, id);
          // Keyed by the id the people name, so the reader finds it even behind a redirect.
          cache.set(id, e === null || 'missing' in e ? null : lookupOf(e, id));
        }
      }
    }

    async function totalItems(): Promise<number> {
      if (itemsTotal === null) {
        const rows = await ctx.store.query<{ id: string }>('SELECT id FROM pull_job_ids WHERE job_id = $1 AND list = $2', [job.id, 'items']);
        itemsTotal = q.qids.length + rows.filter((r) => !given.has(r.id)).length;
      }
      return itemsTotal;
    }

    async function resolvePage(s: ResolveState): Promise<Page<State>> {
      const values = q.external[s.scheme];
      const prop = EXTERNAL_PROPS[s.scheme];
      const end = chunkEnd(prop, values, s.offset);
      const chunk = values.slice(s.offset, end);
      if (chunk.length === 0) throw new AtlasError('BAD_ARGUMENT', `the job's position ${s.offset} is past its ${values.length} ${s.scheme} ids`);
      const u = new URL(q.sparqlUrl);
      u.searchParams.set('query', sparqlQuery(prop, chunk));
      u.searchParams.set('format', 'json');
      const r = await http.getJson<SparqlBody>(u.toString(), { headers: { accept: 'application/sparql-results+json' } });
      const bindings = isObj(r.body) && isObj(r.body.results) ? r.body.results.bindings : undefined;
      if (!Array.isArray(bindings)) throw new AtlasError('REMOTE_ERROR', `Wikidata ${redactUrl(q.sparqlUrl)} (${prop} query): the answer has no results.bindings`, { details: { url: r.url } });
      const found = new Map<string, Set<string>>();
      for (const b of bindings) {
        const item = isObj(b) && isObj(b['item']) && typeof b['item']['value'] === 'string' ? /\/entity\/(Q[1-9]\d*)$/.exec(b['item']['value'])?.[1] : undefined;
        const v = isObj(b) && isObj(b['v']) ? b['v']['value'] : undefined;
        if (item === undefined || typeof v !== 'string') continue;
        if (!found.has(v)) found.set(v, new Set());
        found.get(v)!.add(item);
      }
      // In the order asked (the service's order is not stable), an id's items by number.
      const items = chunk.flatMap((v) => [...(found.get(v) ?? [])].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
      const unresolved = chunk.filter((v) => !found.has(v)).map((v) => `${s.scheme}:${v}`);
      const next: State = end < values.length ? { phase: 'resolve', scheme: s.scheme, offset: end } : afterScheme(q, s.scheme);
      const page: Page<State> = {
        records: [],
        // The query is rebuilt from the job's ids; the fragment (never sent) says which of them this page asked.
        url: `${redactUrl(q.sparqlUrl)}#${prop}=${s.offset + 1}-${end}`,
        next,
        // The last resolution lands before the entities read the list it completes.
        flush: next.phase !== 'resolve',
      };
      const ids = lists({ items: uniq(items), unresolved });
      if (ids) page.ids = ids;
      return page;
    }

    async function entitiesPage(batch: readonly string[], next: State | null): Promise<Page<State>> {
      const r = await apiGet(entitiesUrl(q.apiUrl, batch, PEOPLE_PROPS));
      const people = new Map<string, Obj>();
      const missing: string[] = [];
      const notHuman: string[] = [];
      const rejected: string[] = [];
      for (const asked of batch) {
        const e = answerFor(r.entities, asked);
        if (e === null || 'missing' in e) {
          missing.push(asked);
          continue;
        }
        const id = typeof e['id'] === 'string' && QID.test(e['id']) ? e['id'] : asked;
        if (people.has(id)) continue; // two ids asked, one item (a redirect)
        if (!isHuman(e)) {
          notHuman.push(id);
          cache.set(id, lookupOf(e, id));
          continue;
        }
        const person = personOf(e);
        try {
          // The reader's own check (lookups only add labels and countries, never a rejection).
          wikidataFacts(person, { file: r.url, line: 1, lookups: new Map() });
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          rejected.push(id);
          continue;
        }
        people.set(id, person);
      }
      const peopleIds = new Set(people.keys());
      const refs = uniq([...people.values()].flatMap(referencedItems)).filter((id) => !peopleIds.has(id));
      await fill(refs);
      const countries = uniq(refs.flatMap((id) => countriesOf(cache.get(id)))).filter((id) => !peopleIds.has(id));
      await fill(countries);
      const entities: Obj = {};
      for (const [id, p] of people) entities[id] = p;
      for (const id of [...refs, ...countries]) {
        const l = cache.get(id);
        if (l && !(id in entities)) entities[id] = l;
      }
      const page: Page<State> = { records: [...people.values()], url: r.url, next, total: await totalItems() };
      if (people.size > 0) page.document = { entities };
      const ids = lists({ missing, 'not-human': notHuman, rejected });
      if (ids) page.ids = ids;
      return page;
    }

    async function givenPage(s: GivenState): Promise<Page<State> | null> {
      const batch = q.qids.slice(s.offset, s.offset + q.batch);
      if (batch.length === 0) return hasExternal(q) ? resolvedPage({ phase: 'resolved', after: 0 }) : null;
      const offset = s.offset + batch.length;
      const next: State | null = offset < q.qids.length ? { phase: 'given', offset } : hasExternal(q) ? { phase: 'resolved', after: 0 } : null;
      return entitiesPage(batch, next);
    }

    async function resolvedPage(s: ResolvedState): Promise<Page<State> | null> {
      let after = s.after;
      for (;;) {
        const { ids, last } = await jobIds(ctx.store, job.id, 'items', after, q.batch);
        if (ids.length === 0) return null;
        const full = ids.length === q.batch;
        const batch = ids.filter((id) => !given.has(id)); // asked already with the ids given directly
        if (batch.length > 0) return entitiesPage(batch, full ? { phase: 'resolved', after: last } : null);
        if (!full) return null;
        after = last;
      }
    }

    return {
      ingestSource: 'wikidata',
      calls: () => http.stats.requests,
      rateLimit: () => http.stats.lastRateLimit,
      async fetchPage(state) {
        const s = state as unknown as State;
        const page = s.phase === 'resolve' ? await resolvePage(s) : s.phase === 'given' ? await givenPage(s) : await resolvedPage(s);
        return page as unknown as Page<Json> | null;
      },
    };
  },
};
