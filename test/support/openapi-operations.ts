import type { TestApp } from './test-app.ts';

export type JsonSchema = Record<string, any>;

/** One operation of the OpenAPI document, with the JSON schema of its body when it takes JSON. */
export type Operation = {
  method: string;
  path: string;
  name: string;
  pathParams: string[];
  jsonBody: JsonSchema | null;
  bodyRequired: boolean;
  contentTypes: string[];
};

export type OpenApiDocument = { paths: Record<string, Record<string, any>>; components?: { schemas?: Record<string, JsonSchema> } };

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Reads `/openapi.json` from the app, so that tests cover every documented route, new ones included. */
export async function readOpenApi(app: TestApp): Promise<OpenApiDocument> {
  const response = await app.call('GET', '/openapi.json', null);
  if (response.status !== 200) throw new Error(`GET /openapi.json failed: ${response.status}`);
  return response.body;
}

/** Lists the operations of the document under `/api`, in document order. */
export function listOperations(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/api/')) continue;
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const content = operation.requestBody?.content ?? {};
      operations.push({
        method: method.toUpperCase(),
        path,
        name: `${method.toUpperCase()} ${path}`,
        pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]),
        jsonBody: content['application/json']?.schema ?? null,
        bodyRequired: operation.requestBody?.required === true,
        contentTypes: Object.keys(content),
      });
    }
  }
  return operations;
}

/** Fills `{name}` placeholders of an OpenAPI path with values; a missing value is an error in the test, not a silent skip. */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for path parameter {${name}} of ${path}; add one to the test's fixtures`);
    return encodeURIComponent(value);
  });
}

/** Returns a schema with its `$ref` resolved against the document's components. */
export function resolveRef(document: OpenApiDocument, schema: JsonSchema): JsonSchema {
  if (typeof schema.$ref !== 'string') return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const resolved = document.components?.schemas?.[name];
  if (resolved === undefined) throw new Error(`the OpenAPI document has no schema ${schema.$ref}`);
  return resolveRef(document, resolved);
}

/** Lists the `/api` routes that Hono serves, in OpenAPI's `{param}` form, so a test can tell an undocumented route. */
export function servedApiRoutes(app: TestApp): string[] {
  const routes = new Set<string>();
  for (const route of app.app.routes) {
    if (!route.path.startsWith('/api/') || route.method === 'ALL') continue;
    routes.add(`${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
  }
  return [...routes].sort();
}
