import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describeIssue, standardFileSchema } from './standard.schema.ts';
import type {
  CertificationRule,
  LevelDefinition,
  RatingDefinition,
  StandardFile,
  StandardFileNode,
} from './standard.schema.ts';

export type { CertificationRule, LevelDefinition, RatingDefinition, StandardFile } from './standard.schema.ts';

/** A group or item of a loaded standard. Items (leaves) have `confirmed` and no children. */
export type StandardNode = { code: string; title: string; level: string; confirmed?: boolean; children: StandardNode[] };

/** An assessable item with the codes of the groups above it, top first. */
export type StandardElement = { code: string; title: string; confirmed: boolean; ancestors: string[] };

const BUILT_IN_FILE = fileURLToPath(new URL('./data/cse.json', import.meta.url));

/** A standard file that failed validation, naming the file, the entry in it and the fault. */
export class StandardFileError extends Error {
  readonly file: string;
  readonly entry: string;
  readonly fault: string;

  constructor(file: string, entry: string, fault: string, options?: ErrorOptions) {
    super(`Standard file ${file}: ${entry}: ${fault}`, options);
    this.name = 'StandardFileError';
    this.file = file;
    this.entry = entry;
    this.fault = fault;
  }
}

/**
 * One validated version of a standard. Its tree and lists are frozen because every
 * application shares the instance that the registry holds.
 */
export class LoadedStandard {
  readonly id: string;
  readonly version: string;
  readonly title: string;
  readonly published: string;
  readonly notice: string | null;
  readonly levels: LevelDefinition[];
  readonly ratingScale: RatingDefinition[];
  readonly certificationRule: CertificationRule;
  readonly ruleNote: string | null;
  /** The top-level groups, called criteria whatever the standard names its first level. */
  readonly criteria: StandardNode[];
  /** The items in document order. */
  readonly elements: StandardElement[];
  /** Path of the file the standard came from, or a label for an in-memory standard. */
  readonly source: string;
  readonly #elementsByCode: Map<string, StandardElement>;

  /** Builds the standard from data that `standardFileSchema` has already accepted. */
  constructor(data: StandardFile, source: string) {
    this.id = data.id;
    this.version = data.version;
    this.title = data.title;
    this.published = data.published;
    this.notice = data.notice ?? null;
    this.levels = deepFreeze(structuredClone(data.levels));
    this.ratingScale = deepFreeze(structuredClone(data.ratingScale));
    this.certificationRule = deepFreeze(structuredClone(data.certificationRule));
    this.ruleNote = data.ruleNote ?? null;
    this.source = source;

    const elements: StandardElement[] = [];
    const build = (node: StandardFileNode, depth: number, ancestors: string[]): StandardNode => {
      const level = this.levels[depth - 1].id;
      if (depth === this.levels.length) {
        const confirmed = node.confirmed ?? true;
        elements.push({ code: node.code, title: node.title, confirmed, ancestors });
        return { code: node.code, title: node.title, level, confirmed, children: [] };
      }
      const children = (node.children ?? []).map((child) => build(child, depth + 1, [...ancestors, node.code]));
      return { code: node.code, title: node.title, level, children };
    };
    this.criteria = deepFreeze(data.criteria.map((node) => build(node, 1, [])));
    this.elements = deepFreeze(elements);
    this.#elementsByCode = new Map(elements.map((element) => [element.code, element]));
  }

  hasElement(code: string): boolean {
    return this.#elementsByCode.has(code);
  }

  hasRating(id: string): boolean {
    return this.ratingScale.some((rating) => rating.id === id);
  }

  element(code: string): StandardElement | undefined {
    return this.#elementsByCode.get(code);
  }

  elementCodes(): string[] {
    return this.elements.map((element) => element.code);
  }

