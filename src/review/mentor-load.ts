import type { EntityManager } from '@mikro-orm/core';

import { MentorProfileSchema } from './mentor-profile.entity.ts';

/** States in which an application keeps its mentor busy: under review, or back with the library after changes were requested. */
export const ACTIVE_REVIEW_STATES = ['peerReview.inReview', 'gatheringEvidence'] as const;

export type EffectiveProfile = { capacity: number; standards: string[] | null; conflicts: string[]; declared: boolean };

/** Returns a mentor's profile, or the defaults for one without: `standards` null means every standard. */
export async function effectiveProfile(em: EntityManager, personId: string, defaultCapacity: number): Promise<EffectiveProfile> {
  const profile = await em.findOne(MentorProfileSchema, { person: personId });
  if (profile === null) return { capacity: defaultCapacity, standards: null, conflicts: [], declared: false };
  return { capacity: profile.capacity, standards: profile.standards, conflicts: profile.conflicts, declared: true };
}

/** Counts each mentor's current assignments: applications naming them as mentor in an active review state. */
export async function mentorLoads(em: EntityManager, mentorIds: string[]): Promise<Map<string, number>> {
  if (mentorIds.length === 0) return new Map();
  const rows = await em
    .getConnection()
    .execute<{ mentor_id: string; load: string | number }[]>(
      `select mentor_id, count(*) as load from application where mentor_id in (${mentorIds.map(() => '?').join(', ')}) and state in (${ACTIVE_REVIEW_STATES.map(() => '?').join(', ')}) group by mentor_id`,
      [...mentorIds, ...ACTIVE_REVIEW_STATES],
      'all',
      em.getTransactionContext(),
    );
  const loads = new Map(mentorIds.map((id) => [id, 0]));
  for (const row of rows) loads.set(row.mentor_id, Number(row.load));
  return loads;
}
