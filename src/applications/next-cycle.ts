import { randomUUID } from 'node:crypto';

import type { EntityManager } from '@mikro-orm/core';

import { EvidenceRevisionSchema } from '../evidence/evidence-revision.entity.ts';
import { insertEvidence, type NewEvidence } from '../evidence/evidence-writes.ts';
import { EvidenceSchema } from '../evidence/evidence.entity.ts';
import { SelfAssessmentSchema } from '../evidence/self-assessment.entity.ts';
import { ApplicationSchema, type Application, type Cycle } from './application.entity.ts';
import { insertDraftApplication } from './create-application.ts';

/** The next application of a three-year cycle: its kind, which annual review it is, and its due date counted from the cycle's start. */
export type CycleStep = { cycle: Cycle; reviewNumber: number | null; cycleStartedOn: string; dueOn: string };

/**
 * Creates the next application of the cycle after `application` was accredited,
 * inside the caller's transaction. A cycle starts on the report date of an
 * accredited initial assessment or reassessment, and its annual reviews and
 * reassessment fall due 12, 24 and 36 months after that date. The new
 * application starts in `draft` from copies of the live evidence and the
 * self-assessments, and each copied item names the item and revision it came
 * from. The old application and its submission record are not changed.
 *
 * `accredited` is a final state, so an application has one successor. A second
 * call returns the successor that the first call made.
 */
export async function startNextCycle(em: EntityManager, application: Application, outcome: { reportDate: string }, actorId: string, now: Date): Promise<Application> {
  const existing = await em.findOne(ApplicationSchema, { previousApplicationId: application.id });
  if (existing !== null) return existing;

  const step = nextCycleStep(application, outcome.reportDate);
  // Keeps this version rather than the newest, because the copied mappings and self-assessments use its
  // element codes and a newer version may rename or drop elements. Nothing maps codes between versions yet.
  const next = insertDraftApplication(
    em,
    {
      libraryId: application.library,
      standardId: application.standardId,
      standardVersion: application.standardVersion,
      cycle: step.cycle,
      previousApplicationId: application.id,
      dueOn: step.dueOn,
      cycleStartedOn: step.cycleStartedOn,
      reviewNumber: step.reviewNumber,
    },
    actorId,
    now,
  );

  await copyEvidence(em, application.id, next.id, actorId);
  await copySelfAssessments(em, application.id, next.id, actorId, now);
  await em.flush();
  return next;
}

/**
 * Decides the kind, review number and due date of the application that follows
 * an accredited `application` whose outcome report is dated `reportDate`.
 */
export function nextCycleStep(application: Pick<Application, 'cycle' | 'cycleStartedOn' | 'reviewNumber'>, reportDate: string): CycleStep {
  if (application.cycle !== 'annual_review') {
    return { cycle: 'annual_review', reviewNumber: 1, cycleStartedOn: reportDate, dueOn: addMonths(reportDate, 12) };
  }

  // NOTE: An annual review created by hand carries no cycle fields, so it is taken as the first review with the
  // cycle started 12 months before its report date. The second review then falls due 12 months after that date.
  const reviewNumber = application.reviewNumber ?? 1;
  const cycleStartedOn = application.cycleStartedOn ?? addMonths(reportDate, -12 * reviewNumber);
  if (reviewNumber >= 2) return { cycle: 'reassessment', reviewNumber: null, cycleStartedOn, dueOn: addMonths(cycleStartedOn, 36) };
  return { cycle: 'annual_review', reviewNumber: reviewNumber + 1, cycleStartedOn, dueOn: addMonths(cycleStartedOn, 12 * (reviewNumber + 1)) };
}

/**
 * Adds whole calendar months to an ISO date (YYYY-MM-DD). When the day does not
 * exist in the target month, the result is that month's last day, so 2028-02-29
 * plus 12 months is 2029-02-28 and 2027-01-31 plus 1 month is 2027-02-28.
 */
export function addMonths(isoDate: string, months: number): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (match === null) throw new RangeError(`Expected a date as YYYY-MM-DD, got "${isoDate}".`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];

  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = monthIndex - targetYear * 12;
  // Day 0 of the following month is the last day of the target month.
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const targetDay = Math.min(day, lastDay);
  return `${String(targetYear).padStart(4, '0')}-${String(targetMonth + 1).padStart(2, '0')}-${String(targetDay).padStart(2, '0')}`;
}

/**
 * Copies every live item of `fromId` at its current revision into `toId` as a
 * new item at revision 1, with a first revision row. File items share the
 * stored content through their SHA-256, so no bytes are copied.
 */
async function copyEvidence(em: EntityManager, fromId: string, toId: string, actorId: string): Promise<void> {
  const items = await em.find(EvidenceSchema, { application: fromId, deletedAt: null }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  if (items.length === 0) return;

  // The values come from the immutable revision row that sourceRevision names, not from the item row that later edits change.
  const revisions = await em.find(EvidenceRevisionSchema, { $or: items.map((item) => ({ evidence: item.id, number: item.revision as number })) });
  const byItem = new Map(revisions.map((revision) => [revision.evidence, revision]));
  const inputs: NewEvidence[] = items.map((item) => {
    const revision = byItem.get(item.id);
    if (revision === undefined) throw new Error(`Evidence item ${item.id} cannot be copied: the revision row for its current revision ${item.revision} is missing.`);
    return {
      kind: item.kind,
      title: revision.title,
      body: revision.body ?? null,
      url: revision.url ?? null,
      file:
        item.kind === 'file' && revision.sha256 != null
          ? { fileName: revision.fileName ?? 'file', sha256: revision.sha256, size: revision.size ?? 0, mediaType: revision.mediaType ?? 'application/octet-stream' }
          : undefined,
      reference: revision.reference ?? null,
      owner: revision.owner ?? null,
      evidenceDate: revision.evidenceDate ?? null,
      evidenceType: revision.evidenceType ?? null,
      elements: revision.elements.map((mapping) => ({ code: mapping.code, note: mapping.note })),
    };
  });

  // insertEvidence keeps the source order by spacing creation times, and writes each item's first revision row.
  const copies = await insertEvidence(em, toId, actorId, inputs);
  for (const [index, copy] of copies.entries()) {
    copy.sourceEvidenceId = items[index].id;
    copy.sourceRevision = items[index].revision as number;
  }
}

async function copySelfAssessments(em: EntityManager, fromId: string, toId: string, actorId: string, now: Date): Promise<void> {
  const rows = await em.find(SelfAssessmentSchema, { application: fromId }, { orderBy: { elementCode: 'asc' } });
  for (const row of rows) {
    em.create(SelfAssessmentSchema, { id: randomUUID(), application: toId, elementCode: row.elementCode, rating: row.rating, statement: row.statement, author: actorId, updatedAt: now });
  }
}
