import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

import { Hono } from 'hono';

import type { AppEnv } from './env.ts';

const SWAGGER_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Waymark API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<main id="api-docs"><noscript><p>The interactive reference needs JavaScript. The OpenAPI document itself is at <a href="/openapi.json">/openapi.json</a>.</p></noscript></main>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/start.js"></script>
</body>
</html>`;

// A separate file rather than an inline script, so that the page works under a Content-Security-Policy without 'unsafe-inline'.
const START_SCRIPT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#api-docs', deepLinking: true });`;

/** Serves the rendered API reference at /docs with every asset from Waymark itself, none from a CDN. */
export function docsRoutes() {
  const docs = new Hono<AppEnv>();
  const cache = new Map<string, Buffer>();

  docs.get('/docs', (c) => c.html(PAGE));
  docs.get('/docs/assets/start.js', (c) => c.body(START_SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  docs.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    const type = ASSETS[file];
    if (type === undefined) return c.notFound();
    let bytes = cache.get(file);
    if (bytes === undefined) {
      bytes = await readFile(path.join(SWAGGER_DIR, file));
      cache.set(file, bytes);
    }
    return c.body(new Uint8Array(bytes), 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
  });

  return docs;
}
