import { AppError } from '../errors.ts';
import type { LoadedStandard, StandardRegistry } from '../standards/standard-registry.ts';
import type { Application } from './application.entity.ts';

/** Finds the standard version an application was created under; it must stay loaded while such applications exist. */
export function standardOf(standards: StandardRegistry, application: Pick<Application, 'id' | 'standardId' | 'standardVersion'>): LoadedStandard {
  const standard = standards.get(application.standardId, application.standardVersion);
  if (standard === undefined) {
    throw new AppError(
      'snapshot_incompatible',
      `Application ${application.id} uses standard ${application.standardId} version ${application.standardVersion}, which is not loaded. Put its file back in STANDARDS_DIR and restart.`,
    );
  }
  return standard;
}
