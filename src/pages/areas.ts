import type { Hono } from 'hono';

import type { AppDeps, AppEnv } from '../http/env.ts';

/** Each role's pages, one router per area, mounted after sign-in. */
export const PAGE_AREAS: ((deps: AppDeps) => Hono<AppEnv>)[] = [];