  summary(): { id: string; version: string; title: string; published: string; elements: number } {
    return { id: this.id, version: this.version, title: this.title, published: this.published, elements: this.elements.length };
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Validates one parsed standard, throwing StandardFileError for the first fault found. */
function validateStandard(input: unknown, source: string): LoadedStandard {
  const result = standardFileSchema.safeParse(input);
  if (result.success) return new LoadedStandard(result.data, source);

  const [first, ...rest] = result.error.issues;
  const { entry, fault } = describeIssue(first, input);
  const more = rest.length > 0 ? ` (${rest.length} more fault${rest.length > 1 ? 's' : ''} in this file)` : '';
  throw new StandardFileError(source, entry, fault + more, { cause: result.error });
}

async function readStandardFile(file: string): Promise<LoadedStandard> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`Standard file ${file} could not be read: ${(error as Error).message}`, { cause: error });
  }

  let input: unknown;
  try {
    // Windows editors such as Notepad may save a byte order mark, which JSON.parse rejects.
    input = JSON.parse(raw.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new StandardFileError(file, 'JSON syntax', `invalid JSON (${(error as Error).message}); fix the syntax`, { cause: error });
  }
  return validateStandard(input, file);
}

async function listStandardFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new Error(`Standards directory ${dir} could not be read: ${(error as Error).message}; check that it exists and is a readable directory`, { cause: error });
  }

  const files: string[] = [];
  // stat() follows symbolic links, so files linked into the directory (as in a mounted volume) still load.
  for (const name of names.filter((entry) => entry.endsWith('.json')).sort()) {
    const file = join(dir, name);
    if ((await stat(file)).isFile()) files.push(file);
  }
  return files;
}

/** Every loaded standard, by id and version. */
export class StandardRegistry {
  readonly #standards: LoadedStandard[];

  private constructor(standards: LoadedStandard[]) {
    this.#standards = standards;
  }

  /** Loads the built-in CSE standard, then every `*.json` file in `extraDir` in name order. */
  static async load(options: { extraDir?: string | null } = {}): Promise<StandardRegistry> {
    const files = [BUILT_IN_FILE];
    if (options.extraDir != null) files.push(...(await listStandardFiles(options.extraDir)));

    const standards: LoadedStandard[] = [];
    for (const file of files) standards.push(await readStandardFile(file));
    return StandardRegistry.#fromLoaded(standards);
  }

  /** Validates in-memory standards, named `sourceNames[i]` (or `standards[i]`) in errors. */
  static fromStandards(list: unknown[], sourceNames: string[] = []): StandardRegistry {
    const standards = list.map((input, index) => validateStandard(input, sourceNames[index] ?? `standards[${index}]`));
    return StandardRegistry.#fromLoaded(standards);
  }

  static #fromLoaded(standards: LoadedStandard[]): StandardRegistry {
    const accepted: LoadedStandard[] = [];
    for (const standard of standards) {
      for (const other of accepted) {
        if (other.id !== standard.id) continue;
        if (other.version === standard.version) {
          throw new StandardFileError(standard.source, 'version', `standard "${standard.id}" version "${standard.version}" is already loaded from ${other.source}; give this file a new version or remove one of the two`);
        }
        // latest() picks by date, so two versions on one date would leave the choice to file order.
        if (other.published === standard.published) {
          throw new StandardFileError(standard.source, 'published', `standard "${standard.id}" version "${standard.version}" has the same published date ${standard.published} as version "${other.version}" from ${other.source}; give the newer version a later date`);
        }
      }
      accepted.push(standard);
    }
    accepted.sort((a, b) => compare(a.id, b.id) || compare(a.published, b.published));
    return new StandardRegistry(accepted);
  }

  /** Returns every version of every standard, sorted by id and then by published date. */
  list(): LoadedStandard[] {
    return [...this.#standards];
  }

  /** Returns the version of `id` with the latest published date, which new applications use. */
  latest(id: string): LoadedStandard | undefined {
    return this.#standards.findLast((standard) => standard.id === id);
  }

  get(id: string, version: string): LoadedStandard | undefined {
    return this.#standards.find((standard) => standard.id === id && standard.version === version);
  }
}

// ISO dates and identifiers compare correctly as plain strings, unlike with localeCompare.
function compare(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}
