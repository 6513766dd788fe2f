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

const KEY_STORAGE = 'talent-atlas.api-key';

/** The API key this tab signed in with (kept for the tab's session only). */
export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

export function setStoredKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

export function authHeaders(key: string | null = storedKey()): Record<string, string> {
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** A server with accounts answered 401: go to the sign-in page, coming back here afterwards. */
function signInAgain(): void {
  if (location.hash.startsWith('#/sign-in')) return;
  location.hash = `#/sign-in?next=${encodeURIComponent(location.hash || '#/')}`;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function apiUrl(path: string, query: Query = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return `/api/${path}${s ? `?${s}` : ''}`;
}

export async function getJson<T>(path: string, query: Query = {}): Promise<T> {
  const key = storedKey();
  let res: Response;
  try {
    res = await fetch(apiUrl(path, query), { headers: { accept: 'application/json', ...authHeaders(key) } });
  } catch (e) {
    throw new ApiError('NETWORK', `the server did not answer (${String(e)}); is \`atlas serve\` still running?`, 0);
  }
  const body = (await res.json().catch(() => null)) as (T & { code?: string; message?: string; candidates?: ApiError['candidates'] }) | null;
  // (an answer to a request sent before the user signed in does not send them back)
  if (res.status === 401 && storedKey() === key) signInAgain();
  if (!res.ok) throw new ApiError(body?.code ?? 'HTTP', body?.message ?? `HTTP ${res.status}`, res.status, body?.candidates);
  return body as T;
}

/** POST/PATCH/DELETE with a JSON body (or none); the answer's JSON, or ApiError. */
export async function sendJson<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const key = storedKey();
  let res: Response;
  try {
    res = await fetch(apiUrl(path), {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...authHeaders(key) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (e) {
    throw new ApiError('NETWORK', `the server did not answer (${String(e)}); is \`atlas serve\` still running?`, 0);
  }
  const parsed = (await res.json().catch(() => null)) as (T & { code?: string; message?: string }) | null;
  if (res.status === 401 && storedKey() === key) signInAgain();
  if (!res.ok) throw new ApiError(parsed?.code ?? 'HTTP', parsed?.message ?? `HTTP ${res.status}`, res.status);
  return parsed as T;
}

/** Download a file answer (e.g. a CSV export) with the key attached, as the browser's own download. */
export async function downloadFile(path: string, fallbackName: string): Promise<void> {
  const res = await fetch(apiUrl(path), { headers: authHeaders() });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { code?: string; message?: string } | null;
    throw new ApiError(body?.code ?? 'HTTP', body?.message ?? `HTTP ${res.status}`, res.status);
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}
