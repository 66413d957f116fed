import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { APPLICATION_MACHINE_VERSION, applicationMachine } from './application.machine.ts';

/** Rewrites a persisted snapshot stored by machine version N into the shape of version N + 1. */
export type SnapshotMigration = (persisted: any) => any;

// Keyed by the version a migration starts from. Version 1 is the first
// version, so nothing needs migrating yet.
export const APPLICATION_SNAPSHOT_MIGRATIONS: Readonly<Record<number, SnapshotMigration>> = {};

export class SnapshotVersionError extends Error {
  override readonly name = 'SnapshotVersionError';
  readonly storedVersion: number;
  readonly currentVersion: number;
  /** State value of the stored snapshot, after any migrations that ran. */
  readonly stateValue: unknown;

  constructor(
    message: string,
    details: { storedVersion: number; currentVersion: number; stateValue: unknown },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.storedVersion = details.storedVersion;
    this.currentVersion = details.currentVersion;
    this.stateValue = details.stateValue;
  }
}

/**
 * Brings a persisted snapshot up to the running machine version and checks that
 * its state value names states that exist, so that `createActor(machine,
 * { snapshot })` never starts from a state the machine does not have.
 * Migrations run on a deep copy, so `persisted` itself is never changed.
 * Throws SnapshotVersionError when the snapshot was stored by a newer version,
 * a migration is missing or fails, or the state value does not fit the machine.
 */
export function prepareSnapshot(
  persisted: unknown,
  storedVersion: number,
  options: {
    currentVersion?: number;
    migrations?: Readonly<Record<number, SnapshotMigration>>;
    machine?: AnyStateMachine;
  } = {},
): unknown {
  const currentVersion = options.currentVersion ?? APPLICATION_MACHINE_VERSION;
  const migrations = options.migrations ?? APPLICATION_SNAPSHOT_MIGRATIONS;
  const machine = options.machine ?? applicationMachine;
  const fail = (message: string, snapshot: unknown, cause?: unknown): SnapshotVersionError =>
    new SnapshotVersionError(
      `Stored snapshot cannot be restored: ${message}`,
      { storedVersion, currentVersion, stateValue: readStateValue(snapshot) },
      cause === undefined ? undefined : { cause },
    );

  if (!Number.isInteger(storedVersion) || storedVersion < 0) {
    throw fail(`stored machine version ${String(storedVersion)} is not a non-negative whole number.`, persisted);
  }
  if (storedVersion > currentVersion) {
    throw fail(
      `it was stored by machine version ${storedVersion}, but this Waymark runs version ${currentVersion}; upgrade Waymark.`,
      persisted,
    );
  }

  let snapshot = persisted;
  if (storedVersion < currentVersion) {
    snapshot = structuredClone(persisted);
  }
  for (let version = storedVersion; version < currentVersion; version++) {
    const migration = Object.hasOwn(migrations, version) ? migrations[version] : undefined;
    if (migration === undefined) {
      throw fail(`no migration from version ${version} to ${version + 1}; add one to machines/snapshot-version.ts.`, snapshot);
    }
    try {
      snapshot = migration(snapshot);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw fail(`the migration from version ${version} to ${version + 1} failed: ${detail}`, snapshot, error);
    }
  }

  if (snapshot === null || typeof snapshot !== 'object' || !('value' in snapshot)) {
    throw fail('the snapshot has no state value.', snapshot);
  }
  const problem = findStateValueProblem(machine.root, snapshot.value, []);
  if (problem !== null) {
    throw fail(`${problem} in ${machine.id} machine version ${currentVersion}. ${RENAME_ADVICE}`, snapshot);
  }
  return snapshot;
}

const RENAME_ADVICE =
  'If a state was renamed or removed, bump APPLICATION_MACHINE_VERSION and add a migration to machines/snapshot-version.ts.';

function readStateValue(snapshot: unknown): unknown {
  return snapshot !== null && typeof snapshot === 'object' && 'value' in snapshot ? snapshot.value : undefined;
}

/**
 * Walks a state value (a state name, or an object from state names to child
 * values) against the machine's state nodes and describes the first part that
 * does not fit, or returns null when every named state exists.
 */
function findStateValueProblem(node: AnyStateNode, value: unknown, path: string[]): string | null {
  if (typeof value === 'string') {
    return Object.hasOwn(node.states, value) ? null : `state '${[...path, value].join('.')}' does not exist`;
  }

  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `state value ${JSON.stringify(value)} at '${path.join('.') || '(root)'}' is neither a state name nor an object of state names`;
  }

  const entries = Object.entries(value);
  if (entries.length === 0) {
    return `state value at '${path.join('.') || '(root)'}' names no state`;
  }
  // Only parallel states have more than one active child.
  if (entries.length > 1 && node.type !== 'parallel') {
    return `state value at '${path.join('.') || '(root)'}' names ${entries.length} active children, but '${node.key}' is not a parallel state`;
  }

  for (const [key, child] of entries) {
    if (!Object.hasOwn(node.states, key)) {
      return `state '${[...path, key].join('.')}' does not exist`;
    }
    const problem = findStateValueProblem(node.states[key], child, [...path, key]);
    if (problem !== null) {
      return problem;
    }
  }
  return null;
}
