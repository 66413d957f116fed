import { createHash } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApplicationSchema, type Application } from '../../src/applications/application.entity.ts';
import { addMonths, nextCycleStep, startNextCycle } from '../../src/applications/next-cycle.ts';
import { EvidenceSchema } from '../../src/evidence/evidence.entity.ts';
import { makePdf } from '../fixtures/files/make-files.ts';
import { completeEvidence, elementCodes, reviewAll } from '../support/lifecycle.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
// The content fields that a copy must keep. Ids, revisions, authors and times differ by design.
const content = ({ kind, title, body, url, fileName, sha256, size, mediaType, reference, owner, evidenceDate, evidenceType, elements }: Record<string, unknown>) =>
  ({ kind, title, body, url, fileName, sha256, size, mediaType, reference, owner, evidenceDate, evidenceType, elements });

// Report dates of one whole cycle and the start of the next. The first annual review is reported late,
// and the second review and the reassessment still fall due on the cycle's anniversaries.
const CHAIN_REPORT_DATES = ['2022-11-20', '2024-01-15', '2024-11-02', '2025-12-03'];
const CHAIN_EXPECTED = [
  { cycle: 'annual_review', reviewNumber: 1, cycleStartedOn: '2022-11-20', dueOn: '2023-11-20' },
  { cycle: 'annual_review', reviewNumber: 2, cycleStartedOn: '2022-11-20', dueOn: '2024-11-20' },
  { cycle: 'reassessment', reviewNumber: null, cycleStartedOn: '2022-11-20', dueOn: '2025-11-20' },
  { cycle: 'annual_review', reviewNumber: 1, cycleStartedOn: '2025-12-03', dueOn: '2026-12-03' },
];

