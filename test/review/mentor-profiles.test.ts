import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

describe('mentor profiles', () => {
  let app: TestApp;
  let mentor: TestPerson;
  let otherMentor: TestPerson;
  let staff: TestPerson;
  let quality: TestPerson;
  let admin: TestPerson;
  let conflictLibrary: string;

  const profileUrl = (personId: string) => `/api/people/${personId}/mentor-profile`;
  const validProfile = () => ({ capacity: 2, standards: ['cse'], conflicts: [conflictLibrary] });

  beforeAll(async () => {
    app = await createTestApp();
    conflictLibrary = await app.library('Ashworth Public Library');
    staff = await app.person(['library_staff'], conflictLibrary);
    mentor = await app.person(['mentor'], await app.library('Brookfield County Library'));
    otherMentor = await app.person(['mentor'], await app.library('Calder Valley Library'));
    quality = await app.person(['quality_group']);
    admin = await app.person(['admin']);
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('returns the defaults when none is stored', async () => {
    const response = await app.call('GET', profileUrl(otherMentor.id), otherMentor.token);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ personId: otherMentor.id, capacity: 3, standards: ['cse', 'library-service-mark'], conflicts: [], declared: false, updatedAt: null });
  });

  it('stores a profile written by the mentor', async () => {
    const stored = await app.call('PUT', profileUrl(mentor.id), mentor.token, validProfile());
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ personId: mentor.id, capacity: 2, standards: ['cse'], conflicts: [conflictLibrary], declared: true });
    expect(typeof stored.body.updatedAt).toBe('string');

    const read = await app.call('GET', profileUrl(mentor.id), mentor.token);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(stored.body);
  });

  it('lets an admin write and replace a profile', async () => {
    const first = await app.call('PUT', profileUrl(mentor.id), admin.token, { capacity: 0, standards: [], conflicts: [] });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ capacity: 0, standards: [], conflicts: [], declared: true });

    const second = await app.call('PUT', profileUrl(mentor.id), admin.token, { capacity: 100, standards: ['cse', 'cse', 'library-service-mark'], conflicts: [conflictLibrary, conflictLibrary.toUpperCase()] });
    expect(second.status).toBe(200);
    expect(second.body.capacity).toBe(100);
    expect(second.body.standards).toEqual(['cse', 'library-service-mark']);
    expect(second.body.conflicts).toEqual([conflictLibrary]);
  });

  it('rejects writers other than the mentor or an admin', async () => {
    const cases: [string, TestPerson][] = [
      ['other mentor', otherMentor],
      ['quality group', quality],
      ['library staff', staff],
    ];
    for (const [who, caller] of cases) {
      const response = await app.call('PUT', profileUrl(mentor.id), caller.token, validProfile());
      expect(response.status, who).toBe(403);
      expect(response.headers.get('content-type'), who).toContain('application/problem+json');
    }

    const noToken = await app.call('PUT', profileUrl(mentor.id), null, validProfile());
    expect(noToken.status).toBe(401);
  });

  it('checks access before the body', async () => {
    const response = await app.call('PUT', profileUrl(mentor.id), otherMentor.token, { capacity: 'many' });
    expect(response.status).toBe(403);
  });

  it('limits reading to the mentor, admins and the quality group', async () => {
    expect((await app.call('GET', profileUrl(mentor.id), quality.token)).status).toBe(200);
    expect((await app.call('GET', profileUrl(mentor.id), admin.token)).status).toBe(200);
    expect((await app.call('GET', profileUrl(mentor.id), otherMentor.token)).status).toBe(403);
    expect((await app.call('GET', profileUrl(mentor.id), staff.token)).status).toBe(403);
    expect((await app.call('GET', profileUrl(mentor.id), null)).status).toBe(401);
  });

  it('returns 404 for an unknown person', async () => {
    const unknown = await app.call('PUT', profileUrl('00000000-0000-4000-8000-000000000000'), admin.token, validProfile());
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not_found');

    const malformed = await app.call('GET', profileUrl('not-an-id'), quality.token);
    expect(malformed.status).toBe(404);
  });

  it('rejects a person who is not a mentor', async () => {
    const written = await app.call('PUT', profileUrl(staff.id), admin.token, validProfile());
    expect(written.status).toBe(422);
    expect(written.body.detail).toContain('does not have the mentor role');

    const read = await app.call('GET', profileUrl(staff.id), quality.token);
    expect(read.status).toBe(422);
  });

  it('rejects an unknown standard id by name', async () => {
    const response = await app.call('PUT', profileUrl(mentor.id), mentor.token, { capacity: 2, standards: ['cse', 'iso-9001'], conflicts: [] });
    expect(response.status).toBe(422);
    expect(response.body.detail).toContain('"iso-9001"');
    expect(response.body.detail).not.toContain('"cse"');
  });

  it('rejects an unknown library in conflicts', async () => {
    const unknown = '00000000-0000-4000-8000-000000000001';
    const response = await app.call('PUT', profileUrl(mentor.id), mentor.token, { capacity: 2, standards: [], conflicts: [conflictLibrary, unknown, 'library-b'] });
    expect(response.status).toBe(422);
    expect(response.body.detail).toContain(unknown);
    expect(response.body.detail).toContain('library-b');
    expect(response.body.detail).not.toContain(conflictLibrary);
  });

  it('rejects a capacity outside 0 to 100', async () => {
    for (const capacity of [-1, 101, 1.5, '3', null]) {
      const response = await app.call('PUT', profileUrl(mentor.id), mentor.token, { capacity, standards: [], conflicts: [] });
      expect(response.status, `capacity ${JSON.stringify(capacity)}`).toBe(422);
    }
  });

  it('rejects unknown and missing fields', async () => {
    const extra = await app.call('PUT', profileUrl(mentor.id), mentor.token, { ...validProfile(), rating: 'gold' });
    expect(extra.status).toBe(422);

    const missing = await app.call('PUT', profileUrl(mentor.id), mentor.token, { capacity: 2 });
    expect(missing.status).toBe(422);
  });

  it('takes the default capacity from MENTOR_DEFAULT_CAPACITY', async () => {
    const configured = await createTestApp({ MENTOR_DEFAULT_CAPACITY: '5' });
    try {
      const person = await configured.person(['mentor'], await configured.library());
      const response = await configured.call('GET', profileUrl(person.id), person.token);
      expect(response.status).toBe(200);
      expect(response.body.capacity).toBe(5);
      expect(response.body.declared).toBe(false);
    } finally {
      await configured.dispose();
    }
  });
});
