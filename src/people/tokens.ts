import { createHash, randomBytes, randomUUID } from 'node:crypto';

import type { EntityManager } from '@mikro-orm/core';

import { ApiTokenSchema } from './api-token.entity.ts';
import { PersonSchema, type Person } from './person.entity.ts';

const TOKEN_PREFIX = 'wm_';

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Issues a new bearer token for a person and returns the secret, which is shown once and never stored. */
export async function issueToken(em: EntityManager, personId: string): Promise<string> {
  const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  em.create(ApiTokenSchema, { id: randomUUID(), person: personId, tokenHash: hashToken(secret), revokedAt: null });
  await em.flush();
  return secret;
}

/** Revokes every live token of a person and returns how many were revoked. */
export async function revokeTokens(em: EntityManager, personId: string): Promise<number> {
  return em.nativeUpdate(ApiTokenSchema, { person: personId, revokedAt: null }, { revokedAt: new Date() });
}

/** Finds the person behind a bearer token, or null for an unknown or revoked one. */
export async function authenticate(em: EntityManager, secret: string): Promise<Person | null> {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return null;
  const token = await em.findOne(ApiTokenSchema, { tokenHash: hashToken(secret), revokedAt: null });
  if (token === null) return null;
  return em.findOne(PersonSchema, { id: token.person });
}
