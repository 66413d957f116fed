import type { BenchContext } from './bench-context.ts';

/** One SQL statement as MikroORM sends it: `sql` with `?` placeholders, and `formatted` with the parameters written in, which is the text the server receives. */
export type CapturedQuery = { sql: string; params: unknown[]; formatted: string };

/**
 * Runs `task` once with a query hook on the in-process ORM and returns every
 * statement it sent. The hook is removed afterwards, even when `task` fails.
 */
export async function captureQueries(context: BenchContext, task: () => Promise<unknown>): Promise<CapturedQuery[]> {
  const config = context.runtime.db.orm.config;
  const platform = context.runtime.db.em.getPlatform();
  const previous = config.get('onQuery');
  const queries: CapturedQuery[] = [];
  config.set('onQuery', (sql: string, params: readonly unknown[]) => {
    queries.push({ sql, params: [...params], formatted: platform.formatQuery(sql, params) });
    return sql;
  });
  try {
    await task();
  } finally {
    config.set('onQuery', previous);
  }
  return queries;
}

/** Sends one request to the app in this process and returns how many SQL statements it sent; any status but `expectedStatus` is an error. */
export async function countRequestQueries(context: BenchContext, path: string, init: RequestInit, expectedStatus: number): Promise<number> {
  const queries = await captureQueries(context, async () => {
    const response = await context.runtime.app.request(path, init);
    if (response.status !== expectedStatus) throw new Error(`${init.method ?? 'GET'} ${path} in the benchmark's own runtime returned ${response.status}, expected ${expectedStatus}: ${await response.text()}`);
  });
  return queries.length;
}
