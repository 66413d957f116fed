import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { ApplicationSchema } from '../applications/application.entity.ts';
import { PersonSchema } from '../people/person.entity.ts';

/** A comment in the thread of one element, between library staff and the mentor; a reply names its parent. */
export const ReviewCommentSchema = defineEntity({
  name: 'ReviewComment',
  tableName: 'review_comment',
  properties: {
    id: p.uuid().primary(),
    application: () => p.manyToOne(ApplicationSchema).mapToPk(),
    elementCode: p.text(),
    parent: p.uuid().nullable(),
    author: () => p.manyToOne(PersonSchema).mapToPk(),
    body: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
    resolvedAt: p.datetime().nullable(),
    resolvedBy: () => p.manyToOne(PersonSchema).mapToPk().nullable(),
  },
  indexes: [{ properties: ['application', 'elementCode'] }],
});

export type ReviewComment = InferEntity<typeof ReviewCommentSchema>;
