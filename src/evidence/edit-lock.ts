import { LockMode, type EntityManager } from '@mikro-orm/core';

import { ApplicationSchema, type Application } from '../applications/application.entity.ts';
import { AppError } from '../errors.ts';

/** States in which a library may change its evidence, statements and self-ratings. */
export const EDITABLE_STATES = ['draft', 'gatheringEvidence'] as const;

/**
 * Locks the application row for sharing, so that a concurrent event waits for
 * this write and evidence cannot change after the application has left an
 * editable state. Call `assertEditable` once the request's own faults are checked.
 */
export async function lockApplication(em: EntityManager, applicationId: string): Promise<Application> {
  return em.findOneOrFail(ApplicationSchema, { id: applicationId }, { lockMode: LockMode.PESSIMISTIC_READ, refresh: true });
}

export function assertEditable(application: Application): void {
  if (!(EDITABLE_STATES as readonly string[]).includes(application.state)) {
    throw new AppError(
      'evidence_frozen',
      `Application ${application.id} is in state ${application.state}, so its evidence, statements and self-ratings are frozen. They can change only in ${EDITABLE_STATES.join(' or ')}.`,
      { state: application.state },
    );
  }
}

/** Locks the application and checks that its evidence may change (409 when frozen). */
export async function lockEditable(em: EntityManager, applicationId: string): Promise<Application> {
  const application = await lockApplication(em, applicationId);
  assertEditable(application);
  return application;
}
