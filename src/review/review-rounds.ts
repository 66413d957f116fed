import { randomUUID } from 'node:crypto';

import type { EntityManager } from '@mikro-orm/core';

import type { ApplicationEvent, ReviewFacts } from '../../machines/application.machine.ts';
import type { Application } from '../applications/application.entity.ts';
import { readCurrentRecord } from '../evidence/current-record.ts';
import type { LoadedStandard } from '../standards/standard-registry.ts';
import { ElementReviewSchema } from './element-review.entity.ts';
import { ReviewRoundSchema, type ReviewRound, type RoundDecision } from './review-round.entity.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export async function openRoundOf(em: EntityManager, applicationId: string): Promise<ReviewRound | null> {
  return em.findOne(ReviewRoundSchema, { application: applicationId, decision: null });
}

/** Reads the open round's verdicts as the facts the review guards need; elements without a verdict count as not reviewed. */
export async function reviewFacts(em: EntityManager, applicationId: string, standard: LoadedStandard): Promise<ReviewFacts> {
  const round = await openRoundOf(em, applicationId);
  const verdicts = round === null ? [] : await em.find(ElementReviewSchema, { round: round.id });
  const byCode = new Map(verdicts.map((verdict) => [verdict.elementCode, verdict]));

  const facts: ReviewFacts = { needsWork: [], needsWorkWithoutComment: [], notReviewed: [] };
  for (const code of standard.elementCodes()) {
    const verdict = byCode.get(code);
    if (verdict === undefined || verdict.verdict === 'not_reviewed') facts.notReviewed.push(code);
    else if (verdict.verdict === 'needs_work' && (verdict.comment as string).trim() !== '') facts.needsWork.push(code);
    else if (verdict.verdict === 'needs_work') facts.needsWorkWithoutComment.push(code);
  }
  return facts;
}

async function openRound(em: EntityManager, applicationId: string, mentorId: string, now: Date, dueDays: number): Promise<ReviewRound> {
  const rows = await em.getConnection().execute<{ last: number | null }[]>('select max(number) as last from review_round where application_id = ?', [applicationId], 'all', em.getTransactionContext());
  return em.create(ReviewRoundSchema, {
    id: randomUUID(),
    application: applicationId,
    number: (rows[0]?.last ?? 0) + 1,
    mentor: mentorId,
    openedAt: now,
    dueAt: new Date(now.getTime() + dueDays * DAY_MS),
  });
}

async function closeRound(em: EntityManager, round: ReviewRound, decision: RoundDecision, actorId: string, now: Date, comment: string | null, bindRecord: boolean): Promise<void> {
  round.decision = decision;
  round.decidedAt = now;
  round.decidedBy = actorId;
  round.decisionComment = comment;
  // A decision binds the round to what the mentor saw: the evidence revisions and statements of this moment.
  if (bindRecord) round.reviewed = (await readCurrentRecord(em, round.application)) as unknown as Record<string, unknown>;
}

/**
 * Opens and closes review rounds inside the event's transaction. An assignment,
 * or a review request that returns to the kept mentor, opens a round. A
 * decision, a release, a reassignment or a withdrawal closes it.
 */
export async function followReviewRounds(
  em: EntityManager,
  application: Application,
  event: ApplicationEvent,
  toState: string,
  actorId: string,
  now: Date,
  dueDays: number,
): Promise<void> {
  const open = await openRoundOf(em, application.id);

  switch (event.type) {
    case 'mentor.assign':
      if (open !== null) await closeRound(em, open, 'reassigned', actorId, now, event.reason ?? null, false);
      await openRound(em, application.id, event.mentorId, now, dueDays);
      return;
    case 'review.request':
      if (toState === 'peerReview.inReview' && application.mentor != null) await openRound(em, application.id, application.mentor, now, dueDays);
      return;
    case 'mentor.release':
      if (open !== null) await closeRound(em, open, 'released', actorId, now, event.reason, false);
      return;
    case 'review.requestChanges':
      if (open !== null) await closeRound(em, open, 'changes_requested', actorId, now, event.comment, true);
      return;
    case 'review.approve':
      if (open !== null) await closeRound(em, open, 'approved', actorId, now, null, true);
      return;
    case 'withdraw':
      if (open !== null) await closeRound(em, open, 'withdrawn', actorId, now, event.reason ?? null, false);
      return;
    default:
      return;
  }
}
