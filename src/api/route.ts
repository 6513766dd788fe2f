/**
 * A typed API route: zod schemas for params, query and body (validated here, described in /openapi.json), the
 * least role that may call it, what it writes to the audit log, and a handler. Bodies are JSON, or text (CSV)
 * for routes that declare a text content type; both are size-limited.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AtlasError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { apiActor, type AuditEntry, type AuditWriter } from '../teams/audit.ts';
import type { Caller } from '../teams/caller.ts';
import { roleAllows, type Role } from '../teams/roles.ts';
import { callerOf } from './auth.ts';
import { validationError } from './http-errors.ts';
import { withoutServerPaths } from './no-server-paths.ts';
import type { ResponseCache } from './response-cache.ts';

export interface RouteContext {
  store: Store;
  /** Who is asking (the local user on a server without accounts). */
  caller: Caller;
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface ApiRoute<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  /** Fastify URL, e.g. `/api/people/:id`. */
  url: string;
  /** Default GET. */
  method?: Method;
  summary: string;
  tag: string;
  /** The least role that may call this route (roles.ts); callers below it get 403. */
  role: Role;
  params?: P;
  query?: Q;
  /** JSON body schema (POST/PATCH). */
  body?: B;
  /** A text body of this content type instead of JSON (e.g. `text/csv`), handed to the handler as a string. */
  textBody?: { contentType: string; description: string };
  /** Short description of the 200 body, for the docs. */
  returns: string;
  /** The answer is a file of this content type (e.g. `text/csv`): the handler returns `{body, filename}`. */
  produces?: string;
  /**
   * Cache the serialised body per URL (read-only data that changes only with an ingest). Routes for recruiters and
   * admins answer from the caller's own data, so their cache key includes the caller.
   */
  cache?: boolean;
  /**
   * A write (non-GET) clears the response cache, unless it changes nothing a cached answer reads: shortlists,
   * watches and alerts, users and keys (auth and roles are checked before the cache is) keep it.
   */
  keepsCache?: boolean;
  /** The audit-log entry of a call (computed from the validated input, also on a cache hit). */
  audit?: (input: { params: z.output<P>; query: z.output<Q> }, caller: Caller) => AuditEntry;
  handler(input: { params: z.output<P>; query: z.output<Q>; body: z.output<B>; text: string }, ctx: RouteContext): Promise<unknown>;
}

/** Identity function that keeps the schema types tied to the handler's input. */
export function defineRoute<P extends z.ZodType = z.ZodObject<{}>, Q extends z.ZodType = z.ZodObject<{}>, B extends z.ZodType = z.ZodUndefined>(route: ApiRoute<P, Q, B>): ApiRoute {
  return route as unknown as ApiRoute;
}

const EMPTY = z.object({});

export interface RouteServices {
  store: Store;
  cache: ResponseCache;
  audit: AuditWriter;
}

function requireRole(caller: Caller, route: ApiRoute): void {
  if (!roleAllows(caller.role, route.role)) {
    throw new AtlasError('FORBIDDEN', `user "${caller.name}" is a ${caller.role}; ${route.method ?? 'GET'} ${route.url} needs the role ${route.role} or above`);
  }
}

/** NUL characters: no name, id or note has them, PostgreSQL cannot store them, so they are refused at the edge. */
function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNul(v));
  return false;
}

function unsupportedMediaType(message: string): Error {
  return Object.assign(new Error(message), { statusCode: 415 });
}

function parseInput(req: FastifyRequest, route: ApiRoute): { params: unknown; query: unknown; body: unknown; text: string } {
  for (const [where, value] of [['path', req.params], ['query', req.query], ['body', req.body]] as const) {
    if (hasNul(value)) throw new AtlasError('BAD_ARGUMENT', `invalid ${where}: NUL characters (\\u0000) are not allowed`);
  }
  const params = (route.params ?? EMPTY).safeParse(req.params ?? {});
  if (!params.success) throw validationError('path', params.error);
  const query = (route.query ?? EMPTY).safeParse(req.query ?? {});
  if (!query.success) throw validationError('query', query.error);
  let body: unknown;
  let text = '';
  if (route.textBody) {
    if (typeof req.body !== 'string') throw unsupportedMediaType(`send the body as ${route.textBody.contentType} (${route.textBody.description})`);
    text = req.body;
  } else if (route.body) {
    const parsed = route.body.safeParse(req.body ?? {});
    if (!parsed.success) throw validationError('body', parsed.error);
    body = parsed.data;
  }
  return { params: params.data, query: query.data, body, text };
}

export function registerRoute(app: FastifyInstance, route: ApiRoute, services: RouteServices): void {
  const perCaller = roleAllows(route.role, 'recruiter');
  app.route({
    method: route.method ?? 'GET',
    url: route.url,
    handler: async (req, reply) => {
      const caller = callerOf(req);
      requireRole(caller, route);
      const input = parseInput(req, route);
      if (route.audit) await services.audit.write(apiActor(caller), route.audit(input as never, caller));
      const key = route.cache ? (perCaller ? `${caller.name}\u0000${req.url}` : req.url) : undefined;
      if (key !== undefined) {
        const hit = services.cache.get(key);
        if (hit !== undefined) return reply.type('application/json; charset=utf-8').header('x-cache', 'hit').send(hit);
      }
      const generation = services.cache.generation;
      if (route.produces) {
        const file = (await route.handler(input as never, { store: services.store, caller })) as { body: string; filename: string };
        const safe = file.filename.replace(/[^\w.-]+/g, '_');
        return reply.type(`${route.produces}; charset=utf-8`).header('content-disposition', `attachment; filename="${safe}"`).send(file.body);
      }
      const result = withoutServerPaths(await route.handler(input as never, { store: services.store, caller }));
      const body = Buffer.from(JSON.stringify(result));
      if (key !== undefined) services.cache.set(key, body, generation);
      if (route.method && route.method !== 'GET' && !route.keepsCache) services.cache.clear();
      return reply.type('application/json; charset=utf-8').send(body);
    },
  });
}
