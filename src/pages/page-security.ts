import type { MiddlewareHandler } from 'hono';

/**
 * Scripts, styles and fonts only from Waymark itself, no framing, forms only
 * to Waymark. Pages work without any script, so none is allowed inline.
 */
export const PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "font-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

export const pageSecurityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('content-security-policy', PAGE_POLICY);
  c.header('x-content-type-options', 'nosniff');
  c.header('referrer-policy', 'same-origin');
  c.header('x-frame-options', 'DENY');
  c.header('cache-control', 'no-store');
};
