import type { EntityManager } from '@mikro-orm/core';

import type { Application } from '../applications/application.entity.ts';
import { describeApplication } from '../applications/application-view.ts';
import { readHistory } from '../applications/history.ts';
import { standardOf } from '../applications/standard-of.ts';
import { detailedCoverage, type CoverageNode } from '../evidence/coverage-detail.ts';
import type { Person } from '../people/person.entity.ts';
import { ElementReviewSchema } from '../review/element-review.entity.ts';
import { ReviewRoundSchema } from '../review/review-round.entity.ts';
import type { LoadedStandard, StandardRegistry } from '../standards/standard-registry.ts';
import { stateInWords } from './page-templates.ts';
import { readRenderRows } from './render-rows.ts';
import { applicationSummary } from './staff-list-view.ts';
import { historyWords, verdictWords } from './staff-words.ts';

const HISTORY_LIMIT = 200;
const RENDER_LIMIT = 20;

/** Reads, per element code, the number of live evidence items mapped to it and its self-rating. */
export async function readElementFacts(em: EntityManager, applicationId: string) {
  const connection = em.getConnection();
  const counted = await connection.execute<{ element_code: string; items: string | number }[]>(
    `select ee.element_code, count(*) as items from evidence_element ee
       join evidence e on e.id = ee.evidence_id
      where e.application_id = ? and e.deleted_at is null
      group by ee.element_code`,
    [applicationId],
  );
  const rated = await connection.execute<{ element_code: string; rating: string }[]>('select element_code, rating from self_assessment where application_id = ?', [applicationId]);
  return {
    evidenceCounts: new Map<string, number>(counted.map((row: { element_code: string; items: string | number }) => [row.element_code, Number(row.items)])),
    ratings: new Map<string, string>(rated.map((row: { element_code: string; rating: string }) => [row.element_code, row.rating])),
  };
}

/** Reads the verdicts of the application's latest review round by element code. The map is empty before the first round. */
export async function readLatestVerdicts(em: EntityManager, applicationId: string): Promise<Map<string, { verdict: string; comment: string }>> {
  const round = await em.findOne(ReviewRoundSchema, { application: applicationId }, { orderBy: { number: 'desc' } });
  if (round === null) return new Map();
  const verdicts = await em.find(ElementReviewSchema, { round: round.id });
  return new Map(verdicts.map((row) => [row.elementCode, { verdict: row.verdict, comment: row.comment as string }]));
}

export function ratingLabel(standard: LoadedStandard, rating: string | undefined): string {
  if (rating === undefined) return 'Not rated';
  return standard.ratingScale.find((item) => item.id === rating)?.label ?? rating;
}

type ProgressNode = { code: string; title: string; elements: number; complete: number; withEvidence: number; rated: number; subCriteria: ProgressNode[] };

function toProgress(node: CoverageNode): ProgressNode {
  return {
    code: node.code,
    title: node.title,
    elements: node.elements,
    complete: node.elements - node.missing.length,
    withEvidence: node.withEvidence,
    rated: node.rated,
    subCriteria: node.subCriteria.map(toProgress),
  };
}

/** Builds the overview of one application: progress, elements (all or only the missing ones), history and portfolio renders. */
export async function buildApplicationView(em: EntityManager, standards: StandardRegistry, application: Application, person: Person, onlyMissing: boolean) {
  const standard = standardOf(standards, application);
  const detail = await describeApplication(em, standards, application, person);
  const { criteria } = await detailedCoverage(em, application.id, standard);
  const { evidenceCounts, ratings } = await readElementFacts(em, application.id);
  const verdicts = await readLatestVerdicts(em, application.id);

  const allElements = standard.elements.map((element) => {
    const evidence = evidenceCounts.get(element.code) ?? 0;
    const rating = ratings.get(element.code);
    return {
      code: element.code,
      title: element.title,
      rating: ratingLabel(standard, rating),
      evidence,
      verdict: verdictWords(verdicts.get(element.code)?.verdict ?? null),
      missing: evidence === 0 || rating === undefined,
    };
  });
  const elements = onlyMissing ? allElements.filter((element) => element.missing) : allElements;

  // The timeline shows the newest events, so a long history is read from its last page.
  let history = await readHistory(em, application.id, { limit: HISTORY_LIMIT, offset: 0 });
  if (history.total > HISTORY_LIMIT) history = await readHistory(em, application.id, { limit: HISTORY_LIMIT, offset: history.total - HISTORY_LIMIT });
  const renders = await readRenderRows(em, application.id, RENDER_LIMIT);

  return {
    application: applicationSummary(detail),
    totals: { elements: detail.coverage.elements, complete: allElements.filter((element) => !element.missing).length, missing: allElements.filter((element) => element.missing).length },
    progress: criteria.map(toProgress),
    onlyMissing,
    elements,
    history: history.items
      .map((item) => ({
        time: item.time,
        event: historyWords(item.type),
        actor: item.actor === 'system' ? 'Waymark' : item.actor.name,
        toState: item.toState === null || item.toState === item.fromState ? null : stateInWords(item.toState),
      }))
      .reverse(),
    historyTruncated: history.total > HISTORY_LIMIT,
    renders,
  };
}
