import type { EntityManager } from '@mikro-orm/core';

import { LibrarySchema } from '../libraries/library.entity.ts';
import { ApiTokenSchema } from '../people/api-token.entity.ts';
import { PersonSchema, ROLES, type Person } from '../people/person.entity.ts';
import { roleWords } from './staff-words.ts';

/** The number of libraries or people on one page of an admin list. */
export const ADMIN_PAGE_SIZE = 50;

/** Lists the role choices of the add-person form, checking those in `chosen`. */
export function roleChoices(chosen: readonly string[]) {
  return ROLES.map((role) => ({ id: role, words: roleWords(role), checked: chosen.includes(role) }));
}

/** Counts each person's live (unrevoked) API tokens. */
async function liveTokenCounts(em: EntityManager, personIds: string[]): Promise<Map<string, number>> {
  if (personIds.length === 0) return new Map();
  const tokens = await em.find(ApiTokenSchema, { person: { $in: personIds }, revokedAt: null });
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token.person, (counts.get(token.person) ?? 0) + 1);
  return counts;
}

/** Returns the page count and the links to the previous and next page of a list at `path`. */
export function paging(path: string, page: number, total: number) {
  const pages = Math.max(1, Math.ceil(total / ADMIN_PAGE_SIZE));
  return { page, pages, previousLink: page > 1 ? `${path}?page=${page - 1}` : null, nextLink: page < pages ? `${path}?page=${page + 1}` : null };
}

/** Reads one page of libraries by name, each with the number of people who belong to it. */
export async function readLibraries(em: EntityManager, page: number) {
  const [libraries, total] = await em.findAndCount(LibrarySchema, {}, { orderBy: { name: 'asc', id: 'asc' }, limit: ADMIN_PAGE_SIZE, offset: (page - 1) * ADMIN_PAGE_SIZE });
  const people = libraries.length === 0 ? [] : await em.find(PersonSchema, { library: { $in: libraries.map((library) => library.id) } }, { fields: ['id', 'library'] });
  const counts = new Map<string, number>();
  for (const person of people) if (person.library != null) counts.set(person.library, (counts.get(person.library) ?? 0) + 1);
  return { total, libraries: libraries.map((library) => ({ id: library.id, name: library.name, people: counts.get(library.id) ?? 0 })) };
}

/** Lists every library by name, for the library choice of the add-person form. */
export async function libraryChoices(em: EntityManager, chosen: string) {
  const libraries = await em.find(LibrarySchema, {}, { orderBy: { name: 'asc', id: 'asc' } });
  return libraries.map((library) => ({ id: library.id, name: library.name, selected: library.id === chosen }));
}

function describePerson(person: Person, libraryNames: Map<string, string>, tokens: Map<string, number>) {
  return {
    id: person.id,
    name: person.name,
    email: person.email,
    roles: person.roles.map(roleWords),
    libraryName: person.library == null ? null : (libraryNames.get(person.library) ?? null),
    liveTokens: tokens.get(person.id) ?? 0,
    hasPassword: person.passwordHash != null,
  };
}

async function libraryNamesOf(em: EntityManager, people: Person[]): Promise<Map<string, string>> {
  const ids = [...new Set(people.map((person) => person.library).filter((id): id is string => typeof id === 'string'))];
  const libraries = ids.length === 0 ? [] : await em.find(LibrarySchema, { id: { $in: ids } });
  return new Map(libraries.map((library) => [library.id, library.name]));
}

/** Reads one page of people by name, with their roles, library and number of live tokens. */
export async function readPeople(em: EntityManager, page: number) {
  const [people, total] = await em.findAndCount(PersonSchema, {}, { orderBy: { name: 'asc', id: 'asc' }, limit: ADMIN_PAGE_SIZE, offset: (page - 1) * ADMIN_PAGE_SIZE });
  const names = await libraryNamesOf(em, people);
  const tokens = await liveTokenCounts(em, people.map((person) => person.id));
  return { total, people: people.map((person) => describePerson(person, names, tokens)) };
}

/** Reads one person with their roles, library and number of live tokens. */
export async function readPerson(em: EntityManager, person: Person) {
  return describePerson(person, await libraryNamesOf(em, [person]), await liveTokenCounts(em, [person.id]));
}
