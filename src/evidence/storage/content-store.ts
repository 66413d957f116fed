import type { EntityManager } from '@mikro-orm/core';

/**
 * The store of file content, addressed by its SHA-256. Every service instance
 * must see the same store. `put` runs inside the caller's transaction where the
 * store supports it, so an upload that fails leaves no content behind.
 */
export interface ContentStore {
  put(em: EntityManager, sha256: string, bytes: Uint8Array, mediaType: string): Promise<void>;
  get(em: EntityManager, sha256: string): Promise<Uint8Array | null>;
}
