import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { ReviewRoundSchema } from './review-round.entity.ts';

export const VERDICTS = ['ok', 'needs_work', 'not_reviewed'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** The mentor's verdict on one element in one round, with a comment and, if they want, a suggested rating. */
export const ElementReviewSchema = defineEntity({
  name: 'ElementReview',
  tableName: 'element_review',
  properties: {
    id: p.uuid().primary(),
    round: () => p.manyToOne(ReviewRoundSchema).mapToPk(),
    elementCode: p.text(),
    verdict: p.enum(VERDICTS),
    comment: p.text().default(''),
    suggestedRating: p.text().nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['round', 'elementCode'] }],
});

export type ElementReview = InferEntity<typeof ElementReviewSchema>;
