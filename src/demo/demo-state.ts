import type { EntityManager } from '@mikro-orm/core';

import { ApplicationSchema, type Application } from '../applications/application.entity.ts';
import { LibrarySchema } from '../libraries/library.entity.ts';
import { PersonSchema } from '../people/person.entity.ts';
import { DEMO_LIBRARIES, DEMO_SIGN_INS, demoPerson } from './consortium-members.ts';

/** The state of a database for the demo: empty, loaded with the consortium, or anything else. */
export type DemoState =
  | { kind: 'empty' }
  | { kind: 'loaded'; centrepiece: Application }
  | { kind: 'other'; reason: string };

/**
 * Tells an empty database from one with the whole demo consortium loaded, and
 * both from anything else (a load cut short, or someone's real data), which the
 * demo serves as it is and never adds to.
 */
export async function readDemoState(em: EntityManager): Promise<DemoState> {
  if ((await em.count(LibrarySchema, {})) === 0 && (await em.count(PersonSchema, {})) === 0) return { kind: 'empty' };

  const northgate = await em.findOne(LibrarySchema, { name: DEMO_LIBRARIES[0].name });
  const centrepiece = northgate === null ? null : await em.findOne(ApplicationSchema, { library: northgate.id, cycle: 'initial' });
  if (centrepiece?.state === 'accredited') return { kind: 'loaded', centrepiece };
  return {
    kind: 'other',
    reason: northgate === null ? 'the database already holds data that is not the demo consortium' : 'an earlier demo run stopped before the consortium was fully loaded',
  };
}

/** Lists the people whose sign-ins the demo prints, one per role, with their emails. */
export function signInPeople(): { role: string; email: string; name: string }[] {
  return DEMO_SIGN_INS.map(({ role, name }) => ({ role, email: demoPerson(name).email, name }));
}
