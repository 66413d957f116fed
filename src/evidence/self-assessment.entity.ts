import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { ApplicationSchema } from '../applications/application.entity.ts';
import { PersonSchema } from '../people/person.entity.ts';

/** The library's own rating of one element, with its narrative statement. */
export const SelfAssessmentSchema = defineEntity({
  name: 'SelfAssessment',
  tableName: 'self_assessment',
  properties: {
    id: p.uuid().primary(),
    application: () => p.manyToOne(ApplicationSchema).mapToPk(),
    elementCode: p.text(),
    rating: p.text(),
    statement: p.text().default(''),
    author: () => p.manyToOne(PersonSchema).mapToPk(),
    updatedAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['application', 'elementCode'] }],
});

export type SelfAssessment = InferEntity<typeof SelfAssessmentSchema>;
