import { Hono } from 'hono';

import type { AppDeps, AppEnv } from '../http/env.ts';
import { staffApplicationPages } from './staff-application-routes.ts';
import { staffElementPages } from './staff-element-routes.ts';
import { staffEvidencePages } from './staff-evidence-routes.ts';
import { staffMatrixPages } from './staff-matrix-routes.ts';

/**
 * Builds the pages of library staff: their applications, one application's
 * progress, each element's evidence and rating, each evidence item, and the evidence matrix.
 * Each route requires sign-in itself rather than through `use('*')`: the areas
 * are mounted on one router, so a wildcard middleware would also run on the other areas' pages.
 */
export function staffPages(deps: AppDeps): Hono<AppEnv> {
  const router = new Hono<AppEnv>();
  router.route('/', staffApplicationPages(deps));
  router.route('/', staffElementPages(deps));
  router.route('/', staffEvidencePages(deps));
  router.route('/', staffMatrixPages(deps));
  return router;
}
