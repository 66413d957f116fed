import { createHash } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { setPassword } from '../../src/pages/passwords.ts';
import { PageClient } from '../support/browser-session.ts';
import { completeEvidence, elementCodes, reviewAll } from '../support/lifecycle.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const PASSWORD = 'correct horse battery staple';
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

describe('quality application page', () => {
  let app: TestApp;
  let staff: TestPerson;
  let quality: TestPerson;
  let mentor: TestPerson;
  let otherMentor: TestPerson;
  let ownLibraryMentor: TestPerson;
  let admin: TestPerson;
  let id: string;
  let codes: string[];

  const path = () => `/dashboard/applications/${id}`;
  // The test app names each person after the number in their email address.
  const nameOf = (person: TestPerson) => `Person ${person.email.match(/person(\d+)/)![1]}`;
  const signedIn = async (person: TestPerson) => {
    const client = new PageClient(app);
    await client.signIn(person.email, PASSWORD);
    return client;
  };
  const applicationState = async (applicationId = id) => (await app.call('GET', `/api/applications/${applicationId}`, quality.token)).body;
  const send = async (applicationId: string, token: string, event: object) => {
    const response = await app.call('POST', `/api/applications/${applicationId}/events`, token, event);
    if (response.status !== 200) throw new Error(`${JSON.stringify(event)} failed: ${response.status} ${JSON.stringify(response.body)}`);
  };
  /** Creates an application for the staff member's library, walked to awaitingMentor with full evidence, through the API. */
  const applicationAwaitingMentor = async () => {
    const created = await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' });
    const applicationId = created.body.id as string;
    await send(applicationId, staff.token, { type: 'start' });
    await completeEvidence(app.call, applicationId, staff.token, codes);
    await send(applicationId, staff.token, { type: 'review.request' });
    return applicationId;
  };
  /** Posts a form of the application page with the page's own CSRF token. */
  const postForm = async (client: PageClient, action: string, fields: Record<string, string>) => {
    const page = await client.get(path());
    return client.post(`${path()}${action}`, { _csrf: PageClient.csrf(page.html), ...fields });
  };

  beforeAll(async () => {
    app = await createTestApp();
    codes = elementCodes(app);
    const northgate = await app.library('Northgate University Library');
    staff = await app.person(['library_staff'], northgate);
    quality = await app.person(['quality_group']);
    mentor = await app.person(['mentor'], await app.library('Riverside College Library'));
    otherMentor = await app.person(['mentor'], await app.library('Harbour Institute Library'));
    ownLibraryMentor = await app.person(['mentor'], northgate);
    admin = await app.person(['admin']);
    for (const person of [staff, quality, mentor, otherMentor, ownLibraryMentor, admin]) await setPassword(app.db.em.fork(), person.email, PASSWORD);
    id = await applicationAwaitingMentor();
  });

  afterAll(async () => {
    await app?.dispose();
  });

  it('rejects staff, mentors, admins and visitors', async () => {
    for (const person of [staff, mentor, admin]) {
      const client = await signedIn(person);
      expect((await client.get(path())).status, person.email).toBe(403);
      const csrf = PageClient.csrf((await client.get('/account')).html);
      expect((await client.post(`${path()}/mentor`, { _csrf: csrf, mentorId: mentor.id })).status, person.email).toBe(403);
    }
    expect((await applicationState()).state).toBe('peerReview.awaitingMentor');

    const visitor = await new PageClient(app).get(path());
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get('location')).toBe(`/login?next=${encodeURIComponent(path())}`);
  });

  it('returns 404 for an unknown application', async () => {
    const client = await signedIn(quality);

    expect((await client.get('/dashboard/applications/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await client.get('/dashboard/applications/not-an-id')).status).toBe(404);
  });

  it('links each dashboard row to its page', async () => {
    const client = await signedIn(quality);
    const dashboard = await client.get('/dashboard');

    expect(dashboard.html).toContain(`<a href="${path()}">Northgate University Library</a>`);
  });

  it('shows an application waiting for a mentor', async () => {
    const client = await signedIn(quality);
    const page = await client.get(path());

    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Northgate University Library: Customer Service Excellence');
    expect(page.html).toContain('<span class="tag">Waiting for a mentor</span>');
    expect(page.html).toContain('57 of 57 elements have evidence and a self-rating.');
    expect(page.html).toContain('<li>Compliance: 57</li>');
    expect(page.html).toContain('<li>Not rated: 0</li>');
    expect(page.html).toContain('<strong>Asked for peer review</strong>');
    expect(page.html).toContain(`action="${path()}/mentor"`);
    expect(page.html).toContain(`value="${mentor.id}"`);
    expect(page.html).toContain(`value="${otherMentor.id}"`);
    expect(page.html).not.toContain(`value="${ownLibraryMentor.id}"`);
    expect(page.html).toContain('0 of 3 assignments now; 0 review rounds on this standard');
    expect(page.html).not.toContain(`action="${path()}/mentor/release"`);
    expect(page.html).not.toContain(`action="${path()}/outcome"`);
    expect(page.html).toContain('The assessor’s outcome can be recorded once the library has submitted the application to the assessor. The application is now “Waiting for a mentor”.');
    expect(page.html).toContain('There is no open review round, so there is no due date to change.');
    expect(page.html).toContain(`action="${path()}/withdraw"`);
  });

  it('rejects a post without the token or from another site', async () => {
    const client = await signedIn(quality);
    const missing = await client.post(`${path()}/mentor`, { mentorId: mentor.id });
    expect(missing.status).toBe(403);
    expect(missing.html).toContain('This form has expired or did not come from Waymark.');

    const page = await client.get(path());
    const foreign = await client.post(`${path()}/mentor`, { _csrf: PageClient.csrf(page.html), mentorId: mentor.id }, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.html).toContain('This form was posted from https://evil.example');
    expect((await applicationState()).state).toBe('peerReview.awaitingMentor');
  });

  it('asks for a mentor when none is chosen', async () => {
    const client = await signedIn(quality);
    const response = await postForm(client, '/mentor', { reason: 'Knows the sector' });

    expect(response.status).toBe(422);
    expect(response.html).toContain('<a href="#assign-mentor-0">Choose a mentor from the list.</a>');
    expect(response.html).toContain('>Knows the sector</textarea>');
    expect((await applicationState()).mentorId).toBeNull();
  });

  it('rejects a reason longer than 2000 characters', async () => {
    const client = await signedIn(quality);
    const response = await postForm(client, '/mentor', { mentorId: mentor.id, reason: 'x'.repeat(2001) });

    expect(response.status).toBe(422);
    expect(response.html).toContain('The reason has 2001 characters. Shorten it to 2000 characters or fewer.');
    expect(response.html).toContain('aria-invalid="true"');
    expect((await applicationState()).mentorId).toBeNull();
  });

  it('rejects a mentor from the library', async () => {
    const client = await signedIn(quality);
    const response = await postForm(client, '/mentor', { mentorId: ownLibraryMentor.id });
    const name = nameOf(ownLibraryMentor);

    expect(response.status).toBe(409);
    expect(response.html).toContain(`The mentor was not assigned. Mentor ${name} works for the applying library; assign a mentor from another member library.`);
    expect(response.html).not.toContain(`Mentor ${ownLibraryMentor.id}`);
    expect((await applicationState()).state).toBe('peerReview.awaitingMentor');
  });

  it('assigns a mentor from the suggestions', async () => {
    const client = await signedIn(quality);
    const response = await postForm(client, '/mentor', { mentorId: mentor.id, reason: 'Experienced with CSE' });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${path()}?done=mentor-assigned`);
    const application = await applicationState();
    expect(application.state).toBe('peerReview.inReview');
    expect(application.mentorId).toBe(mentor.id);
    const history = (await app.call('GET', `/api/applications/${id}/history`, quality.token)).body.items;
    expect(history.at(-1)).toMatchObject({ type: 'mentor.assign', actor: { id: quality.id }, payload: { mentorId: mentor.id, reason: 'Experienced with CSE' } });

    const page = await client.get(`${path()}?done=mentor-assigned`);
    expect(page.html).toContain('The mentor is assigned, and their review round is open.');
    expect(page.html).toContain('<span class="tag">In peer review</span>');
    expect(page.html).toContain('(Riverside College Library)');
    expect(page.html).toContain(`<strong>Mentor assigned</strong> by ${nameOf(quality)}: now In peer review<br><span class="muted">${nameOf(mentor)}: Experienced with CSE</span>`);
    expect(page.html).toContain(`action="${path()}/mentor/release"`);
    expect(page.html).toContain('Assign another mentor');
    expect(page.html).toContain(`name="mentorId" value="${otherMentor.id}"`);
    expect(page.html).not.toContain(`name="mentorId" value="${mentor.id}"`);
    const round = (await app.call('GET', `/api/applications/${id}/review/rounds`, quality.token)).body.items.at(-1);
    expect(page.html).toContain(`name="dueDate" value="${round.dueAt.slice(0, 10)}"`);
  });

  it('moves the review due date', async () => {
    const client = await signedIn(quality);
    const response = await postForm(client, '/review-due', { dueDate: '2031-02-28' });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${path()}?done=due-date-moved`);
    const round = (await app.call('GET', `/api/applications/${id}/review/rounds`, quality.token)).body.items.at(-1);
    expect(round.dueAt).toBe('2031-02-28T23:59:59.000Z');
    const page = await client.get(`${path()}?done=due-date-moved`);
    expect(page.html).toContain('28 Feb 2031 (round 1)');
  });

  it('rejects a due date that is not a real day', async () => {
    const client = await signedIn(quality);
    const impossible = await postForm(client, '/review-due', { dueDate: '2031-02-30' });
    expect(impossible.status).toBe(422);
    expect(impossible.html).toContain('“2031-02-30” is not a real date. Enter the new due date as year, month and day, for example 2026-05-31.');
    expect(impossible.html).toContain('name="dueDate" value="2031-02-30"');

    const empty = await postForm(client, '/review-due', { dueDate: '' });
    expect(empty.status).toBe(422);
    expect(empty.html).toContain('<a href="#due-date">Enter the new due date, for example 2026-05-31.</a>');
    const round = (await app.call('GET', `/api/applications/${id}/review/rounds`, quality.token)).body.items.at(-1);
    expect(round.dueAt).toBe('2031-02-28T23:59:59.000Z');
  });

  it('explains an outcome the state rejects', async () => {
    const client = await signedIn(quality);
    const response = await postForm(client, '/outcome', { reportDate: '2026-03-31', certificationBody: 'Assessment Services Ltd', defaultRating: 'compliance' });

    expect(response.status).toBe(409);
    expect(response.html).toContain('The outcome was not recorded. The assessor’s outcome can be recorded once the library has submitted the application to the assessor. The application is now “In peer review”.');
    expect((await applicationState()).state).toBe('peerReview.inReview');
  });

  it('requires a reason to release the mentor', async () => {
    const client = await signedIn(quality);
    const response = await postForm(client, '/mentor/release', { reason: '   ' });

    expect(response.status).toBe(422);
    expect(response.html).toContain('<a href="#release-reason">Enter the reason for releasing the mentor. It is kept in the history.</a>');
    expect((await applicationState()).mentorId).toBe(mentor.id);
  });

  it('releases the mentor and assigns another', async () => {
    const client = await signedIn(quality);
    const released = await postForm(client, '/mentor/release', { reason: 'Mentor on leave until June' });

    expect(released.status).toBe(303);
    expect(released.headers.get('location')).toBe(`${path()}?done=mentor-released`);
    const application = await applicationState();
    expect(application.state).toBe('peerReview.awaitingMentor');
    expect(application.mentorId).toBeNull();
    const page = await client.get(`${path()}?done=mentor-released`);
    expect(page.html).toContain('The mentor is released.');
    expect(page.html).toContain('Mentor on leave until June');
    expect(page.html).toContain('Mentor released');
    expect(page.html).not.toContain(`action="${path()}/mentor/release"`);

    const assigned = await postForm(client, '/mentor', { mentorId: mentor.id });
    expect(assigned.status).toBe(303);
    expect((await applicationState()).mentorId).toBe(mentor.id);
  });

  describe('once submitted', () => {
    beforeAll(async () => {
      await reviewAll(app.call, id, mentor.token, codes);
      await send(id, mentor.token, { type: 'review.approve' });
      await send(id, staff.token, { type: 'submit' });

      // The submitted render stays queued without a worker, so it gets fixture bytes to download.
      const sha256 = createHash('sha256').update(PDF).digest('hex');
      await app.db.em.fork().transactional(async (tx) => {
        await app.contentStore.put(tx, sha256, PDF, 'application/pdf');
        await tx.getConnection().execute(`update portfolio_render set status = 'ready', sha256 = ?, size = ?, pages = 1, progress = 100 where application_id = ?`, [sha256, PDF.length, id], 'run', tx.getTransactionContext());
      });
    });

    it('offers the outcome form with every element', async () => {
      const client = await signedIn(quality);
      const page = await client.get(path());

      expect(page.html).toContain('<span class="tag">Submitted to the assessor</span>');
      expect(page.html).toContain(`action="${path()}/outcome"`);
      expect(page.html.match(/<select id="outcome-rating-/g)).toHaveLength(57);
      expect(page.html).toContain('An application cannot be withdrawn once it has been submitted to the assessor, accredited or withdrawn. The application is now “Submitted to the assessor”.');
      expect(page.html).toContain('A mentor can be assigned once the library has asked for peer review');
      expect(page.html).toContain('Approved on');
    });

    it('lists the submission and its portfolio with downloads', async () => {
      const client = await signedIn(quality);
      const page = await client.get(path());
      const submissions = (await app.call('GET', `/api/applications/${id}/submissions`, quality.token)).body.items;
      expect(submissions).toHaveLength(1);

      expect(page.html).toContain('1 evidence item, 57 self-ratings');
      const record = await client.get(`${path()}/submissions/${submissions[0].id}.json`);
      expect(record.status).toBe(200);
      expect(record.headers.get('content-disposition')).toMatch(/^attachment; filename="submission-\d{4}-\d{2}-\d{2}\.json"$/);
      expect(JSON.parse(record.html).record.selfAssessments).toHaveLength(57);

      const link = new RegExp(`href="(${path()}/portfolio/[0-9a-f-]+\\.pdf)"`).exec(page.html)?.[1];
      expect(link).toBeDefined();
      const pdf = await client.get(link!);
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(pdf.html.startsWith('%PDF-1.4')).toBe(true);

      expect((await client.get(`${path()}/portfolio/00000000-0000-4000-8000-000000000000.pdf`)).status).toBe(404);
      expect((await client.get(`${path()}/submissions/nothing.json`)).status).toBe(404);
      const staffClient = await signedIn(staff);
      expect((await staffClient.get(link!)).status).toBe(403);
    });

    it('names the missing outcome fields', async () => {
      const client = await signedIn(quality);
      const response = await postForm(client, '/outcome', { reportDate: '2031-13-01', certificationBody: '', defaultRating: 'compliance', [`rating-${codes[0]}`]: 'compliance_plus' });

      expect(response.status).toBe(422);
      expect(response.html).toContain('“2031-13-01” is not a real date. Enter the date of the assessor’s report');
      expect(response.html).toContain('<a href="#outcome-body">Enter the name of the certification body whose assessor made the report.</a>');
      expect(response.html).toContain('<option value="compliance_plus" selected>Compliance Plus</option>');
      expect((await applicationState()).state).toBe('submitted');
    });

    it('rejects an unknown rating', async () => {
      const client = await signedIn(quality);
      const response = await postForm(client, '/outcome', { reportDate: '2026-03-31', certificationBody: 'Assessment Services Ltd', defaultRating: 'compliance', [`rating-${codes[0]}`]: 'excellent' });

      expect(response.status).toBe(422);
      expect(response.html).toContain('The outcome was not recorded. ratings: unknown rating excellent in cse');
      expect(response.html).toContain('<a href="#outcome">');
      expect((await applicationState()).state).toBe('submitted');
    });

    it('rejects an outcome with unrated elements', async () => {
      const client = await signedIn(quality);
      const response = await postForm(client, '/outcome', { reportDate: '2026-03-31', certificationBody: 'Assessment Services Ltd', defaultRating: '', [`rating-${codes[0]}`]: 'compliance' });

      expect(response.status).toBe(409);
      expect(response.html).toContain(`The outcome was not recorded. The assessor&#x27;s outcome needs a rating for every element; missing: ${codes.slice(1, 11).join(', ')} (…and 46 more).`);
      expect(response.html).toContain('<a href="#outcome-default-rating">');
      expect((await applicationState()).state).toBe('submitted');
    });

    it('records an accredited outcome', async () => {
      const client = await signedIn(quality);
      const response = await postForm(client, '/outcome', { reportDate: '2026-03-31', certificationBody: 'Assessment Services Ltd', defaultRating: 'compliance', [`rating-${codes[0]}`]: 'compliance_plus' });

      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(`${path()}?done=outcome-recorded`);
      expect((await applicationState()).state).toBe('accredited');
      const event = (await app.call('GET', `/api/applications/${id}/history`, quality.token)).body.items.find((item: { type: string }) => item.type === 'outcome.record');
      expect(event.payload.ratings[codes[0]]).toBe('compliance_plus');
      expect(event.payload.ratings[codes[1]]).toBe('compliance');
      expect(Object.keys(event.payload.ratings)).toHaveLength(57);

      const page = await client.get(`${path()}?done=outcome-recorded`);
      expect(page.html).toContain('The assessor’s outcome is recorded.');
      expect(page.html).toContain('<span class="tag">Accredited</span>');
      expect(page.html).toContain('Report of 31 Mar 2026 from Assessment Services Ltd');
      const next = /<dt>Next application<\/dt><dd><a href="\/dashboard\/applications\/([0-9a-f-]+)">/.exec(page.html)?.[1];
      expect(next).toBeDefined();
      expect((await applicationState(next)).cycle).toBe('annual_review');
    });

    it('explains a withdrawal the state rejects', async () => {
      const client = await signedIn(quality);
      const response = await postForm(client, '/withdraw', { reason: 'Closing the record' });

      expect(response.status).toBe(409);
      expect(response.html).toContain('The application was not withdrawn. An application cannot be withdrawn once it has been submitted to the assessor, accredited or withdrawn. The application is now “Accredited”.');
      expect((await applicationState()).state).toBe('accredited');
    });
  });

  it('rejects a due date without an open round', async () => {
    const other = await applicationAwaitingMentor();
    const client = await signedIn(quality);
    const page = await client.get(`/dashboard/applications/${other}`);
    expect(page.html).not.toContain(`action="/dashboard/applications/${other}/review-due"`);
    const response = await client.post(`/dashboard/applications/${other}/review-due`, { _csrf: PageClient.csrf(page.html), dueDate: '2031-01-31' });

    expect(response.status).toBe(409);
    expect(response.html).toContain(`The due date was not changed. Application ${other} has no open review round, so there is no due date to move. Assign a mentor first.`);
  });

  it('withdraws an application with a reason', async () => {
    const other = await applicationAwaitingMentor();
    const client = await signedIn(quality);
    const page = await client.get(`/dashboard/applications/${other}`);
    const response = await client.post(`/dashboard/applications/${other}/withdraw`, { _csrf: PageClient.csrf(page.html), reason: 'The library merged with another member' });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/dashboard/applications/${other}?done=withdrawn`);
    expect((await applicationState(other)).state).toBe('withdrawn');
    const after = await client.get(`/dashboard/applications/${other}?done=withdrawn`);
    expect(after.html).toContain('The application is withdrawn.');
    expect(after.html).toContain('The library merged with another member');
    expect(after.html).not.toContain(`action="/dashboard/applications/${other}/withdraw"`);
  });
});
