import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { setPassword } from '../../src/pages/passwords.ts';
import { PageClient } from '../support/browser-session.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const PASSWORD = 'correct horse battery staple';

describe('add-person form checks', () => {
  let app: TestApp;
  let admin: TestPerson;
  let libraryId: string;

  const signedIn = async (person: TestPerson) => {
    const client = new PageClient(app);
    await client.signIn(person.email, PASSWORD);
    return client;
  };
  /** Posts the add-person form; `roles` may repeat, so the body is built by hand. */
  const addPerson = async (client: PageClient, fields: { email: string; name: string; roles: string[]; libraryId: string }) => {
    const form = await client.get('/admin/people/new');
    const body = new URLSearchParams({ _csrf: PageClient.csrf(form.html), email: fields.email, name: fields.name, libraryId: fields.libraryId });
    for (const role of fields.roles) body.append('roles', role);
    const cookie = [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await app.app.request('http://127.0.0.1/admin/people', { method: 'POST', body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: 'http://127.0.0.1' } });
    return { status: response.status, html: await response.text(), location: response.headers.get('location') };
  };
  const personExists = async (email: string) => (await app.db.em.fork().getConnection().execute('select 1 from person where email = ?', [email])).length > 0;

  beforeAll(async () => {
    app = await createTestApp();
    admin = await app.person(['admin', 'library_staff'], await app.library('Fenwick College Library'));
    libraryId = await app.library('Northgate University Library');
    await setPassword(app.db.em.fork(), admin.email, PASSWORD);
  });

  afterAll(async () => {
    await app?.dispose();
  });

  it('reports an invalid email with the other faults', async () => {
    const response = await addPerson(await signedIn(admin), { email: 'not-an-email', name: '', roles: [], libraryId: '' });

    expect(response.status).toBe(422);
    expect(response.html).toContain('<a href="#person-email">“not-an-email” is not a valid email address. Enter it in the form name@library.ac.uk.</a>');
    expect(response.html).toContain('<a href="#person-name">Enter the person’s name as others should see it.</a>');
    expect(response.html).toContain('<a href="#person-role-library_staff">Choose at least one role.</a>');
    expect(await personExists('not-an-email')).toBe(false);
  });

  it('rejects a library for a quality-group member', async () => {
    const response = await addPerson(await signedIn(admin), { email: 'quality.lead@example.ac.uk', name: 'Quality Lead', roles: ['quality_group'], libraryId });

    expect(response.status).toBe(422);
    expect(response.html).toContain('<a href="#person-library">Choose “No library” for the library, or add the Library staff or Mentor role. Only library staff and mentors belong to a library.</a>');
    expect(response.html).toContain('id="person-library-error"');
    expect(await personExists('quality.lead@example.ac.uk')).toBe(false);
  });

  it('rejects a library for an admin', async () => {
    const response = await addPerson(await signedIn(admin), { email: 'second.admin@example.ac.uk', name: 'Second Admin', roles: ['admin'], libraryId });

    expect(response.status).toBe(422);
    expect(response.html).toContain('Only library staff and mentors belong to a library.');
    expect(await personExists('second.admin@example.ac.uk')).toBe(false);
  });

  it('accepts a library when a role needs one', async () => {
    const response = await addPerson(await signedIn(admin), { email: 'staff.admin@example.ac.uk', name: 'Staff Admin', roles: ['admin', 'library_staff'], libraryId });

    expect(response.status).toBe(303);
    expect(response.location).toMatch(/^\/admin\/people\/[0-9a-f-]+\?done=person-added$/);
    expect(await personExists('staff.admin@example.ac.uk')).toBe(true);
  });

  it('names roles in words on the account page', async () => {
    const page = await (await signedIn(admin)).get('/account');

    expect(page.html).toContain('<span class="tag">Admin</span>');
    expect(page.html).toContain('<span class="tag">Library staff</span>');
    expect(page.html).not.toContain('library_staff</span>');
  });
});
