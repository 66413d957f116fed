import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MIGRATIONS } from '../../migrations/index.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { openDatabase, type Database } from '../../src/db/orm.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabase } from '../support/database.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const logger = createLogger('silent');
const migrationNames = MIGRATIONS.map((migration) => migration.name);

type Finished = { code: number | null; stdout: string; stderr: string };

/** Runs the CLI under the Node that runs the tests, against the PostgreSQL database at `databaseUrl`. */
function runCli(args: string[], databaseUrl: string): Promise<Finished> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' };
  const child = spawn(process.execPath, ['bin/waymark.js', ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Returns how many times each migration name appears in the migrations table. */
async function recordedMigrations(databaseUrl: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ name: string; count: string }>('select name, count(*) as count from mikro_orm_migrations group by name order by name');
    return Object.fromEntries(result.rows.map((row) => [row.name, Number(row.count)]));
  } finally {
    await client.end();
  }
}

describe('migrations on a PostgreSQL server', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const opened: Database[] = [];

  // The data folder is never used, because DATABASE_URL is set, so it points somewhere harmless.
  const open = async () => {
    const db = await openDatabase({ databaseUrl: database.url, dataDir: path.join(tmpdir(), 'waymark-unused') }, logger);
    opened.push(db);
    return db;
  };

  beforeAll(async () => {
    database = await createTestDatabase({ fromTemplate: false });
  });

  afterAll(async () => {
    for (const db of opened) await db.close();
    await database?.drop();
  });

  it('sees the missing schema first', async () => {
    const db = await open();

    const sql = await db.orm.schema.getUpdateSchemaSQL();

    // An empty database differs from the entities, which proves that the schema check below can fail.
    expect(sql).toContain('create table "library"');
    expect(sql).toContain('create table "application"');
  });

  it('applies once under concurrent starts', async () => {
    const results = await Promise.all([1, 2, 3].map(async () => applyMigrations(await open(), database.url, logger)));

    expect(results.map((applied) => applied.length).sort()).toEqual([0, 0, migrationNames.length]);
    expect(results.flat()).toEqual(migrationNames);
    expect(await recordedMigrations(database.url)).toEqual(Object.fromEntries(migrationNames.map((name) => [name, 1])));
  });

  it('applies nothing on a second run', async () => {
    const applied = await applyMigrations(await open(), database.url, logger);

    expect(applied).toEqual([]);
    expect(await recordedMigrations(database.url)).toEqual(Object.fromEntries(migrationNames.map((name) => [name, 1])));
  });

  it('leaves no schema difference', async () => {
    const db = await open();

    expect(await db.orm.schema.getUpdateSchemaSQL()).toBe('');
    expect(await db.orm.schema.getUpdateSchemaMigrationSQL()).toEqual({ up: '', down: '' });
  });

  it('migrate CLI finds nothing pending', async () => {
    const result = await runCli(['migrate'], database.url);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('No pending migrations.\n');
    expect(await recordedMigrations(database.url)).toEqual(Object.fromEntries(migrationNames.map((name) => [name, 1])));
  });
});

describe('migrate CLI on a new database', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    database = await createTestDatabase({ fromTemplate: false });
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('applies, then finds nothing pending', async () => {
    const first = await runCli(['migrate'], database.url);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`Applied ${migrationNames.join(', ')}.\n`);

    const second = await runCli(['migrate'], database.url);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('No pending migrations.\n');

    expect(await recordedMigrations(database.url)).toEqual(Object.fromEntries(migrationNames.map((name) => [name, 1])));
  });
});
