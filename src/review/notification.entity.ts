import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { ApplicationSchema } from '../applications/application.entity.ts';
import { PersonSchema } from '../people/person.entity.ts';

/** An in-app notification for one person. `key` is unique, so a reminder sent by several instances is stored once. */
export const NotificationSchema = defineEntity({
  name: 'Notification',
  tableName: 'notification',
  properties: {
    id: p.uuid().primary(),
    person: () => p.manyToOne(PersonSchema).mapToPk().index(),
    application: () => p.manyToOne(ApplicationSchema).mapToPk().nullable(),
    kind: p.text(),
    message: p.text(),
    key: p.text().unique(),
    createdAt: p.datetime().onCreate(() => new Date()),
    readAt: p.datetime().nullable(),
  },
});

export type Notification = InferEntity<typeof NotificationSchema>;
