import type { EntityManager } from '@mikro-orm/core';

import type { LoadedStandard, StandardNode } from '../standards/standard-registry.ts';
import { readCoverageSets, type CoverageSets } from './coverage.ts';

/**
 * Coverage of one group of the standard. `missing` lists the elements that
 * still lack evidence or a self-rating. `ratings` counts self-ratings by rating
 * id with every rating of the scale present, so that equal coverage gives equal bodies.
 */
export type CoverageNode = {
  code: string;
  title: string;
  elements: number;
  withEvidence: number;
  rated: number;
  ratings: Record<string, number>;
  missing: string[];
  subCriteria: CoverageNode[];
};

function summariseNode(node: StandardNode, standard: LoadedStandard, sets: CoverageSets, ratings: Map<string, string>): CoverageNode {
  const groups = node.children.filter((child) => child.children.length > 0);
  const items: string[] = [];
  const collect = (current: StandardNode) => {
    if (current.children.length === 0) items.push(current.code);
    else current.children.forEach(collect);
  };
  collect(node);

  const counts = Object.fromEntries(standard.ratingScale.map((rating) => [rating.id, 0]));
  for (const code of items) {
    const rating = ratings.get(code);
    if (rating !== undefined && rating in counts) counts[rating]++;
  }

  return {
    code: node.code,
    title: node.title,
    elements: items.length,
    withEvidence: items.filter((code) => sets.withEvidence.has(code)).length,
    rated: items.filter((code) => sets.rated.has(code)).length,
    ratings: counts,
    missing: items.filter((code) => !sets.withEvidence.has(code) || !sets.rated.has(code)),
    subCriteria: groups.map((group) => summariseNode(group, standard, sets, ratings)),
  };
}

/** Builds coverage per criterion and sub-criterion; the body has no ids, so two applications with the same evidence compare equal. */
export async function detailedCoverage(em: EntityManager, applicationId: string, standard: LoadedStandard): Promise<{ criteria: CoverageNode[] }> {
  const sets = await readCoverageSets(em, applicationId);
  const rows = await em.getConnection().execute<{ element_code: string; rating: string }[]>('select element_code, rating from self_assessment where application_id = ?', [applicationId], 'all', em.getTransactionContext());
  const ratings = new Map<string, string>(rows.map((row: { element_code: string; rating: string }) => [row.element_code, row.rating]));
  return { criteria: standard.criteria.map((criterion) => summariseNode(criterion, standard, sets, ratings)) };
}
