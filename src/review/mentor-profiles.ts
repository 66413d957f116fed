import type { EntityManager } from '@mikro-orm/core';

import { AppError } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { LibrarySchema } from '../libraries/library.entity.ts';
import { PersonSchema, type Person } from '../people/person.entity.ts';
import type { StandardRegistry } from '../standards/standard-registry.ts';
import { MentorProfileSchema } from './mentor-profile.entity.ts';

export type MentorProfileInput = { capacity: number; standards: string[]; conflicts: string[] };

/** A mentor profile as the API returns it. `declared` is false when no profile is stored and the values are the defaults. */
export type MentorProfileView = {
  personId: string;
  capacity: number;
  standards: string[];
  conflicts: string[];
  declared: boolean;
  updatedAt: string | null;
};

/** Returns the id of every loaded standard once, whatever the number of versions loaded. */
export function standardIds(standards: StandardRegistry): string[] {
  return [...new Set(standards.list().map((standard) => standard.id))];
}

/** Loads the person named by `id`, rejecting an unknown id (404) and a person without the mentor role (422). */
export async function findMentor(em: EntityManager, id: string): Promise<Person> {
  const person = isUuid(id) ? await em.findOne(PersonSchema, { id }) : null;
  if (person === null) throw AppError.notFound('person', id);
  if (!person.roles.includes('mentor')) {
    throw AppError.invalid(`Person ${id} (${person.name}) does not have the mentor role, so has no mentor profile. Use the id of a mentor from GET /api/people?role=mentor.`);
  }
  return person;
}

/** Reads a mentor's stored profile, or the defaults when none is stored: `defaultCapacity`, every loaded standard and no conflicts. */
export async function readMentorProfile(em: EntityManager, mentorId: string, standards: StandardRegistry, defaultCapacity: number): Promise<MentorProfileView> {
  const profile = await em.findOne(MentorProfileSchema, { person: mentorId });
  if (profile === null) {
    return { personId: mentorId, capacity: defaultCapacity, standards: standardIds(standards), conflicts: [], declared: false, updatedAt: null };
  }
  return {
    personId: mentorId,
    capacity: profile.capacity,
    standards: profile.standards,
    conflicts: profile.conflicts,
    declared: true,
    updatedAt: profile.updatedAt.toISOString(),
  };
}

/** Rejects (422) standard ids that are not loaded and conflict ids that name no library, listing every bad value. */
async function checkProfile(em: EntityManager, input: MentorProfileInput, standards: StandardRegistry): Promise<void> {
  const known = standardIds(standards);
  const unknownStandards = input.standards.filter((id) => !known.includes(id));
  if (unknownStandards.length > 0) {
    throw AppError.invalid(`standards: unknown standard id ${unknownStandards.map((id) => `"${id}"`).join(', ')}. Use ids from GET /api/standards: ${known.join(', ')}.`);
  }

  const wellFormed = input.conflicts.filter(isUuid);
  const libraries = wellFormed.length === 0 ? [] : await em.find(LibrarySchema, { id: { $in: wellFormed } });
  const found = new Set(libraries.map((library) => library.id));
  const unknownLibraries = input.conflicts.filter((id) => !found.has(id));
  if (unknownLibraries.length > 0) {
    throw AppError.invalid(`conflicts: no library with id ${unknownLibraries.map((id) => `"${id}"`).join(', ')}. List libraries with GET /api/libraries.`);
  }
}

/** Validates and stores a mentor's profile, replacing any stored one. Repeated ids are stored once. */
export async function putMentorProfile(em: EntityManager, mentorId: string, input: MentorProfileInput, standards: StandardRegistry): Promise<MentorProfileView> {
  // PostgreSQL returns uuids in lower case, and the assign guard compares conflict ids as plain strings.
  const cleaned = { capacity: input.capacity, standards: [...new Set(input.standards)], conflicts: [...new Set(input.conflicts.map((id) => id.toLowerCase()))] };
  await checkProfile(em, cleaned, standards);

  // An upsert (insert … on conflict update) lets two first-time writes race without a unique-key error. The later write wins.
  const profile = await em.upsert(MentorProfileSchema, { person: mentorId, ...cleaned, updatedAt: new Date() });
  return {
    personId: mentorId,
    capacity: profile.capacity,
    standards: profile.standards,
    conflicts: profile.conflicts,
    declared: true,
    updatedAt: profile.updatedAt.toISOString(),
  };
}
