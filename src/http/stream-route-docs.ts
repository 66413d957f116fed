import type { OpenAPIHono } from '@hono/zod-openapi';

import type { AppEnv } from './env.ts';
import { problemResponses } from './schemas.ts';

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } } as const;
const evidenceIdParam = { name: 'evidenceId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } } as const;
const filePart = {
  required: true,
  content: { 'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } } },
} as const;

/**
 * Describes in the OpenAPI document the plain Hono routes, which have no
 * generated validators: those that read their body as a stream and those that
 * send documents (HTML, PDF, spreadsheets) rather than JSON.
 */
export function documentStreamRoutes(app: OpenAPIHono<AppEnv>): void {
  const registry = app.openAPIRegistry;

  registry.registerPath({
    method: 'put',
    path: '/api/applications/{id}/evidence/{evidenceId}/file',
    tags: ['Evidence'],
    summary: 'Replace the file of a file item, making a new revision (multipart, one part named file)',
    parameters: [idParam, evidenceIdParam] as never,
    requestBody: filePart as never,
    responses: { 200: { description: 'The changed item' }, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
  });

  registry.registerPath({
    method: 'post',
    path: '/api/applications/{id}/evidence-matrix',
    tags: ['Evidence matrix'],
    summary: 'Import an evidence matrix (CSV or XLSX, one part named file); all rows or none',
    description: 'Returns `{rows, created, errors, columns}`. With `?dryRun=true` nothing is written. Any invalid row gives a 422 problem carrying the same fields.',
    parameters: [idParam, { name: 'dryRun', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'] } }] as never,
    requestBody: filePart as never,
    responses: { 200: { description: 'The import report' }, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/applications/{id}/portfolio/preview',
    tags: ['Portfolio'],
    summary: 'The current draft portfolio as HTML, without scripts or outside requests',
    parameters: [idParam] as never,
    responses: { 200: { description: 'The preview', content: { 'text/html': { schema: { type: 'string' } } } }, ...problemResponses(401, 403, 404) },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/applications/{id}/portfolio/{renderId}/pdf',
    tags: ['Portfolio'],
    summary: 'Download the PDF of a render once its status is ready',
    parameters: [idParam, { name: 'renderId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }] as never,
    responses: {
      200: { description: 'The PDF', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } },
      304: { description: 'Not modified since the ETag sent in If-None-Match' },
      ...problemResponses(401, 403, 404, 409),
    },
  });

  for (const [extension, mediaType, what] of [
    ['csv', 'text/csv', 'one row per evidence item'],
    ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'the evidence, and a second sheet with each self-rating and statement'],
  ] as const) {
    registry.registerPath({
      method: 'get',
      path: `/api/applications/{id}/evidence-matrix.${extension}`,
      tags: ['Evidence matrix'],
      summary: `Export the evidence matrix as ${extension.toUpperCase()}: ${what}`,
      parameters: [idParam] as never,
      responses: { 200: { description: 'The matrix', content: { [mediaType]: { schema: { type: 'string', format: 'binary' } } } }, ...problemResponses(401, 403, 404) },
    });
  }
}
