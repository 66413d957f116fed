import { randomBytes, timingSafeEqual } from 'node:crypto';

import type { Context } from 'hono';

import { AppError } from '../errors.ts';

export const LOGIN_CSRF_COOKIE = 'waymark_login_csrf';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function same(left: string, right: string): boolean {
  const a = Buffer.from(left);
  const b = Buffer.from(right);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Rejects (403) a form post that another site could have made: a browser's
 * Origin or Sec-Fetch-Site that is not this site, or a token that does not
 * match the one this site gave the form.
 */
export function checkFormPost(c: Context, token: unknown, expected: string | undefined): void {
  const origin = c.req.header('origin');
  const ownOrigin = new URL(c.req.url).origin;
  if (origin !== undefined && origin !== 'null' && origin !== ownOrigin) {
    throw new AppError('form_rejected', `This form was posted from ${origin}, not from Waymark. Open the page in Waymark and send it again.`);
  }
  if (origin === 'null' || c.req.header('sec-fetch-site') === 'cross-site') {
    throw new AppError('form_rejected', 'This form was posted from another site. Open the page in Waymark and send it again.');
  }
  if (typeof token !== 'string' || expected === undefined || !same(token, expected)) {
    throw new AppError('form_rejected', 'This form has expired or did not come from Waymark. Reload the page and send it again.');
  }
}
