import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

import { AppError } from '../errors.ts';
import type { AppDeps, AppEnv } from '../http/env.ts';
import { checkFormPost, LOGIN_CSRF_COOKIE, newToken } from './csrf.ts';
import { homePath, pageBase, requireSignIn } from './page-session.ts';
import { renderPage } from './page-templates.ts';
import { checkPassword } from './passwords.ts';
import { createSession, endSession, readSession, SESSION_COOKIE, SESSION_HOURS } from './sessions.ts';
import { roleWords } from './staff-words.ts';
import { clearSignInFailures, recordSignInFailure, signInDelay, throttleKeys } from './sign-in-throttle.ts';

const NOT_RECOGNISED = 'Email or password not recognised';

/** Accepts only a path on this site as the place to return to, so a link cannot send someone elsewhere after signing in. */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?!\/|\\)/.test(value) && value.length < 500 ? value : '/';
}

function clientAddress(c: { req: { header: (name: string) => string | undefined }; env: unknown }): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

/** Builds sign-in and sign-out, and the home page that sends each role to its own pages. */
export function authRoutes(deps: AppDeps) {
  const router = new Hono<AppEnv>();
  const cookieOptions = { httpOnly: true, sameSite: 'Lax' as const, secure: deps.config.cookieSecure, path: '/' };

  const showLogin = (c: import('hono').Context<AppEnv>, status: 200 | 401, values: { email?: string; next?: string; message?: string }) => {
    const token = newToken();
    setCookie(c, LOGIN_CSRF_COOKIE, token, { ...cookieOptions, sameSite: 'Strict', maxAge: 3600 });
    const message = values.message === undefined ? null : { kind: 'error' as const, text: values.message };
    return c.html(renderPage('login', { title: 'Sign in', person: null, csrf: token, message, email: values.email ?? '', next: values.next ?? '/' }), status);
  };

  router.get('/login', async (c) => {
    const signedIn = await readSession(c.get('em'), getCookie(c, SESSION_COOKIE), new Date());
    if (signedIn !== null) return c.redirect(safeNext(c.req.query('next')), 303);
    return showLogin(c, 200, { next: safeNext(c.req.query('next')) });
  });

  router.post('/login', bodyLimit({ maxSize: 16_384, onError: () => { throw new AppError('payload_too_large', 'The sign-in form is too large.'); } }), async (c) => {
    const form = await c.req.parseBody();
    checkFormPost(c, form._csrf, getCookie(c, LOGIN_CSRF_COOKIE));
    const email = typeof form.email === 'string' ? form.email : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const next = safeNext(form.next);

    const em = c.get('em');
    const now = new Date();
    const keys = throttleKeys(email, clientAddress(c));
    const delay = await signInDelay(em, keys, now);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));

    const person = await checkPassword(em, email, password);
    if (person === null) {
      await recordSignInFailure(em, keys, now);
      c.get('log').info({ delayMs: delay }, 'sign-in failed');
      return showLogin(c, 401, { email, next, message: NOT_RECOGNISED });
    }

    await clearSignInFailures(em, email);
    const { secret } = await createSession(em, person.id, now);
    setCookie(c, SESSION_COOKIE, secret, { ...cookieOptions, maxAge: SESSION_HOURS * 3600 });
    deleteCookie(c, LOGIN_CSRF_COOKIE, { path: '/' });
    c.get('log').info({ personId: person.id }, 'signed in');
    return c.redirect(next === '/' ? homePath(person.roles) : next, 303);
  });

  router.post('/logout', requireSignIn(), async (c) => {
    const form = await c.req.parseBody();
    checkFormPost(c, form._csrf, c.get('pageSession').csrfToken);
    await endSession(c.get('em'), getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    c.get('log').info('signed out');
    return c.redirect('/login', 303);
  });

  router.get('/', requireSignIn(), (c) => c.redirect(homePath(c.get('person').roles), 303));
  router.get('/account', requireSignIn(), (c) => {
    const roles = c.get('person').roles;
    return c.html(renderPage('account', { ...pageBase(c, 'Your account'), roleNames: roles.map(roleWords), isAdmin: roles.includes('admin') }));
  });

  return router;
}
