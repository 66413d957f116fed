import { createRoute, z } from '@hono/zod-openapi';

import { standardOf } from '../applications/standard-of.ts';
import { AppError } from '../errors.ts';
import { loadApplication, requireRole } from '../http/access.ts';
import type { AppDeps } from '../http/env.ts';
import { createRouter, limitJsonBody } from '../http/router.ts';
import { IdParamSchema, jsonBody, jsonContent, listOf, PageQuerySchema, problemResponses } from '../http/schemas.ts';
import { isUuid } from '../ids.ts';
import { EvidenceJson, EvidenceParams, EvidencePatchSchema, NewEvidenceSchema, RevisionJson, UploadFormDoc } from './evidence-schemas.ts';
import { listEvidence, withMappings } from './evidence-reads.ts';
import { readRevisions } from './evidence-revisions.ts';
import { createEvidence, deleteEvidence, updateEvidence } from './evidence-writes.ts';
import { EvidenceSchema } from './evidence.entity.ts';
import { contentDisposition } from './files/file-name.ts';

const READERS = ['library_staff', 'mentor', 'quality_group'] as const;

/** Builds the JSON routes of evidence items: create, list, read, change and delete, with their revisions and files. */
export function evidenceRoutes(deps: AppDeps) {
  const router = createRouter();
  const limitBody = limitJsonBody(deps.config.jsonMaxBytes);
  // Only the applying library's staff change evidence; everyone else who may see the application reads it.
  const writers = [requireRole('library_staff'), loadApplication] as const;
  const readers = [requireRole(...READERS), loadApplication] as const;

  const findItem = async (em: import('@mikro-orm/core').EntityManager, applicationId: string, evidenceId: string) => {
    const evidence = isUuid(evidenceId) ? await em.findOne(EvidenceSchema, { id: evidenceId, application: applicationId }) : null;
    if (evidence === null) throw AppError.notFound('evidence item', evidenceId);
    return evidence;
  };

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/applications/{id}/evidence',
      tags: ['Evidence'],
      summary: 'Add evidence: a note or link as JSON, or files as multipart/form-data',
      description: 'With multipart/form-data, each `file` part becomes its own item, all or none, and the response is an array of the created items.',
      middleware: [...writers, limitBody] as const,
      request: { params: IdParamSchema, body: { required: true, content: { 'application/json': { schema: NewEvidenceSchema }, 'multipart/form-data': { schema: UploadFormDoc as never } } } },
      responses: { 201: jsonContent(EvidenceJson, 'The new item (an array of items for an upload)'), ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
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
      middleware: [...readers] as const,
      request: { params: IdParamSchema, query: PageQuerySchema.extend({ includeDeleted: z.enum(['true', 'false']).optional() }) },
      responses: { 200: jsonContent(listOf(EvidenceJson), 'Evidence'), ...problemResponses(401, 403, 404, 422) },
    }),
    async (c) => {
      const { limit, offset, includeDeleted } = c.req.valid('query');
      return c.json(await listEvidence(c.get('em'), c.get('application').id, { limit, offset, includeDeleted: includeDeleted === 'true' }), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/applications/{id}/evidence/{evidenceId}',
      tags: ['Evidence'],
      summary: 'One evidence item, deleted ones included',
      middleware: [...readers] as const,
      request: { params: EvidenceParams },
      responses: { 200: jsonContent(EvidenceJson, 'The item'), ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const evidence = await findItem(c.get('em'), c.get('application').id, c.req.valid('param').evidenceId);
      const [json] = await withMappings(c.get('em'), [evidence]);
      return c.json(json, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/applications/{id}/evidence/{evidenceId}/history',
      tags: ['Evidence'],
      summary: 'Every revision of an evidence item, oldest first',
      middleware: [...readers] as const,
      request: { params: EvidenceParams },
      responses: { 200: jsonContent(z.object({ items: z.array(RevisionJson), total: z.number() }), 'Revisions'), ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const evidence = await findItem(c.get('em'), c.get('application').id, c.req.valid('param').evidenceId);
      const items = await readRevisions(c.get('em'), evidence.id);
      return c.json({ items, total: items.length }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/applications/{id}/evidence/{evidenceId}/file',
      tags: ['Evidence'],
      summary: "Download an item's file, sent with its detected type as an attachment",
      middleware: [...readers] as const,
      request: { params: EvidenceParams },
      responses: { 200: { description: 'The file' }, 304: { description: 'Not modified' }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const evidence = await findItem(c.get('em'), c.get('application').id, c.req.valid('param').evidenceId);
      if (evidence.kind !== 'file' || evidence.sha256 == null) throw new AppError('not_found', `Evidence item ${evidence.id} is a ${evidence.kind}, so it has no file.`);

      const etag = `"${evidence.sha256}"`;
      const headers = { etag, 'x-content-type-options': 'nosniff', 'cache-control': 'private, max-age=0, must-revalidate' };
      if (c.req.header('if-none-match')?.split(',').some((tag) => tag.trim() === etag)) return c.body(null, 304, headers);

      const bytes = await deps.contentStore.get(c.get('em'), evidence.sha256);
      if (bytes === null) {
        c.get('log').error({ evidenceId: evidence.id, sha256: evidence.sha256 }, 'stored content is missing for an evidence file');
        throw new AppError('not_found', `The content of evidence item ${evidence.id} is missing from the store. Upload the file again.`);
      }
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { ...headers, 'content-type': evidence.mediaType ?? 'application/octet-stream', 'content-disposition': contentDisposition(evidence.fileName ?? 'file') });
    },
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/api/applications/{id}/evidence/{evidenceId}',
      tags: ['Evidence'],
      summary: 'Change an evidence item, making a new revision; `elements`, when given, replaces its mappings',
      middleware: [...writers, limitBody] as const,
      request: { params: EvidenceParams, body: jsonBody(EvidencePatchSchema) },
      responses: { 200: jsonContent(EvidenceJson, 'The changed item'), ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
    }),
    async (c) => {
      const application = c.get('application');
      const { evidenceId } = c.req.valid('param');
      if (!isUuid(evidenceId)) throw AppError.notFound('evidence item', evidenceId);
      const evidence = await updateEvidence(c.get('em'), application.id, evidenceId, c.get('person').id, standardOf(deps.standards, application), c.req.valid('json'));
      c.get('log').info({ applicationId: application.id, evidenceId, revision: evidence.revision }, 'evidence changed');
      const [json] = await withMappings(c.get('em'), [evidence]);
      return c.json(json, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/api/applications/{id}/evidence/{evidenceId}',
      tags: ['Evidence'],
      summary: 'Delete an evidence item (kept as deleted, with its history, until the application is withdrawn)',
      middleware: [...writers] as const,
      request: { params: EvidenceParams },
      responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404, 409) },
    }),
    async (c) => {
      const application = c.get('application');
      const { evidenceId } = c.req.valid('param');
      if (!isUuid(evidenceId)) throw AppError.notFound('evidence item', evidenceId);
      await deleteEvidence(c.get('em'), application.id, evidenceId, c.get('person').id);
      c.get('log').info({ applicationId: application.id, evidenceId }, 'evidence deleted');
      return c.body(null, 204);
    },
  );

  return router;
}
