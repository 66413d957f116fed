import { z } from 'zod';

// Standard and rating ids are compared as exact strings, so a single lower-case spelling
// avoids near-duplicates such as "CSE" and "cse".
const identifierSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, { error: 'expected lower-case letters, digits, "-" or "_"' });

const nonEmptyTextSchema = z.string().trim().min(1, { error: 'must not be empty' });

const codeSchema = z.string().regex(/^\S+$/, { error: 'must not be empty or contain spaces' });

export const levelSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, { error: 'expected a letter followed by letters, digits, "-" or "_"' }),
  label: nonEmptyTextSchema,
});

export const ratingSchema = z.strictObject({
  id: identifierSchema,
  label: nonEmptyTextSchema,
  description: nonEmptyTextSchema.optional(),
});

export const certificationRuleSchema = z.strictObject({
  // Ratings of which a single occurrence blocks certification.
  blocking: z.array(identifierSchema),
  // Maximum number of elements that may carry each listed rating.
  maxCount: z.record(z.string(), z.int().min(0, { error: 'must be 0 or more' })),
});

/**
 * A group (with `children`) or an item (a leaf, the assessable element). Which one a node is
 * follows from its depth against `levels`, and the root refinement checks that. An item
 * without `confirmed` counts as confirmed, because official text needs no such flag.
 */
export const nodeSchema = z.strictObject({
  code: codeSchema,
  title: nonEmptyTextSchema,
  confirmed: z.boolean().optional(),
  get children(): z.ZodOptional<z.ZodArray<typeof nodeSchema>> {
    return z.array(nodeSchema).optional();
  },
});

const standardShape = z.strictObject({
  id: identifierSchema,
  version: z.string().regex(/^\S+$/, { error: 'must not be empty or contain spaces' }),
  // The newest `published` date of an id is the version that new applications use.
  published: z.iso.date({ error: 'expected an ISO date (YYYY-MM-DD) that exists in the calendar' }),
  title: nonEmptyTextSchema,
  notice: nonEmptyTextSchema.nullish(),
  levels: z.array(levelSchema).min(2, {
    error: 'must list at least 2 levels: one or more grouping levels, then the item level',
  }),
  ratingScale: z.array(ratingSchema).min(2, { error: 'must list at least 2 ratings' }),
  certificationRule: certificationRuleSchema,
  ruleNote: nonEmptyTextSchema.nullish(),
  criteria: z.array(nodeSchema).min(1, { error: 'must list at least one top-level group' }),
});

export type StandardFileNode = z.output<typeof nodeSchema>;
export type LevelDefinition = z.output<typeof levelSchema>;
export type RatingDefinition = z.output<typeof ratingSchema>;
export type CertificationRule = z.output<typeof certificationRuleSchema>;
export type StandardFile = z.output<typeof standardShape>;

type Ctx = z.RefinementCtx<StandardFile>;
type Path = (string | number)[];

/** Formats a JSON path the way a reader finds it in the file: `criteria[2].children[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${String(key)}`;
  }
  return out === '' ? 'top level' : out;
}

function fail(ctx: Ctx, path: Path, fault: string): void {
  ctx.addIssue({ code: 'custom', path, message: fault });
}

function checkUniqueIds(ctx: Ctx, entries: { id: string }[], field: string, noun: string): void {
  const seen = new Map<string, number>();
  entries.forEach((entry, index) => {
    const earlier = seen.get(entry.id);
    if (earlier === undefined) {
      seen.set(entry.id, index);
      return;
    }
    fail(ctx, [field, index], `duplicate ${noun} id "${entry.id}", already used at ${field}[${earlier}]; give each ${noun} its own id`);
  });
}

function checkRule(ctx: Ctx, standard: StandardFile): void {
  const ratingIds = standard.ratingScale.map((rating) => rating.id);
  const choices = ratingIds.join(', ');
  const { blocking, maxCount } = standard.certificationRule;

  blocking.forEach((id, index) => {
    if (!ratingIds.includes(id)) {
      fail(ctx, ['certificationRule', 'blocking', index], `unknown rating "${id}" in certificationRule.blocking; use one of: ${choices}`);
    }
  });
  for (const id of Object.keys(maxCount)) {
    if (!ratingIds.includes(id)) {
      fail(ctx, ['certificationRule', 'maxCount'], `unknown rating "${id}" in certificationRule.maxCount; use one of: ${choices}`);
    } else if (blocking.includes(id)) {
      // A blocking rating allows none, so a separate maximum for it would contradict the rule.
      fail(ctx, ['certificationRule', 'maxCount'], `rating "${id}" is both blocking and given a maxCount; keep it in only one of the two`);
    }
  }
}

function checkTree(ctx: Ctx, standard: StandardFile): void {
  const { levels } = standard;
  const itemLevel = levels[levels.length - 1];
  const codes = new Map<string, string>();

  const walk = (nodes: StandardFileNode[], prefix: Path, depth: number, parentCode: string | null): void => {
    const level = levels[depth - 1];
    nodes.forEach((node, index) => {
      const path = [...prefix, index];
      const where = formatPath(path);

      const earlier = codes.get(node.code);
      if (earlier !== undefined) {
        fail(ctx, path, `duplicate code "${node.code}", already used at ${earlier}; give each node its own code`);
      } else {
        codes.set(node.code, where);
      }

      if (parentCode !== null) {
        const suffix = node.code.startsWith(`${parentCode}.`) ? node.code.slice(parentCode.length + 1) : null;
        if (suffix === null || suffix === '' || suffix.includes('.')) {
          fail(ctx, path, `code "${node.code}" does not match its parent "${parentCode}"; use a code of the form "${parentCode}.<n>"`);
        }
      }

      const children = node.children ?? [];
      if (depth === levels.length) {
        if (children.length > 0) {
          fail(ctx, path, `"${node.code}" is at the item level "${itemLevel.label}" (depth ${depth}) but has children; items are leaves, so remove "children" or add a level to "levels"`);
        }
        return;
      }

      if (node.confirmed !== undefined) {
        fail(ctx, path, `field "confirmed" is allowed on items (level "${itemLevel.label}") only, but "${node.code}" is a group at level "${level.label}"; remove it`);
      }
      if (children.length === 0) {
        fail(ctx, path, `leaf "${node.code}" is at level "${level.label}" (depth ${depth}), but leaves must sit at the item level "${itemLevel.label}" (depth ${levels.length}); add its children or remove it`);
        return;
      }
      walk(children, [...path, 'children'], depth + 1, node.code);
    });
  };

  walk(standard.criteria, ['criteria'], 1, null);
}

/** Schema of a standard data file: its shape plus the rules that tie ratings, levels and codes together. */
export const standardFileSchema = standardShape.superRefine((standard, ctx) => {
  checkUniqueIds(ctx, standard.levels, 'levels', 'level');
  checkUniqueIds(ctx, standard.ratingScale, 'ratingScale', 'rating');
  checkRule(ctx, standard);
  // Zod still runs this refinement after a too-short "levels" list, which is already reported.
  if (standard.levels.length >= 2) checkTree(ctx, standard);
});

