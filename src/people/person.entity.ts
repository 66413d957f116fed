import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { LibrarySchema } from '../libraries/library.entity.ts';

export const ROLES = ['library_staff', 'mentor', 'quality_group', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A person who signs in; staff and mentors belong to a library, so one member of staff can also mentor others. */
export const PersonSchema = defineEntity({
  name: 'Person',
  tableName: 'person',
  properties: {
    id: p.uuid().primary(),
    email: p.text().unique(),
    name: p.text(),
    roles: p.array<Role>(),
    library: () => p.manyToOne(LibrarySchema).mapToPk().nullable(),
    // An argon2id hash; null until a password is set with `waymark user password`.
    passwordHash: p.text().nullable().hidden(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type Person = InferEntity<typeof PersonSchema>;
