/**
 * Test helper: Wikidata as the replay server plays it, from the real entity JSON of data/wikidata-samples (Q42
 * Douglas Adams, Q691283 St John's College, and the entities of the researcher fixture: Ada and Bob Fixture, their
 * institutions, a degree item, Q39 Switzerland, Q1033 Nigeria…).
 * - `GET /w/api.php?action=wbgetentities&ids=…`: the entities asked, each cut to the `props` asked (`info` →
 *   pageid, ns, title, lastrevid, modified; `labels`/`descriptions`/`aliases` only in the `languages` asked;
 *   `claims`; `sitelinks`), `{"entities": {…}, "success": 1}` as the real API answers; an id it does not have
 *   answers `{"id": "Q…", "missing": ""}`; more than 50 ids is the real `toomanyvalues` error, an id that is not
 *   one `no-such-entity`, both with HTTP 200 and a `MediaWiki-API-Error` header; without `format=json` the API's
 *   HTML help page. While `state.lagCalls` is above 0, a call with `maxlag` gets the maxlag error (HTTP 200,
 *   Retry-After, X-Database-Lag) as a lagging replica gives it.
 * - `GET /sparql?query=…&format=json`: the query's `VALUES ?v {…}` and `wdt:P…` read back, the bindings computed
 *   from the entities' truthy statements of that property (preferred rank when there is one, else normal), in
 *   SPARQL JSON results; a query it cannot read is a 400 as WDQS gives it (text, a MalformedQueryException).
 * - A request without a User-Agent naming a contact (a URL or an e-mail address) gets the 403 Wikimedia's edge gives.
 */
import { readFileSync } from 'node:fs';
import { dataPath } from '../../core/paths.ts';
import type { ReplayRequest, ReplayResponse, ReplayRoute } from '../test-replay-server.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const SAMPLE_FILES = ['Q42.json', 'Q691283.json', 'wikidata-researchers.json'] as const;

/** Every real entity of the samples, by id. */
export function sampleEntities(): Map<string, Obj> {
  const out = new Map<string, Obj>();
  for (const f of SAMPLE_FILES) {
    const doc = JSON.parse(readFileSync(dataPath('wikidata-samples', f), 'utf8')) as { entities: Record<string, Obj> };
    for (const e of Object.values(doc.entities)) out.set(String(e['id']), e);
  }
  return out;
}

export const ADA = 'Q990000001';
export const BOB = 'Q990000002';
export const ADA_ORCID = '0000-0002-7319-2192';
export const ADA_DBLP = 'f/AdaFixture';
export const ADA_SCHOLAR = 'AdaFixture01';

export interface WikidataServerState {
  /** Calls still to answer with the maxlag error. */
  lagCalls: number;
  /** The lag those answers state, in seconds. */
  lagSeconds: number;
  /** The Retry-After they carry, in seconds. */
  retryAfter: number;
}

export interface WikidataServerOptions {
  entities?: Map<string, Obj>;
  state?: WikidataServerState;
}

const json = (body: unknown, headers: Record<string, string> = {}, status = 200): ReplayResponse => ({ status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) });

const INFO = ['pageid', 'ns', 'title', 'lastrevid', 'modified'];
const DEFAULT_PROPS = 'info|sitelinks|aliases|labels|descriptions|claims|datatype';

/** An entity cut to the props and languages asked, as wbgetentities cuts it. */
export function selectProps(e: Obj, props: string, languages: string | null): Obj {
  const want = new Set(props.split('|'));
  const langs = languages ? new Set(languages.split('|')) : null;
  const out: Obj = { type: e['type'], id: e['id'] };
  if (want.has('info')) for (const k of INFO) if (k in e) out[k] = e[k];
  for (const k of ['labels', 'descriptions', 'aliases']) {
    if (!want.has(k) || !isObj(e[k])) continue;
    out[k] = langs ? Object.fromEntries(Object.entries(e[k] as Obj).filter(([l]) => langs.has(l))) : e[k];
  }
  if (want.has('claims')) out['claims'] = e['claims'] ?? {};
  if (want.has('sitelinks') && isObj(e['sitelinks'])) out['sitelinks'] = e['sitelinks'];
  return out;
}

/** The values of a property's truthy statements (best rank), as `wdt:` gives them. */
function truthyValues(e: Obj, prop: string): string[] {
  const claims = isObj(e['claims']) ? e['claims'] : {};
  const list = (Array.isArray(claims[prop]) ? (claims[prop] as Obj[]) : []).filter((s) => isObj(s) && s['rank'] !== 'deprecated');
  const best = list.some((s) => s['rank'] === 'preferred') ? list.filter((s) => s['rank'] === 'preferred') : list;
  return best.flatMap((s) => {
    const snak = s['mainsnak'];
    const v = isObj(snak) && snak['snaktype'] === 'value' && isObj(snak['datavalue']) ? snak['datavalue']['value'] : null;
    return typeof v === 'string' ? [v] : [];
  });
}

/** The 403 Wikimedia's edge gives a client without a proper User-Agent. */
const UA_REFUSED: ReplayResponse = {
  status: 403,
  headers: { 'content-type': 'text/plain' },
  body: 'Please set a user-agent with contact information and respect our robot policy: https://meta.wikimedia.org/wiki/User-Agent_policy\n',
};
const politeAgent = (req: ReplayRequest): boolean => /[\w.+-]+@[\w-]+\.[\w.-]+|https?:\/\/\S+/.test(String(req.headers['user-agent'] ?? ''));

