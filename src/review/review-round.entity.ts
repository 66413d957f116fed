import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { ApplicationSchema } from '../applications/application.entity.ts';
import { PersonSchema } from '../people/person.entity.ts';

export const ROUND_DECISIONS = ['changes_requested', 'approved', 'released', 'reassigned', 'withdrawn'] as const;
export type RoundDecision = (typeof ROUND_DECISIONS)[number];

/**
 * One review by one mentor, from assignment (or a new review request) to the
 * mentor's decision. `reviewed` binds the round to what the mentor decided on:
 * the evidence revisions and the statements current at the decision.
 */
export const ReviewRoundSchema = defineEntity({
  name: 'ReviewRound',
  tableName: 'review_round',
  properties: {
    id: p.uuid().primary(),
    application: () => p.manyToOne(ApplicationSchema).mapToPk(),
    number: p.integer(),
    mentor: () => p.manyToOne(PersonSchema).mapToPk(),
    openedAt: p.datetime(),
    dueAt: p.datetime().index(),
    decision: p.enum(ROUND_DECISIONS).nullable(),
    decidedAt: p.datetime().nullable(),
    decidedBy: () => p.manyToOne(PersonSchema).mapToPk().nullable(),
    decisionComment: p.text().nullable(),
    reviewed: p.json<Record<string, unknown>>().nullable(),
    overdueRecordedAt: p.datetime().nullable(),
    weekReminderAt: p.datetime().nullable(),
    dayReminderAt: p.datetime().nullable(),
  },
  uniques: [{ properties: ['application', 'number'] }],
});

export type ReviewRound = InferEntity<typeof ReviewRoundSchema>;
