import { randomUUID } from 'node:crypto';

import type { EntityManager } from '@mikro-orm/core';
import type pg from 'pg';
import { createActor } from 'xstate';

import { applicationMachine } from '../../machines/application.machine.ts';
import { initialSnapshot } from '../../src/applications/machine-actor.ts';
import { canonicalJson } from '../../src/applications/snapshot-json.ts';
import { addLibrary } from '../../src/libraries/libraries.ts';
import { addPerson } from '../../src/people/people.ts';
import type { Role } from '../../src/people/person.entity.ts';
import { issueToken } from '../../src/people/tokens.ts';
import type { LoadedStandard } from '../../src/standards/standard-registry.ts';

export type BenchPerson = { id: string; token: string };

/** Adds a person with `roles` and a bearer token, through the same operations as the CLI. */
export async function seedPerson(em: EntityManager, name: string, roles: Role[], libraryId: string | null): Promise<BenchPerson> {
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${randomUUID().slice(0, 8)}@bench.example.ac.uk`;
  const person = await addPerson(em, { email, name, roles, libraryId });
  return { id: person.id, token: await issueToken(em, person.id) };
}

/** Adds a library with a unique name and returns its id. */
export async function seedLibrary(em: EntityManager, name: string): Promise<string> {
  return (await addLibrary(em, `${name} ${randomUUID().slice(0, 8)}`)).id;
}

/** Returns the persisted snapshot of an application of `libraryId` in `draft`, and after `start`. */
export function machineSnapshots(libraryId: string): { draft: Record<string, unknown>; started: Record<string, unknown>; machineVersion: number } {
  const { snapshot, machineVersion } = initialSnapshot(libraryId);
  const actor = createActor(applicationMachine, { snapshot: snapshot as never, input: { libraryId } });
  actor.start();
  actor.send({ type: 'start' });
  const started = canonicalJson(actor.getPersistedSnapshot()) as Record<string, unknown>;
  actor.stop();
  return { draft: snapshot, started, machineVersion };
}

/**
 * Inserts `count` applications in `draft` with the `application.created`
 * record that opens each history, as createApplication writes them, in one
 * statement. Returns their ids.
 */
export async function seedDraftApplications(pool: pg.Pool, input: { libraryId: string; actorId: string; standard: LoadedStandard; count: number }): Promise<string[]> {
  const { draft, machineVersion } = machineSnapshots(input.libraryId);
  const { rows } = await pool.query<{ application_id: string }>(
    `with created as (
       insert into application (id, library_id, standard_id, standard_version, cycle, state, snapshot, machine_version, mentor_id, version, created_at, updated_at, state_changed_at)
       select gen_random_uuid(), $1, $2, $3, 'initial', 'draft', $4::jsonb, $5, null, 1, now(), now(), now() from generate_series(1, $6)
       returning id
     )
     insert into application_event (id, application_id, sequence, type, kind, payload, actor_id, from_state, to_state, created_at)
     select gen_random_uuid(), id, 1, 'application.created', 'record', $7::jsonb, $8, null, 'draft', now() from created
     returning application_id`,
    [
      input.libraryId,
      input.standard.id,
      input.standard.version,
      JSON.stringify(draft),
      machineVersion,
      input.count,
      JSON.stringify({ libraryId: input.libraryId, standardId: input.standard.id, standardVersion: input.standard.version, cycle: 'initial' }),
      input.actorId,
    ],
  );
  return rows.map((row) => row.application_id);
}
