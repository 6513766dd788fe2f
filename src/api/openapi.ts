/** The OpenAPI 3 document, generated from the routes' zod schemas, and a self-contained HTML page rendering it (no CDN). */
import { z } from 'zod';
import type { ApiRoute } from './route.ts';

type JsonSchema = { type?: string; properties?: Record<string, JsonSchema & { description?: string }>; required?: string[]; [k: string]: unknown };

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, s]) => {
    const { description, ...rest } = s;
    return { name, in: where, required: where === 'path' || required.has(name), ...(description ? { description } : {}), schema: rest };
  });
}

const ERROR = { $ref: '#/components/responses/Error' };

export function openApiDocument(routes: readonly ApiRoute[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const method = (r.method ?? 'GET').toLowerCase();
    const body = r.textBody
      ? { required: true, description: r.textBody.description, content: { [r.textBody.contentType]: { schema: { type: 'string' } } } }
      : r.body
        ? { required: true, content: { 'application/json': { schema: z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' }) } } }
        : undefined;
    paths[path] = {
      ...paths[path],
      [method]: {
        tags: [r.tag],
        summary: r.summary,
        description: `Needs the role ${r.role} or above on a server with accounts.`,
        'x-role': r.role,
        operationId: `${method === 'get' ? '' : `${method}_`}${r.url.replace(/^\/api\//, '').replace(/[/:-]+/g, '_')}`,
        parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
        ...(body ? { requestBody: body } : {}),
        responses: {
          '200': { description: r.returns, content: { 'application/json': { schema: { type: 'object' } } } },
          '400': ERROR,
          '401': ERROR,
          '403': ERROR,
          ...(r.params ? { '404': ERROR } : {}),
          ...(body ? { '413': ERROR } : {}),
          '429': ERROR,
        },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'talent-atlas API', version: '0.1.0', description: 'Open-data talent graph of AI researchers: people, careers and flows, search, warm-intro paths.' },
    paths,
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from `atlas users add` (servers with accounts; a single-user server on loopback needs none)' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string', enum: ['BAD_ARGUMENT', 'BAD_INPUT', 'UNKNOWN_COUNTRY', 'UNSUPPORTED_FORMAT', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'AMBIGUOUS', 'CONFLICT', 'NO_DATA', 'TOO_LARGE', 'RATE_LIMITED', 'DB_LOCKED', 'INTERNAL'] },
            message: { type: 'string' },
            candidates: { type: 'array', items: { type: 'object' }, description: 'for AMBIGUOUS: the people the query matched' },
          },
        },
      },
      responses: { Error: { description: 'error: {code, message}', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } },
    },
  };
}

const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Render the document as one HTML page: every path with its parameters and responses. */
export function docsHtml(doc: Record<string, unknown>): string {
  type Op = { summary: string; tags: string[]; 'x-role': string; parameters: Array<{ name: string; in: string; required: boolean; description?: string; schema: Record<string, unknown> }>; requestBody?: { description?: string; content: Record<string, unknown> }; responses: Record<string, { description?: string }> };
  const paths = doc['paths'] as Record<string, Record<string, Op>>;
  const sections = Object.entries(paths)
    .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })))
    .map(({ path, method, op }) => {
      const rows = op.parameters
        .map((p) => {
          const s = p.schema;
          const range = [s['minimum'] !== undefined ? `min ${s['minimum']}` : '', s['maximum'] !== undefined ? `max ${s['maximum']}` : '', s['default'] !== undefined ? `default ${JSON.stringify(s['default'])}` : '', Array.isArray(s['enum']) ? `one of ${(s['enum'] as unknown[]).join(', ')}` : '']
            .filter(Boolean)
            .join('; ');
          return `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : ''}</td><td>${esc(s['type'] ?? '')}</td><td>${esc(range)}</td><td>${esc(p.description ?? '')}</td></tr>`;
        })
        .join('');
      const ok = op.responses['200']?.description ?? '';
      const body = op.requestBody ? `<p><strong>body</strong>: <code>${esc(Object.keys(op.requestBody.content).join(', '))}</code> ${esc(op.requestBody.description ?? '')}</p>` : '';
      return `<section id="${esc(method)}-${esc(path)}"><h2><span class="m">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code> <span class="r">${esc(op['x-role'])}+</span></h2><p>${esc(op.summary)}</p>${
        rows ? `<table><thead><tr><th>name</th><th>in</th><th>required</th><th>type</th><th>range</th><th>description</th></tr></thead><tbody>${rows}</tbody></table>` : '<p><em>no parameters</em></p>'
      }${body}<p><strong>200</strong>: <code>${esc(ok)}</code><br><strong>4xx</strong>: <code>{code, message}</code></p></section>`;
    })
    .join('\n');
  const info = doc['info'] as { title: string; description: string };
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)}</title><style>
body{font:14px/1.45 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}
h2{font-size:16px;margin-top:2em}.m{background:#1769aa;color:#fff;border-radius:3px;padding:1px 6px;font-size:12px}.r{color:#666;font-size:12px;font-weight:normal}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}code{font-size:13px}
</style></head><body><h1>${esc(info.title)}</h1><p>${esc(info.description)}</p><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3). Dashboard: <a href="/">/</a>.</p>
<p>Every list takes <code>limit</code> (1..200) and <code>offset</code>. Errors are <code>{code, message}</code>: 400 for bad input (BAD_ARGUMENT, UNKNOWN_COUNTRY), 404 for unknown ids, 409 AMBIGUOUS with <code>candidates</code>. A server with accounts needs <code>Authorization: Bearer &lt;API key&gt;</code> on every request (401 without, 403 when your role is below the one shown beside each path: viewer &lt; analyst &lt; recruiter &lt; admin; 429 above the rate limit).</p>
${sections}</body></html>`;
}
