import { hash, verify } from '@node-rs/argon2';
import type { EntityManager } from '@mikro-orm/core';

import { AppError } from '../errors.ts';
import { findPersonByEmail } from '../people/people.ts';
import { PersonSchema, type Person } from '../people/person.entity.ts';

const MIN_LENGTH = 10;
const MAX_LENGTH = 200;

// Verifying against this hash when the email is unknown takes as long as a real check, so timing does not reveal which emails exist.
const DECOY_HASH = await hash('waymark-decoy-password-for-unknown-accounts');

/** Sets a person's password, stored as an argon2id hash; the password itself is never stored or logged. */
export async function setPassword(em: EntityManager, email: string, password: string): Promise<Person> {
  const length = [...password].length;
  if (length < MIN_LENGTH || length > MAX_LENGTH) {
    throw AppError.invalid(`The password is ${length} characters long; use ${MIN_LENGTH} to ${MAX_LENGTH}. A phrase of several words is easiest to remember.`);
  }
  const person = await findPersonByEmail(em, email);
  person.passwordHash = await hash(password);
  await em.flush();
  return person;
}

/** Returns the person whose email and password match, or null; both faults look the same to the caller. */
export async function checkPassword(em: EntityManager, email: string, password: string): Promise<Person | null> {
  const person = email.length <= 320 ? await em.findOne(PersonSchema, { email: email.trim().toLowerCase() }, { fields: ['*', 'passwordHash'] as never }) : null;
  const stored = person?.passwordHash ?? null;
  const matches = await verify(stored ?? DECOY_HASH, password.slice(0, MAX_LENGTH)).catch(() => false);
  return person !== null && stored !== null && matches ? person : null;
}
