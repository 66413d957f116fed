import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';
import { makePdf } from '../fixtures/files/make-files.ts';

describe('stored coverage count', () => {
  let app: TestApp;
  let staff: TestPerson;

  const newStarted = async () => {
    const id = (await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' })).body.id as string;
    await app.call('POST', `/api/applications/${id}/events`, staff.token, { type: 'start' });
    return id;
  };

  const note = (id: string, codes: string[]) =>
    app.call('POST', `/api/applications/${id}/evidence`, staff.token, { kind: 'note', title: `Covers ${codes.join(', ')}`, body: 'Evidence.', elements: codes.map((code) => ({ code })) });

  /** Reads the stored count beside the count the coverage route computes afresh. */
  const counts = async (id: string) => {
    const rows = await app.db.em.getConnection().execute<{ with_evidence: number }[]>('select with_evidence from application_coverage where application_id = ?', [id]);
    const fresh = (await app.call('GET', `/api/applications/${id}`, staff.token)).body.coverage.withEvidence as number;
    return { stored: rows[0]?.with_evidence ?? 0, fresh };
  };

  beforeAll(async () => {
    app = await createTestApp();
    staff = await app.person(['library_staff'], await app.library());
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('follows every kind of evidence write', async () => {
    const id = await newStarted();

    const first = (await note(id, ['1.1.1', '1.1.2', '1.1.3'])).body;
    expect(await counts(id)).toEqual({ stored: 3, fresh: 3 });

    await app.call('PATCH', `/api/applications/${id}/evidence/${first.id}`, staff.token, { elements: [{ code: '1.1.1' }, { code: '2.1.1' }] });
    expect(await counts(id)).toEqual({ stored: 2, fresh: 2 });

    await app.upload(`/api/applications/${id}/evidence`, staff.token, [{ name: 'elements', body: '3.1.1,2.1.1' }, { name: 'file', fileName: 'charter.pdf', type: 'application/pdf', body: makePdf() }]);
    expect(await counts(id)).toEqual({ stored: 3, fresh: 3 });

    await app.call('DELETE', `/api/applications/${id}/evidence/${first.id}`, staff.token);
    expect(await counts(id)).toEqual({ stored: 2, fresh: 2 });
  });

  it('follows a matrix import', async () => {
    const id = await newStarted();
    const csv = 'Element,Title\r\n1.1.1;1.2.1,Survey\r\n5.3.3,Benchmarking\r\n';

    const imported = await app.upload(`/api/applications/${id}/evidence-matrix`, staff.token, [{ name: 'file', fileName: 'matrix.csv', type: 'text/csv', body: csv }]);

    expect(imported.status).toBe(200);
    expect(await counts(id)).toEqual({ stored: 3, fresh: 3 });
  });

  it('counts every one of 20 concurrent writes', async () => {
    const id = await newStarted();
    const codes = app.standards.latest('cse')!.elementCodes().slice(0, 20);

    const answers = await Promise.all(codes.map((code) => note(id, [code])));

    expect(answers.map((answer) => answer.status)).toEqual(codes.map(() => 201));
    expect(await counts(id)).toEqual({ stored: 20, fresh: 20 });
  });
});
