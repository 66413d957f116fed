import { randomUUID } from 'node:crypto';

import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';

import { AppError } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { LibrarySchema } from '../libraries/library.entity.ts';
import { PersonSchema, ROLES, type Person, type Role } from './person.entity.ts';

export type NewPerson = { email: string; name: string; roles: string[]; libraryId?: string | null };

// Roles that act for a library: staff work on its applications, and mentors are kept from reviewing it.
const ROLES_WITH_LIBRARY: readonly Role[] = ['library_staff', 'mentor'];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Adds a person after checking their email, roles and library; every fault is a 422 that names the value. */
export async function addPerson(em: EntityManager, input: NewPerson): Promise<Person> {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 320) throw AppError.invalid(`email "${input.email}" is not a valid email address.`);

  const name = input.name.trim();
  if (name === '' || name.length > 200) throw AppError.invalid(`name "${input.name}" is invalid: expected 1 to 200 characters.`);

  const roles = [...new Set(input.roles)];
  const unknown = roles.filter((role) => !(ROLES as readonly string[]).includes(role));
  if (roles.length === 0 || unknown.length > 0) {
    throw AppError.invalid(`role ${unknown.map((role) => `"${role}"`).join(', ') || '(none)'} is invalid: give one or more of ${ROLES.join(', ')}.`);
  }

  const libraryId = input.libraryId ?? null;
  const needsLibrary = roles.filter((role) => (ROLES_WITH_LIBRARY as readonly string[]).includes(role));
  if (libraryId === null && needsLibrary.length > 0) {
    throw AppError.invalid(`The role ${needsLibrary.join(' and ')} needs a library: give the id of the person's library.`);
  }
  if (libraryId !== null && needsLibrary.length === 0) {
    throw AppError.invalid(`libraryId is given, but the role ${roles.join(' and ')} belongs to no library. Leave libraryId out, or add the role ${ROLES_WITH_LIBRARY.join(' or ')}.`);
  }
  if (libraryId !== null && (!isUuid(libraryId) || (await em.findOne(LibrarySchema, { id: libraryId })) === null)) {
    throw AppError.invalid(`libraryId "${libraryId}" is not a library. List libraries with GET /api/libraries.`);
  }

  try {
    const person = em.create(PersonSchema, { id: randomUUID(), email, name, roles: roles as Role[], library: libraryId });
    await em.flush();
    return person;
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw new AppError('conflict', `A person with email ${email} already exists.`);
    }
    throw error;
  }
}

export async function findPersonByEmail(em: EntityManager, rawEmail: string): Promise<Person> {
  const email = rawEmail.trim().toLowerCase();
  const person = await em.findOne(PersonSchema, { email });
  if (person === null) throw new AppError('not_found', `No person with email ${email} exists. Add them with \`waymark user add\`.`);
  return person;
}

export function personJson(person: Person) {
  return { id: person.id, email: person.email, name: person.name, role: person.roles[0] as Role, roles: person.roles, libraryId: person.library ?? null };
}
