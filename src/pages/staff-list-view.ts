import type { EntityManager } from '@mikro-orm/core';

import { CYCLES, ApplicationSchema } from '../applications/application.entity.ts';
import { describeApplication, type ApplicationDetail } from '../applications/application-view.ts';
import { LibrarySchema } from '../libraries/library.entity.ts';
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

/** Builds the list of the person's library's applications, newest first, and the choices of the new-application form. */
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

export async function buildApplicationsView(em: EntityManager, standards: StandardRegistry, person: Person) {
  const libraryId = person.library ?? null;
  const applications = libraryId === null ? [] : await em.find(ApplicationSchema, { library: libraryId }, { orderBy: { createdAt: 'desc', id: 'asc' }, limit: 100 });
  const library = libraryId === null ? null : await em.findOne(LibrarySchema, { id: libraryId });

  const items = [];
  for (const application of applications) {
    items.push(applicationSummary(await describeApplication(em, standards, application, person)));
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
