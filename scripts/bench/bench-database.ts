import { randomBytes } from 'node:crypto';

import pg from 'pg';

/** The local PostgreSQL server the benchmark creates its database on, as the `postgres` user with trust authentication. */
export const BENCH_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export type BenchDatabase = { name: string; url: string; drop: () => Promise<void> };

/** Creates an empty database named `waymark_bench_<random>`; `drop` removes it, ending any connection still open to it. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `waymark_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: BENCH_SERVER_URL });
  try {
    await admin.connect();
    await admin.query(`create database ${name}`);
  } catch (error) {
    throw new Error(`Creating the benchmark database ${name} on ${BENCH_SERVER_URL} failed: ${(error as Error).message}. Start PostgreSQL with \`bash scripts/setup.sh --postgres\` and check that the postgres user may create databases.`, { cause: error });
  } finally {
    await admin.end().catch(() => {});
  }

  const url = new URL(BENCH_SERVER_URL);
  url.pathname = `/${name}`;
  const drop = async () => {
    const client = new pg.Client({ connectionString: BENCH_SERVER_URL });
    await client.connect();
    try {
      await client.query(`drop database if exists ${name} with (force)`);
    } finally {
      await client.end();
    }
  };
  return { name, url: url.toString(), drop };
}

/** Reads the server's version string, such as `15.20 (Debian 15.20-0+deb12u1)`. */
export async function readPostgresVersion(client: pg.ClientBase | pg.Pool): Promise<string> {
  const { rows } = await client.query<{ server_version: string }>('show server_version');
  return rows[0].server_version;
}

/** Lists the process ids of the server backends connected to `database`, whose CPU time the figures count. */
export async function backendPids(pool: pg.Pool, database: string): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database]);
  return rows.map((row) => row.pid);
}
