import { randomUUID } from 'node:crypto';

import { LockMode, type EntityManager } from '@mikro-orm/core';

import { ApplicationSchema } from '../applications/application.entity.ts';
import { AppError } from '../errors.ts';
import type { LoadedStandard } from '../standards/standard-registry.ts';
import { ElementReviewSchema, type ElementReview, type Verdict } from './element-review.entity.ts';
import { openRoundOf } from './review-rounds.ts';

export type VerdictInput = { code: string; verdict: Verdict; comment?: string; suggestedRating?: string | null };

/** Rejects (422) codes outside the standard, suggested ratings outside its scale, and a code listed twice. */
export function checkVerdicts(standard: LoadedStandard, inputs: VerdictInput[]): void {
  const unknown = inputs.map((input) => input.code).filter((code) => !standard.hasElement(code));
  if (unknown.length > 0) throw AppError.invalid(`Element code ${unknown.join(', ')} is not in ${standard.id} ${standard.version}. Use codes from GET /api/standards/${standard.id}.`);
  const badRatings = inputs.filter((input) => input.suggestedRating != null && !standard.hasRating(input.suggestedRating));
  if (badRatings.length > 0) {
    throw AppError.invalid(`suggestedRating "${badRatings[0].suggestedRating}" is not on the ${standard.id} scale. Use one of: ${standard.ratingScale.map((rating) => rating.id).join(', ')}.`);
  }
  const seen = new Set<string>();
  const repeated = inputs.map((input) => input.code).filter((code) => seen.size === seen.add(code).size);
  if (repeated.length > 0) throw AppError.invalid(`Element ${repeated[0]} is listed more than once; give each element one verdict.`);
}

/**
 * Stores the assigned mentor's verdicts in the open round. Verdicts change only
 * while the application is in review and the round is open (409 otherwise).
 * The application row is locked for sharing, so a decision cannot slip between.
 */
export async function putVerdicts(em: EntityManager, applicationId: string, mentorId: string, standard: LoadedStandard, inputs: VerdictInput[]): Promise<ElementReview[]> {
  checkVerdicts(standard, inputs);

  return em.transactional(async (tx) => {
    const application = await tx.findOneOrFail(ApplicationSchema, { id: applicationId }, { lockMode: LockMode.PESSIMISTIC_READ, refresh: true });
    const round = await openRoundOf(tx, applicationId);
    if (application.state !== 'peerReview.inReview' || round === null) {
      throw new AppError('conflict', `Application ${applicationId} is in state ${application.state}, with no review round open, so verdicts cannot change now. They can change while it is in peerReview.inReview.`, { state: application.state });
    }
    if (round.mentor !== mentorId) throw AppError.forbidden(`Only the mentor of the open round may give verdicts on application ${applicationId}.`);

    const existing = await tx.find(ElementReviewSchema, { round: round.id, elementCode: { $in: inputs.map((input) => input.code) } });
    const byCode = new Map(existing.map((row) => [row.elementCode, row]));
    const now = new Date();
    return inputs.map((input) => {
      const row = byCode.get(input.code) ?? tx.create(ElementReviewSchema, { id: randomUUID(), round: round.id, elementCode: input.code, verdict: input.verdict, updatedAt: now });
      row.verdict = input.verdict;
      row.comment = input.comment ?? '';
      row.suggestedRating = input.suggestedRating ?? null;
      row.updatedAt = now;
      return row;
    });
  });
}

export function verdictJson(row: ElementReview) {
  return { code: row.elementCode, verdict: row.verdict, comment: row.comment as string, suggestedRating: row.suggestedRating ?? null, updatedAt: row.updatedAt.toISOString() };
}
