import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** File content stored once per SHA-256, however many items or applications use it. */
export const ContentBlobSchema = defineEntity({
  name: 'ContentBlob',
  tableName: 'content_blob',
  properties: {
    sha256: p.text().primary(),
    size: p.bigint('number'),
    mediaType: p.text(),
    bytes: p.blob().lazy(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type ContentBlob = InferEntity<typeof ContentBlobSchema>;
