import { createRoute, z } from '@hono/zod-openapi';

import { standardOf } from '../applications/standard-of.ts';
import { AppError } from '../errors.ts';
import { loadApplication, requireRole } from '../http/access.ts';
import type { AppDeps } from '../http/env.ts';
import { createRouter, limitJsonBody } from '../http/router.ts';
import { IdParamSchema, jsonBody, jsonContent, listOf, PageQuerySchema, problemResponses } from '../http/schemas.ts';
import { isUuid } from '../ids.ts';
import { listEvidence, listSelfAssessments, selfAssessmentJson, withMappings } from './evidence-reads.ts';
import { createEvidence, deleteEvidence, putSelfAssessment, updateEvidence } from './evidence-writes.ts';

const httpUrl = z
  .string()
  .max(2000)
  .refine((value) => URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol), 'a link must be an http or https URL');
const MappingSchema = z.strictObject({ code: z.string().min(1).max(50), note: z.string().max(2000).optional() });
const NewEvidenceSchema = z
  .strictObject({
    kind: z.enum(['note', 'link']),
    title: z.string().trim().min(1).max(500),
    body: z.string().max(100_000).optional(),
    url: httpUrl.optional(),
    elements: z.array(MappingSchema).max(500).default([]),
  })
  .openapi('NewEvidence');
const EvidencePatchSchema = z
  .strictObject({
    title: z.string().trim().min(1).max(500).optional(),
    body: z.string().max(100_000).nullable().optional(),
    url: httpUrl.nullable().optional(),
    elements: z.array(MappingSchema).max(500).optional(),
  })
  .openapi('EvidencePatch');
const EvidenceJson = z
  .object({
    id: z.uuid(),
    kind: z.enum(['note', 'link']),
    title: z.string(),
    body: z.string().nullable(),
    url: z.string().nullable(),
    authorId: z.uuid(),
    createdAt: z.string(),
    updatedAt: z.string(),
    elements: z.array(z.object({ code: z.string(), note: z.string() })),
  })
  .openapi('Evidence');
const SelfAssessmentJson = z
  .object({ code: z.string(), rating: z.string(), statement: z.string(), authorId: z.uuid(), updatedAt: z.string() })
  .openapi('SelfAssessment');
const EvidenceParams = IdParamSchema.extend({ evidenceId: z.string().openapi({ param: { name: 'evidenceId', in: 'path' } }) });
const CodeParams = IdParamSchema.extend({ code: z.string().max(50).openapi({ param: { name: 'code', in: 'path' }, example: '1.1.1' }) });

const READERS = ['library_staff', 'mentor', 'quality_group'] as const;

export function evidenceRoutes(deps: AppDeps) {
  const router = createRouter();
  const limitBody = limitJsonBody(deps.config.jsonMaxBytes);
  // Only the applying library's staff change evidence; everyone else who may see the application reads it.
  const writers = [requireRole('library_staff'), loadApplication] as const;

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/applications/{id}/evidence',
      tags: ['Evidence'],
      summary: 'Add a note or link as evidence, mapped to elements',
      middleware: [...writers, limitBody] as const,
      request: { params: IdParamSchema, body: jsonBody(NewEvidenceSchema) },
      responses: { 201: jsonContent(EvidenceJson, 'The new item'), ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
    }),
    async (c) => {
      const application = c.get('application');
      const evidence = await createEvidence(c.get('em'), application.id, c.get('person').id, standardOf(deps.standards, application), c.req.valid('json'));
      c.get('log').info({ applicationId: application.id, evidenceId: evidence.id }, 'evidence added');
      const [json] = await withMappings(c.get('em'), [evidence]);
      return c.json(json, 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/applications/{id}/evidence',
      tags: ['Evidence'],
      summary: 'List the evidence of an application, oldest first',
      middleware: [requireRole(...READERS), loadApplication] as const,
      request: { params: IdParamSchema, query: PageQuerySchema },
      responses: { 200: jsonContent(listOf(EvidenceJson), 'Evidence'), ...problemResponses(401, 403, 404, 422) },
    }),
    async (c) => c.json(await listEvidence(c.get('em'), c.get('application').id, c.req.valid('query')), 200),
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/api/applications/{id}/evidence/{evidenceId}',
      tags: ['Evidence'],
      summary: 'Change an evidence item; `elements`, when given, replaces its mappings',
      middleware: [...writers, limitBody] as const,
      request: { params: EvidenceParams, body: jsonBody(EvidencePatchSchema) },
      responses: { 200: jsonContent(EvidenceJson, 'The changed item'), ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
    }),
    async (c) => {
      const application = c.get('application');
      const { evidenceId } = c.req.valid('param');
      if (!isUuid(evidenceId)) throw AppError.notFound('evidence item', evidenceId);
      const evidence = await updateEvidence(c.get('em'), application.id, evidenceId, standardOf(deps.standards, application), c.req.valid('json'));
      c.get('log').info({ applicationId: application.id, evidenceId }, 'evidence changed');
      const [json] = await withMappings(c.get('em'), [evidence]);
      return c.json(json, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/api/applications/{id}/evidence/{evidenceId}',
      tags: ['Evidence'],
      summary: 'Delete an evidence item (kept as deleted for the history)',
      middleware: [...writers] as const,
      request: { params: EvidenceParams },
      responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404, 409) },
    }),
    async (c) => {
      const application = c.get('application');
      const { evidenceId } = c.req.valid('param');
      if (!isUuid(evidenceId)) throw AppError.notFound('evidence item', evidenceId);
      await deleteEvidence(c.get('em'), application.id, evidenceId);
      c.get('log').info({ applicationId: application.id, evidenceId }, 'evidence deleted');
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: 'put',
      path: '/api/applications/{id}/self-assessment/{code}',
      tags: ['Evidence'],
      summary: "Set the library's self-rating and statement for one element",
      middleware: [...writers, limitBody] as const,
      request: { params: CodeParams, body: jsonBody(z.strictObject({ rating: z.string().max(100), statement: z.string().max(100_000).optional() })) },
      responses: { 200: jsonContent(SelfAssessmentJson, 'The stored rating'), ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
    }),
    async (c) => {
      const application = c.get('application');
      const { code } = c.req.valid('param');
      const row = await putSelfAssessment(c.get('em'), application.id, c.get('person').id, standardOf(deps.standards, application), code, c.req.valid('json'));
      return c.json(selfAssessmentJson(row), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/applications/{id}/self-assessment',
      tags: ['Evidence'],
      summary: 'List the self-ratings and statements, by element code',
      middleware: [requireRole(...READERS), loadApplication] as const,
      request: { params: IdParamSchema, query: PageQuerySchema },
      responses: { 200: jsonContent(listOf(SelfAssessmentJson), 'Self-assessments'), ...problemResponses(401, 403, 404, 422) },
    }),
    async (c) => c.json(await listSelfAssessments(c.get('em'), c.get('application').id, c.req.valid('query')), 200),
  );

  return router;
}
