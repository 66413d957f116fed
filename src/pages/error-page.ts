import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';

import { AppError } from '../errors.ts';
import type { AppEnv } from '../http/env.ts';
import { handleError } from '../http/problem.ts';
import { renderPage } from './page-templates.ts';
import { readSession, SESSION_COOKIE } from './sessions.ts';

type ErrorPage = { status: number; title: string; detail: string };

/**
 * Reports whether a request should get the HTML error page rather than a problem body:
 * it is outside `/api` and its Accept header names text/html, as a browser's does.
 * A client that accepts only `*` or JSON keeps `application/problem+json`.
 */
export function wantsErrorPage(c: Context<AppEnv>): boolean {
  const path = c.req.path;
  if (path === '/api' || path.startsWith('/api/')) return false;
  return (c.req.header('accept') ?? '').toLowerCase().includes('text/html');
}

/** Returns the person signed in on a request that no page route has read, or null when no one is signed in or the session cannot be read. */
async function signedInOf(c: Context<AppEnv>) {
  const person = c.get('person');
  const session = c.get('pageSession');
  if (person !== undefined && session !== undefined) return { person, csrf: session.csrfToken };

  const secret = getCookie(c, SESSION_COOKIE);
  if (secret === undefined) return null;
  try {
    const found = await readSession(c.get('em'), secret, new Date());
    return found === null ? null : { person: found.person, csrf: found.session.csrfToken };
  } catch (error) {
    // The error page still shows, without the site header, so that the original error is not hidden by this one.
    c.get('log')?.warn({ err: error, path: c.req.path }, 'session could not be read for the error page');
    return null;
  }
}

/** Renders `templates/pages/error.hbs` with the error's status. A signed-in person keeps the site header and sign-out. */
export async function errorPageResponse(c: Context<AppEnv>, error: ErrorPage): Promise<Response> {
  const signedIn = await signedInOf(c);
  const html = renderPage('error', {
    title: error.title,
    person: signedIn === null ? null : { name: signedIn.person.name, roles: signedIn.person.roles },
    csrf: signedIn?.csrf ?? '',
    heading: error.title,
    detail: error.detail,
  });
  return c.html(html, error.status as 404);
}

/** Returns the response for a path that no route matches: the HTML error page for a browser outside `/api`, and a problem body otherwise. */
export async function notFoundResponse(c: Context<AppEnv>): Promise<Response> {
  if (wantsErrorPage(c)) {
    const detail = `There is no page at ${c.req.path}. Check the address, or follow a link from your home page.`;
    return errorPageResponse(c, { status: 404, title: 'Page not found', detail });
  }
  const error = new AppError('not_found', `No route ${c.req.method} ${c.req.path}. See /docs for the routes this service offers.`);
  return handleError(error, c);
}

/**
 * Turns any error into the problem response that `handleError` builds, which
 * also logs it, and then into the HTML error page when `asPage` is true. The
 * page shows the problem's title and detail, which never carry the text of an
 * unexpected error.
 */
export async function errorResponse(error: Error, c: Context<AppEnv>, asPage: boolean): Promise<Response> {
  const problem = handleError(error, c);
  if (!asPage) return problem;
  const body = (await problem.json()) as { title: string; detail: string };
  return errorPageResponse(c, { status: problem.status, title: body.title, detail: body.detail });
}
