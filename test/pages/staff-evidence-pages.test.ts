import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { setPassword } from '../../src/pages/passwords.ts';
import { PageClient } from '../support/browser-session.ts';
import { makePdf, makePng } from '../fixtures/files/make-files.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const PASSWORD = 'correct horse battery staple';

type Item = { id: string; kind: string; title: string; body: string | null; url: string | null; revision: number; fileName: string | null; elements: { code: string }[] };

describe('staff evidence pages', () => {
  let app: TestApp;
  let staff: TestPerson;
  let otherStaff: TestPerson;

  const newApplication = async (): Promise<string> => {
    const created = await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' });
    await app.call('POST', `/api/applications/${created.body.id}/events`, staff.token, { type: 'start' });
    return created.body.id;
  };

  const addNote = async (applicationId: string, codes = ['1.1.1', '1.1.2']): Promise<Item> =>
    (await app.call('POST', `/api/applications/${applicationId}/evidence`, staff.token, { kind: 'note', title: 'Customer profile', body: 'Profiles by group.', elements: codes.map((code) => ({ code })) })).body;

  const itemOf = async (applicationId: string, evidenceId: string) => app.call('GET', `/api/applications/${applicationId}/evidence/${evidenceId}`, staff.token);

  const signedIn = async (person: TestPerson) => {
    const client = new PageClient(app);
    await client.signIn(person.email, PASSWORD);
    return client;
  };

  beforeAll(async () => {
    app = await createTestApp();
    staff = await app.person(['library_staff'], await app.library('Northgate Library'));
    otherStaff = await app.person(['library_staff'], await app.library('Southfield Library'));
    for (const person of [staff, otherStaff]) await setPassword(app.db.em.fork(), person.email, PASSWORD);
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('edit page shows the item and its history', async () => {
    const id = await newApplication();
    const item = await addNote(id);
    const client = await signedIn(staff);

    const page = await client.get(`/applications/${id}/evidence/${item.id}?from=1.1.2`);

    expect(page.status).toBe(200);
    expect(page.html).toContain('value="Customer profile"');
    expect(page.html).toContain('Back to element 1.1.2');
    expect(page.html).toContain('Save as a new revision');
    expect(page.html).toMatch(/<td>1<\/td><td>Customer profile<\/td><td>1\.1\.1, 1\.1\.2<\/td>/);
  });

  it('edit saves a new revision', async () => {
    const id = await newApplication();
    const item = await addNote(id);
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}/evidence/${item.id}`);

    const saved = await client.post(`/applications/${id}/evidence/${item.id}`, { _csrf: PageClient.csrf(page.html), title: 'Customer profile 2026', body: 'Refreshed each autumn.', from: '1.1.1' });

    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/applications/${id}/evidence/${item.id}?from=1.1.1&done=evidence-updated`);
    const stored = await itemOf(id, item.id);
    expect(stored.body).toMatchObject({ title: 'Customer profile 2026', body: 'Refreshed each autumn.', revision: 2 });
    expect((await client.get(saved.headers.get('location')!)).html).toContain('The evidence was saved as a new revision.');
  });

  it('edit rejects an empty title and text', async () => {
    const id = await newApplication();
    const item = await addNote(id);
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}/evidence/${item.id}`);

    const rejected = await client.post(`/applications/${id}/evidence/${item.id}`, { _csrf: PageClient.csrf(page.html), title: ' ', body: '' });

    expect(rejected.status).toBe(422);
    expect(rejected.html).toContain('href="#evidence-title">Enter a title for the evidence.');
    expect(rejected.html).toContain('href="#evidence-body">Enter the text of the note.');
    expect((await itemOf(id, item.id)).body.revision).toBe(1);
  });

  it('edit rejects a link without a web address', async () => {
    const id = await newApplication();
    const link = (await app.call('POST', `/api/applications/${id}/evidence`, staff.token, { kind: 'link', title: 'Survey', url: 'https://library.example.ac.uk/survey', elements: [{ code: '1.3.1' }] })).body as Item;
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}/evidence/${link.id}`);

    const rejected = await client.post(`/applications/${id}/evidence/${link.id}`, { _csrf: PageClient.csrf(page.html), title: 'Survey', url: 'javascript:alert(1)' });

    expect(rejected.status).toBe(422);
    expect(rejected.html).toContain('Enter the link as a full web address');
    expect((await itemOf(id, link.id)).body.url).toBe('https://library.example.ac.uk/survey');
  });

  it('replace file saves a new revision', async () => {
    const id = await newApplication();
    const uploaded = await app.upload(`/api/applications/${id}/evidence`, staff.token, [{ name: 'file', fileName: 'charter.pdf', type: 'application/pdf', body: makePdf() }, { name: 'elements', body: '3.1.1' }]);
    const item = uploaded.body[0] as Item;
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}/evidence/${item.id}?from=3.1.1`);
    expect(page.html).toContain('Replace the file');

    const replaced = await client.postMultipart(`/applications/${id}/evidence/${item.id}/file`, [
      { name: '_csrf', body: PageClient.csrf(page.html) },
      { name: 'from', body: '3.1.1' },
      { name: 'file', fileName: 'charter-poster.png', type: 'image/png', body: makePng(40, 30) },
    ]);

    expect(replaced.status).toBe(303);
    const stored = await itemOf(id, item.id);
    expect(stored.body).toMatchObject({ fileName: 'charter-poster.png', mediaType: 'image/png', revision: 2 });
  });

  it('replace file without a file: 422', async () => {
    const id = await newApplication();
    const uploaded = await app.upload(`/api/applications/${id}/evidence`, staff.token, [{ name: 'file', fileName: 'charter.pdf', type: 'application/pdf', body: makePdf() }]);
    const item = uploaded.body[0] as Item;
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}/evidence/${item.id}`);

    const rejected = await client.postMultipart(`/applications/${id}/evidence/${item.id}/file`, [{ name: '_csrf', body: PageClient.csrf(page.html) }, { name: 'file', fileName: '', type: 'application/octet-stream', body: '' }]);

    expect(rejected.status).toBe(422);
    expect(rejected.html).toContain('Choose the new file.');
  });

  it('delete needs confirmation, then deletes', async () => {
    const id = await newApplication();
    const item = await addNote(id);
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}/evidence/${item.id}?from=1.1.1`);
    const csrf = PageClient.csrf(page.html);

    const unconfirmed = await client.post(`/applications/${id}/evidence/${item.id}/delete`, { _csrf: csrf, from: '1.1.1' });
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.html).toContain('Tick the box to confirm');
    expect((await itemOf(id, item.id)).body.deletedAt).toBeNull();

    const deleted = await client.post(`/applications/${id}/evidence/${item.id}/delete`, { _csrf: csrf, from: '1.1.1', confirm: 'yes' });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get('location')).toBe(`/applications/${id}/elements/1.1.1?done=evidence-deleted#evidence`);
    expect((await itemOf(id, item.id)).body.deletedAt).not.toBeNull();
    expect((await client.get(`/applications/${id}/evidence/${item.id}`)).status).toBe(404);
  });

  it('unmap removes one element only', async () => {
    const id = await newApplication();
    const item = await addNote(id);
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}/elements/1.1.1`);
    expect(page.html).toContain('Remove from this element');

    const removed = await client.post(`/applications/${id}/elements/1.1.1/unmap`, { _csrf: PageClient.csrf(page.html), evidenceId: item.id });

    expect(removed.status).toBe(303);
    const stored = await itemOf(id, item.id);
    expect(stored.body.elements.map((mapping: { code: string }) => mapping.code)).toEqual(['1.1.2']);
    expect(stored.body.revision).toBe(2);
  });

  it('comment can be resolved and reopened', async () => {
    const id = await newApplication();
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}/elements/2.1.5`);
    await client.post(`/applications/${id}/elements/2.1.5/comments`, { _csrf: PageClient.csrf(page.html), body: 'Which privacy notice should we add?' });
    const comments = (await app.call('GET', `/api/applications/${id}/review/comments`, staff.token)).body.items as { id: string; resolvedAt: string | null }[];

    const resolved = await client.post(`/applications/${id}/elements/2.1.5/comments/${comments[0].id}/resolve`, { _csrf: PageClient.csrf(page.html), resolved: 'true' });
    expect(resolved.status).toBe(303);
    expect((await app.call('GET', `/api/applications/${id}/review/comments`, staff.token)).body.items[0].resolvedAt).not.toBeNull();
    expect((await client.get(`/applications/${id}/elements/2.1.5`)).html).toContain('Reopen');

    await client.post(`/applications/${id}/elements/2.1.5/comments/${comments[0].id}/resolve`, { _csrf: PageClient.csrf(page.html), resolved: 'false' });
    expect((await app.call('GET', `/api/applications/${id}/review/comments`, staff.token)).body.items[0].resolvedAt).toBeNull();
  });

  it('another library gets 404', async () => {
    const id = await newApplication();
    const item = await addNote(id);
    const client = await signedIn(otherStaff);
    const own = await client.get('/applications');

    expect((await client.get(`/applications/${id}/evidence/${item.id}`)).status).toBe(404);
    expect((await client.post(`/applications/${id}/evidence/${item.id}/delete`, { _csrf: PageClient.csrf(own.html), confirm: 'yes' })).status).toBe(404);
    expect((await itemOf(id, item.id)).body.deletedAt).toBeNull();
  });

  it('frozen application shows history only', async () => {
    const id = await newApplication();
    const item = await addNote(id);
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}/evidence/${item.id}`);
    await app.call('POST', `/api/applications/${id}/events`, staff.token, { type: 'withdraw' });

    const frozen = await client.get(`/applications/${id}/evidence/${item.id}`);
    const rejected = await client.post(`/applications/${id}/evidence/${item.id}`, { _csrf: PageClient.csrf(page.html), title: 'Changed', body: 'Changed.' });

    expect(frozen.html).toContain('so its evidence cannot change now');
    expect(frozen.html).not.toContain('Save as a new revision');
    expect(rejected.status).toBe(409);
    expect((await itemOf(id, item.id)).body.title).toBe('Customer profile');
  });
});
