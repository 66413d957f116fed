import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { PersonSchema } from '../people/person.entity.ts';

/**
 * A signed-in browser session. The id is the SHA-256 of the cookie's secret, so
 * a database dump gives no usable cookie; `csrfToken` guards the session's forms.
 */
export const WebSessionSchema = defineEntity({
  name: 'WebSession',
  tableName: 'web_session',
  properties: {
    id: p.text().primary(),
    person: () => p.manyToOne(PersonSchema).mapToPk().index(),
    csrfToken: p.text(),
    createdAt: p.datetime(),
    expiresAt: p.datetime().index(),
    lastSeenAt: p.datetime(),
  },
});

export type WebSession = InferEntity<typeof WebSessionSchema>;
