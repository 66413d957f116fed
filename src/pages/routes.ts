import { readFileSync } from 'node:fs';
import path from 'node:path';

import { Hono } from 'hono';

import { AppError } from '../errors.ts';
import type { AppDeps, AppEnv } from '../http/env.ts';
import { authRoutes } from './auth-routes.ts';
import { errorPageResponse, errorResponse } from './error-page.ts';
import { pageSecurityHeaders } from './page-security.ts';

const STYLESHEET = readFileSync(path.resolve(import.meta.dirname, 'assets/waymark.css'));

/**
 * Builds the server-rendered pages. They share the API's domain operations, but
 * errors become an HTML page a person can act on rather than a problem body.
 */
export function pageRoutes(deps: AppDeps, areas: ((deps: AppDeps) => Hono<AppEnv>)[] = []) {
  const pages = new Hono<AppEnv>();
  pages.use('*', pageSecurityHeaders);

  pages.get('/assets/waymark.css', (c) => c.body(new Uint8Array(STYLESHEET), 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }));
  pages.route('/', authRoutes(deps));
  for (const area of areas) pages.route('/', area(deps));

  pages.onError((error, c) => {
    // A page route renders the error page whatever the Accept header, because only a browser follows its links and forms.
    if (!(error instanceof AppError)) return errorResponse(error, c, true);
    c.get('log')?.info({ code: error.code, status: error.status, path: c.req.path }, 'page request rejected');
    return errorPageResponse(c, { status: error.status, title: error.title, detail: error.detail });
  });
  return pages;
}
