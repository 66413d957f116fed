// Runs portfolio renders in a process of its own, beside any number of service
// instances on the same PostgreSQL server. The embedded database belongs to one
// process, so a separate worker needs DATABASE_URL.
import { ConfigError, loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { startRenderWorker } from '../src/portfolio/render-worker.ts';
import { openRuntime } from '../src/runtime.ts';
import { reportStartFailure, stopOnSignals } from '../src/server.ts';

try {
  const config = loadConfig();
  if (config.databaseUrl === null) {
    throw new ConfigError(['DATABASE_URL is missing: a separate render worker shares a PostgreSQL server with the service. Set DATABASE_URL, or let the service render (RENDER_IN_SERVICE=true, the default).']);
  }
  const logger = createLogger(config.logLevel, 'waymark-worker');
  const runtime = await openRuntime(config, logger);
  const worker = await startRenderWorker({ ...runtime, em: runtime.db.em, log: logger });
  logger.info('render worker started');
  stopOnSignals(async () => {
    await worker.stop();
    await runtime.close();
    logger.info('render worker stopped');
  }, logger);
} catch (error) {
  reportStartFailure(error, null);
}
