import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';

import { AppError } from '../errors.ts';
import type { AppEnv } from '../http/env.ts';
import type { Role } from '../people/person.entity.ts';
import { readSession, SESSION_COOKIE } from './sessions.ts';

const ROLE_WORDS: Record<string, string> = { library_staff: 'library staff', mentor: 'a mentor', quality_group: 'the quality group', admin: 'an administrator' };

function roleWords(role: string): string {
  return ROLE_WORDS[role] ?? role;
}

/** Sends the visitor to sign in, coming back here afterwards. */
export function redirectToSignIn(c: Context<AppEnv>): Response {
  const next = new URL(c.req.url).pathname + new URL(c.req.url).search;
  return c.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
}

/** Requires a signed-in person on a page route, and one of `roles` when given (403 otherwise). */
export function requireSignIn(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const found = await readSession(c.get('em'), getCookie(c, SESSION_COOKIE), new Date());
    if (found === null) return redirectToSignIn(c);
    c.set('person', found.person);
    c.set('pageSession', found.session);
    c.set('log', c.get('log').child({ personId: found.person.id }));
    if (roles.length > 0 && !roles.some((role) => found.person.roles.includes(role))) {
      throw AppError.forbidden(`This page is for ${roles.map(roleWords).join(' or ')}, and you are signed in as ${found.person.roles.map(roleWords).join(' and ')}. Use the links at the top of the page to reach your own pages.`);
    }
    await next();
  };
}

/** Builds the common page context of a signed-in request. */
export function pageBase(c: Context<AppEnv>, title: string) {
  const person = c.get('person');
  return { title, person: { name: person.name, roles: person.roles }, csrf: c.get('pageSession').csrfToken };
}

/** Sends the path home for each role: staff to their applications, mentors to assignments, the quality group to the dashboard. */
export function homePath(roles: readonly string[]): string {
  if (roles.includes('library_staff')) return '/applications';
  if (roles.includes('mentor')) return '/assignments';
  if (roles.includes('quality_group')) return '/dashboard';
  if (roles.includes('admin')) return '/admin/people';
  return '/account';
}
