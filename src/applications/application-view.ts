import type { EntityManager } from '@mikro-orm/core';

import { APPLICATION_EVENT_TYPES } from '../../machines/application.machine.ts';
import { allowedEventTypes } from '../../machines/explain-refusal.ts';
import { computeCoverage, type Coverage } from '../evidence/coverage.ts';
import { LibrarySchema } from '../libraries/library.entity.ts';
import type { Person } from '../people/person.entity.ts';
import type { StandardRegistry } from '../standards/standard-registry.ts';
import { actingRoles } from './access.ts';
import type { Application, Cycle } from './application.entity.ts';
import { maySend } from './event-senders.ts';
import { restoreSnapshot } from './machine-actor.ts';
import { standardOf } from './standard-of.ts';

export type ApplicationSummary = {
  id: string;
  libraryId: string;
  libraryName: string;
  standard: { id: string; version: string; title: string };
  cycle: Cycle;
  state: string;
  mentorId: string | null;
  createdAt: string;
  updatedAt: string;
  stateChangedAt: string;
  previousApplicationId: string | null;
  dueOn: string | null;
  cycleStartedOn: string | null;
  reviewNumber: number | null;
};

export type ApplicationDetail = ApplicationSummary & { allowedEvents: string[]; coverage: Coverage };

export function summariseApplication(application: Application, libraryName: string, standards: StandardRegistry): ApplicationSummary {
  const standard = standards.get(application.standardId, application.standardVersion);
  return {
    id: application.id,
    libraryId: application.library,
    libraryName,
    standard: { id: application.standardId, version: application.standardVersion, title: standard?.title ?? application.standardId },
    cycle: application.cycle,
    state: application.state,
    mentorId: application.mentor ?? null,
    createdAt: application.createdAt.toISOString(),
    updatedAt: application.updatedAt.toISOString(),
    stateChangedAt: application.stateChangedAt.toISOString(),
    previousApplicationId: application.previousApplicationId ?? null,
    dueOn: application.dueOn ?? null,
    cycleStartedOn: application.cycleStartedOn ?? null,
    reviewNumber: application.reviewNumber ?? null,
  };
}

/**
 * Builds the full view of one application for `viewer`: its coverage, and the
 * events the viewer may send now as far as the state, their role and the
 * coverage guard decide.
 */
export async function describeApplication(em: EntityManager, standards: StandardRegistry, application: Application, viewer: Person): Promise<ApplicationDetail> {
  const standard = standardOf(standards, application);
  const coverage = await computeCoverage(em, application.id, standard);
  const library = await em.findOneOrFail(LibrarySchema, { id: application.library });

  const roles = actingRoles(viewer, application);
  const snapshot = restoreSnapshot(application);
  const allowed = new Set(allowedEventTypes(snapshot, { coverage }));
  const allowedEvents = APPLICATION_EVENT_TYPES.filter((type) => allowed.has(type) && maySend(type, roles));

  return { ...summariseApplication(application, library.name, standards), allowedEvents, coverage };
}
