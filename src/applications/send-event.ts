import { randomUUID } from 'node:crypto';

import { LockMode, OptimisticLockError, UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { createActor } from 'xstate';

import { applicationMachine, type ApplicationEvent } from '../../machines/application.machine.ts';
import { allowedEventTypes, explainRefusal } from '../../machines/explain-refusal.ts';
import { AppError } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { readCoverageSets, summariseCoverage } from '../evidence/coverage.ts';
import type { Logger } from '../logger.ts';
import { PersonSchema, type Person } from '../people/person.entity.ts';
import type { StandardRegistry } from '../standards/standard-registry.ts';
import { actingRoles, type ActingRole } from './access.ts';
import { ApplicationEventSchema } from './application-event.entity.ts';
import { ApplicationSchema, type Application } from './application.entity.ts';
import type { EventRequest } from './event-schemas.ts';
import { describeSenders, maySend } from './event-senders.ts';
import { restoreSnapshot } from './machine-actor.ts';
import { canonicalJson, sameJson, statePath } from './snapshot-json.ts';
import { startNextCycle } from './next-cycle.ts';
import { standardOf } from './standard-of.ts';
import { effectiveProfile, mentorLoads } from '../review/mentor-load.ts';
import { followReviewRounds, reviewFacts } from '../review/review-rounds.ts';
import type { Config } from '../config.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { queueRender } from '../portfolio/render-portfolio.ts';
import { purgeDeletedEvidence, recordSubmission } from './submission-record.ts';

export type SendEventDeps = { em: EntityManager; standards: StandardRegistry; log: Logger; config: Pick<Config, 'reviewDueDays' | 'mentorDefaultCapacity'>; jobs: JobQueue };
export type SendEventResult = { application: Application; fromState: string; toState: string; sequence: number };

/**
 * Sends one event to an application in one transaction. It loads the
 * application, checks the sender, adds the facts the guards need and restores
 * the machine. An event the machine rejects is a 409. Otherwise the snapshot,
 * state and history row are written together, and of two concurrent writers
 * one gets a 409 with nothing half-written.
 */
export async function sendEvent(deps: SendEventDeps, applicationId: string, sender: Person, request: EventRequest): Promise<SendEventResult> {
  try {
    return await deps.em.transactional(async (em) => {
      // The row lock makes an evidence write in flight (which has a share lock) commit first, so the
      // coverage read below includes it, and makes evidence writes wait until this event has committed.
      const application = isUuid(applicationId) ? await em.findOne(ApplicationSchema, { id: applicationId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true }) : null;
      const roles = application === null ? new Set<ActingRole>() : actingRoles(sender, application);
      if (application === null || roles.size === 0) throw AppError.notFound('application', applicationId);
      if (!maySend(request.type, roles)) {
        throw AppError.forbidden(`You may not send ${request.type}: it is sent by ${describeSenders(request.type)}.`);
      }

      const standard = standardOf(deps.standards, application);
      const event = await addFacts(em, application, standard, request, deps.config.mentorDefaultCapacity);
      const before = restoreSnapshot(application);
      const fromState = statePath(before.value);

      if (!before.can(event)) {
        const coverage = summariseCoverage(standard, await readCoverageSets(em, application.id));
        const refusal = explainRefusal(before, event);
        const allowedEvents = allowedEventTypes(before, { coverage }).filter((type) => maySend(type, roles));
        const detail =
          refusal.kind === 'guard'
            ? refusal.message
            : `Application ${application.id} is in state ${fromState}, which does not accept ${event.type}. Events you may send in ${fromState}: ${allowedEvents.join(', ') || 'none'}.`;
        throw new AppError(refusal.kind === 'guard' ? 'guard_refused' : 'event_not_allowed', detail, { state: fromState, allowedEvents });
      }

      const actor = createActor(applicationMachine, { snapshot: before, input: { libraryId: application.library } });
      actor.start();
      actor.send(event);
      const after = actor.getSnapshot();
      const persisted = canonicalJson(actor.getPersistedSnapshot()) as Record<string, unknown>;
      actor.stop();

      const toState = statePath(after.value);
      const now = new Date();
      if (!sameJson(persisted, application.snapshot)) application.snapshot = persisted;
      application.state = toState;
      application.mentor = after.context.mentorId;
      // Every event touches the row, so the optimistic lock also catches a race between two events that leave the snapshot as it was.
      application.updatedAt = now;
      if (toState !== fromState) application.stateChangedAt = now;

      const sequence = await nextSequence(em, application.id);
      em.create(ApplicationEventSchema, {
        id: randomUUID(),
        application: application.id,
        sequence,
        type: event.type,
        kind: 'machine',
        payload: event as unknown as Record<string, unknown>,
        actor: sender.id,
        fromState,
        toState,
        createdAt: now,
      });

      // What the new state implies for stored data happens in the same transaction, so it commits with the event or not at all.
      await followReviewRounds(em, application, event, toState, sender.id, now, deps.config.reviewDueDays);
      if (toState === 'submitted') {
        const submission = await recordSubmission(em, application, sequence, now);
        await queueRender(em, deps.jobs, { applicationId: application.id, kind: 'submitted', submissionId: submission.id, includeAppendices: true, requestedBy: sender.id });
      }
      if (toState === 'withdrawn') await purgeDeletedEvidence(em, application.id);
      if (toState === 'accredited' && event.type === 'outcome.record') await startNextCycle(em, application, event, sender.id, now);

      deps.log.info({ applicationId: application.id, event: event.type, fromState, toState, sequence }, 'application event recorded');
      return { application, fromState, toState, sequence };
    });
  } catch (error) {
    if (error instanceof OptimisticLockError || error instanceof UniqueConstraintViolationException) {
      deps.log.info({ applicationId, event: request.type }, 'event lost a race with a concurrent change');
      throw new AppError('conflict', `Another change to application ${applicationId} was saved first, so ${request.type} was not applied. Reload the application and send the event again if it is still allowed.`);
    }
    throw error;
  }
}

async function nextSequence(em: EntityManager, applicationId: string): Promise<number> {
  const rows = await em
    .getConnection()
    .execute<{ last: number | null }[]>('select max(sequence) as last from application_event where application_id = ?', [applicationId], 'all', em.getTransactionContext());
  return (rows[0]?.last ?? 0) + 1;
}

/** Completes a client's event with the facts its guards read, all taken inside the same transaction. */
async function addFacts(em: EntityManager, application: Application, standard: ReturnType<typeof standardOf>, request: EventRequest, defaultCapacity: number): Promise<ApplicationEvent> {
  switch (request.type) {
    case 'review.request': {
      const coverage = summariseCoverage(standard, await readCoverageSets(em, application.id));
      return { type: 'review.request', coverage: { elements: coverage.elements, withEvidence: coverage.withEvidence, rated: coverage.rated } };
    }

    case 'mentor.assign': {
      const mentor = await em.findOne(PersonSchema, { id: request.mentorId });
      if (mentor === null) throw AppError.invalid(`mentorId "${request.mentorId}" names no person. Use the id of a mentor from GET /api/people?role=mentor.`);
      if (!mentor.roles.includes('mentor')) throw AppError.invalid(`mentorId "${request.mentorId}" (${mentor.name}) is not a mentor. Assign a person who has the mentor role.`);
      const profile = await effectiveProfile(em, mentor.id, defaultCapacity);
      const load = (await mentorLoads(em, [mentor.id])).get(mentor.id) ?? 0;
      const facts = { id: mentor.id, libraryId: mentor.library ?? null, conflictLibraryIds: profile.conflicts, load, capacity: profile.capacity };
      return request.reason === undefined ? { type: 'mentor.assign', mentorId: mentor.id, mentor: facts } : { type: 'mentor.assign', mentorId: mentor.id, reason: request.reason, mentor: facts };
    }

    case 'outcome.record': {
      // An assessor reports on a visit that has happened, and the next cycle's due dates count from this date.
      const today = new Date().toISOString().slice(0, 10);
      if (request.reportDate > today) {
        throw AppError.invalid(`reportDate "${request.reportDate}" is after today (${today}). Give the date on the assessor's report.`);
      }
      const unknownCodes = Object.keys(request.ratings).filter((code) => !standard.hasElement(code));
      const unknownRatings = [...new Set(Object.values(request.ratings).filter((rating) => !standard.hasRating(rating)))];
      if (unknownCodes.length > 0 || unknownRatings.length > 0) {
        const faults = [
          unknownCodes.length > 0 ? `unknown element code${unknownCodes.length > 1 ? 's' : ''} ${unknownCodes.join(', ')}` : null,
          unknownRatings.length > 0 ? `unknown rating${unknownRatings.length > 1 ? 's' : ''} ${unknownRatings.join(', ')}` : null,
        ].filter(Boolean);
        throw AppError.invalid(
          `ratings: ${faults.join('; ')} in ${standard.id} ${standard.version}. Use element codes of the standard and one of the ratings ${standard.ratingScale.map((rating) => rating.id).join(', ')}.`,
        );
      }
      return { ...request, elementCodes: standard.elementCodes(), rule: standard.certificationRule };
    }

    case 'review.requestChanges':
    case 'review.approve':
      return { ...request, review: await reviewFacts(em, application.id, standard) };

    default:
      return request;
  }
}
