import type { EntityManager } from '@mikro-orm/core';

import type { ContentStore } from './content-store.ts';

/** Stores content in the `content_blob` table, once per hash; the default store, shared by every instance. */
export class PostgresContentStore implements ContentStore {
  async put(em: EntityManager, sha256: string, bytes: Uint8Array, mediaType: string): Promise<void> {
    // An upload of content already stored changes nothing, because the hash names the bytes.
    await em
      .getConnection()
      .execute(
        'insert into content_blob (sha256, size, media_type, bytes, created_at) values (?, ?, ?, ?, now()) on conflict (sha256) do nothing',
        [sha256, bytes.byteLength, mediaType, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
        'run',
        em.getTransactionContext(),
      );
  }

  async get(em: EntityManager, sha256: string): Promise<Uint8Array | null> {
    const rows = await em.getConnection().execute<{ bytes: Buffer | Uint8Array }[]>('select bytes from content_blob where sha256 = ?', [sha256], 'all', em.getTransactionContext());
    const bytes = rows[0]?.bytes;
    return bytes === undefined ? null : new Uint8Array(bytes);
  }
}
