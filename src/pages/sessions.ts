import { createHash, randomBytes } from 'node:crypto';

import type { EntityManager } from '@mikro-orm/core';

import { PersonSchema, type Person } from '../people/person.entity.ts';
import { WebSessionSchema, type WebSession } from './web-session.entity.ts';

export const SESSION_COOKIE = 'waymark_session';
export const SESSION_HOURS = 12;

const digest = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Starts a session and returns the cookie's secret, which only the browser keeps. */
export async function createSession(em: EntityManager, personId: string, now: Date): Promise<{ secret: string; session: WebSession }> {
  const secret = randomBytes(32).toString('base64url');
  const session = em.create(WebSessionSchema, {
    id: digest(secret),
    person: personId,
    csrfToken: randomBytes(24).toString('base64url'),
    createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_HOURS * 3_600_000),
    lastSeenAt: now,
  });
  await em.flush();
  return { secret, session };
}

/** Finds the live session and person behind a cookie's secret, or null for an unknown or expired one. */
export async function readSession(em: EntityManager, secret: string | undefined, now: Date): Promise<{ session: WebSession; person: Person } | null> {
  if (secret === undefined || secret.length > 100) return null;
  const session = await em.findOne(WebSessionSchema, { id: digest(secret), expiresAt: { $gt: now } });
  if (session === null) return null;
  const person = await em.findOne(PersonSchema, { id: session.person });
  return person === null ? null : { session, person };
}

export async function endSession(em: EntityManager, secret: string | undefined): Promise<void> {
  if (secret !== undefined) await em.nativeDelete(WebSessionSchema, { id: digest(secret) });
}