describe('next application of the cycle', () => {
  let app: TestApp;
  let staff: TestPerson;
  let mentor: TestPerson;
  let quality: TestPerson;

  const base = (id: string) => `/api/applications/${id}`;
  const send = async (id: string, token: string, event: object) => {
    const response = await app.call('POST', `${base(id)}/events`, token, event);
    if (response.status !== 200) throw new Error(`${JSON.stringify(event)} failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const evidenceOf = async (id: string) => (await app.call('GET', `${base(id)}/evidence?limit=500`, staff.token)).body.items as Record<string, any>[];
  const assessmentsOf = async (id: string) => (await app.call('GET', `${base(id)}/self-assessment?limit=500`, staff.token)).body.items as Record<string, any>[];
  const successorsOf = (id: string) => app.db.em.fork().find(ApplicationSchema, { previousApplicationId: id });
  const blobCount = async () => Number((await app.db.em.getConnection().execute<{ n: string }[]>('select count(*) as n from content_blob'))[0].n);
  const startDirectly = (id: string, reportDate: string) =>
    app.db.em.fork().transactional(async (em) => startNextCycle(em, await em.findOneOrFail(ApplicationSchema, { id }), { reportDate }, quality.id, new Date()));

  /** Creates an initial application with full coverage, a PDF, a link at revision 2 and a deleted note. */
  async function createInitial(): Promise<{ id: string; pdf: Uint8Array }> {
    const id = (await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' })).body.id as string;
    await send(id, staff.token, { type: 'start' });
    await completeEvidence(app.call, id, staff.token, elementCodes(app));
    const pdf = makePdf();
    const uploaded = await app.upload(`${base(id)}/evidence`, staff.token, [{ name: 'title', body: 'Customer journey map' }, { name: 'elements', body: '1.1.1, 2.2.1' }, { name: 'file', fileName: 'journey.pdf', body: pdf }]);
    if (uploaded.status !== 201) throw new Error(`upload failed: ${uploaded.status} ${JSON.stringify(uploaded.body)}`);

    const link = await app.call('POST', `${base(id)}/evidence`, staff.token, { kind: 'link', title: 'Survey results', url: 'https://example.ac.uk/survey', elements: [{ code: '1.2.1', note: 'Yearly survey' }] });
    await app.call('PATCH', `${base(id)}/evidence/${link.body.id}`, staff.token, { title: 'Survey results 2026', owner: 'Head of Service' });
    const note = await app.call('POST', `${base(id)}/evidence`, staff.token, { kind: 'note', title: 'Withdrawn draft', body: 'Not used', elements: [] });
    await app.call('DELETE', `${base(id)}/evidence/${note.body.id}`, staff.token);
    return { id, pdf };
  }

  /** Walks an application from draft or gatheringEvidence to an outcome. Its evidence must already cover every element. */
  async function recordOutcome(id: string, reportDate: string, rating: 'compliance' | 'non_compliance' = 'compliance'): Promise<void> {
    if ((await app.call('GET', base(id), staff.token)).body.state === 'draft') await send(id, staff.token, { type: 'start' });
    await send(id, staff.token, { type: 'review.request' });
    await send(id, quality.token, { type: 'mentor.assign', mentorId: mentor.id });
    await reviewAll(app.call, id, mentor.token, elementCodes(app));
    await send(id, mentor.token, { type: 'review.approve' });
    await send(id, staff.token, { type: 'submit' });
    const ratings = Object.fromEntries(elementCodes(app).map((code) => [code, rating]));
    const outcome = await send(id, quality.token, { type: 'outcome.record', ratings, reportDate, certificationBody: 'Example Certification Ltd' });
    expect(outcome.state).toBe(rating === 'compliance' ? 'accredited' : 'notAccredited');
  }

  /** Accredits an initial application and each successor in turn, taking the successor from `successorOf`. */
  async function walkChain(successorOf: (id: string, reportDate: string) => Promise<Application>): Promise<{ initialId: string; chain: Application[] }> {
    const { id: initialId } = await createInitial();
    const chain: Application[] = [];
    let current = initialId;
    for (const reportDate of CHAIN_REPORT_DATES) {
      await recordOutcome(current, reportDate);
      const next = await successorOf(current, reportDate);
      expect(next.previousApplicationId).toBe(current);
      chain.push(next);
      current = next.id;
    }
    return { initialId, chain };
  }

  beforeAll(async () => {
    app = await createTestApp();
    staff = await app.person(['library_staff'], await app.library());
    mentor = await app.person(['mentor'], await app.library());
    quality = await app.person(['quality_group']);
  });

  afterAll(async () => {
    await app.dispose();
  });

  describe('cycle dates', () => {
    it.each([
      ['2026-11-20', 12, '2027-11-20'],
      ['2027-01-31', 1, '2027-02-28'],
      ['2028-01-31', 1, '2028-02-29'],
      ['2028-02-29', 12, '2029-02-28'],
      ['2026-08-31', 36, '2029-08-31'],
      ['2026-12-15', -12, '2025-12-15'],
      ['2026-03-31', -1, '2026-02-28'],
    ])('addMonths %s %i', (date, months, expected) => {
      expect(addMonths(date, months)).toBe(expected);
    });

    it.each([
      ['initial', { cycle: 'initial', cycleStartedOn: null, reviewNumber: null }, '2022-11-20', CHAIN_EXPECTED[0]],
      ['late first review', { cycle: 'annual_review', cycleStartedOn: '2022-11-20', reviewNumber: 1 }, '2024-01-15', CHAIN_EXPECTED[1]],
      ['second review', { cycle: 'annual_review', cycleStartedOn: '2022-11-20', reviewNumber: 2 }, '2024-11-02', CHAIN_EXPECTED[2]],
      ['reassessment', { cycle: 'reassessment', cycleStartedOn: '2022-11-20', reviewNumber: null }, '2025-12-03', CHAIN_EXPECTED[3]],
      ['review created by hand', { cycle: 'annual_review', cycleStartedOn: null, reviewNumber: null }, '2027-06-10', { cycle: 'annual_review', reviewNumber: 2, cycleStartedOn: '2026-06-10', dueOn: '2028-06-10' }],
    ] as const)('nextCycleStep after %s', (_case, application, reportDate, expected) => {
      expect(nextCycleStep(application, reportDate)).toEqual(expected);
    });
  });

  describe('startNextCycle called directly', () => {
    let initial: { id: string; pdf: Uint8Array };
    let next: Application;
    let submittedBefore: unknown;
    let blobsBefore: number;

    beforeAll(async () => {
      initial = await createInitial();
      await recordOutcome(initial.id, '2022-11-20');
      submittedBefore = (await app.call('GET', `${base(initial.id)}/submissions`, quality.token)).body;
      blobsBefore = await blobCount();
      next = await startDirectly(initial.id, '2022-11-20');
    });

    it('sets the cycle fields', () => {
      expect(next).toMatchObject({ ...CHAIN_EXPECTED[0], previousApplicationId: initial.id, state: 'draft', library: staff.libraryId, standardId: 'cse', mentor: null });
    });

    it('opens the history with a record line', async () => {
      const history = await app.call('GET', `${base(next.id)}/history`, staff.token);
      expect(history.body.total).toBe(1);
      expect(history.body.items[0]).toMatchObject({ type: 'application.created', kind: 'record', actor: { id: quality.id }, fromState: null, toState: 'draft' });
      expect(history.body.items[0].payload).toMatchObject({ previousApplicationId: initial.id, cycle: 'annual_review', dueOn: '2023-11-20' });
    });

    it('copies live evidence at its current revision', async () => {
      const [old, copied] = [await evidenceOf(initial.id), await evidenceOf(next.id)];
      expect(copied.map(content)).toEqual(old.map(content));
      expect(copied.map((item) => item.revision)).toEqual(old.map(() => 1));
      expect(old.find((item) => item.title === 'Survey results 2026')?.revision).toBe(2);
      expect(copied.some((item) => item.title === 'Withdrawn draft')).toBe(false);

      const rows = await app.db.em.fork().find(EvidenceSchema, { application: next.id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
      expect(rows.map((row) => row.sourceEvidenceId)).toEqual(old.map((item) => item.id));
      expect(rows.map((row) => row.sourceRevision)).toEqual(old.map((item) => item.revision));
    });

    it('gives each copy one revision', async () => {
      for (const item of await evidenceOf(next.id)) {
        const history = await app.call('GET', `${base(next.id)}/evidence/${item.id}/history`, staff.token);
        expect(history.body.total).toBe(1);
        expect(history.body.items[0]).toMatchObject({ number: 1, title: item.title, sha256: item.sha256, elements: item.elements });
      }
    });

    it('shares file content without copying bytes', async () => {
      const file = (await evidenceOf(next.id)).find((item) => item.kind === 'file')!;
      expect(file).toMatchObject({ fileName: 'journey.pdf', sha256: sha256(initial.pdf) });
      const download = await app.raw('GET', `${base(next.id)}/evidence/${file.id}/file`, staff.token);
      expect(download.status).toBe(200);
      expect(new Uint8Array(await download.arrayBuffer())).toEqual(initial.pdf);
      expect(await blobCount()).toBe(blobsBefore);
    });

    it('copies the self-assessments', async () => {
      const pick = ({ code, rating, statement }: Record<string, any>) => ({ code, rating, statement });
      const copied = await assessmentsOf(next.id);
      expect(copied).toHaveLength(elementCodes(app).length);
      expect(copied.map(pick)).toEqual((await assessmentsOf(initial.id)).map(pick));
    });

    it('returns the same successor twice', async () => {
      const again = await startDirectly(initial.id, '2022-11-20');
      expect(again.id).toBe(next.id);
      expect(await successorsOf(initial.id)).toHaveLength(1);
    });

    it('leaves the old submission record alone', async () => {
      const oldEvidence = await evidenceOf(initial.id);
      const [file, link] = ['file', 'link'].map((kind) => oldEvidence.find((item) => item.kind === kind)!);
      const copies = await evidenceOf(next.id);
      const copyOf = (id: string) => copies[oldEvidence.findIndex((item) => item.id === id)];

      const patched = await app.call('PATCH', `${base(next.id)}/evidence/${copyOf(file.id).id}`, staff.token, { title: 'Journey map, redrawn', elements: [{ code: '3.1.1' }] });
      expect(patched.status).toBe(200);
      expect((await app.call('DELETE', `${base(next.id)}/evidence/${copyOf(link.id).id}`, staff.token)).status).toBe(204);
      expect((await app.call('PUT', `${base(next.id)}/self-assessment/1.1.1`, staff.token, { rating: 'compliance_plus', statement: 'Rewritten' })).status).toBe(200);

      expect((await app.call('GET', `${base(initial.id)}/submissions`, quality.token)).body).toEqual(submittedBefore);
      expect(await evidenceOf(initial.id)).toEqual(oldEvidence);
    });

    it('walks the whole chain', async () => {
      const { chain } = await walkChain((id, reportDate) => startDirectly(id, reportDate));
      expect(chain.map(({ cycle, reviewNumber, cycleStartedOn, dueOn }) => ({ cycle, reviewNumber, cycleStartedOn, dueOn }))).toEqual(CHAIN_EXPECTED);
    });
  });

  // These tests need startNextCycle called from sendEvent when outcome.record moves an application to accredited.
  describe('after an outcome over HTTP', () => {
    const onlySuccessor = async (id: string) => {
      const found = await successorsOf(id);
      expect(found).toHaveLength(1);
      return found[0];
    };

    it('creates the next application', async () => {
      const { id } = await createInitial();
      await recordOutcome(id, '2022-11-20');

      const next = await onlySuccessor(id);
      expect(next).toMatchObject({ ...CHAIN_EXPECTED[0], state: 'draft' });
      expect((await evidenceOf(next.id)).map(content)).toEqual((await evidenceOf(id)).map(content));
      const history = await app.call('GET', `${base(next.id)}/history`, staff.token);
      expect(history.body.items[0]).toMatchObject({ type: 'application.created', actor: { id: quality.id } });
    });

    it('shows the cycle fields', async () => {
      const { id } = await createInitial();
      await recordOutcome(id, '2022-11-20');
      const next = await onlySuccessor(id);

      const detail = await app.call('GET', base(next.id), staff.token);
      expect(detail.body).toMatchObject({ ...CHAIN_EXPECTED[0], previousApplicationId: id });
      const listed = await app.call('GET', `/api/applications?libraryId=${staff.libraryId}&limit=500`, staff.token);
      expect(listed.body.items.find((item: { id: string }) => item.id === next.id)).toMatchObject({ ...CHAIN_EXPECTED[0], previousApplicationId: id });
    });

    it('walks the whole chain', async () => {
      const { chain } = await walkChain((id) => onlySuccessor(id));
      expect(chain.map(({ cycle, reviewNumber, cycleStartedOn, dueOn }) => ({ cycle, reviewNumber, cycleStartedOn, dueOn }))).toEqual(CHAIN_EXPECTED);
    });

    it('creates nothing when not accredited', async () => {
      const { id } = await createInitial();
      await recordOutcome(id, '2022-11-20', 'non_compliance');
      expect(await successorsOf(id)).toHaveLength(0);

      await send(id, staff.token, { type: 'reopen' });
      await recordOutcome(id, '2023-03-05');
      expect(await onlySuccessor(id)).toMatchObject({ cycle: 'annual_review', reviewNumber: 1, cycleStartedOn: '2023-03-05', dueOn: '2024-03-05' });
    });
  });
});
