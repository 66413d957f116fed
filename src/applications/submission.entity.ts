import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { ApplicationSchema } from './application.entity.ts';

/** Exactly what was submitted: the evidence revisions with their hashes, and the statements and self-ratings. Never changed. */
export const SubmissionSchema = defineEntity({
  name: 'Submission',
  tableName: 'submission',
  properties: {
    id: p.uuid().primary(),
    application: () => p.manyToOne(ApplicationSchema).mapToPk().index(),
    eventSequence: p.integer(),
    submittedAt: p.datetime(),
    record: p.json<Record<string, unknown>>(),
  },
  uniques: [{ properties: ['application', 'eventSequence'] }],
});

export type Submission = InferEntity<typeof SubmissionSchema>;
