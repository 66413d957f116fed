import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

export const FIXTURE_DIR = new URL('../fixtures/standards/', import.meta.url).pathname;

const createdDirs: string[] = [];

afterEach(async () => {
  for (const dir of createdDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Creates a temporary standards directory that is removed after the current test. */
export async function makeStandardsDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'waymark-standards-'));
  createdDirs.push(dir);
  return dir;
}

/** Writes `content` (an object as JSON, or raw text) to `dir/name` and returns the file path. */
export async function writeStandard(dir: string, name: string, content: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

// Tests mutate these copies, so each call parses the file afresh.
export async function readServiceMarkFixture(): Promise<any> {
  return JSON.parse(await readFile(join(FIXTURE_DIR, 'library-service-mark.json'), 'utf8'));
}

export async function readBuiltInCse(): Promise<any> {
  return JSON.parse(await readFile(new URL('../../src/standards/data/cse.json', import.meta.url), 'utf8'));
}
