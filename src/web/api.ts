/** The dashboard's API client: GET JSON from /api, turning `{code, message}` error bodies into ApiError. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly candidates?: Array<{ person_id: string; display_name: string | null }>,
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function apiUrl(path: string, query: Query = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return `/api/${path}${s ? `?${s}` : ''}`;
}

export async function getJson<T>(path: string, query: Query = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(apiUrl(path, query), { headers: { accept: 'application/json' } });
  } catch (e) {
    throw new ApiError('NETWORK', `the server did not answer (${String(e)}); is \`atlas serve\` still running?`, 0);
  }
  const body = (await res.json().catch(() => null)) as (T & { code?: string; message?: string; candidates?: ApiError['candidates'] }) | null;
  if (!res.ok) throw new ApiError(body?.code ?? 'HTTP', body?.message ?? `HTTP ${res.status}`, res.status, body?.candidates);
  return body as T;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}
