import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AppError } from '../../src/errors.ts';
import { PersonSchema } from '../../src/people/person.entity.ts';
import { buildPortfolioView } from '../../src/portfolio/build-portfolio-view.ts';
import type { PortfolioElement, PortfolioGroup, PortfolioView } from '../../src/portfolio/portfolio-view.ts';
import { completeEvidence, elementCodes, markNeedsWork, reviewAll } from '../support/lifecycle.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

function elementsOf(group: PortfolioGroup): PortfolioElement[] {
  return [...group.elements, ...group.groups.flatMap(elementsOf)];
}

function element(view: PortfolioView, code: string): PortfolioElement {
  const found = view.criteria.flatMap(elementsOf).find((candidate) => candidate.code === code);
  if (found === undefined) throw new Error(`element ${code} is not in the view`);
  return found;
}

// An application walked over HTTP through two review rounds, submission, a failed assessment and reopening.
describe('portfolio view from the database', () => {
  let app: TestApp;
  let staff: TestPerson;
  let quality: TestPerson;
  let mentor: TestPerson;
  let id: string;
  let codes: string[];
  let linkId: string;
  let submissionId: string;
  let submittedAt: string;
  let duringRoundTwo: PortfolioView;
  const names = new Map<string, string>();

  const call = async (method: string, url: string, token: string, body?: unknown) => {
    const response = await app.call(method, url, token, body);
    if (response.status >= 300) throw new Error(`${method} ${url} failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const send = (token: string, event: object) => call('POST', `/api/applications/${id}/events`, token, event);
  const comment = (token: string, code: string, body: string, parentId?: string) => call('POST', `/api/applications/${id}/review/elements/${code}/comments`, token, { body, parentId });
  const build = (submission: string | null) => buildPortfolioView(app.db.em.fork(), app.standards, { applicationId: id, submissionId: submission });

  beforeAll(async () => {
    app = await createTestApp();
    const library = await app.library('Aberaeron Community Library');
    staff = await app.person(['library_staff'], library);
    quality = await app.person(['quality_group']);
    mentor = await app.person(['mentor'], await app.library('Lampeter University Library'));
    for (const person of await app.db.em.fork().find(PersonSchema, { id: { $in: [staff.id, quality.id, mentor.id] } })) names.set(person.id, person.name);
    codes = elementCodes(app);

    id = (await call('POST', '/api/applications', staff.token, { libraryId: library, standardId: 'cse', cycle: 'initial' })).id;
    await send(staff.token, { type: 'start' });
    await completeEvidence(app.call, id, staff.token, codes);
    linkId = (
      await call('POST', `/api/applications/${id}/evidence`, staff.token, {
        kind: 'link',
        title: 'Welsh language scheme 2025',
        url: 'https://www.example-council.gov.uk/libraries/welsh-language-scheme',
        elements: [
          { code: '1.1.1', note: 'Section 3 sets out the bilingual service.' },
          { code: '3.2.1', note: 'Leaflets in Welsh and English.' },
        ],
      })
    ).id;

    // Round one: everything ok, 1.1.3 with a comment, 1.1.2 sent back with a thread.
    await send(staff.token, { type: 'review.request' });
    await send(quality.token, { type: 'mentor.assign', mentorId: mentor.id, reason: 'Mentored two CSE applications' });
    await reviewAll(app.call, id, mentor.token, codes);
    await call('PUT', `/api/applications/${id}/review/elements/1.1.3`, mentor.token, { verdict: 'ok', comment: 'Good survey coverage across branches.' });
    await markNeedsWork(app.call, id, mentor.token, '1.1.2');
    const question = await comment(staff.token, '1.1.2', 'We will add the home library consultation report.');
    await comment(mentor.token, '1.1.2', 'Please include the response rates.', question.id);
    await call('PATCH', `/api/applications/${id}/review/comments/${question.id}`, mentor.token, { resolved: true });
    const added = await comment(staff.token, '1.1.2', 'Report added; response rates are on page 4.');
    await send(mentor.token, { type: 'review.requestChanges', comment: 'Please strengthen 1.1.2.' });

    // Round two: a new rating for 1.1.2, then 1.1.3 marked not reviewed before the full review.
    await call('PUT', `/api/applications/${id}/self-assessment/1.1.2`, staff.token, { rating: 'partial_compliance', statement: 'Consultation is in place.\nResponse rates are below target.' });
    await send(staff.token, { type: 'review.request' });
    await call('PUT', `/api/applications/${id}/review/elements/1.1.3`, mentor.token, { verdict: 'not_reviewed' });
    duringRoundTwo = await build(null);
    await reviewAll(app.call, id, mentor.token, codes);
    await send(mentor.token, { type: 'review.approve' });
    await send(staff.token, { type: 'submit' });
    const [submission] = (await call('GET', `/api/applications/${id}/submissions`, quality.token)).items;
    submissionId = submission.id;
    submittedAt = submission.submittedAt;

    // After a failed assessment the library reopens and changes things. The submitted portfolio must not move.
    const ratings = Object.fromEntries(codes.map((code) => [code, code === '5.3.3' ? 'non_compliance' : 'compliance']));
    await send(quality.token, { type: 'outcome.record', ratings, reportDate: '2026-11-20', certificationBody: 'Example Certification Ltd' });
    await send(staff.token, { type: 'reopen' });
    await call('PATCH', `/api/applications/${id}/evidence/${linkId}`, staff.token, { title: 'Welsh language scheme 2026' });
    await call('PATCH', `/api/applications/${id}/review/comments/${added.id}`, mentor.token, { resolved: true });
    await comment(quality.token, '1.1.2', 'Noted for the reassessment after the outcome.');
  });

  afterAll(async () => {
    await app?.dispose();
  });

  it('builds the submitted view from the record', async () => {
    const view = await build(submissionId);

    expect(view.draft).toBe(false);
    expect(view.submittedAt).toBe(submittedAt);
    expect(view.application).toEqual({ id, cycle: 'initial', state: 'submitted' });
    expect(view.library).toEqual({ name: 'Aberaeron Community Library' });
    expect(view.standard).toMatchObject({ id: 'cse', title: 'Customer Service Excellence' });
    expect(view.standard.ratingScale.map((rating) => rating.label)).toEqual(['Compliance Plus', 'Compliance', 'Partial Compliance', 'Non-Compliance']);
    expect(view.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('numbers evidence in record order with the submitted revision', async () => {
    const view = await build(submissionId);

    expect(view.evidence.map((item) => [item.ref, item.kind, item.title, item.revision])).toEqual([
      ['E1', 'note', 'Customer insight and service standards pack', 1],
      ['E2', 'link', 'Welsh language scheme 2025', 1],
    ]);
    expect(view.evidence[1]).toMatchObject({ id: linkId, url: 'https://www.example-council.gov.uk/libraries/welsh-language-scheme', sha256: null, elementCodes: ['1.1.1', '3.2.1'] });
    expect(element(view, '1.1.1').evidence).toEqual([
      { ref: 'E1', title: 'Customer insight and service standards pack', note: 'Shows 1.1.1' },
      { ref: 'E2', title: 'Welsh language scheme 2025', note: 'Section 3 sets out the bilingual service.' },
    ]);
  });

  it('shows ratings, statements and the latest verdicts', async () => {
    const view = await build(submissionId);
    const mentorName = names.get(mentor.id)!;

    expect(element(view, '1.1.2')).toMatchObject({
      rating: { id: 'partial_compliance', label: 'Partial Compliance' },
      statement: 'Consultation is in place.\nResponse rates are below target.',
      review: { verdict: 'ok', comment: '', suggestedRating: null, mentor: mentorName },
    });
    expect(element(view, '2.1.1')).toMatchObject({ rating: { id: 'compliance', label: 'Compliance' }, statement: 'We meet 2.1.1.', review: { verdict: 'ok', mentor: mentorName } });
  });

  it('keeps an earlier verdict over not_reviewed', () => {
    expect(element(duringRoundTwo, '1.1.3').review).toMatchObject({ verdict: 'ok', comment: 'Good survey coverage across branches.' });
    expect(element(duringRoundTwo, '1.1.2').review).toMatchObject({ verdict: 'needs_work', comment: 'Add more evidence for 1.1.2.' });
    expect(duringRoundTwo.draft).toBe(true);
    expect(duringRoundTwo.application.state).toBe('peerReview.inReview');
  });

  it('orders comment threads as of submission', async () => {
    const view = await build(submissionId);

    expect(element(view, '1.1.2').comments.map(({ author, body, resolved }) => ({ author, body, resolved }))).toEqual([
      { author: names.get(staff.id), body: 'We will add the home library consultation report.', resolved: true },
      { author: names.get(mentor.id), body: 'Please include the response rates.', resolved: false },
      { author: names.get(staff.id), body: 'Report added; response rates are on page 4.', resolved: false },
    ]);
    expect(element(view, '1.1.1').comments).toEqual([]);
  });

  it('summarises each criterion', async () => {
    const view = await build(submissionId);

    expect(view.summary.map((row) => row.code)).toEqual(['1', '2', '3', '4', '5']);
    expect(view.summary.reduce((total, row) => total + row.elements, 0)).toBe(57);
    expect(view.summary[0]).toEqual({
      code: '1',
      title: 'Customer Insight',
      elements: 12,
      withEvidence: 12,
      rated: 12,
      ratings: { compliance_plus: 0, compliance: 11, partial_compliance: 1, non_compliance: 0 },
    });
    expect(view.criteria[0]).toMatchObject({ code: '1', level: 'criterion', elements: [] });
    expect(view.criteria[0].groups.map((group) => [group.code, group.level, group.elements.length])).toEqual([
      ['1.1', 'subCriterion', 3],
      ['1.2', 'subCriterion', 4],
      ['1.3', 'subCriterion', 5],
    ]);
  });

  it('returns plain JSON-safe objects', async () => {
    const view = await build(submissionId);

    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
  });

  it('shows later changes only in the draft', async () => {
    const view = await build(null);

    expect(view.draft).toBe(true);
    expect(view.submittedAt).toBeNull();
    expect(view.application.state).toBe('gatheringEvidence');
    expect(view.evidence[1]).toMatchObject({ ref: 'E2', title: 'Welsh language scheme 2026', revision: 2 });
    expect(element(view, '1.1.2').comments.map((item) => [item.body, item.resolved])).toEqual([
      ['We will add the home library consultation report.', true],
      ['Please include the response rates.', false],
      ['Report added; response rates are on page 4.', true],
      ['Noted for the reassessment after the outcome.', false],
    ]);
  });

  it('rejects unknown applications and submissions', async () => {
    const unknown = '0192f2a4-5b6c-7d8e-9f00-112233445566';

    await expect(buildPortfolioView(app.db.em.fork(), app.standards, { applicationId: unknown, submissionId: null })).rejects.toMatchObject({ code: 'not_found' });
    await expect(build(unknown)).rejects.toBeInstanceOf(AppError);
    await expect(build(unknown)).rejects.toMatchObject({ code: 'not_found' });
  });
});
