import type { EntityManager } from '@mikro-orm/core';

import type { Application } from '../applications/application.entity.ts';
import { LibrarySchema } from '../libraries/library.entity.ts';
import { PersonSchema } from '../people/person.entity.ts';
import { MentorProfileSchema } from './mentor-profile.entity.ts';
import { mentorLoads } from './mentor-load.ts';

/** A mentor who may be assigned, with the figures the ranking used. `experience` is the number of their review rounds on the same standard. */
export type MentorSuggestion = {
  id: string;
  name: string;
  email: string;
  library: { id: string; name: string } | null;
  load: number;
  capacity: number;
  experience: number;
};

/** Counts each mentor's review rounds, of any outcome, on applications of `standardId` (any version). */
async function roundsOnStandard(em: EntityManager, mentorIds: string[], standardId: string): Promise<Map<string, number>> {
  if (mentorIds.length === 0) return new Map();
  const rows = await em
    .getConnection()
    .execute<{ mentor_id: string; rounds: string | number }[]>(
      `select r.mentor_id, count(*) as rounds from review_round r join application a on a.id = r.application_id where a.standard_id = ? and r.mentor_id in (${mentorIds.map(() => '?').join(', ')}) group by r.mentor_id`,
      [standardId, ...mentorIds],
      'all',
      em.getTransactionContext(),
    );
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.mentor_id, Number(row.rounds));
  return counts;
}

/** Orders suggestions by fewest current assignments, then most rounds on the standard, then name, then id. */
function compareSuggestions(a: MentorSuggestion, b: MentorSuggestion): number {
  if (a.load !== b.load) return a.load - b.load;
  if (a.experience !== b.experience) return b.experience - a.experience;
  const byName = a.name.localeCompare(b.name, 'en-GB');
  if (byName !== 0) return byName;
  // The id breaks ties between people of the same name, so the order is the same on every call.
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

/**
 * Lists the mentors the quality group may assign to `application`, best first.
 * A mentor is left out when they work for the applying library or declared a
 * conflict with it. A mentor is also left out when their current assignments
 * reach their capacity, or when their profile omits the application's standard
 * (a mentor without a profile covers every standard).
 */
export async function suggestMentors(em: EntityManager, application: Pick<Application, 'library' | 'standardId'>, defaultCapacity: number): Promise<MentorSuggestion[]> {
  const mentors = await em.find(PersonSchema, { roles: { $contains: ['mentor'] } });
  const profiles = mentors.length === 0 ? [] : await em.find(MentorProfileSchema, { person: { $in: mentors.map((mentor) => mentor.id) } });
  const profileOf = new Map(profiles.map((profile) => [profile.person as string, profile]));

  const candidates = mentors
    .map((mentor) => {
      const profile = profileOf.get(mentor.id);
      return { mentor, capacity: profile?.capacity ?? defaultCapacity, standards: profile?.standards ?? null, conflicts: profile?.conflicts ?? [] };
    })
    .filter(({ mentor, standards, conflicts }) => {
      if (mentor.library === application.library) return false;
      if (conflicts.includes(application.library)) return false;
      return standards === null || standards.includes(application.standardId);
    });

  const ids = candidates.map(({ mentor }) => mentor.id);
  const loads = await mentorLoads(em, ids);
  const available = candidates.filter(({ mentor, capacity }) => (loads.get(mentor.id) ?? 0) < capacity);

  const experience = await roundsOnStandard(em, available.map(({ mentor }) => mentor.id), application.standardId);
  const libraryIds = [...new Set(available.map(({ mentor }) => mentor.library).filter((id): id is string => typeof id === 'string'))];
  const libraries = libraryIds.length === 0 ? [] : await em.find(LibrarySchema, { id: { $in: libraryIds } });
  const libraryNames = new Map(libraries.map((library) => [library.id, library.name]));

  const suggestions: MentorSuggestion[] = available.map(({ mentor, capacity }) => ({
    id: mentor.id,
    name: mentor.name,
    email: mentor.email,
    library: mentor.library == null ? null : { id: mentor.library, name: libraryNames.get(mentor.library) ?? '' },
    load: loads.get(mentor.id) ?? 0,
    capacity,
    experience: experience.get(mentor.id) ?? 0,
  }));

  return suggestions.sort(compareSuggestions);
}
