import { describe, it, expect } from 'vitest';
import { createActor } from 'xstate';
import { APPLICATION_MACHINE_VERSION, applicationMachine } from '../../machines/application.machine.ts';
import type { ApplicationEvent } from '../../machines/application.machine.ts';
import {
  APPLICATION_SNAPSHOT_MIGRATIONS,
  SnapshotVersionError,
  prepareSnapshot,
} from '../../machines/snapshot-version.ts';
import type { SnapshotMigration } from '../../machines/snapshot-version.ts';
import { LIBRARY_ID, PASSING_EVENTS, STATE_NAMES, STATE_ROUTES } from './application-fixtures.ts';

/** Runs events in a real actor and returns its persisted snapshot as the database would store it. */
function storeSnapshot(events: readonly ApplicationEvent[]): string {
  const actor = createActor(applicationMachine, { input: { libraryId: LIBRARY_ID } }).start();
  for (const event of events) {
    actor.send(event);
  }
  return JSON.stringify(actor.getPersistedSnapshot());
}

function restore(persisted: unknown) {
  // The input type is required even though a restored actor takes its context from the snapshot.
  return createActor(applicationMachine, { snapshot: persisted as never, input: { libraryId: 'ignored' } }).start();
}

function catchVersionError(run: () => unknown): SnapshotVersionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SnapshotVersionError);
    return error as SnapshotVersionError;
  }
  throw new Error('expected prepareSnapshot to throw SnapshotVersionError');
}

// As a version 0 of the machine would have stored it, before gatheringEvidence was renamed.
const VERSION_0_JSON = storeSnapshot(STATE_ROUTES.gatheringEvidence).replaceAll('"gatheringEvidence"', '"collectingEvidence"');

const renameCollectingEvidence: SnapshotMigration = (persisted) => ({
  ...persisted,
  value: persisted.value === 'collectingEvidence' ? 'gatheringEvidence' : persisted.value,
});

