import { randomUUID } from 'node:crypto';

import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';

import { AppError } from '../errors.ts';
import { LibrarySchema, type Library } from './library.entity.ts';

/**
 * Adds a member library. Names are unique whatever their case and spacing,
 * since people pick libraries by name.
 */
export async function addLibrary(em: EntityManager, rawName: string): Promise<Library> {
  const name = rawName.trim().replace(/\s+/g, ' ');
  if (name === '' || name.length > 200) {
    throw AppError.invalid(`Library name "${rawName}" is invalid: expected 1 to 200 characters.`);
  }

  // NOTE: the database enforces exact names only, so two names differing in case and added at the same moment can both pass.
  const [same] = await em.getConnection().execute<{ name: string }[]>('select name from library where lower(name) = lower(?) limit 1', [name], 'all', em.getTransactionContext());
  if (same !== undefined) {
    throw new AppError('conflict', `A library named "${same.name}" already exists. Use its id, or choose another name.`);
  }

  try {
    const library = em.create(LibrarySchema, { id: randomUUID(), name });
    await em.flush();
    return library;
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw new AppError('conflict', `A library named "${name}" already exists. Use its id, or choose another name.`);
    }
    throw error;
  }
}

export function libraryJson(library: Library) {
  return { id: library.id, name: library.name };
}
