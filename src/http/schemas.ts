import { z } from '@hono/zod-openapi';

export const MAX_LIMIT = 500;

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
  })
  .openapi('Problem');

/** Paging for every list route: `limit` up to 500 (default 50) and `offset`. */
export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT, `may be at most ${MAX_LIMIT}; page through longer lists with offset`).default(50).openapi({ param: { name: 'limit', in: 'query' } }),
  offset: z.coerce.number().int().min(0).default(0).openapi({ param: { name: 'offset', in: 'query' } }),
});

export const StandardIdParamSchema = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: 'cse' }) });

export const IdParamSchema = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: '0192f2a4-5b6c-7d8e-9f00-112233445566' }) });

/** Describes the error responses of a route for the OpenAPI document. */
export function problemResponses(...statuses: number[]) {
  const descriptions: Record<number, string> = {
    400: 'Malformed JSON',
    401: 'No token, or an unknown or revoked token',
    403: 'Not allowed for this role',
    404: 'Not found, or not visible to this caller',
    409: 'Not allowed in the current state, refused by a rule, or lost a race',
    413: 'Body too large',
    415: 'Content type not accepted',
    422: 'Invalid input',
  };
  return Object.fromEntries(
    statuses.map((status) => [status, { description: descriptions[status] ?? 'Error', content: { 'application/problem+json': { schema: ProblemSchema } } }]),
  );
}

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } };
}

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int() });
}
