import type { EntityManager } from '@mikro-orm/core';

import { CYCLES, ApplicationSchema, type Application } from '../applications/application.entity.ts';
import { describeApplication, type ApplicationDetail } from '../applications/application-view.ts';
import { AppError } from '../errors.ts';
import { LibrarySchema } from '../libraries/library.entity.ts';
import type { Logger } from '../logger.ts';
import type { Person } from '../people/person.entity.ts';
import type { StandardRegistry } from '../standards/standard-registry.ts';
import { stateInWords } from './page-templates.ts';
import { cycleWords, eventLabel, nextStep } from './staff-words.ts';

/** Splits the allowed events into plain buttons and withdraw, which gets its own form with a reason. */
export function eventButtons(allowedEvents: string[]) {
  return {
    events: allowedEvents.filter((type) => type !== 'withdraw').map((type) => ({ type, label: eventLabel(type) })),
    mayWithdraw: allowedEvents.includes('withdraw'),
    hasActions: allowedEvents.length > 0,
  };
}

/** Builds the lines that head an application wherever staff see it: library, standard, cycle and state in words, the next step and the buttons allowed now. */
export function applicationSummary(detail: ApplicationDetail) {
  return {
    id: detail.id,
    libraryName: detail.libraryName,
    standardTitle: detail.standard.title,
    standardVersion: detail.standard.version,
    cycle: cycleWords(detail.cycle),
    state: stateInWords(detail.state),
    nextStep: nextStep(detail.state),
    ...eventButtons(detail.allowedEvents),
  };
}

/**
 * Builds the list entry of an application whose stored state this version cannot restore, so that one such
 * application does not hide its library's others. Its own page explains the fault.
 */
function unreadableSummary(application: Application, libraryName: string, detail: string) {
  return {
    id: application.id,
    libraryName,
    standardTitle: application.standardId,
    standardVersion: application.standardVersion,
    cycle: cycleWords(application.cycle),
    state: 'Cannot be shown',
    nextStep: `${detail} Ask your administrator to upgrade Waymark, or the quality group to check this application.`,
    ...eventButtons([]),
  };
}

/** Builds the list of the person's library's applications, newest first, and the choices of the new-application form. */
export async function buildApplicationsView(em: EntityManager, standards: StandardRegistry, person: Person, log: Logger) {
  const libraryId = person.library ?? null;
  const applications = libraryId === null ? [] : await em.find(ApplicationSchema, { library: libraryId }, { orderBy: { createdAt: 'desc', id: 'asc' }, limit: 100 });
  const library = libraryId === null ? null : await em.findOne(LibrarySchema, { id: libraryId });

  const items = [];
  for (const application of applications) {
    try {
      items.push(applicationSummary(await describeApplication(em, standards, application, person)));
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'snapshot_incompatible') throw error;
      log.error({ err: error, applicationId: application.id }, 'application listed without its state: its stored snapshot cannot be restored');
      items.push(unreadableSummary(application, library?.name ?? '', error.detail));
    }
  }

  const latestStandards = [...new Set(standards.list().map((standard) => standard.id))].map((id) => standards.latest(id)!);
  return {
    applications: items,
    libraryName: library?.name ?? null,
    // Staff create applications for their own library only, so staff without a library cannot create one.
    mayCreate: library !== null,
    standards: latestStandards.map((standard) => ({ id: standard.id, title: standard.title, version: standard.version })),
    cycles: CYCLES.map((cycle) => ({ id: cycle, label: cycleWords(cycle) })),
  };
}
