import { createActor } from 'xstate';

import { APPLICATION_MACHINE_VERSION, applicationMachine, type ApplicationSnapshot } from '../../machines/application.machine.ts';
import { prepareSnapshot, SnapshotVersionError } from '../../machines/snapshot-version.ts';
import { AppError } from '../errors.ts';
import type { Application } from './application.entity.ts';
import { canonicalJson } from './snapshot-json.ts';

/**
 * Restores the machine snapshot stored with an application, migrating one
 * stored by an older machine version. A snapshot that cannot be restored is
 * refused rather than restored into a state that no longer exists.
 */
export function restoreSnapshot(application: Pick<Application, 'id' | 'snapshot' | 'machineVersion' | 'library'>): ApplicationSnapshot {
  let persisted: unknown;
  try {
    persisted = prepareSnapshot(application.snapshot, application.machineVersion);
  } catch (error) {
    if (error instanceof SnapshotVersionError) {
      throw new AppError('snapshot_incompatible', `Application ${application.id} cannot be restored: ${error.message}`, {
        applicationId: application.id,
        storedVersion: error.storedVersion,
        currentVersion: error.currentVersion,
      });
    }
    throw error;
  }

  const actor = createActor(applicationMachine, { snapshot: persisted as never, input: { libraryId: application.library } });
  return actor.getSnapshot();
}

/** Returns the initial persisted snapshot of a new application, with its keys in canonical order. */
export function initialSnapshot(libraryId: string): { snapshot: Record<string, unknown>; machineVersion: number } {
  const actor = createActor(applicationMachine, { input: { libraryId } });
  const snapshot = canonicalJson(actor.getPersistedSnapshot()) as Record<string, unknown>;
  return { snapshot, machineVersion: APPLICATION_MACHINE_VERSION };
}
