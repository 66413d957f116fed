import fc from 'fast-check';

import { resolveRef, type JsonSchema, type OpenApiDocument } from './openapi-operations.ts';

// Strings that have broken parsers, databases and templates elsewhere.
const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF\uD800',
  '\u202Egpj.exe',
  '\uFEFF',
  '../../etc/passwd',
  "'; drop table application; --",
  '{{constructor.constructor}}',
  '<script>alert(1)</script>',
  '__proto__',
  '1.1.1',
  '9.9.9',
  '01/02/2003',
  '00000000-0000-0000-0000-000000000000',
  'ŵyr 📚 تقرير',
  'x'.repeat(10_001),
  '2026-02-30',
  '-1',
  'NaN',
  'null',
];

const NUMBERS = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, 0.5),
);

/** Builds a fast-check arbitrary of JSON values that mostly fit `schema`, with hostile strings and numbers mixed in. */
export function schemaArbitrary(document: OpenApiDocument, schema: JsonSchema, extras: { strings?: string[] } = {}, depth = 0): fc.Arbitrary<unknown> {
  const resolved = resolveRef(document, schema);
  const strings = [...HOSTILE_STRINGS, ...(extras.strings ?? [])];
  const next = (child: JsonSchema) => schemaArbitrary(document, child, extras, depth + 1);

  if (Array.isArray(resolved.anyOf) || Array.isArray(resolved.oneOf)) {
    return fc.oneof(...(resolved.anyOf ?? resolved.oneOf).map(next));
  }
  if (resolved.const !== undefined) return fc.oneof({ weight: 4, arbitrary: fc.constant(resolved.const) }, { weight: 1, arbitrary: fc.constantFrom(...strings) });
  if (Array.isArray(resolved.enum)) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...resolved.enum) }, { weight: 1, arbitrary: fc.constantFrom(...strings) });

  let types: string[] = [];
  if (Array.isArray(resolved.type)) types = resolved.type;
  else if (resolved.type !== undefined) types = [resolved.type];
  if (types.length > 1) return fc.oneof(...types.map((type) => next({ ...resolved, type })));

  switch (types[0]) {
    case 'object':
      return objectArbitrary(resolved, next, depth);
    case 'array': {
      const items = resolved.items === undefined ? fc.jsonValue({ maxDepth: 2 }) : next(resolved.items);
      return fc.array(items, { minLength: 0, maxLength: Math.min(resolved.maxItems ?? 8, 8) });
    }
    case 'string':
      return stringArbitrary(resolved, strings);
    case 'integer':
      return fc.oneof({ weight: 3, arbitrary: fc.integer({ min: resolved.minimum ?? -10, max: resolved.maximum ?? 1000 }) }, { weight: 1, arbitrary: NUMBERS });
    case 'number':
      return NUMBERS;
    case 'boolean':
      return fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constantFrom('true', 0, 1, null) });
    case 'null':
      return fc.constant(null);
    default:
      // An open schema (z.unknown, a record of anything) takes any JSON value.
      return fc.jsonValue({ maxDepth: 3 });
  }
}

function stringArbitrary(schema: JsonSchema, strings: string[]): fc.Arbitrary<string> {
  const formatted =
    schema.format === 'uuid'
      ? fc.uuid()
      : schema.format === 'date-time'
        ? fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((date) => date.toISOString())
        : schema.format === 'date'
          ? fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10))
          : schema.format === 'uri'
            ? fc.webUrl()
            : fc.string({ maxLength: Math.min(schema.maxLength ?? 60, 60) });
  return fc.oneof(
    { weight: 3, arbitrary: formatted },
    { weight: 2, arbitrary: fc.constantFrom(...strings) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    // Lone surrogates: valid in a JS string and in escaped JSON, not in UTF-8.
    { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)), maxLength: 4 }) },
  );
}

function objectArbitrary(schema: JsonSchema, next: (child: JsonSchema) => fc.Arbitrary<unknown>, depth: number): fc.Arbitrary<unknown> {
  const properties: Record<string, JsonSchema> = schema.properties ?? {};
  const required = new Set<string>(schema.required ?? []);
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, child] of Object.entries(properties)) record[key] = next(child);
  const keys = Object.keys(record);
  // Optional keys come and go; a required key is sometimes dropped, so that missing fields are tried too.
  const shaped = fc.record(record, { requiredKeys: keys.filter((key) => required.has(key)) });
  const partial = fc.record(record, { requiredKeys: [] });
  const withExtra = fc.tuple(shaped, fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 })).map(([value, extra]) => ({ ...extra, ...(value as object) }));
  if (depth > 3 || keys.length === 0) return fc.oneof(shaped, withExtra);
  return fc.oneof({ weight: 6, arbitrary: shaped }, { weight: 2, arbitrary: partial }, { weight: 1, arbitrary: withExtra });
}
