import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { setPassword } from '../../src/pages/passwords.ts';
import { recordSignInFailure, signInDelay, throttleKeys } from '../../src/pages/sign-in-throttle.ts';
import { PageClient } from '../support/browser-session.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const PASSWORD = 'correct horse battery staple';

describe('sign-in', () => {
  let app: TestApp;
  let staff: TestPerson;

  beforeAll(async () => {
    app = await createTestApp();
    staff = await app.person(['library_staff'], await app.library());
    await setPassword(app.db.em.fork(), staff.email, PASSWORD);
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('shows the form with a strict policy', async () => {
    const page = await new PageClient(app).get('/login');

    expect(page.status).toBe(200);
    expect(page.html).toContain('<form method="post" action="/login"');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('rejects a wrong password', async () => {
    const client = new PageClient(app);
    const page = await client.signIn(staff.email, 'not the password');

    expect(page.status).toBe(401);
    expect(page.html).toContain('Email or password not recognised');
    expect(client.cookies.has('waymark_session')).toBe(false);
  });

  it('rejects an unknown email alike', async () => {
    const page = await new PageClient(app).signIn('nobody@example.ac.uk', PASSWORD);

    expect(page.status).toBe(401);
    expect(page.html).toContain('Email or password not recognised');
  });

  it('signs in and out', async () => {
    const client = new PageClient(app);
    const landed = await client.signIn(staff.email, PASSWORD);
    expect(landed.status).toBe(303);
    expect(landed.headers.get('location')).toBe('/applications');
    const cookie = landed.headers.getSetCookie().find((line) => line.startsWith('waymark_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Secure/);

    const account = await client.get('/account');
    expect(account.status).toBe(200);
    const out = await client.post('/logout', { _csrf: PageClient.csrf(account.html) });
    expect(out.status).toBe(303);
    expect((await client.get('/account')).status).toBe(303);
  });

  it('refuses a post from another site', async () => {
    const client = new PageClient(app);
    const form = await client.get('/login');
    const page = await client.post('/login', { _csrf: PageClient.csrf(form.html), email: staff.email, password: PASSWORD }, { origin: 'https://evil.example' });

    expect(page.status).toBe(403);
    expect(client.cookies.has('waymark_session')).toBe(false);
  });

  it('refuses a post without a token', async () => {
    const client = new PageClient(app);
    await client.get('/login');

    expect((await client.post('/login', { email: staff.email, password: PASSWORD })).status).toBe(403);
  });

  it('refuses sign-out without a token', async () => {
    const client = new PageClient(app);
    await client.signIn(staff.email, PASSWORD);

    expect((await client.post('/logout', {})).status).toBe(403);
    expect((await client.get('/account')).status).toBe(200);
  });

  it('slows down repeated failures', async () => {
    const keys = throttleKeys('target@example.ac.uk', '203.0.113.9');
    const now = new Date();
    const delays: number[] = [];
    for (let failure = 0; failure < 7; failure++) {
      delays.push(await signInDelay(app.db.em, keys, now));
      await recordSignInFailure(app.db.em, keys, now);
    }

    expect(delays).toEqual([0, 0, 0, 0, 500, 1000, 2000]);
  });

  it('does not return to another site', async () => {
    const client = new PageClient(app);
    const form = await client.get('/login?next=//evil.example/');
    const page = await client.post('/login', { _csrf: PageClient.csrf(form.html), email: staff.email, password: PASSWORD, next: '//evil.example/' });

    expect(page.headers.get('location')).toBe('/applications');
  });
});
