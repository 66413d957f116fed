import type { EntityManager } from '@mikro-orm/core';

import { addPerson } from '../people/people.ts';
import { issueToken, revokeTokens } from '../people/tokens.ts';
import type { LoadedStandard } from '../standards/standard-registry.ts';
import { buildCentrepiece } from './centrepiece.ts';
import { DEMO_LIBRARIES, DEMO_MENTOR_PROFILES, DEMO_PEOPLE } from './consortium-members.ts';
import { STORIES, tellStories } from './consortium-stories.ts';
import { DemoClient } from './demo-client.ts';
import type { DemoContext } from './demo-context.ts';

export type LoadOptions = { em: EntityManager; url: string; standard: LoadedStandard; outDir: string; say: (line: string) => void };

/**
 * Loads the demo consortium into an empty database through the running
 * service's API: the admin alone is added directly, because someone has to
 * hold the first token. The tokens used for loading are revoked at the end, so
 * that only the ones the demo prints stay valid.
 */
export async function loadConsortium(options: LoadOptions): Promise<{ applicationId: string; pdfPath: string }> {
  const { em, url, standard, say } = options;
  const started = Date.now();
  const admin = DEMO_PEOPLE.find((person) => person.roles.includes('admin'))!;
  const adminPerson = await addPerson(em, { email: admin.email, name: admin.name, roles: admin.roles });
  const adminClient = new DemoClient(url, await issueToken(em, adminPerson.id));
  const context: DemoContext = { url, standard, clients: new Map([[admin.name, adminClient]]), libraryIds: new Map(), personIds: new Map([[admin.name, adminPerson.id]]), say };

  try {
    say(`Adding ${DEMO_LIBRARIES.length} member libraries and ${DEMO_PEOPLE.length} people`);
    for (const library of DEMO_LIBRARIES) {
      context.libraryIds.set(library.key, (await adminClient.json<{ id: string }>('POST', '/api/libraries', { name: library.name }, 201)).id);
    }
    for (const person of DEMO_PEOPLE.filter((candidate) => candidate !== admin)) {
      const body = { email: person.email, name: person.name, roles: person.roles, libraryId: person.library === null ? undefined : context.libraryIds.get(person.library) };
      const created = await adminClient.json<{ id: string }>('POST', '/api/people', body, 201);
      context.personIds.set(person.name, created.id);
      context.clients.set(person.name, new DemoClient(url, await issueToken(em, created.id)));
    }
    for (const profile of DEMO_MENTOR_PROFILES) {
      const conflicts = profile.conflicts.map((key) => context.libraryIds.get(key)!);
      await adminClient.json('PUT', `/api/people/${context.personIds.get(profile.name)}/mentor-profile`, { capacity: profile.capacity, standards: [standard.id], conflicts });
    }

    say(`Walking ${STORIES.length} libraries' applications through their lifecycles`);
    await tellStories(context);

    say("Northgate University Library: the centrepiece, from its evidence matrix to the assessor's outcome");
    const centrepiece = await buildCentrepiece(context, options.outDir);
    say(`Loaded the consortium in ${Math.round((Date.now() - started) / 1000)} s`);
    return centrepiece;
  } finally {
    for (const id of context.personIds.values()) await revokeTokens(em, id);
  }
}
