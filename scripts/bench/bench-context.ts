import type pg from 'pg';

import type { Runtime } from '../../src/runtime.ts';
import type { LoadedStandard } from '../../src/standards/standard-registry.ts';

/** The runner's shared state for every figure group: the benchmark database, an in-process runtime on it and a progress line writer. */
export type BenchContext = {
  databaseUrl: string;
  databaseName: string;
  /** Connections for seeding and for the floors, which send SQL with `pg` directly. */
  pool: pg.Pool;
  /** The service's runtime opened in the runner with a silent log, for seeding through the domain operations and for in-process measurements. */
  runtime: Runtime;
  standard: LoadedStandard;
  /** A folder for this run's logs, left in place so that a failed run can be read afterwards. */
  logDir: string;
  progress: (message: string) => void;
};
