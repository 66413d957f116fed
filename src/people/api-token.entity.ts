import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { PersonSchema } from './person.entity.ts';

/** A bearer token; only the SHA-256 of the secret is stored, so a database dump reveals no usable token. */
export const ApiTokenSchema = defineEntity({
  name: 'ApiToken',
  tableName: 'api_token',
  properties: {
    id: p.uuid().primary(),
    person: () => p.manyToOne(PersonSchema).mapToPk().index(),
    tokenHash: p.text().unique(),
    createdAt: p.datetime().onCreate(() => new Date()),
    revokedAt: p.datetime().nullable(),
  },
});

export type ApiToken = InferEntity<typeof ApiTokenSchema>;
