import pg from 'pg';
import { createActor } from 'xstate';

import { applicationMachine } from '../../machines/application.machine.ts';
import { canonicalJson, statePath } from '../../src/applications/snapshot-json.ts';

export type StoredApplication = { id: string; state: string; snapshot: unknown; version: number; libraryId: string };
export type StoredEvent = { sequence: number; type: string; kind: 'machine' | 'record'; payload: Record<string, unknown>; fromState: string | null; toState: string | null };

/** An application as stored, with its history and what replaying that history's machine events gives. */
export type Replayed = {
  application: StoredApplication;
  events: StoredEvent[];
  replayedSnapshot: unknown;
  replayedState: string;
};

/**
 * Reads an application and its history straight from PostgreSQL and replays the
 * machine events through a fresh actor, so that a test can compare the result
 * with the stored snapshot without going through the service that wrote it.
 */
export async function replayApplication(databaseUrl: string, applicationId: string): Promise<Replayed> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const applications = await client.query<StoredApplication>(
      'select id, state, snapshot, version, library_id as "libraryId" from application where id = $1',
      [applicationId],
    );
    if (applications.rows.length === 0) throw new Error(`application ${applicationId} is not in the database`);
    const events = await client.query<StoredEvent>(
      'select sequence, type, kind, payload, from_state as "fromState", to_state as "toState" from application_event where application_id = $1 order by sequence',
      [applicationId],
    );

    const application = applications.rows[0];
    const actor = createActor(applicationMachine, { input: { libraryId: application.libraryId } }).start();
    for (const event of events.rows) {
      if (event.kind === 'machine') actor.send(event.payload as never);
    }
    const replayedSnapshot = canonicalJson(actor.getPersistedSnapshot());
    const replayedState = statePath(actor.getSnapshot().value);
    actor.stop();

    return { application, events: events.rows, replayedSnapshot, replayedState };
  } finally {
    await client.end();
  }
}
