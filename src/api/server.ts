/** The HTTP server: Fastify with the /api routes, /openapi.json, /docs and the dashboard's static files. */
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { ensureFreshDerived, rederivedNote } from '../derived/ensure-fresh.ts';
import { dataVersion } from '../store/repo/data-version.ts';
import { AtlasError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { AuditWriter } from '../teams/audit.ts';
import { AccountsMode, installAuth, rateLimitKey, requireAccountsBeyondLoopback } from './auth.ts';
import { toHttpError } from './http-errors.ts';
import { docsHtml, openApiDocument } from './openapi.ts';
import { ResponseCache } from './response-cache.ts';
import { registerRoute, type ApiRoute } from './route.ts';
import { API_ROUTES } from './routes/index.ts';
import { ensureWebBuild, readWebFile } from './web-assets.ts';

export interface ServerOptions {
  /** Log requests (pino, JSON lines on stdout). Default false. */
  logger?: boolean;
  /** Serve the dashboard from src/web/dist, building it first when missing or stale. Default true. */
  web?: boolean;
  /** Cached response bodies (profiles, stats, …); 0 disables the cache. Default 2000. */
  cacheEntries?: number;
  /** Extra routes (tests, plug-ins). */
  routes?: readonly ApiRoute[];
  /** Where build progress lines go. */
  log?: (line: string) => void;
  /**
   * Requests per minute per API key (per address for requests without a well-formed key) on a server with
   * accounts; `false` turns the limit off. Default 1200. A single-user server (loopback only) is not limited.
   */
  rateLimit?: number | false;
  /** Largest JSON body in bytes (default 256 KiB). */
  bodyLimit?: number;
  /** Largest CSV upload in bytes (default 4 MiB). */
  csvLimit?: number;
}

export const DEFAULT_RATE_LIMIT = 1200;
const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // the dashboard and the docs page set inline styles; no inline scripts anywhere
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
};

export async function buildServer(store: Store, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, routerOptions: { maxParamLength: 500 }, bodyLimit: options.bodyLimit ?? 256 * 1024 });
  const cache = new ResponseCache(options.cacheEntries ?? 2000);
  const routes = [...API_ROUTES, ...(options.routes ?? [])];
  const mode = new AccountsMode(store);
  const audit = new AuditWriter(store);
  app.addHook('onClose', async () => audit.drain());

  // Security headers on every answer; no CORS headers at all (a browser on another origin cannot read the API).
  await app.register(helmet, { contentSecurityPolicy: { useDefaults: false, directives: CSP }, crossOriginEmbedderPolicy: false });
  if (options.rateLimit !== false) {
    await app.register(rateLimit, {
      global: true,
      max: options.rateLimit ?? DEFAULT_RATE_LIMIT,
      timeWindow: 60_000,
      keyGenerator: rateLimitKey,
      allowList: () => !mode.known,
      errorResponseBuilder: (_req, ctx) => new AtlasError('RATE_LIMITED', `more than ${ctx.max} requests a minute for this key; retry in ${ctx.after}`) as unknown as object,
    });
  }
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: options.csvLimit ?? 4 * 1024 * 1024 }, (_req, body, done) => done(null, body));
  installAuth(app, store, mode);

  app.setErrorHandler((error, req, reply) => {
    const { status, body } = toHttpError(error);
    if (status >= 500) req.log.error(error);
    if (status >= 500 && !options.logger) process.stderr.write(`[atlas serve] ${req.method} ${req.url}: ${error instanceof Error ? error.stack : String(error)}\n`);
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ code: 'NOT_FOUND', message: `no such endpoint: ${req.method} ${req.url.split('?')[0]} (see /docs)` });
  });

  // Figures as of the data: at most once a second, a request finds out whether an ingest elsewhere (or one killed
  // before its refresh) left careers or mentorships older than the facts, and has them re-derived first.
  // The same check drops cached answers as soon as the data version moves (an ingest or import by another process).
  let checkedAt = 0;
  let seenVersion: string | null = null;
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/') || Date.now() - checkedAt < 1000) return;
    checkedAt = Date.now();
    const r = await ensureFreshDerived(store);
    if (r) (options.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(`[atlas serve] ${rederivedNote(r)}`);
    const version = await dataVersion(store);
    if (r || (seenVersion !== null && version !== seenVersion)) cache.clear();
    seenVersion = version;
  });

  for (const r of routes) registerRoute(app, r, { store, cache, audit });

  const doc = openApiDocument(routes);
  const docBody = JSON.stringify(doc);
  const html = docsHtml(doc);
  app.get('/openapi.json', async (_req, reply) => reply.type('application/json; charset=utf-8').send(docBody));
  app.get('/docs', async (_req, reply) => reply.type('text/html; charset=utf-8').send(html));

  if (options.web !== false) {
    await ensureWebBuild(options.log);
    const serveWeb = async (url: string, reply: import('fastify').FastifyReply) => {
      const file = await readWebFile(url);
      if (!file) return reply.status(404).send({ code: 'NOT_FOUND', message: `no such file: ${url}` });
      const immutable = url.startsWith('/assets/');
      return reply.type(file.type).header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache').send(file.body);
    };
    app.get('/', async (req, reply) => serveWeb(req.url, reply));
    app.get('/assets/*', async (req, reply) => serveWeb(req.url, reply));
  }
  return app;
}

/** Listen on host:port and return the URL to print. */
export async function startServer(store: Store, options: ServerOptions & { host?: string; port?: number } = {}): Promise<{ app: FastifyInstance; url: string }> {
  const host = options.host ?? '127.0.0.1';
  await requireAccountsBeyondLoopback(store, host);
  const app = await buildServer(store, options);
  await app.listen({ host, port: options.port ?? 7300 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : options.port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return { app, url: `http://${shownHost}:${port}/` };
}
