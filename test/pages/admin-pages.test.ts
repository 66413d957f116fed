import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { setPassword } from '../../src/pages/passwords.ts';
import { PageClient } from '../support/browser-session.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const PASSWORD = 'correct horse battery staple';

describe('admin pages', () => {
  let app: TestApp;
  let admin: TestPerson;
  let quality: TestPerson;
  let staff: TestPerson;
  let mentor: TestPerson;
  let northgate: string;

  const signedIn = async (person: TestPerson) => {
    const client = new PageClient(app);
    await client.signIn(person.email, PASSWORD);
    return client;
  };
  const personByEmail = async (email: string) => (await app.call('GET', '/api/people?limit=500', admin.token)).body.items.find((item: { email: string }) => item.email === email);
  const libraryNames = async () => (await app.call('GET', '/api/libraries?limit=500', admin.token)).body.items.map((item: { name: string }) => item.name);

  beforeAll(async () => {
    app = await createTestApp();
    northgate = await app.library('Northgate University Library');
    admin = await app.person(['admin']);
    quality = await app.person(['quality_group']);
    staff = await app.person(['library_staff'], northgate);
    mentor = await app.person(['mentor'], await app.library('Riverside College Library'));
    for (const person of [admin, quality, staff, mentor]) await setPassword(app.db.em.fork(), person.email, PASSWORD);
  });

  afterAll(async () => {
    await app?.dispose();
  });

  it('rejects other roles and visitors', async () => {
    for (const person of [quality, staff, mentor]) {
      const client = await signedIn(person);
      for (const page of ['/admin/libraries', '/admin/people', '/admin/people/new', `/admin/people/${admin.id}`]) {
        expect((await client.get(page)).status, `${person.email} ${page}`).toBe(403);
      }
      const csrf = PageClient.csrf((await client.get('/account')).html);
      expect((await client.post('/admin/libraries', { _csrf: csrf, name: 'Sneaky Library' })).status).toBe(403);
      expect((await client.post(`/admin/people/${admin.id}/tokens/revoke`, { _csrf: csrf })).status).toBe(403);
    }
    expect(await libraryNames()).not.toContain('Sneaky Library');
    expect((await app.call('GET', '/api/people', admin.token)).status).toBe(200);

    const visitor = await new PageClient(app).get('/admin/people');
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get('location')).toBe('/login?next=%2Fadmin%2Fpeople');
  });

  it('links the admin pages from the navigation', async () => {
    const client = await signedIn(admin);
    const account = await client.get('/account');

    expect(account.html).toContain('<li><a href="/admin/people">People</a></li><li><a href="/admin/libraries">Libraries</a></li>');
    const qualityClient = await signedIn(quality);
    expect((await qualityClient.get('/dashboard')).html).not.toContain('href="/admin/people"');
  });

  it('lists libraries with their people', async () => {
    const client = await signedIn(admin);
    const page = await client.get('/admin/libraries');

    expect(page.status).toBe(200);
    expect(page.html).toContain(`<tr><td>Northgate University Library</td><td>1</td><td><code>${northgate}</code></td></tr>`);
    expect(page.html).toContain('2 libraries. Page 1 of 1.');
  });

  it('adds a library', async () => {
    const client = await signedIn(admin);
    const form = await client.get('/admin/libraries');
    const response = await client.post('/admin/libraries', { _csrf: PageClient.csrf(form.html), name: '  Eastfield Community Library ' });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/libraries?done=library-added');
    expect(await libraryNames()).toContain('Eastfield Community Library');
    const after = await client.get('/admin/libraries?done=library-added');
    expect(after.html).toContain('The library is added.');
    expect(after.html).toContain('<td>Eastfield Community Library</td><td>0</td>');
  });

  it('rejects an empty or taken library name', async () => {
    const client = await signedIn(admin);
    const form = await client.get('/admin/libraries');
    const empty = await client.post('/admin/libraries', { _csrf: PageClient.csrf(form.html), name: '   ' });
    expect(empty.status).toBe(422);
    expect(empty.html).toContain('<a href="#library-name">Enter the library’s name.</a>');
    expect(empty.html).toContain('aria-invalid="true"');

    const duplicate = await client.post('/admin/libraries', { _csrf: PageClient.csrf(form.html), name: 'Northgate University Library' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.html).toContain('A library named “Northgate University Library” already exists. Choose another name.');
    expect(duplicate.html).toContain('value="Northgate University Library"');

    const long = await client.post('/admin/libraries', { _csrf: PageClient.csrf(form.html), name: 'L'.repeat(201) });
    expect(long.status).toBe(422);
    expect(long.html).toContain('The name has 201 characters. Shorten it to 200 characters or fewer.');
    expect((await libraryNames()).filter((name: string) => name === 'Northgate University Library')).toHaveLength(1);
  });

  it('rejects a library post without the token', async () => {
    const client = await signedIn(admin);
    const response = await client.post('/admin/libraries', { name: 'Tokenless Library' });

    expect(response.status).toBe(403);
    expect(await libraryNames()).not.toContain('Tokenless Library');
  });

  it('lists people with roles and tokens', async () => {
    const client = await signedIn(admin);
    const page = await client.get('/admin/people');

    expect(page.status).toBe(200);
    expect(page.html).toContain('4 people. Page 1 of 1.');
    expect(page.html).toContain(`<td><a href="/admin/people/${staff.id}">`);
    expect(page.html).toContain(`<td>${staff.email}</td>`);
    expect(page.html).toMatch(new RegExp(`${staff.email}</td>\\s*<td><span class="tag">Library staff</span> </td>\\s*<td>Northgate University Library</td>\\s*<td>1</td>`));
  });

  it('rejects a page number that is not whole', async () => {
    const client = await signedIn(admin);
    const response = await client.get('/admin/people?page=two');

    expect(response.status).toBe(422);
    expect(response.html).toContain('The page &quot;two&quot; is not a valid page number. Use a whole number from 1.');
  });

  it('adds a person with roles and a library', async () => {
    const client = await signedIn(admin);
    const form = await client.get('/admin/people/new');
    expect(form.html).toContain(`<option value="${northgate}">Northgate University Library</option>`);
    const body = new URLSearchParams({ _csrf: PageClient.csrf(form.html), email: 'New.Lead@Northgate.ac.uk', name: 'Nia Lead', libraryId: northgate });
    body.append('roles', 'library_staff');
    body.append('roles', 'mentor');
    const response = await app.app.request('http://127.0.0.1/admin/people', {
      method: 'POST',
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://127.0.0.1', cookie: [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
    });

    expect(response.status).toBe(303);
    const added = await personByEmail('new.lead@northgate.ac.uk');
    expect(added).toMatchObject({ name: 'Nia Lead', roles: ['library_staff', 'mentor'], libraryId: northgate });
    expect(response.headers.get('location')).toBe(`/admin/people/${added.id}?done=person-added`);
    const page = await client.get(`/admin/people/${added.id}?done=person-added`);
    expect(page.html).toContain('The person is added.');
    expect(page.html).toContain('<dt>Library</dt><dd>Northgate University Library</dd>');
    expect(page.html).toContain('<span class="tag">Library staff</span> <span class="tag">Mentor</span>');
    expect(page.html).toContain('has no live API tokens, so there is nothing to revoke.');
  });

  it('names each missing person field', async () => {
    const client = await signedIn(admin);
    const form = await client.get('/admin/people/new');
    const response = await client.post('/admin/people', { _csrf: PageClient.csrf(form.html), email: '', name: '', libraryId: '' });

    expect(response.status).toBe(422);
    expect(response.html).toContain('<a href="#person-email">Enter the person’s email address, for example name@library.ac.uk.</a>');
    expect(response.html).toContain('<a href="#person-name">Enter the person’s name as others should see it.</a>');
    expect(response.html).toContain('<a href="#person-role-library_staff">Choose at least one role.</a>');
  });

  it('asks for a library for staff and mentors', async () => {
    const client = await signedIn(admin);
    const form = await client.get('/admin/people/new');
    const response = await client.post('/admin/people', { _csrf: PageClient.csrf(form.html), email: 'mentor.two@example.ac.uk', name: 'Mo Mentor', roles: 'mentor', libraryId: '' });

    expect(response.status).toBe(422);
    expect(response.html).toContain('<a href="#person-library">Choose the person’s library. Library staff and mentors belong to a library.</a>');
    expect(response.html).toContain('value="mentor.two@example.ac.uk"');
    expect(response.html).toMatch(/id="person-role-mentor" name="roles" value="mentor" checked/);
    expect(await personByEmail('mentor.two@example.ac.uk')).toBeUndefined();
  });

  it('rejects an invalid or taken email', async () => {
    const client = await signedIn(admin);
    const form = await client.get('/admin/people/new');
    const invalid = await client.post('/admin/people', { _csrf: PageClient.csrf(form.html), email: 'not an email', name: 'Q Person', roles: 'quality_group', libraryId: '' });
    expect(invalid.status).toBe(422);
    expect(invalid.html).toContain('<a href="#person-email">“not an email” is not a valid email address. Enter it in the form name@library.ac.uk.</a>');

    const duplicate = await client.post('/admin/people', { _csrf: PageClient.csrf(form.html), email: staff.email.toUpperCase(), name: 'Copy', roles: 'quality_group', libraryId: '' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.html).toContain(`A person with the email ${staff.email} already exists.`);

    const unknownLibrary = await client.post('/admin/people', { _csrf: PageClient.csrf(form.html), email: 'q2@example.ac.uk', name: 'Q Two', roles: 'mentor', libraryId: '00000000-0000-4000-8000-000000000000' });
    expect(unknownLibrary.status).toBe(422);
    expect(unknownLibrary.html).toContain('<a href="#person-library">Choose the person’s library from the list.</a>');
    expect(await personByEmail('q2@example.ac.uk')).toBeUndefined();
  });

  it('revokes every token of a person', async () => {
    expect((await app.call('GET', '/api/applications', staff.token)).status).toBe(200);
    const client = await signedIn(admin);
    const page = await client.get(`/admin/people/${staff.id}`);
    expect(page.html).toContain('<dt>Live API tokens</dt><dd>1</dd>');

    const missingToken = await client.post(`/admin/people/${staff.id}/tokens/revoke`, {});
    expect(missingToken.status).toBe(403);
    expect((await app.call('GET', '/api/applications', staff.token)).status).toBe(200);

    const response = await client.post(`/admin/people/${staff.id}/tokens/revoke`, { _csrf: PageClient.csrf(page.html) });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/admin/people/${staff.id}?done=tokens-revoked`);
    expect((await app.call('GET', '/api/applications', staff.token)).status).toBe(401);
    const after = await client.get(`/admin/people/${staff.id}?done=tokens-revoked`);
    expect(after.html).toContain('Every API token of this person is revoked.');
    expect(after.html).toContain('<dt>Live API tokens</dt><dd>0</dd>');
  });

  it('sets a password the person signs in with', async () => {
    const person = await app.person(['library_staff'], northgate);
    const client = await signedIn(admin);
    const page = await client.get(`/admin/people/${person.id}`);
    expect(page.html).toContain('Not set yet');
    const csrf = PageClient.csrf(page.html);

    const differ = await client.post(`/admin/people/${person.id}/password`, { _csrf: csrf, password: 'granite willow harbour', confirm: 'granite willow harbor' });
    const short = await client.post(`/admin/people/${person.id}/password`, { _csrf: csrf, password: 'short', confirm: 'short' });
    const set = await client.post(`/admin/people/${person.id}/password`, { _csrf: csrf, password: 'granite willow harbour', confirm: 'granite willow harbour' });

    expect(differ.status).toBe(422);
    expect(differ.html).toContain('href="#new-password">The two passwords differ.');
    expect(short.status).toBe(422);
    expect(short.html).toContain('The password is 5 characters long; use 10 to 200.');
    expect(set.status).toBe(303);
    expect(set.headers.get('location')).toBe(`/admin/people/${person.id}?done=password-set`);
    const signIn = await new PageClient(app).signIn(person.email, 'granite willow harbour');
    expect(signIn.headers.get('location')).toBe('/applications');
  });

  it('lets only admins set a password', async () => {
    const client = await signedIn(quality);
    const page = await client.get('/dashboard');

    const response = await client.post(`/admin/people/${staff.id}/password`, { _csrf: PageClient.csrf(page.html), password: 'granite willow harbour', confirm: 'granite willow harbour' });

    expect(response.status).toBe(403);
    expect((await new PageClient(app).signIn(staff.email, PASSWORD)).headers.get('location')).toBe('/applications');
  });

  it('returns 404 for an unknown person', async () => {
    const client = await signedIn(admin);

    expect((await client.get('/admin/people/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await client.get('/admin/people/nobody')).status).toBe(404);
  });
});
