import type { EntityManager } from '@mikro-orm/core';

/**
 * Recounts the elements covered by an application's live evidence and stores
 * the count, inside the caller's transaction. The count row is locked before
 * the recount, so of two evidence writes at once the second counts after the
 * first has committed and neither overwrites the other with a stale number.
 */
export async function refreshCoverageCount(em: EntityManager, applicationId: string): Promise<number> {
  // The recount is SQL, so the items and mappings this transaction created must be written first.
  await em.flush();
  const connection = em.getConnection();
  const context = em.getTransactionContext();

  await connection.execute('insert into application_coverage (application_id, with_evidence) values (?, 0) on conflict (application_id) do nothing', [applicationId], 'run', context);
  await connection.execute('select 1 from application_coverage where application_id = ? for update', [applicationId], 'all', context);
  const [counted] = await connection.execute<{ n: string | number }[]>(
    `select count(distinct ee.element_code) as n from evidence_element ee
       join evidence e on e.id = ee.evidence_id
      where e.application_id = ? and e.deleted_at is null`,
    [applicationId],
    'all',
    context,
  );
  const withEvidence = Number(counted.n);
  await connection.execute('update application_coverage set with_evidence = ? where application_id = ?', [withEvidence, applicationId], 'run', context);
  return withEvidence;
}

/**
 * Recounts the stored coverage of the applications whose ids are in `$1` (a uuid array), for
 * loaders that write evidence with SQL rather than through the evidence writes, such as test
 * fixtures and the benchmark's seeding. Written with `pg` placeholders.
 */
export const RECOUNT_COVERAGE_SQL = `
  insert into application_coverage (application_id, with_evidence)
  select a.id, (select count(distinct ee.element_code) from evidence e join evidence_element ee on ee.evidence_id = e.id
                 where e.application_id = a.id and e.deleted_at is null)
    from application a where a.id = any($1::uuid[])
  on conflict (application_id) do update set with_evidence = excluded.with_evidence`;
