import { randomBytes } from 'node:crypto';

import pg from 'pg';

/** The PostgreSQL server the tests use; every test file creates and drops its own database on it. */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name: string): string {
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Creates a database with a unique name and returns its URL and a function that
 * drops it. It is a copy of the run's migrated template when there is one
 * (`fromTemplate`), or empty.
 */
export async function createTestDatabase(options: { fromTemplate?: boolean } = {}): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `waymark_test_${randomBytes(6).toString('hex')}`;
  const template = options.fromTemplate === false ? undefined : process.env.WAYMARK_TEMPLATE_DATABASE;
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(template === undefined ? `create database ${name}` : `create database ${name} template ${template}`);
        break;
      } catch (error) {
        // Two copies of one template at the same moment can collide; a short wait lets the other finish.
        if (attempt >= 10 || !/being accessed by other users/.test((error as Error).message)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  } finally {
    await admin.end();
  }

  const drop = async () => {
    const client = new pg.Client({ connectionString: TEST_SERVER_URL });
    await client.connect();
    try {
      await client.query(`drop database if exists ${name} with (force)`);
    } finally {
      await client.end();
    }
  };
  return { url: databaseUrl(name), name, drop };
}
