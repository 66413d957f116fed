import { randomUUID } from 'node:crypto';

import { OpenAPIHono } from '@hono/zod-openapi';

import { applicationRoutes } from './applications/routes.ts';
import { submissionRoutes } from './applications/submission-routes.ts';
import { coverageRoutes } from './evidence/coverage-routes.ts';
import { matrixRoutes } from './evidence/matrix-routes.ts';
import { evidenceRoutes } from './evidence/routes.ts';
import { selfAssessmentRoutes } from './evidence/self-assessment-routes.ts';
import { uploadRoutes } from './evidence/upload-routes.ts';
import { requireToken } from './http/access.ts';
import { docsRoutes } from './http/docs.ts';
import type { AppDeps, AppEnv } from './http/env.ts';
import { validationHook } from './http/problem.ts';
import { documentStreamRoutes } from './http/stream-route-docs.ts';
import { libraryRoutes } from './libraries/routes.ts';
import { notificationRoutes } from './review/notification-routes.ts';
import { commentRoutes } from './review/comment-routes.ts';
import { mentorRoutes } from './review/mentor-routes.ts';
import { reviewRoutes } from './review/routes.ts';
import { PAGE_AREAS } from './pages/areas.ts';
import { errorResponse, notFoundResponse, wantsErrorPage } from './pages/error-page.ts';
import { pageRoutes } from './pages/routes.ts';
import { peopleRoutes } from './people/routes.ts';
import { portfolioFileRoutes, portfolioRoutes } from './portfolio/routes.ts';
import { standardRoutes } from './standards/routes.ts';

/** Builds the Hono app from its dependencies; nothing here listens or reads the environment. */
export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook as never });

  app.use('*', async (c, next) => {
    const requestId = c.req.header('x-request-id')?.slice(0, 100) || randomUUID();
    c.set('requestId', requestId);
    c.set('log', deps.logger.child({ requestId }));
    // A fresh identity map per request keeps one request's entities out of another's.
    c.set('em', deps.db.em.fork());
    c.header('x-request-id', requestId);
    const started = performance.now();
    await next();
    c.get('log').info({ method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) }, 'request handled');
  });

  app.get('/health', async (c) => {
    await c.get('em').getConnection().execute('select 1');
    return c.json({ status: 'ok', database: deps.db.embedded ? 'embedded' : 'server' });
  });

  app.use('/api/*', requireToken);
  app.route('/', standardRoutes(deps));
  app.route('/', libraryRoutes(deps));
  app.route('/', peopleRoutes(deps));
  app.route('/', applicationRoutes(deps));
  app.route('/', submissionRoutes(deps));
  // The upload routes come first: they take multipart requests and pass JSON ones on to the evidence routes.
  app.route('/', uploadRoutes(deps));
  app.route('/', evidenceRoutes(deps));
  app.route('/', selfAssessmentRoutes(deps));
  app.route('/', coverageRoutes(deps));
  app.route('/', matrixRoutes(deps));
  app.route('/', reviewRoutes(deps));
  app.route('/', mentorRoutes(deps));
  app.route('/', commentRoutes(deps));
  app.route('/', notificationRoutes(deps));
  app.route('/', portfolioRoutes(deps));
  app.route('/', portfolioFileRoutes(deps));

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Waymark API',
      version: '0.1.0',
      description: 'Applications for customer-service accreditation (Customer Service Excellence and other standards), their evidence and lifecycle. Every /api route needs `Authorization: Bearer <token>`; errors are application/problem+json.',
    },
    security: [{ bearer: [] }],
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  documentStreamRoutes(app);
  app.route('/', docsRoutes());
  app.route('/', pageRoutes(deps, PAGE_AREAS));

  // Outside /api, a browser that mistypes an address or meets an error gets the pages' error page instead of a problem body.
  app.notFound(notFoundResponse);
  app.onError((error, c) => errorResponse(error, c, wantsErrorPage(c)));
  return app;
}
