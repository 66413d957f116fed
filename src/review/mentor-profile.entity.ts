import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { PersonSchema } from '../people/person.entity.ts';

/**
 * The offer of one mentor: how many applications at once, the standards they know
 * (by id) and the libraries they declare a conflict of interest with. A mentor
 * without a profile takes MENTOR_DEFAULT_CAPACITY, every standard, no conflicts.
 */
export const MentorProfileSchema = defineEntity({
  name: 'MentorProfile',
  tableName: 'mentor_profile',
  properties: {
    person: () => p.oneToOne(PersonSchema).mapToPk().primary().owner(),
    capacity: p.integer(),
    standards: p.array<string>(),
    conflicts: p.array<string>(),
    updatedAt: p.datetime().onCreate(() => new Date()),
  },
});

export type MentorProfile = InferEntity<typeof MentorProfileSchema>;
