import { z } from '@hono/zod-openapi';

import { IdParamSchema } from '../http/schemas.ts';

const httpUrl = z
  .string()
  .max(2000)
  .refine((value) => URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol), 'a link must be an http or https URL');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');
const MappingSchema = z.strictObject({ code: z.string().min(1).max(50), note: z.string().max(2000).optional() });
const matrixFields = {
  reference: z.string().max(500).nullable().optional(),
  owner: z.string().max(200).nullable().optional(),
  evidenceDate: isoDate.nullable().optional(),
  evidenceType: z.string().max(200).nullable().optional(),
};

export const NewEvidenceSchema = z
  .strictObject({
    kind: z.enum(['note', 'link']),
    title: z.string().trim().min(1).max(500),
    body: z.string().max(100_000).optional(),
    url: httpUrl.optional(),
    elements: z.array(MappingSchema).max(500).default([]),
    ...matrixFields,
  })
  .openapi('NewEvidence');

export const EvidencePatchSchema = z
  .strictObject({
    title: z.string().trim().min(1).max(500).optional(),
    body: z.string().max(100_000).nullable().optional(),
    url: httpUrl.nullable().optional(),
    elements: z.array(MappingSchema).max(500).optional(),
    ...matrixFields,
  })
  .openapi('EvidencePatch');

export const EvidenceJson = z
  .object({
    id: z.uuid(),
    kind: z.enum(['note', 'link', 'file']),
    title: z.string(),
    body: z.string().nullable(),
    url: z.string().nullable(),
    fileName: z.string().nullable(),
    sha256: z.string().nullable(),
    size: z.number().nullable(),
    mediaType: z.string().nullable(),
    reference: z.string().nullable(),
    owner: z.string().nullable(),
    evidenceDate: z.string().nullable(),
    evidenceType: z.string().nullable(),
    revision: z.number().int(),
    authorId: z.uuid(),
    createdAt: z.string(),
    updatedAt: z.string(),
    deletedAt: z.string().nullable(),
    elements: z.array(z.object({ code: z.string(), note: z.string() })),
  })
  .openapi('Evidence');

export const RevisionJson = z
  .object({
    number: z.number().int(),
    title: z.string(),
    sha256: z.string().nullable(),
    size: z.number().nullable(),
    fileName: z.string().nullable(),
    deleted: z.boolean(),
    elements: z.array(z.object({ code: z.string(), note: z.string() })),
    author: z.object({ id: z.uuid(), name: z.string() }),
    time: z.string(),
  })
  .openapi('EvidenceRevision');

export const SelfAssessmentJson = z
  .object({ code: z.string(), rating: z.string(), statement: z.string(), authorId: z.uuid(), updatedAt: z.string() })
  .openapi('SelfAssessment');

export const EvidenceParams = IdParamSchema.extend({ evidenceId: z.string().openapi({ param: { name: 'evidenceId', in: 'path' } }) });
export const CodeParams = IdParamSchema.extend({ code: z.string().max(50).openapi({ param: { name: 'code', in: 'path' }, example: '1.1.1' }) });

/** The multipart form of an upload, described for the OpenAPI document only; the upload route reads the stream itself. */
export const UploadFormDoc = {
  type: 'object',
  required: ['file'],
  properties: {
    title: { type: 'string', description: 'Title of the item; with several files each item is titled "title: file name".' },
    elements: { type: 'string', description: 'Element codes separated by commas, such as "1.1.1,1.2.3".' },
    file: { type: 'array', items: { type: 'string', format: 'binary' }, description: 'One or more files; each becomes its own item.' },
  },
} as const;
