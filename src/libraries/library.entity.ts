import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A member library of the consortium. */
export const LibrarySchema = defineEntity({
  name: 'Library',
  tableName: 'library',
  properties: {
    id: p.uuid().primary(),
    name: p.text().unique(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type Library = InferEntity<typeof LibrarySchema>;
