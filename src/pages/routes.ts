import { readFileSync } from 'node:fs';
import path from 'node:path';

import { Hono } from 'hono';

import { AppError } from '../errors.ts';
import type { AppDeps, AppEnv } from '../http/env.ts';
import { handleError } from '../http/problem.ts';
import { authRoutes } from './auth-routes.ts';
import { pageSecurityHeaders } from './page-security.ts';
import { renderPage } from './page-templates.ts';

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
    if (!(error instanceof AppError)) return handleError(error, c);
    c.get('log')?.info({ code: error.code, status: error.status, path: c.req.path }, 'page request rejected');
    // A signed-in person keeps the site header and sign-out on an error page.
    const person = c.get('person');
    const session = c.get('pageSession');
    const signedIn = person !== undefined && session !== undefined;
    const html = renderPage('error', {
      title: error.title,
      person: signedIn ? { name: person.name, roles: person.roles } : null,
      csrf: signedIn ? session.csrfToken : '',
      heading: error.title,
      detail: error.detail,
    });
    return c.html(html, error.status as 400);
  });
  return pages;
}
