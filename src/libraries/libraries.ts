import { randomUUID } from 'node:crypto';

import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';

import { AppError } from '../errors.ts';
import { LibrarySchema, type Library } from './library.entity.ts';

/** Adds a member library; names are unique, since people pick libraries by name. */
export async function addLibrary(em: EntityManager, rawName: string): Promise<Library> {
  const name = rawName.trim();
  if (name === '' || name.length > 200) {
    throw AppError.invalid(`Library name "${rawName}" is invalid: expected 1 to 200 characters.`);
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
