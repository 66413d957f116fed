import { randomBytes } from 'node:crypto';

import pg from 'pg';

import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { openRuntime } from '../../src/runtime.ts';
import { databaseUrl, TEST_SERVER_URL } from './database.ts';

/**
 * Builds one template database per test run, with every migration and the job
 * queue's schema, so that each test file copies it instead of migrating a new
 * database from nothing. The name travels to the test processes in the environment.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const name = `waymark_template_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();

  const config = loadConfig({ DATABASE_URL: databaseUrl(name), LOG_LEVEL: 'silent' });
  const runtime = await openRuntime(config, createLogger('silent'));
  await runtime.close();
  process.env.WAYMARK_TEMPLATE_DATABASE = name;

  return async () => {
    const client = new pg.Client({ connectionString: TEST_SERVER_URL });
    await client.connect();
    await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  };
}
