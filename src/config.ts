import fs from 'node:fs';
import path from 'node:path';

/** Settings read once from the environment at start-up. */
export type Config = {
  databaseUrl: string | null;
  host: string;
  port: number;
  dataDir: string;
  logLevel: LogLevel;
  jsonMaxBytes: number;
  standardsDir: string | null;
  uploadMaxBytes: number;
  applicationMaxBytes: number;
  imageMaxPixels: number;
  mentorDefaultCapacity: number;
  reviewDueDays: number;
  overdueCheckSeconds: number;
  renderInService: boolean;
  renderTimeoutSeconds: number;
  renderExpireSeconds: number;
  chromiumPath: string | null;
  cookieSecure: boolean;
};

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Raised when one or more settings are invalid; the message lists every fault, one per line. */
export class ConfigError extends Error {
  readonly faults: string[];

  constructor(faults: string[]) {
    super(`Invalid settings:\n${faults.map((fault) => `  - ${fault}`).join('\n')}`);
    this.name = 'ConfigError';
    this.faults = faults;
  }
}

type Env = Record<string, string | undefined>;

function isDirectory(folder: string): boolean {
  try {
    fs.accessSync(folder, fs.constants.R_OK);
    return fs.statSync(folder).isDirectory();
  } catch {
    return false;
  }
}

// A connection URL may carry a password, which must not reach a terminal or a log, so
// everything after the scheme and up to the last "@" is masked.
function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/i, '$1***@');
}

/**
 * Parses the settings from `env`, collecting every fault before failing so that
 * an operator fixes them in one pass rather than one restart per setting.
 */
export function loadConfig(env: Env = process.env): Config {
  const faults: string[] = [];
  const text = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? null : value;
  };

  const wholeNumber = (name: string, fallback: number, min: number, max: number) => {
    const raw = text(name);
    if (raw === null) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      faults.push(`${name}="${raw}" is invalid: expected a whole number from ${min} to ${max}. Fix or unset ${name} (default ${fallback}).`);
      return fallback;
    }
    return Number(raw);
  };

  const yesNo = (name: string, fallback: boolean) => {
    const raw = text(name)?.toLowerCase();
    if (raw === undefined || raw === null) return fallback;
    if (['true', 'yes', '1'].includes(raw)) return true;
    if (['false', 'no', '0'].includes(raw)) return false;
    faults.push(`${name}="${raw}" is invalid: expected true or false. Fix or unset ${name} (default ${fallback}).`);
    return fallback;
  };

  const databaseUrl = text('DATABASE_URL');
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    faults.push(`DATABASE_URL="${withoutCredentials(databaseUrl)}" is invalid: expected a postgres:// or postgresql:// URL, such as postgres://user@127.0.0.1:5432/waymark. Unset it to use the embedded database.`);
  }

  const rawLogLevel = text('LOG_LEVEL') ?? 'info';
  const logLevel = rawLogLevel.toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    faults.push(`LOG_LEVEL="${rawLogLevel}" is invalid: expected one of ${LOG_LEVELS.join(', ')}.`);
  }

  const standardsDir = text('STANDARDS_DIR') === null ? null : path.resolve(text('STANDARDS_DIR')!);
  if (standardsDir !== null && !isDirectory(standardsDir)) {
    faults.push(`STANDARDS_DIR="${standardsDir}" is not a readable folder. Point it at the folder of extra standard files, or unset it.`);
  }

  const config: Config = {
    databaseUrl,
    host: text('HOST') ?? '127.0.0.1',
    port: wholeNumber('PORT', 3000, 0, 65535),
    dataDir: path.resolve(text('DATA_DIR') ?? './data'),
    logLevel: logLevel as LogLevel,
    jsonMaxBytes: wholeNumber('JSON_MAX_BYTES', 1_048_576, 1, 1_073_741_824),
    standardsDir,
    uploadMaxBytes: wholeNumber('UPLOAD_MAX_BYTES', 25 * 1024 * 1024, 1, 1_073_741_824),
    applicationMaxBytes: wholeNumber('APPLICATION_MAX_BYTES', 1024 * 1024 * 1024, 1, Number.MAX_SAFE_INTEGER),
    imageMaxPixels: wholeNumber('IMAGE_MAX_PIXELS', 40_000_000, 1, Number.MAX_SAFE_INTEGER),
    mentorDefaultCapacity: wholeNumber('MENTOR_DEFAULT_CAPACITY', 3, 0, 1000),
    reviewDueDays: wholeNumber('REVIEW_DUE_DAYS', 14, 1, 3650),
    overdueCheckSeconds: wholeNumber('OVERDUE_CHECK_SECONDS', 300, 1, 86_400),
    renderInService: yesNo('RENDER_IN_SERVICE', true),
    renderTimeoutSeconds: wholeNumber('RENDER_TIMEOUT_SECONDS', 120, 5, 3600),
    renderExpireSeconds: wholeNumber('RENDER_EXPIRE_SECONDS', 300, 1, 86_400),
    chromiumPath: text('PUPPETEER_EXECUTABLE_PATH'),
    cookieSecure: yesNo('COOKIE_SECURE', true),
  };

  if (faults.length > 0) throw new ConfigError(faults);
  return config;
}
