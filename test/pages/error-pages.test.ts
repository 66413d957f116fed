import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AppEnv } from '../../src/http/env.ts';
import { createLogger } from '../../src/logger.ts';
import { errorResponse, wantsErrorPage } from '../../src/pages/error-page.ts';
import { setPassword } from '../../src/pages/passwords.ts';
import { PageClient } from '../support/browser-session.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const PASSWORD = 'correct horse battery staple';
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('error pages outside the API', () => {
  let app: TestApp;
  let staff: TestPerson;
  let client: PageClient;

  /** Sends a GET with the signed-in client's cookies and the given Accept header. */
  const get = async (path: string, accept: string) => {
    const cookie = [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await app.app.request(`http://127.0.0.1${path}`, { headers: { accept, cookie } });
    return { status: response.status, type: response.headers.get('content-type') ?? '', headers: response.headers, text: await response.text() };
  };

  beforeAll(async () => {
    app = await createTestApp();
    staff = await app.person(['library_staff'], await app.library('Northgate University Library'));
    await setPassword(app.db.em.fork(), staff.email, PASSWORD);
    client = new PageClient(app);
    await client.signIn(staff.email, PASSWORD);
  });

  afterAll(async () => {
    await app?.dispose();
  });

  it('shows a browser the 404 page with the site header', async () => {
    const response = await get('/nonexistent', BROWSER_ACCEPT);

    expect(response.status).toBe(404);
    expect(response.type).toMatch(/^text\/html/);
    expect(response.text).toContain('<h1>Page not found</h1>');
    expect(response.text).toContain('There is no page at /nonexistent. Check the address, or follow a link from your home page.');
    expect(response.text).toContain(`Signed in as Person`);
    expect(response.text).toContain('<a href="/applications">Your applications</a>');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('shows a visitor the 404 page without the header', async () => {
    const response = await app.app.request('http://127.0.0.1/no/such/page', { headers: { accept: BROWSER_ACCEPT } });
    const html = await response.text();

    expect(response.status).toBe(404);
    expect(html).toContain('<h1>Page not found</h1>');
    expect(html).not.toContain('Signed in as');
  });

  it('keeps problem+json for non-HTML clients', async () => {
    const response = await get('/nonexistent', '*/*');

    expect(response.status).toBe(404);
    expect(response.type).toBe('application/problem+json');
    expect(JSON.parse(response.text).code).toBe('not_found');
  });

  it('keeps problem+json under /api for a browser', async () => {
    const response = await app.app.request('http://127.0.0.1/api/nonexistent', { headers: { accept: BROWSER_ACCEPT, authorization: `Bearer ${staff.token}` } });

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(((await response.json()) as { detail: string }).detail).toBe('No route GET /api/nonexistent. See /docs for the routes this service offers.');
  });
});

describe('errorResponse', () => {
  const logger = createLogger('silent');

  /** A bare app whose only route throws an unexpected error, with the handler the service installs. */
  const failingApp = () => {
    const app = new Hono<AppEnv>();
    app.use('*', async (c, next) => {
      c.set('requestId', 'request-42');
      c.set('log', logger);
      await next();
    });
    app.get('/broken', () => {
      throw new Error('secret connection string leaked');
    });
    app.get('/api/broken', () => {
      throw new Error('secret connection string leaked');
    });
    app.onError((error, c) => errorResponse(error, c, wantsErrorPage(c)));
    return app;
  };

  it('renders an unexpected error as the 500 page', async () => {
    const response = await failingApp().request('http://127.0.0.1/broken', { headers: { accept: BROWSER_ACCEPT } });
    const html = await response.text();

    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain('<h1>Internal error</h1>');
    expect(html).toContain('The server failed to handle GET /broken. The error was logged with request id request-42');
    expect(html).not.toContain('secret connection string');
  });

  it('keeps problem+json for an API route', async () => {
    const response = await failingApp().request('http://127.0.0.1/api/broken', { headers: { accept: BROWSER_ACCEPT } });

    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(((await response.json()) as { code: string }).code).toBe('internal');
  });
});
