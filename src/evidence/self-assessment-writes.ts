import { randomUUID } from 'node:crypto';

import type { EntityManager } from '@mikro-orm/core';

import { AppError } from '../errors.ts';
import type { LoadedStandard } from '../standards/standard-registry.ts';
import { lockEditable } from './edit-lock.ts';
import { SelfAssessmentSchema, type SelfAssessment } from './self-assessment.entity.ts';

export type SelfAssessmentInput = { code: string; rating: string; statement?: string };

/** Rejects (422) an element code outside the standard or a rating outside its scale. */
export function checkSelfAssessment(standard: LoadedStandard, input: SelfAssessmentInput): void {
  if (!standard.hasElement(input.code)) throw AppError.invalid(`Element code "${input.code}" is not in ${standard.id} ${standard.version}. Use a code from GET /api/standards/${standard.id}.`);
  if (!standard.hasRating(input.rating)) {
    throw AppError.invalid(`rating "${input.rating}" is not on the ${standard.id} scale. Use one of: ${standard.ratingScale.map((rating) => rating.id).join(', ')}.`);
  }
}

/** Creates or replaces self-assessments inside the caller's transaction; the caller has locked the application. */
export async function upsertSelfAssessments(em: EntityManager, applicationId: string, authorId: string, inputs: SelfAssessmentInput[]): Promise<SelfAssessment[]> {
  const now = new Date();
  const existing = await em.find(SelfAssessmentSchema, { application: applicationId, elementCode: { $in: inputs.map((input) => input.code) } });
  const byCode = new Map(existing.map((row) => [row.elementCode, row]));

  return inputs.map((input) => {
    const row = byCode.get(input.code);
    if (row !== undefined) {
      row.rating = input.rating;
      if (input.statement !== undefined) row.statement = input.statement;
      row.author = authorId;
      row.updatedAt = now;
      return row;
    }
    return em.create(SelfAssessmentSchema, { id: randomUUID(), application: applicationId, elementCode: input.code, rating: input.rating, statement: input.statement ?? '', author: authorId, updatedAt: now });
  });
}

export async function putSelfAssessment(em: EntityManager, applicationId: string, authorId: string, standard: LoadedStandard, input: SelfAssessmentInput): Promise<SelfAssessment> {
  checkSelfAssessment(standard, input);
  return em.transactional(async (tx) => {
    await lockEditable(tx, applicationId);
    const [row] = await upsertSelfAssessments(tx, applicationId, authorId, [input]);
    return row;
  });
}
