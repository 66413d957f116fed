import { pino, type Logger } from 'pino';

import type { LogLevel } from './config.ts';

export type { Logger };

/** Creates the process logger; it writes JSON lines to standard error so that the CLI's standard output stays clean. */
export function createLogger(level: LogLevel, name = 'waymark'): Logger {
  return pino({ name, level }, pino.destination(2));
}