describe('prepareSnapshot', () => {
  it('starts with no migrations', () => {
    expect(APPLICATION_MACHINE_VERSION).toBe(1);
    expect(APPLICATION_SNAPSHOT_MIGRATIONS).toEqual({});
  });

  it.each(STATE_NAMES)('accepts a current %s snapshot', (state) => {
    const persisted = JSON.parse(storeSnapshot(STATE_ROUTES[state]));
    expect(prepareSnapshot(persisted, APPLICATION_MACHINE_VERSION)).toBe(persisted);
  });

  it('rejects a renamed state', () => {
    const persisted = JSON.parse(VERSION_0_JSON);
    expect(persisted.value).toBe('collectingEvidence');

    const error = catchVersionError(() => prepareSnapshot(persisted, 1));
    expect(error.message).toContain("state 'collectingEvidence' does not exist in application machine version 1");
    expect(error.stateValue).toBe('collectingEvidence');
    expect(error.storedVersion).toBe(1);
    expect(error.currentVersion).toBe(1);
  });

  it('rejects a renamed child state', () => {
    const stored = storeSnapshot(STATE_ROUTES['peerReview.inReview']).replaceAll('"inReview"', '"underReview"');
    const error = catchVersionError(() => prepareSnapshot(JSON.parse(stored), 1));
    expect(error.message).toContain("state 'peerReview.underReview' does not exist");
    expect(error.stateValue).toEqual({ peerReview: 'underReview' });
  });

  it('restores after a migration', () => {
    const persisted = JSON.parse(VERSION_0_JSON);
    const prepared = prepareSnapshot(persisted, 0, { migrations: { 0: renameCollectingEvidence } });

    expect(persisted.value).toBe('collectingEvidence');
    const actor = restore(prepared);
    expect(actor.getSnapshot().value).toBe('gatheringEvidence');
    expect(actor.getSnapshot().context).toEqual({ libraryId: LIBRARY_ID, mentorId: null, outcome: null });

    actor.send(PASSING_EVENTS['review.request']);
    expect(actor.getSnapshot().value).toEqual({ peerReview: 'awaitingMentor' });
  });

  it('rejects a newer version', () => {
    const persisted = JSON.parse(storeSnapshot(STATE_ROUTES.readyToSubmit));
    const error = catchVersionError(() => prepareSnapshot(persisted, 3));
    expect(error.message).toContain('stored by machine version 3, but this Waymark runs version 1; upgrade Waymark');
    expect(error.storedVersion).toBe(3);
    expect(error.currentVersion).toBe(1);
    expect(error.stateValue).toBe('readyToSubmit');
  });

  it('rejects a missing migration', () => {
    const error = catchVersionError(() => prepareSnapshot(JSON.parse(VERSION_0_JSON), 0));
    expect(error.message).toContain('no migration from version 0 to 1; add one to machines/snapshot-version.ts');
    expect(error.stateValue).toBe('collectingEvidence');
  });

  it('applies migrations in order', () => {
    const applied: number[] = [];
    const migrations: Record<number, SnapshotMigration> = {
      1: (persisted) => {
        applied.push(1);
        return { ...persisted, value: 'collectingEvidence' };
      },
      2: (persisted) => {
        applied.push(2);
        return renameCollectingEvidence(persisted);
      },
    };
    const persisted = JSON.parse(storeSnapshot(STATE_ROUTES.gatheringEvidence));

    const prepared = prepareSnapshot(persisted, 1, { currentVersion: 3, migrations });
    expect(applied).toEqual([1, 2]);
    expect(prepared).toMatchObject({ value: 'gatheringEvidence' });
  });

  it('rejects a gap in migrations', () => {
    const persisted = JSON.parse(storeSnapshot(STATE_ROUTES.gatheringEvidence));
    const error = catchVersionError(() =>
      prepareSnapshot(persisted, 1, { currentVersion: 3, migrations: { 1: (snapshot) => snapshot } }),
    );
    expect(error.message).toContain('no migration from version 2 to 3');
  });

  it('rejects a migration that leaves a missing state', () => {
    const error = catchVersionError(() =>
      prepareSnapshot(JSON.parse(VERSION_0_JSON), 0, { migrations: { 0: (snapshot) => snapshot } }),
    );
    expect(error.message).toContain("state 'collectingEvidence' does not exist");
  });

  it('wraps a failing migration', () => {
    const failure = new Error('context.mentor is missing');
    const migrations = {
      0: () => {
        throw failure;
      },
    };
    const error = catchVersionError(() => prepareSnapshot(JSON.parse(VERSION_0_JSON), 0, { migrations }));
    expect(error.message).toContain('the migration from version 0 to 1 failed: context.mentor is missing');
    expect(error.cause).toBe(failure);
  });

  it('rejects malformed state values', () => {
    const cases: Array<[unknown, string]> = [
      [{ peerReview: 'nowhere' }, "state 'peerReview.nowhere' does not exist"],
      [{ draft: 'inner' }, "state 'draft.inner' does not exist"],
      [{ draft: 'x', submitted: 'y' }, "names 2 active children, but 'application' is not a parallel state"],
      [{}, "state value at '(root)' names no state"],
      [42, "state value 42 at '(root)' is neither a state name nor an object of state names"],
    ];
    const base = JSON.parse(storeSnapshot([]));
    for (const [value, expected] of cases) {
      const error = catchVersionError(() => prepareSnapshot({ ...base, value }, 1));
      expect(error.message).toContain(expected);
    }
  });

  it('rejects a snapshot without a value', () => {
    for (const persisted of [null, 'draft', { context: {} }]) {
      const error = catchVersionError(() => prepareSnapshot(persisted, 1));
      expect(error.message).toContain('the snapshot has no state value');
    }
  });

  it('rejects an invalid stored version', () => {
    const persisted = JSON.parse(storeSnapshot([]));
    for (const version of [-1, 0.5, Number.NaN]) {
      const error = catchVersionError(() => prepareSnapshot(persisted, version));
      expect(error.message).toContain('is not a non-negative whole number');
    }
  });
});
