/** A typed API route: zod schemas for params and query (validated here, described in /openapi.json), and a handler. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Store } from '../store/store.ts';
import { validationError } from './http-errors.ts';
import { withoutServerPaths } from './no-server-paths.ts';
import type { ResponseCache } from './response-cache.ts';

export interface RouteContext {
  store: Store;
}

export interface ApiRoute<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  /** Fastify URL, e.g. `/api/people/:id`. */
  url: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  /** Short description of the 200 body, for the docs. */
  returns: string;
  /** Cache the serialised body per URL (read-only data that changes only with an ingest). */
  cache?: boolean;
  handler(input: { params: z.output<P>; query: z.output<Q> }, ctx: RouteContext): Promise<unknown>;
}

/** Identity function that keeps the schema types tied to the handler's input. */
export function defineRoute<P extends z.ZodType = z.ZodObject<{}>, Q extends z.ZodType = z.ZodObject<{}>>(route: ApiRoute<P, Q>): ApiRoute {
  return route as unknown as ApiRoute;
}

const EMPTY = z.object({});

export function registerRoute(app: FastifyInstance, route: ApiRoute, ctx: RouteContext, cache: ResponseCache): void {
  app.get(route.url, async (req, reply) => {
    const key = route.cache ? req.url : undefined;
    if (key !== undefined) {
      const hit = cache.get(key);
      if (hit !== undefined) return reply.type('application/json; charset=utf-8').header('x-cache', 'hit').send(hit);
    }
    const params = (route.params ?? EMPTY).safeParse(req.params ?? {});
    if (!params.success) throw validationError('path', params.error);
    const query = (route.query ?? EMPTY).safeParse(req.query ?? {});
    if (!query.success) throw validationError('query', query.error);
    const result = withoutServerPaths(await route.handler({ params: params.data, query: query.data }, ctx));
    const body = Buffer.from(JSON.stringify(result));
    if (key !== undefined) cache.set(key, body);
    return reply.type('application/json; charset=utf-8').send(body);
  });
}
