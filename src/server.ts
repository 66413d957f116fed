import { serve, type ServerType } from '@hono/node-server';

import { ConfigError, loadConfig } from './config.ts';
import { AppError } from './errors.ts';
import { createLogger, type Logger } from './logger.ts';
import { startRenderWorker } from './portfolio/render-worker.ts';
import { startReviewClock } from './review/review-clock.ts';
import { openRuntime, type Runtime } from './runtime.ts';
import { StandardFileError } from './standards/standard-registry.ts';

/** A start-up failure whose message names the setting to change, printed without a stack trace. */
export class StartError extends Error {
  override name = 'StartError';
}

/** Starts the service and resolves once it listens; `stop` closes the server, then the database. */
export async function startServer(runtime: Runtime, logger: Logger): Promise<{ server: ServerType; url: string; stop: () => Promise<void>; stopServing: () => Promise<void> }> {
  const { host, port } = runtime.config;
  const server = await new Promise<ServerType>((resolve, reject) => {
    const listening = serve({ fetch: runtime.app.fetch, hostname: host, port }, () => resolve(listening));
    listening.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL') {
        reject(new StartError(`Cannot listen on ${host}:${port} (${error.code}). Stop whatever uses that port, or set PORT or HOST to another value.`));
      } else {
        reject(error);
      }
    });
  });

  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  logger.info({ url, database: runtime.db.embedded ? 'embedded' : 'server' }, 'Waymark started');
  const clock = startReviewClock(runtime.db.em, runtime.config.overdueCheckSeconds, logger);
  // Renders run in the service unless RENDER_IN_SERVICE=false leaves them to `npm run worker` processes.
  const worker = runtime.config.renderInService ? await startRenderWorker({ ...runtime, em: runtime.db.em, log: logger }) : null;

  // Stops everything this function started and leaves the runtime (database, job queue) open for its owner.
  const stopServing = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await clock.stop();
    await worker?.stop();
  };
  const stop = async () => {
    await stopServing();
    await runtime.close();
    logger.info('Waymark stopped');
  };
  return { server, url, stop, stopServing };
}

/** Stops on SIGINT or SIGTERM, closing connections first so that no write is cut off. */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
}

/** Prints a start-up failure the operator can act on, without a stack trace for the expected kinds. */
export function reportStartFailure(error: unknown, logger: Logger | null): never {
  if (error instanceof ConfigError || error instanceof StandardFileError || error instanceof AppError || error instanceof StartError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    (logger ?? console).error({ err: error }, 'Waymark failed to start');
  }
  process.exit(1);
}

async function main(): Promise<void> {
  let logger: Logger | null = null;
  let runtime: Runtime | null = null;
  try {
    const config = loadConfig();
    logger = createLogger(config.logLevel);
    runtime = await openRuntime(config, logger);
    const { stop } = await startServer(runtime, logger);
    stopOnSignals(stop, logger);
  } catch (error) {
    // Closing the database releases the embedded data folder, so the next start finds it clean.
    await runtime?.close().catch((closeError: unknown) => logger?.error({ err: closeError }, 'closing the database after a failed start failed'));
    reportStartFailure(error, logger);
  }
}

if (import.meta.main) await main();