const API_HELP = '<!DOCTYPE html><html><head><title>MediaWiki API help - Wikidata</title></head><body><h1>Main module</h1><p>This is an auto-generated MediaWiki API documentation page.</p></body></html>';

export function wikidataRoutes(options: WikidataServerOptions = {}): ReplayRoute[] {
  const entities = options.entities ?? sampleEntities();
  const state = options.state ?? { lagCalls: 0, lagSeconds: 0, retryAfter: 5 };
  const apiError = (code: string, info: string, extra: Obj = {}): ReplayResponse =>
    json({ error: { code, info, ...extra, '*': 'See https://www.wikidata.org/w/api.php for API usage. Subscribe to the mediawiki-api-announce mailing list at &lt;https://lists.wikimedia.org/postorius/lists/mediawiki-api-announce.lists.wikimedia.org/&gt; for notice of API deprecations and breaking changes.' }, servedby: 'mw-api-ext.eqiad.main-replay' }, { 'mediawiki-api-error': code });

  return [
    {
      match: (req) => req.method === 'GET' && req.path === '/w/api.php',
      respond: (req) => {
        if (!politeAgent(req)) return UA_REFUSED;
        if (req.query.get('format') !== 'json') return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: API_HELP };
        if (req.query.has('maxlag') && state.lagCalls > 0 && state.lagSeconds > Number(req.query.get('maxlag'))) {
          state.lagCalls--;
          return json(
            { error: { code: 'maxlag', info: `Waiting for 10.64.48.35: ${state.lagSeconds} seconds lagged.`, host: '10.64.48.35', lag: state.lagSeconds, type: 'db', '*': 'See https://www.wikidata.org/w/api.php for API usage.' }, servedby: 'mw-api-ext.eqiad.main-replay' },
            { 'mediawiki-api-error': 'maxlag', 'retry-after': String(state.retryAfter), 'x-database-lag': String(Math.round(state.lagSeconds)) },
          );
        }
        if (req.query.get('action') !== 'wbgetentities') return apiError('badvalue', `Unrecognized value for parameter "action": ${req.query.get('action')}.`);
        const ids = (req.query.get('ids') ?? '').split('|').filter(Boolean);
        if (ids.length > 50) return apiError('toomanyvalues', 'Too many values supplied for parameter "ids". The limit is 50.', { limit: 50, lowlimit: 50, highlimit: 500, parameter: 'ids' });
        const bad = ids.find((id) => !/^[QPL][1-9]\d*$/.test(id));
        if (bad !== undefined) return apiError('no-such-entity', `Could not find an entity with the ID "${bad}".`, { id: bad });
        const props = req.query.get('props') ?? DEFAULT_PROPS;
        const out: Obj = {};
        for (const id of ids) {
          const e = entities.get(id);
          out[id] = e ? selectProps(e, props, req.query.get('languages')) : { id, missing: '' };
        }
        return json({ entities: out, success: 1 });
      },
    },
    {
      match: (req) => req.method === 'GET' && req.path === '/sparql',
      respond: (req) => {
        if (!politeAgent(req)) return UA_REFUSED;
        const query = req.query.get('query') ?? '';
        const values = /VALUES\s+\?v\s*\{([^}]*)\}/.exec(query)?.[1];
        const prop = /\?item\s+wdt:(P\d+)\s+\?v/.exec(query)?.[1];
        if (values === undefined || prop === undefined) {
          return { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `SPARQL-QUERY: queryStr=${query}\njava.util.concurrent.ExecutionException: org.openrdf.query.MalformedQueryException: Encountered unexpected input` };
        }
        const asked = [...values.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
        const bindings: Obj[] = [];
        for (const v of asked) {
          for (const e of entities.values()) {
            if (!truthyValues(e, prop).includes(v)) continue;
            bindings.push({ item: { type: 'uri', value: `http://www.wikidata.org/entity/${String(e['id'])}` }, v: { type: 'literal', value: v } });
          }
        }
        const accept = String(req.headers['accept'] ?? '');
        if (req.query.get('format') !== 'json' && !accept.includes('json')) {
          return { status: 200, headers: { 'content-type': 'application/sparql-results+xml;charset=utf-8' }, body: '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="item"/><variable name="v"/></head><results></results></sparql>' };
        }
        return { status: 200, headers: { 'content-type': 'application/sparql-results+json;charset=utf-8' }, body: JSON.stringify({ head: { vars: ['item', 'v'] }, results: { bindings } }) };
      },
    },
  ];
}

/** The wbgetentities calls of a request log, with the ids and props each asked. */
export function entityCalls(log: readonly ReplayRequest[]): Array<{ ids: string[]; props: string; at: number }> {
  return log.filter((r) => r.path === '/w/api.php').map((r) => ({ ids: (r.query.get('ids') ?? '').split('|'), props: r.query.get('props') ?? '', at: r.at }));
}

/** The SPARQL calls of a request log: the property and the values each asked. */
export function sparqlCalls(log: readonly ReplayRequest[]): Array<{ prop: string; values: string[] }> {
  return log
    .filter((r) => r.path === '/sparql')
    .map((r) => {
      const q = r.query.get('query') ?? '';
      return { prop: /wdt:(P\d+)/.exec(q)?.[1] ?? '', values: [...(/VALUES\s+\?v\s*\{([^}]*)\}/.exec(q)?.[1] ?? '').matchAll(/"([^"]*)"/g)].map((m) => m[1]!) };
    });
}
