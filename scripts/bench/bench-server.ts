import { OpenAPIHono } from '@hono/zod-openapi';

import { loadConfig } from '../../src/config.ts';
import type { AppEnv } from '../../src/http/env.ts';
import { createLogger, type Logger } from '../../src/logger.ts';
import { openRuntime, type Runtime } from '../../src/runtime.ts';
import { reportStartFailure, startServer, stopOnSignals } from '../../src/server.ts';

/** The floor route of the read figures: a Hono handler that touches neither the database nor any middleware. */
export const HELLO_PATH = '/bench/hello';
/**
 * Returns the process's memory as Node reports it, so that the memory figure
 * can show where resident memory goes. With `?gc=1` it first runs a full
 * garbage collection, which needs Node's --expose-gc flag.
 */
export const MEMORY_PATH = '/bench/memory';

/**
 * Returns the runtime with an app that serves HELLO_PATH and MEMORY_PATH before
 * every route of the service. Only this benchmark entry builds it, so these
 * routes never exist in a service started with `npm start`.
 */
function withHelloRoute(runtime: Runtime): Runtime {
  const app = new OpenAPIHono<AppEnv>();
  app.get(HELLO_PATH, (c) => c.text('Hello, world!'));
  app.get(MEMORY_PATH, (c) => {
    const collect = (globalThis as { gc?: () => void }).gc;
    if (c.req.query('gc') === '1') {
      if (collect === undefined) return c.text('Start this entry with --expose-gc to collect garbage on request.', 409);
      collect();
    }
    return c.json(process.memoryUsage());
  });
  app.route('/', runtime.app);
  return { ...runtime, app };
}

// Starts like src/server.ts, configured by the same environment settings.
async function main(): Promise<void> {
  let logger: Logger | null = null;
  let runtime: Runtime | null = null;
  try {
    const config = loadConfig();
    logger = createLogger(config.logLevel);
    runtime = await openRuntime(config, logger);
    const { stop } = await startServer(withHelloRoute(runtime), logger);
    stopOnSignals(stop, logger);
  } catch (error) {
    await runtime?.close().catch((closeError: unknown) => logger?.error({ err: closeError }, 'closing the database after a failed start failed'));
    reportStartFailure(error, logger);
  }
}

if (import.meta.main) await main();
