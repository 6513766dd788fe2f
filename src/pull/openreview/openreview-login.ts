/**
 * OpenReview API v2 login and the calls made with it: `POST /login {id, password}` → `{token}`, then
 * `Authorization: Bearer <token>` on every call. The username comes from --username or $OPENREVIEW_USERNAME, the
 * password only from $OPENREVIEW_PASSWORD; neither, nor the token, is ever put in a URL or a job. Without
 * credentials calls go out unauthenticated, and the browser-check page API v2 then answers with becomes a
 * LOGIN_REQUIRED error that says which variables to set. A 401 on a logged-in call (an expired token) logs in
 * again once. Messages never name the username: it is usually an e-mail address, and a failed job keeps its message.
 */
import { AtlasError } from '../../core/errors.ts';
import type { HttpClient, JsonResponse, RequestInit } from '../http/http-client.ts';
import { stringOption, type PullContext } from '../puller.ts';

export const USERNAME_ENV = 'OPENREVIEW_USERNAME';
export const PASSWORD_ENV = 'OPENREVIEW_PASSWORD';

const SET_THEM = `set ${USERNAME_ENV} and ${PASSWORD_ENV} (or --username with $${PASSWORD_ENV}) to an OpenReview account`;

export interface OpenReviewCredentials {
  username: string;
  password: string;
}

/** The credentials this run was given, or null (unauthenticated calls); a username without a password is an error. */
export function credentialsFrom(ctx: PullContext): OpenReviewCredentials | null {
  const username = stringOption(ctx.values, 'username') ?? ctx.env[USERNAME_ENV];
  const password = ctx.env[PASSWORD_ENV];
  if (!username && !password) return null;
  if (!username) throw new AtlasError('BAD_ARGUMENT', `$${PASSWORD_ENV} is set but no username: set $${USERNAME_ENV} or give --username`);
  if (!password) throw new AtlasError('BAD_ARGUMENT', `an OpenReview username is given but no password: set $${PASSWORD_ENV} (the password is read only from the environment)`);
  return { username, password };
}

interface LoginBody {
  token?: unknown;
  mfaPending?: unknown;
}

/** A session's calls: logged in on the first call when credentials are given, the token sent as a Bearer header. */
export interface OpenReviewSession {
  getJson<T>(url: string, init?: RequestInit): Promise<JsonResponse<T>>;
  readonly loggedIn: boolean;
}

/** `beforeCall` runs before every call but the login (the puller's check of the hour's allowance). */
export function openReviewSession(http: HttpClient, baseUrl: string, credentials: OpenReviewCredentials | null, beforeCall: () => void = () => undefined): OpenReviewSession {
  let token: string | null = null;
  const login = async (c: OpenReviewCredentials): Promise<string> => {
    let r: JsonResponse<LoginBody>;
    try {
      r = await http.getJson<LoginBody>(`${baseUrl}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: c.username, password: c.password }) });
    } catch (e) {
      // A refused login comes back as 400/401/403 with OpenReview's {name, message}: say it is the login that failed.
      if (e instanceof AtlasError && (e.code === 'REMOTE_ERROR' || e.code === 'LOGIN_REQUIRED') && typeof e.details?.['status'] === 'number') {
        throw new AtlasError('LOGIN_REQUIRED', `OpenReview refused the login: ${e.message.replace(/ — check the API key or login$/, '')}; ${SET_THEM}`, { cause: e, details: e.details });
      }
      throw e;
    }
    if (r.body?.mfaPending) throw new AtlasError('LOGIN_REQUIRED', `OpenReview asks this account for a second factor (MFA), which a pull cannot answer; use an account without MFA`);
    if (typeof r.body?.token !== 'string' || r.body.token === '') throw new AtlasError('LOGIN_REQUIRED', `OpenReview ${r.url}: the login answer has no token`);
    return r.body.token;
  };

  return {
    get loggedIn() {
      return token !== null;
    },
    async getJson<T>(url: string, init: RequestInit = {}): Promise<JsonResponse<T>> {
      // Calls are made one at a time; a failed login leaves no token, so the next call (a resumed job) tries again.
      if (credentials && token === null) token = await login(credentials);
      beforeCall();
      const call = (): Promise<JsonResponse<T>> => http.getJson<T>(url, { ...init, headers: { ...init.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
      try {
        try {
          return await call();
        } catch (e) {
          // A token that expired during a long pull: log in again, once, and repeat the call.
          if (!(credentials && token !== null && e instanceof AtlasError && e.code === 'LOGIN_REQUIRED' && e.details?.['status'] === 401)) throw e;
          token = await login(credentials);
          return await call();
        }
      } catch (e) {
        if (e instanceof AtlasError && e.code === 'LOGIN_REQUIRED') {
          const page = typeof e.details?.['status'] !== 'number';
          const why = page ? 'answered with a browser-check page instead of JSON: API v2 answers only logged-in clients' : `refused the call (HTTP ${String(e.details?.['status'])})`;
          const what = credentials ? `the login was not accepted for it; check the account, or ${SET_THEM}` : SET_THEM;
          throw new AtlasError('LOGIN_REQUIRED', `OpenReview ${String(e.details?.['url'] ?? url)} ${why}; ${what}`, { cause: e, details: e.details });
        }
        throw e;
      }
    },
  };
}
