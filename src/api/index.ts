/** @module api — the REST API and dashboard server (`atlas serve`). */
export { buildServer, startServer, type ServerOptions } from './server.ts';
export { ensureWebBuild } from './web-assets.ts';
