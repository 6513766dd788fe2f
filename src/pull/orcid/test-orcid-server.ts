/**
 * Test helper: ORCID's public API as the replay server plays it, from real records: the 18 full records of
 * data/orcid-records/v2.0-json under `/v2.0/<iD>` (as pub.orcid.org/v2.0/<iD> gave them, byte for byte), and
 * ORCID's own v3.0 JSON sample (data/orcid-schema-samples/record-full-3.0.json) under `/v3.0/<its iD>/record`.
 * An iD it does not know gets ORCID's 404 body (error 9016); a deprecated iD a 301 to the same path on its
 * primary record (error 9007, `Location` absolute); a deactivated one a 409 (error 9044). The error bodies and the
 * `application/json;charset=UTF-8` type are ORCID's v3.0 shapes (`response-code`, `developer-message`,
 * `user-message`, `error-code`, `more-info`, in that order).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dataPath } from '../../core/paths.ts';
import type { ReplayRequest, ReplayResponse, ReplayRoute } from '../test-replay-server.ts';

export const V2_DIR = dataPath('orcid-records', 'v2.0-json');
export const V3_SAMPLE_FILE = dataPath('orcid-schema-samples', 'record-full-3.0.json');
/** The iD of ORCID's v3.0 sample record (a sandbox placeholder person, "Three releasecandidate1"). */
export const V3_SAMPLE_ID = '0000-0002-7319-2192';
/** Thiago Pardo, the NLP researcher among the real records. */
export const PARDO = '0000-0003-2111-1319';
/** The real records that carry e-mail addresses, and the addresses. */
export const EMAILED: Readonly<Record<string, string>> = {
  '0000-0001-9020-6018': 'vinicius.oliveira@biologie.uni-regensburg.de',
  '0000-0002-3650-7247': 'daniel.biehl@desy.de',
  '0000-0003-2473-2313': 'tiago.lubiana.alves@usp.br',
};

/** iD → record text, as recorded. */
export type OrcidRecords = Map<string, string>;

/** The 18 real v2.0 full records, iD → text, in iD order. */
export function bundledV2Records(): OrcidRecords {
  const files = readdirSync(V2_DIR).filter((f) => f.endsWith('.json')).sort();
  return new Map(files.map((f) => [f.replace(/\.json$/, ''), readFileSync(`${V2_DIR}/${f}`, 'utf8')]));
}

/** ORCID's v3.0 JSON sample record, iD → text. */
export function v3SampleRecords(): OrcidRecords {
  return new Map([[V3_SAMPLE_ID, readFileSync(V3_SAMPLE_FILE, 'utf8')]]);
}

/** A copy of a record with one change (pretty-printed as ORCID prints it). */
export function changedRecord(text: string, change: (doc: Record<string, any>) => void): string {
  const doc = JSON.parse(text) as Record<string, any>;
  change(doc);
  return JSON.stringify(doc, null, 2);
}

export interface OrcidServerOptions {
  v2?: OrcidRecords;
  v3?: OrcidRecords;
  /** Deprecated iD → its primary iD: answered with a 301 to the primary's same path. */
  deprecated?: Record<string, string>;
  /** iDs whose records are deactivated: a 409. */
  deactivated?: readonly string[];
}

const MORE_INFO = 'https://members.orcid.org/api/resources/troubleshooting';
const JSON_TYPE = 'application/json;charset=UTF-8';

function orcidError(status: number, code: number, developer: string, user: string, headers: Record<string, string> = {}): ReplayResponse {
  return {
    status,
    headers: { 'content-type': JSON_TYPE, ...headers },
    body: JSON.stringify({ 'response-code': status, 'developer-message': developer, 'user-message': user, 'error-code': code, 'more-info': MORE_INFO }),
  };
}

/** ORCID's 404 for an iD it does not know (error 9016), as the public API sends it. */
export const NOT_FOUND_BODY = { 'response-code': 404, 'developer-message': '404 Not Found: The resource was not found.', 'user-message': 'The resource was not found.', 'error-code': 9016, 'more-info': MORE_INFO };

const RECORD_PATH = /^\/(v2\.0|v3\.0)\/(\d{4}-\d{4}-\d{4}-\d{3}[\dX])(\/record)?\/?$/;

export function orcidRoutes(options: OrcidServerOptions = {}): ReplayRoute[] {
  const v2 = options.v2 ?? bundledV2Records();
  const v3 = options.v3 ?? v3SampleRecords();
  const deactivated = new Set(options.deactivated ?? []);
  return [
    {
      match: (req: ReplayRequest) => req.method === 'GET' && (req.path.startsWith('/v2.0/') || req.path.startsWith('/v3.0/')),
      respond: (req: ReplayRequest): ReplayResponse => {
        const m = RECORD_PATH.exec(req.path);
        const version = m?.[1];
        const id = m?.[2] ?? '';
        // v2.0 gives the full record at /v2.0/<iD> (and /record); v3.0 at /v3.0/<iD>/record.
        const routed = m !== null && (version === 'v2.0' || m[3] !== undefined);
        if (!routed) return { status: 404, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(NOT_FOUND_BODY) };
        const primary = options.deprecated?.[id];
        if (primary) {
          const host = `http://${req.headers['host'] ?? '127.0.0.1'}`;
          return orcidError(301, 9007, `301 Moved Permanently: This account is deprecated. Please refer to account: https://orcid.org/${primary}. ORCID https://orcid.org/${id}`, `This account is deprecated. Please refer to account: https://orcid.org/${primary}.`, {
            location: `${host}${req.path.replace(id, primary)}`,
          });
        }
        if (deactivated.has(id)) return orcidError(409, 9044, `409 Conflict: The ORCID record is deactivated and cannot be edited. Full validation error: ${id} is deactivated`, 'The ORCID record is deactivated.');
        const text = (version === 'v2.0' ? v2 : v3).get(id);
        if (text === undefined) return { status: 404, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(NOT_FOUND_BODY) };
        return { status: 200, headers: { 'content-type': JSON_TYPE }, body: text };
      },
    },
  ];
}
