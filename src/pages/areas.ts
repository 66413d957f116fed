import type { Hono } from 'hono';

import type { AppDeps, AppEnv } from '../http/env.ts';
import { adminPages } from './admin-routes.ts';
import { mentorPages } from './mentor-routes.ts';
import { qualityApplicationPages } from './quality-application-routes.ts';
import { qualityPages } from './quality-routes.ts';
import { staffPages } from './staff-routes.ts';

/** Each role's pages, one router per area, mounted after sign-in. */
export const PAGE_AREAS: ((deps: AppDeps) => Hono<AppEnv>)[] = [staffPages, qualityPages, qualityApplicationPages, mentorPages, adminPages];
