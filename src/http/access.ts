import type { MiddlewareHandler } from 'hono';

import { actingRoles } from '../applications/access.ts';
import { ApplicationSchema } from '../applications/application.entity.ts';
import { AppError } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { authenticate } from '../people/tokens.ts';
import type { Role } from '../people/person.entity.ts';
import type { AppEnv } from './env.ts';

/** Authenticates the bearer token of every /api request (401 before anything else is looked at). */
export const requireToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match === null) {
    throw new AppError('unauthenticated', 'This route needs an Authorization header of the form "Bearer <token>". Ask an admin for a token, or create one with `npx waymark token create --email <your email>`.');
  }

  const person = await authenticate(c.get('em'), match[1]);
  if (person === null) {
    throw new AppError('unauthenticated', 'The bearer token is unknown or revoked. Ask an admin for a new token, or create one with `npx waymark token create --email <your email>`.');
  }

  c.set('person', person);
  c.set('log', c.get('log').child({ personId: person.id }));
  await next();
};

/** Rejects with 403 a person who has none of `roles`, before the body is read. */
export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const person = c.get('person');
    if (!roles.some((role) => person.roles.includes(role))) {
      throw AppError.forbidden(`${c.req.method} ${c.req.routePath} is for ${roles.join(' or ')}; your roles are ${person.roles.join(', ')}.`);
    }
    await next();
  };
}

/**
 * Loads the application named by the `id` path parameter and hides it (404)
 * from anyone who may not act on it, so ids of other libraries do not leak.
 */
export const loadApplication: MiddlewareHandler<AppEnv> = async (c, next) => {
  const id = c.req.param('id') ?? '';
  if (!isUuid(id)) throw AppError.notFound('application', id);

  const application = await c.get('em').findOne(ApplicationSchema, { id });
  if (application === null || actingRoles(c.get('person'), application).size === 0) {
    throw AppError.notFound('application', id);
  }

  c.set('application', application);
  await next();
};