/** Location and plain-words description of one validation issue, for an error message. */
export type IssueDescription = { entry: string; fault: string };

const EXPECTED_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list ([ ... ])',
  object: 'an object ({ ... })',
  record: 'an object ({ ... })',
};

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `the ${typeof value} ${String(value)}`;
}

// The object schema an unknown-keys issue came from, found by its path, so the message can list the allowed fields.
function allowedFields(path: readonly PropertyKey[]): string[] {
  const [first] = path;
  const parent = path.at(-2);
  if (path.length === 0) return Object.keys(standardShape.shape);
  if (path.length === 1 && first === 'certificationRule') return Object.keys(certificationRuleSchema.shape);
  if (path.length === 2 && first === 'levels') return Object.keys(levelSchema.shape);
  if (path.length === 2 && first === 'ratingScale') return Object.keys(ratingSchema.shape);
  if (parent === 'criteria' || parent === 'children') return Object.keys(nodeSchema.shape);
  return [];
}

/**
 * Describes a zod issue from `standardFileSchema` as the entry it concerns (a JSON path, with
 * the node's code when the entry has one) and the fault in plain words with what to do about it.
 * `input` is the parsed JSON that failed, used to look up codes and offending values.
 */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown): IssueDescription {
  const path = issue.path;
  const last = path.at(-1);
  // Field-level issues point at the field, but the reader looks for the object that contains it.
  const field = issue.code !== 'custom' && issue.code !== 'unrecognized_keys' && typeof last === 'string' ? last : null;
  const entryPath = field === null ? path : path.slice(0, -1);

  const holder = valueAt(input, entryPath);
  const nodeCode = holder !== null && typeof holder === 'object' ? (holder as { code?: unknown }).code : undefined;
  const entry = formatPath(entryPath) + (typeof nodeCode === 'string' ? ` (code ${JSON.stringify(nodeCode)})` : '');

  const value = valueAt(input, path);
  const subject = field === null ? 'value' : `field "${field}"`;
  let fault: string;
  switch (issue.code) {
    case 'custom':
      fault = issue.message;
      break;
    case 'unrecognized_keys': {
      const names = issue.keys.map((key) => `"${key}"`).join(', ');
      const allowed = allowedFields(path);
      const hint = allowed.length > 0 ? ` (allowed fields: ${allowed.join(', ')})` : '';
      fault = `unknown field${issue.keys.length > 1 ? 's' : ''} ${names}; remove or correct ${issue.keys.length > 1 ? 'them' : 'it'}${hint}`;
      break;
    }
    case 'invalid_type':
      if (value === undefined && field !== null) {
        fault = `missing field "${field}"; add it`;
      } else {
        fault = `${subject} is ${describeValue(value)}, expected ${EXPECTED_WORDS[issue.expected] ?? issue.expected}`;
      }
      break;
    case 'invalid_format':
      fault = `${subject} is ${describeValue(value)}, ${issue.message}`;
      break;
    default:
      fault = `${subject} ${issue.message}`;
  }
  return { entry, fault };
}
