import type { EntityManager } from '@mikro-orm/core';

import { createApplication } from '../applications/create-application.ts';
import { sendEvent } from '../applications/send-event.ts';
import { createEvidence } from '../evidence/evidence-writes.ts';
import { putSelfAssessment } from '../evidence/self-assessment-writes.ts';
import { addLibrary } from '../libraries/libraries.ts';
import { LibrarySchema } from '../libraries/library.entity.ts';
import type { Config } from '../config.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Logger } from '../logger.ts';
import { addPerson } from '../people/people.ts';
import { PersonSchema } from '../people/person.entity.ts';
import type { StandardRegistry } from '../standards/standard-registry.ts';

/** The people of the small example, one per role, by email. */
export const EXAMPLE_PEOPLE = [
  { email: 'lead@northgate.example.ac.uk', name: 'Amira Okafor', roles: ['library_staff'], library: 'Northgate University Library' },
  { email: 'mentor@riverside.example.ac.uk', name: 'Gareth Pryce', roles: ['mentor', 'library_staff'], library: 'Riverside College Library' },
  { email: 'quality@consortium.example.ac.uk', name: 'Helen Marsh', roles: ['quality_group'], library: null },
  { email: 'admin@consortium.example.ac.uk', name: 'Sam Whitfield', roles: ['admin'], library: null },
] as const;

/**
 * Seeds a small example once: two member libraries, a person per role, and an
 * application in evidence gathering with a few items, ratings and statements.
 * A database that already has libraries is left as it is.
 */
export async function seedExample(em: EntityManager, standards: StandardRegistry, logger: Logger, config: Config, jobs: JobQueue): Promise<boolean> {
  if ((await em.count(LibrarySchema, {})) > 0) return false;

  const libraries = new Map<string, string>();
  for (const name of ['Northgate University Library', 'Riverside College Library']) {
    libraries.set(name, (await addLibrary(em, name)).id);
  }
  for (const person of EXAMPLE_PEOPLE) {
    await addPerson(em, { email: person.email, name: person.name, roles: [...person.roles], libraryId: person.library === null ? null : libraries.get(person.library)! });
  }

  const lead = await em.findOneOrFail(PersonSchema, { email: EXAMPLE_PEOPLE[0].email });
  const standard = standards.latest('cse')!;
  const application = await createApplication(em, standards, lead, { libraryId: lead.library!, standardId: 'cse', cycle: 'initial' });
  await sendEvent({ em: em.fork(), standards, log: logger, config, jobs }, application.id, lead, { type: 'start' });

  await createEvidence(em.fork(), application.id, lead.id, standard, {
    kind: 'link',
    title: 'Library user survey 2026: results and actions',
    url: 'https://library.example.ac.uk/about/survey-2026',
    elements: [{ code: '1.3.1', note: 'Annual survey with a 38% response rate' }, { code: '1.3.2', note: 'Results published by user group' }],
  });
  await createEvidence(em.fork(), application.id, lead.id, standard, {
    kind: 'note',
    title: 'Customer segmentation profile',
    body: 'Profiles of undergraduates, postgraduates, researchers, staff, alumni and visitors, drawn from registration data.',
    elements: [{ code: '1.1.1', note: 'The profile itself' }, { code: '1.1.2', note: 'Needs per group' }],
  });
  for (const [code, rating, statement] of [
    ['1.1.1', 'compliance', 'We keep a profile of every customer group, refreshed each autumn from registration data.'],
    ['1.3.1', 'compliance_plus', 'Our survey has run every year since 2015 and is benchmarked with the consortium.'],
  ] as const) {
    await putSelfAssessment(em.fork(), application.id, lead.id, standard, { code, rating, statement });
  }
  return true;
}
