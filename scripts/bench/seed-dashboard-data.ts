import { randomUUID } from 'node:crypto';

import type pg from 'pg';

import type { LoadedStandard } from '../../src/standards/standard-registry.ts';
import { machineSnapshots } from './seed-applications.ts';
import { RECOUNT_COVERAGE_SQL } from '../../src/evidence/coverage-count.ts';

/** Evidence items per application and elements per item: 75 × 4 = 300 evidence mappings per application. */
export const EVIDENCE_PER_APPLICATION = 75;
export const ELEMENTS_PER_EVIDENCE = 4;
const BATCH = 1000;

// The states the dashboard data spreads applications over, with each one's machine value.
const STATES: { state: string; value: unknown; hasMentor: boolean }[] = [
  { state: 'draft', value: 'draft', hasMentor: false },
  { state: 'gatheringEvidence', value: 'gatheringEvidence', hasMentor: false },
  { state: 'peerReview.awaitingMentor', value: { peerReview: 'awaitingMentor' }, hasMentor: false },
  { state: 'peerReview.inReview', value: { peerReview: 'inReview' }, hasMentor: true },
  { state: 'readyToSubmit', value: 'readyToSubmit', hasMentor: true },
];

export type QualityData = { libraryIds: string[]; staffId: string; mentorIds: string[]; standard: LoadedStandard };

/**
 * Inserts `count` applications with SQL, in batches of 1,000: each with a
 * self-rating of every element and 75 live evidence items mapped to 4 elements
 * each, and an open review round for those in review. Coverage varies from 20
 * to all 57 elements. Evidence revisions are left out, because neither the
 * dashboard nor coverage reads them. Returns the new applications' ids.
 */
export async function seedQualityData(pool: pg.Pool, data: QualityData, count: number): Promise<string[]> {
  const codes = data.standard.elementCodes();
  const ratings = data.standard.ratingScale.map((rating) => rating.id);
  const { draft, machineVersion } = machineSnapshots(data.libraryIds[0]);
  const seeded: string[] = [];

  for (let first = 0; first < count; first += BATCH) {
    const size = Math.min(BATCH, count - first);
    const ids = Array.from({ length: size }, () => randomUUID());
    seeded.push(...ids);
    const client = await pool.connect();
    try {
      await client.query('begin');
      await insertApplications(client, data, ids, first, { draft, machineVersion });
      await client.query(
        `insert into self_assessment (id, application_id, element_code, rating, statement, author_id, updated_at)
         select gen_random_uuid(), a.id, c.code, ($2::text[])[(1 + (a.n + c.n) % array_length($2::text[], 1))::int], 'Statement written for the benchmark.', $3, now()
           from unnest($1::uuid[]) with ordinality as a(id, n), unnest($4::text[]) with ordinality as c(code, n)`,
        [ids, ratings, data.staffId, codes],
      );
      // Evidence ids derive from the application id and the item number, so the mappings below can name them without a round trip.
      await client.query(
        `insert into evidence (id, application_id, kind, title, body, url, author_id, created_at, updated_at, deleted_at)
         select md5(a.id::text || ':' || j)::uuid, a.id, 'note', 'Evidence item ' || j, 'Summary of the evidence for the benchmark.', null, $2, now(), now(), null
           from unnest($1::uuid[]) as a(id), generate_series(1, $3) as j`,
        [ids, data.staffId, EVIDENCE_PER_APPLICATION],
      );
      await client.query(
        `insert into evidence_element (id, evidence_id, element_code, note)
         select gen_random_uuid(), md5(a.id::text || ':' || j)::uuid, ($2::text[])[(1 + (j * $4 + k) % (20 + a.n % 38))::int], ''
           from unnest($1::uuid[]) with ordinality as a(id, n), generate_series(1, $3) as j, generate_series(0, $4 - 1) as k`,
        [ids, codes, EVIDENCE_PER_APPLICATION, ELEMENTS_PER_EVIDENCE],
      );
      await client.query(RECOUNT_COVERAGE_SQL, [ids]);
      await client.query(
        `insert into review_round (id, application_id, number, mentor_id, opened_at, due_at)
         select gen_random_uuid(), a.id, 1, a.mentor_id, now() - interval '10 days', now() + ((b.n % 30) - 5) * interval '1 day'
           from application a, unnest($1::uuid[]) with ordinality as b(id, n)
          where a.id = b.id and a.state = 'peerReview.inReview'`,
        [ids],
      );
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
  await pool.query('analyze');
  return seeded;
}

async function insertApplications(client: pg.PoolClient, data: QualityData, ids: string[], offset: number, machine: { draft: Record<string, unknown>; machineVersion: number }): Promise<void> {
  await client.query(
    `with states as (select * from jsonb_to_recordset($5::jsonb) as s(n int, state text, value jsonb, "hasMentor" boolean))
     insert into application (id, library_id, standard_id, standard_version, cycle, state, snapshot, machine_version, mentor_id, version, created_at, updated_at, state_changed_at)
     select a.id, l.id, $2, $3, 'initial', s.state,
            jsonb_set(jsonb_set(jsonb_set($4::jsonb, '{value}', s.value), '{context,libraryId}', to_jsonb(l.id::text)), '{context,mentorId}', coalesce(to_jsonb(m.id::text), 'null'::jsonb)),
            $6, m.id, 1, now() - (a.n % 400) * interval '1 day', now(), now() - (a.n % 90) * interval '1 day'
       from unnest($1::uuid[]) with ordinality as a(id, n)
       join states s on s.n = (a.n + $9) % jsonb_array_length($5::jsonb)
       join lateral (select ($7::uuid[])[(1 + (a.n + $9) % array_length($7::uuid[], 1))::int] as id) l on true
       left join lateral (select ($8::uuid[])[(1 + (a.n + $9) % array_length($8::uuid[], 1))::int] as id where s."hasMentor") m on true`,
    [
      ids,
      data.standard.id,
      data.standard.version,
      JSON.stringify(machine.draft),
      JSON.stringify(STATES.map((state, n) => ({ n, ...state }))),
      machine.machineVersion,
      data.libraryIds,
      data.mentorIds,
      offset,
    ],
  );
}
