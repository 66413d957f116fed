import type { EntityManager } from '@mikro-orm/core';

import type { LoadedStandard } from '../standards/standard-registry.ts';

export type CriterionCoverage = { code: string; title: string; elements: number; withEvidence: number; rated: number };
export type Coverage = { elements: number; withEvidence: number; rated: number; criteria: CriterionCoverage[] };

/** The element codes that have live evidence, and those with a self-rating, for one application. */
export type CoverageSets = { withEvidence: Set<string>; rated: Set<string> };

/** Reads which elements of an application have evidence and a self-rating: two indexed queries, no entities. */
export async function readCoverageSets(em: EntityManager, applicationId: string): Promise<CoverageSets> {
  const connection = em.getConnection();
  // One after the other: inside a transaction both share one connection.
  const evidenceRows = await connection.execute<{ element_code: string }[]>(
      `select distinct ee.element_code from evidence_element ee
         join evidence e on e.id = ee.evidence_id
        where e.application_id = ? and e.deleted_at is null`,
      [applicationId],
      'all',
    em.getTransactionContext(),
  );
  const ratedRows = await connection.execute<{ element_code: string }[]>(
      'select element_code from self_assessment where application_id = ?',
      [applicationId],
      'all',
    em.getTransactionContext(),
  );
  return {
    withEvidence: new Set(evidenceRows.map((row: { element_code: string }) => row.element_code)),
    rated: new Set(ratedRows.map((row: { element_code: string }) => row.element_code)),
  };
}

/** Folds the sets into counts per top-level criterion of the standard; codes outside the standard do not count. */
export function summariseCoverage(standard: LoadedStandard, sets: CoverageSets): Coverage {
  const criteria = standard.criteria.map((criterion) => ({ code: criterion.code, title: criterion.title, elements: 0, withEvidence: 0, rated: 0 }));
  const byCode = new Map(criteria.map((criterion) => [criterion.code, criterion]));

  for (const element of standard.elements) {
    const criterion = byCode.get(element.ancestors[0]);
    if (criterion === undefined) continue;
    criterion.elements++;
    if (sets.withEvidence.has(element.code)) criterion.withEvidence++;
    if (sets.rated.has(element.code)) criterion.rated++;
  }

  const total = (key: 'elements' | 'withEvidence' | 'rated') => criteria.reduce((sum, criterion) => sum + criterion[key], 0);
  return { elements: total('elements'), withEvidence: total('withEvidence'), rated: total('rated'), criteria };
}

export async function computeCoverage(em: EntityManager, applicationId: string, standard: LoadedStandard): Promise<Coverage> {
  return summariseCoverage(standard, await readCoverageSets(em, applicationId));
}
