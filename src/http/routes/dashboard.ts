import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { AppDeps } from '../deps.js';

/**
 * The dashboard's Content-Security-Policy: scripts, styles and connections to this server only,
 * no inline script or style attribute, no framing by others. `blob:` is for the file previews,
 * which the page fetches with the key and shows as blob URLs (an <img> or <iframe> cannot send it).
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "frame-src blob:",
  "object-src blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The browser modules the dashboard imports, read from the installed npm packages (so there is one
 * copy, the one package-lock.json pins). Imports of the bare name `preact` are pointed at the
 * served file: a browser resolves no bare names without an import map, which would be inline script.
 */
const VENDOR: Record<string, [pkg: string, file: string]> = {
  'preact.js': ['preact', 'dist/preact.module.js'],
  'hooks.js': ['preact', 'hooks/dist/hooks.module.js'],
  'htm.js': ['htm', 'dist/htm.module.js'],
  'uplot.js': ['uplot', 'dist/uPlot.esm.js'],
  'uplot.css': ['uplot', 'dist/uPlot.min.css'],
};

interface Asset {
  body: Buffer;
  type: string;
}

/** loadAssets reads the dashboard's own files and the vendor modules into memory, once. */
function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const own = fileURLToPath(new URL('../../dashboard/public/', import.meta.url));
  for (const name of readdirSync(own)) assets.set(name, { body: readFileSync(join(own, name)), type: TYPES[extname(name)] ?? 'application/octet-stream' });
  const require = createRequire(import.meta.url);
  for (const [name, [pkg, file]] of Object.entries(VENDOR)) {
    const main = require.resolve(pkg);
    const dir = main.slice(0, main.lastIndexOf(`/node_modules/${pkg}/`) + `/node_modules/${pkg}/`.length);
    const text = readFileSync(join(dir, file), 'utf8').replace(/from\s*"preact"/g, 'from"./preact.js"').replace(/\/\/# sourceMappingURL=.*$/m, '');
    assets.set(name, { body: Buffer.from(text), type: TYPES[extname(name)]! });
  }
  return assets;
}

/**
 * dashboardRoutes serves the dashboard at /dashboard: the page for every path under it (the page
 * routes itself) and its files under /dashboard/assets/. Nothing here reads data: the page asks
 * the public API with the key the user signs in with, so these routes need no key.
 */
export const dashboardRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app) => {
  const assets = loadAssets();
  const send = (reply: FastifyReply, asset: Asset) =>
    reply
      .header('content-type', asset.type)
      .header('content-security-policy', DASHBOARD_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-cache')
      .send(asset.body);
  const page = assets.get('index.html')!;

  app.get<{ Params: { name: string } }>('/dashboard/assets/:name', { schema: { hide: true } }, async (request, reply) => {
    const asset = assets.get(request.params.name);
    if (!asset || request.params.name === 'index.html') return reply.callNotFound();
    return send(reply, asset);
  });
  app.get('/dashboard', { schema: { hide: true } }, async (_request, reply) => send(reply, page));
  app.get('/dashboard/*', { schema: { hide: true } }, async (_request, reply) => send(reply, page));
};
