import { createHash, randomUUID } from 'node:crypto';

import type pg from 'pg';

import type { SubmissionRecord } from '../../src/applications/submission-record.ts';
import type { RecordedEvidence } from '../../src/evidence/current-record.ts';
import type { LoadedStandard } from '../../src/standards/standard-registry.ts';
import { makeCseAssessments, makeCseMatrix } from '../../test/fixtures/matrix/make-cse-matrix.ts';
import { machineSnapshots } from './seed-applications.ts';

export const PORTFOLIO_EVIDENCE = 300;

/**
 * Builds the submitted record of a CSE application with all 57 elements and
 * 300 evidence items from the test suite's seeded matrix: files with hashes,
 * links and notes, and a self-rating of every element but each tenth.
 */
function makeRecord(standard: LoadedStandard): SubmissionRecord {
  const evidence: RecordedEvidence[] = makeCseMatrix(PORTFOLIO_EVIDENCE).map((item, index) => {
    const number = index + 1;
    let kind = index % 2 === 0 ? 'file' : 'note';
    if (item.link !== null) kind = 'link';
    return {
      id: randomUUID(),
      revision: 1 + (index % 3),
      kind,
      title: item.title,
      body: kind === 'note' ? (item.notes ?? 'Summary written by the Customer Services Manager.') : null,
      url: item.link,
      fileName: kind === 'file' ? `evidence-${number}.pdf` : null,
      sha256: kind === 'file' ? createHash('sha256').update(`evidence file ${number}`).digest('hex') : null,
      size: kind === 'file' ? 40_000 + number * 977 : null,
      mediaType: kind === 'file' ? 'application/pdf' : null,
      reference: item.reference,
      elements: item.elements.map((code) => ({ code, note: item.notes ?? `Shows how we meet ${code}.` })),
    };
  });
  const selfAssessments = makeCseAssessments().filter((_, index) => index % 10 !== 9);
  return { standard: { id: standard.id, version: standard.version }, evidence, selfAssessments };
}

export type PortfolioApplication = { applicationId: string; record: string; staffId: string; nextSequence: number };

/**
 * Inserts a submitted application with a mentor's review of every element (a
 * verdict on each, a comment on every sixth) and a comment thread on every
 * fourth element, all dated before the submission that `queueSubmittedRender` adds.
 */
export async function seedPortfolioApplication(pool: pg.Pool, input: { libraryId: string; staffId: string; mentorId: string; standard: LoadedStandard }): Promise<PortfolioApplication> {
  const applicationId = randomUUID();
  const { started, machineVersion } = machineSnapshots(input.libraryId);
  const snapshot = { ...started, value: 'submitted' };
  await pool.query(
    `insert into application (id, library_id, standard_id, standard_version, cycle, state, snapshot, machine_version, mentor_id, version, created_at, updated_at, state_changed_at)
     values ($1, $2, $3, $4, 'initial', 'submitted', $5::jsonb, $6, $7, 1, now() - interval '60 days', now(), now() - interval '1 day')`,
    [applicationId, input.libraryId, input.standard.id, input.standard.version, JSON.stringify(snapshot), machineVersion, input.mentorId],
  );

  const roundId = randomUUID();
  await pool.query(
    `insert into review_round (id, application_id, number, mentor_id, opened_at, due_at, decision, decided_at, decided_by_id)
     values ($1, $2, 1, $3, now() - interval '30 days', now() - interval '16 days', 'approved', now() - interval '20 days', $3)`,
    [roundId, applicationId, input.mentorId],
  );
  await pool.query(
    `insert into element_review (id, round_id, element_code, verdict, comment, suggested_rating, updated_at)
     select gen_random_uuid(), $1, c.code, case when c.n % 6 = 3 then 'needs_work' else 'ok' end,
            case when c.n % 6 = 3 then 'The evidence for ' || c.code || ' describes the policy but not how staff apply it. Add an example from the last year.' else '' end,
            case when c.n % 6 = 3 then 'partial_compliance' end, now() - interval '21 days'
       from unnest($2::text[]) with ordinality as c(code, n)`,
    [roundId, input.standard.elementCodes()],
  );
  await pool.query(
    `insert into review_comment (id, application_id, element_code, parent, author_id, body, created_at)
     select gen_random_uuid(), $1, c.code, null, case when k = 1 then $3::uuid else $4::uuid end,
            case when k = 1 then 'Could you add the date the ' || c.code || ' evidence was last reviewed?' else 'Added to the item notes. The review date is on page 2 of the document.' end,
            now() - interval '25 days' + k * interval '1 hour'
       from unnest($2::text[]) with ordinality as c(code, n), generate_series(1, 2) as k
      where c.n % 4 = 1`,
    [applicationId, input.standard.elementCodes(), input.mentorId, input.staffId],
  );
  return { applicationId, record: JSON.stringify(makeRecord(input.standard)), staffId: input.staffId, nextSequence: 2 };
}

/** Adds a submission of the same record and a queued render of it, as a `submit` would, and returns the render's id. */
export async function queueSubmittedRender(pool: pg.Pool, application: PortfolioApplication): Promise<string> {
  const submissionId = randomUUID();
  const renderId = randomUUID();
  const sequence = application.nextSequence++;
  await pool.query(`insert into submission (id, application_id, event_sequence, submitted_at, record) values ($1, $2, $3, now() - interval '1 day', $4::jsonb)`, [submissionId, application.applicationId, sequence, application.record]);
  await pool.query(
    `insert into portfolio_render (id, application_id, kind, submission_id, status, include_appendices, requested_by_id, created_at)
     values ($1, $2, 'submitted', $3, 'queued', false, $4, now())`,
    [renderId, application.applicationId, submissionId, application.staffId],
  );
  return renderId;
}
