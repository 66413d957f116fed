import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { completeEvidence, elementCodes } from '../support/lifecycle.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

type Mentor = { id: string; token: string; libraryId: string };

/*
 * One world for every test. Ashworth applies; Greenfield's two applications in
 * review give the mentors their load and experience:
 * - Carys mentored a CSE round, then was replaced by Dylan, who is still assigned (load 1).
 * - Bella mentored a Library Service Mark round and was released; Finn took it over (load 1, capacity 1).
 * - Alice works for Ashworth, Esme declared a conflict with it, Gwen's profile lists
 *   only the Library Service Mark and Huw has capacity 0. Ava has no profile and no history.
 */
describe('mentor suggestions', () => {
  let app: TestApp;
  let admin: TestPerson;
  let quality: TestPerson;
  let staffA: TestPerson;
  let applicant: string;
  let mentors: Record<'alice' | 'ava' | 'bella' | 'carys' | 'dylan' | 'esme' | 'finn' | 'gwen' | 'huw', Mentor>;
  // Ashworth's CSE application, waiting for a mentor, and its Library Service Mark application in draft.
  let cseTarget: string;
  let lsmTarget: string;

  const send = async (id: string, token: string, event: object) => {
    const response = await app.call('POST', `/api/applications/${id}/events`, token, event);
    if (response.status !== 200) throw new Error(`${JSON.stringify(event)} failed: ${response.status} ${JSON.stringify(response.body)}`);
  };

  /** Adds a mentor with a chosen name through the API, so the name tie-break is predictable. */
  const addMentor = async (name: string, libraryId: string): Promise<Mentor> => {
    const email = `${name.toLowerCase().replace(/\W+/g, '.')}@example.ac.uk`;
    const created = await app.call('POST', '/api/people', admin.token, { email, name, role: 'mentor', libraryId });
    if (created.status !== 201) throw new Error(`adding ${name} failed: ${created.status} ${JSON.stringify(created.body)}`);
    const token = await app.call('POST', `/api/people/${created.body.id}/tokens`, admin.token);
    return { id: created.body.id, token: token.body.token, libraryId };
  };

  const setProfile = async (mentor: Mentor, profile: object) => {
    const response = await app.call('PUT', `/api/people/${mentor.id}/mentor-profile`, mentor.token, profile);
    if (response.status !== 200) throw new Error(`storing the profile failed: ${response.status} ${JSON.stringify(response.body)}`);
  };

  /** Creates an application of `staff`'s library, starts it and, unless `draft`, brings it to peerReview.awaitingMentor. */
  const application = async (staff: TestPerson, standardId: string, draft = false): Promise<string> => {
    const created = await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId, cycle: 'initial' });
    if (created.status !== 201) throw new Error(`creating failed: ${created.status} ${JSON.stringify(created.body)}`);
    if (draft) return created.body.id;
    await send(created.body.id, staff.token, { type: 'start' });
    await completeEvidence(app.call, created.body.id, staff.token, elementCodes(app, standardId), standardId === 'cse' ? 'compliance' : 'met');
    await send(created.body.id, staff.token, { type: 'review.request' });
    return created.body.id;
  };

  const suggestions = (applicationId: string, token = quality.token) => app.call('GET', `/api/applications/${applicationId}/mentor-suggestions`, token);
  const namesOf = (body: { items: { id: string }[] }) =>
    body.items.map((item) => Object.entries(mentors).find(([, mentor]) => mentor.id === item.id)?.[0] ?? item.id);

  beforeAll(async () => {
    app = await createTestApp();
    admin = await app.person(['admin']);
    quality = await app.person(['quality_group']);
    applicant = await app.library('Ashworth Public Library');
    staffA = await app.person(['library_staff'], applicant);
    const staffG = await app.person(['library_staff'], await app.library('Greenfield Town Library'));
    const libraryB = await app.library('Brookfield County Library');
    const libraryC = await app.library('Calder Valley Library');
    const libraryD = await app.library('Dunmore College Library');

    mentors = {
      alice: await addMentor('Alice Ashworth', applicant),
      ava: await addMentor('Ava Aldous', libraryD),
      bella: await addMentor('Bella Brook', libraryB),
      carys: await addMentor('Carys Calder', libraryC),
      dylan: await addMentor('Dylan Dale', libraryD),
      esme: await addMentor('Esme Elm', libraryB),
      finn: await addMentor('Finn Fell', libraryC),
      gwen: await addMentor('Gwen Green', libraryB),
      huw: await addMentor('Huw Hale', libraryC),
    };
    await setProfile(mentors.esme, { capacity: 3, standards: ['cse', 'library-service-mark'], conflicts: [applicant] });
    await setProfile(mentors.finn, { capacity: 1, standards: ['cse', 'library-service-mark'], conflicts: [] });
    await setProfile(mentors.gwen, { capacity: 3, standards: ['library-service-mark'], conflicts: [] });
    await setProfile(mentors.huw, { capacity: 0, standards: ['cse', 'library-service-mark'], conflicts: [] });

    const cseOfG = await application(staffG, 'cse');
    await send(cseOfG, quality.token, { type: 'mentor.assign', mentorId: mentors.carys.id });
    await send(cseOfG, quality.token, { type: 'mentor.assign', mentorId: mentors.dylan.id, reason: 'Carys is on leave' });

    const lsmOfG = await application(staffG, 'library-service-mark');
    await send(lsmOfG, quality.token, { type: 'mentor.assign', mentorId: mentors.bella.id });
    await send(lsmOfG, quality.token, { type: 'mentor.release', reason: 'Bella moved to another post' });
    await send(lsmOfG, quality.token, { type: 'mentor.assign', mentorId: mentors.finn.id });

    cseTarget = await application(staffA, 'cse');
    lsmTarget = await application(staffA, 'library-service-mark', true);
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('ranks by load, then experience, then name', async () => {
    const response = await suggestions(cseTarget);
    expect(response.status).toBe(200);
    expect(namesOf(response.body)).toEqual(['carys', 'ava', 'bella', 'dylan']);
    expect(response.body.total).toBe(4);
  });

  it('returns the figures behind the ranking', async () => {
    const response = await suggestions(cseTarget);
    const byId = new Map(response.body.items.map((item: { id: string }) => [item.id, item]));
    expect(byId.get(mentors.carys.id)).toEqual({
      id: mentors.carys.id,
      name: 'Carys Calder',
      email: 'carys.calder@example.ac.uk',
      library: { id: mentors.carys.libraryId, name: 'Calder Valley Library' },
      load: 0,
      capacity: 3,
      experience: 1,
    });
    expect(byId.get(mentors.dylan.id)).toMatchObject({ load: 1, capacity: 3, experience: 1 });
    expect(byId.get(mentors.bella.id)).toMatchObject({ load: 0, experience: 0 });
  });

  it('counts experience per standard', async () => {
    const response = await suggestions(lsmTarget);
    expect(response.status).toBe(200);
    expect(namesOf(response.body)).toEqual(['bella', 'ava', 'carys', 'gwen', 'dylan']);
    expect(response.body.items[0]).toMatchObject({ id: mentors.bella.id, experience: 1 });
    expect(response.body.items.find((item: { id: string }) => item.id === mentors.carys.id).experience).toBe(0);
  });

  it('leaves out mentors of the applying library', async () => {
    const ids = (await suggestions(cseTarget)).body.items.map((item: { id: string }) => item.id);
    expect(ids).not.toContain(mentors.alice.id);
  });

  it('leaves out mentors with a declared conflict', async () => {
    const ids = (await suggestions(cseTarget)).body.items.map((item: { id: string }) => item.id);
    expect(ids).not.toContain(mentors.esme.id);
  });

  it('leaves out mentors at capacity', async () => {
    const ids = (await suggestions(cseTarget)).body.items.map((item: { id: string }) => item.id);
    expect(ids).not.toContain(mentors.finn.id);
    expect(ids).not.toContain(mentors.huw.id);
  });

  it('leaves out mentors who do not know the standard', async () => {
    const cse = (await suggestions(cseTarget)).body.items.map((item: { id: string }) => item.id);
    expect(cse).not.toContain(mentors.gwen.id);
    const lsm = (await suggestions(lsmTarget)).body.items.map((item: { id: string }) => item.id);
    expect(lsm).toContain(mentors.gwen.id);
  });

  it('rejects assigning a mentor of the applying library', async () => {
    const response = await app.call('POST', `/api/applications/${cseTarget}/events`, quality.token, { type: 'mentor.assign', mentorId: mentors.alice.id });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('guard_refused');
    expect(response.body.detail).toContain('works for the applying library');
  });

  it('rejects assigning a mentor with a declared conflict', async () => {
    const response = await app.call('POST', `/api/applications/${cseTarget}/events`, quality.token, { type: 'mentor.assign', mentorId: mentors.esme.id });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('guard_refused');
    expect(response.body.detail).toContain('declared a conflict of interest');
  });

  it('lets the quality group assign over capacity', async () => {
    const second = await application(staffA, 'cse');
    const assigned = await app.call('POST', `/api/applications/${second}/events`, quality.token, { type: 'mentor.assign', mentorId: mentors.finn.id, reason: 'Knows the service well' });
    expect(assigned.status).toBe(200);
    expect(assigned.body.mentorId).toBe(mentors.finn.id);

    const history = await app.call('GET', `/api/applications/${second}/history`, quality.token);
    const event = history.body.items.find((item: { type: string }) => item.type === 'mentor.assign');
    expect(event.payload.mentor.load).toBe(1);
    expect(event.payload.mentor.capacity).toBe(1);
    expect(event.payload.mentor.load).toBeGreaterThanOrEqual(event.payload.mentor.capacity);
  });

  it('is only for the quality group', async () => {
    expect((await suggestions(cseTarget, staffA.token)).status).toBe(403);
    expect((await suggestions(cseTarget, mentors.ava.token)).status).toBe(403);
    expect((await suggestions(cseTarget, admin.token)).status).toBe(403);
    expect((await app.call('GET', `/api/applications/${cseTarget}/mentor-suggestions`, null)).status).toBe(401);
  });

  it('returns 404 for an unknown application', async () => {
    const response = await suggestions('00000000-0000-4000-8000-000000000000');
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('not_found');
  });
});
