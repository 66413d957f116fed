import { randomUUID } from 'node:crypto';

import type { EntityManager } from '@mikro-orm/core';

import { AppError } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { LibrarySchema } from '../libraries/library.entity.ts';
import type { Person } from '../people/person.entity.ts';
import type { StandardRegistry } from '../standards/standard-registry.ts';
import { ApplicationEventSchema } from './application-event.entity.ts';
import { ApplicationSchema, type Application, type Cycle } from './application.entity.ts';
import { initialSnapshot } from './machine-actor.ts';

export type NewApplication = { libraryId: string; standardId: string; cycle: Cycle };

/**
 * Creates an application in `draft` under the newest version of the standard,
 * with a `record` line that opens its history. Staff may create one for their
 * own library only; the quality group for any.
 */
export async function createApplication(em: EntityManager, standards: StandardRegistry, creator: Person, input: NewApplication): Promise<Application> {
  const isQualityGroup = creator.roles.includes('quality_group');
  if (!isQualityGroup && creator.library !== input.libraryId) {
    throw AppError.forbidden(`Library staff create applications for their own library only; libraryId "${input.libraryId}" is not yours.`);
  }

  const library = isUuid(input.libraryId) ? await em.findOne(LibrarySchema, { id: input.libraryId }) : null;
  if (library === null) throw AppError.invalid(`libraryId "${input.libraryId}" is not a library. List libraries with GET /api/libraries.`);

  const standard = standards.latest(input.standardId);
  if (standard === undefined) {
    const known = [...new Set(standards.list().map((item) => item.id))].join(', ');
    throw AppError.invalid(`standardId "${input.standardId}" is not a loaded standard. Use one of: ${known}.`);
  }

  const application = insertDraftApplication(em, { libraryId: library.id, standardId: standard.id, standardVersion: standard.version, cycle: input.cycle }, creator.id, new Date());
  await em.flush();
  return application;
}

/** The fields of a new draft; the cycle fields are set for an application that follows an accredited one. */
export type DraftFields = {
  libraryId: string;
  standardId: string;
  standardVersion: string;
  cycle: Cycle;
  previousApplicationId?: string;
  dueOn?: string | null;
  cycleStartedOn?: string | null;
  reviewNumber?: number | null;
};

/** Creates an application in `draft` with the `application.created` record that opens its history; the caller flushes. */
export function insertDraftApplication(em: EntityManager, fields: DraftFields, actorId: string, now: Date): Application {
  const { snapshot, machineVersion } = initialSnapshot(fields.libraryId);
  const cycleFields = {
    previousApplicationId: fields.previousApplicationId ?? null,
    dueOn: fields.dueOn ?? null,
    cycleStartedOn: fields.cycleStartedOn ?? null,
    reviewNumber: fields.reviewNumber ?? null,
  };
  const application = em.create(ApplicationSchema, {
    id: randomUUID(),
    library: fields.libraryId,
    standardId: fields.standardId,
    standardVersion: fields.standardVersion,
    cycle: fields.cycle,
    state: 'draft',
    snapshot,
    machineVersion,
    mentor: null,
    createdAt: now,
    updatedAt: now,
    stateChangedAt: now,
    ...cycleFields,
  });

  const base = { libraryId: fields.libraryId, standardId: fields.standardId, standardVersion: fields.standardVersion, cycle: fields.cycle };
  em.create(ApplicationEventSchema, {
    id: randomUUID(),
    application: application.id,
    sequence: 1,
    type: 'application.created',
    kind: 'record',
    payload: fields.previousApplicationId === undefined ? base : { ...base, ...cycleFields },
    actor: actorId,
    fromState: null,
    toState: 'draft',
    createdAt: now,
  });
  return application;
}
