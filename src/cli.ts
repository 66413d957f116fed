import { parseArgs } from 'node:util';

import { ConfigError, loadConfig } from './config.ts';
import { applyMigrations } from './db/migrate.ts';
import { openDatabase, type Database } from './db/orm.ts';
import { AppError } from './errors.ts';
import { addLibrary } from './libraries/libraries.ts';
import { createLogger, type Logger } from './logger.ts';
import { addPerson, findPersonByEmail } from './people/people.ts';
import { issueToken, revokeTokens } from './people/tokens.ts';
import { setPassword } from './pages/passwords.ts';

/** Reads the password from standard input, up to the first line break, so that it never appears in the process list. */
async function readStandardInput(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

const USAGE = `Usage: waymark <command> [options]

Commands:
  migrate                                   apply pending database migrations
  library add --name N                      add a member library; prints its id
  user add --email E --name N --role R [--role R...] [--library ID]
                                            add a person (roles: library_staff, mentor, quality_group, admin)
  user password --email E                   set a person's sign-in password, read from standard input
  token create --email E                    issue a bearer token; prints it (only a hash is stored)
  token revoke --email E                    revoke every token of a person

Settings come from the environment (DATABASE_URL, DATA_DIR, LOG_LEVEL). Logs go to standard error.`;

const COMMANDS = ['migrate', 'library add', 'user add', 'user password', 'token create', 'token revoke'];

type Options = { name?: string; email?: string; role?: string[]; library?: string; help?: boolean };

class UsageError extends Error {}

function required(options: Options, key: 'name' | 'email'): string {
  const value = options[key];
  if (value === undefined || value.trim() === '') throw new UsageError(`--${key} is missing.`);
  return value;
}

/** Runs one CLI command against the database and returns the exit code; output meant for scripts goes to standard output alone. */
async function run(command: string, db: Database, options: Options, logger: Logger, databaseUrl: string | null): Promise<void> {
  const em = db.em.fork();
  // Every command brings the schema up to date first, so that a command run on a new database works.
  const applied = await applyMigrations(db, databaseUrl, logger);
  switch (command) {
    case 'migrate': {
      process.stdout.write(applied.length === 0 ? 'No pending migrations.\n' : `Applied ${applied.join(', ')}.\n`);
      return;
    }
    case 'library add': {
      const library = await addLibrary(em, required(options, 'name'));
      process.stdout.write(`${library.id}\n`);
      return;
    }
    case 'user add': {
      const person = await addPerson(em, { email: required(options, 'email'), name: required(options, 'name'), roles: options.role ?? [], libraryId: options.library ?? null });
      process.stdout.write(`${person.id}\n`);
      return;
    }
    case 'user password': {
      const password = await readStandardInput();
      const person = await setPassword(em, required(options, 'email'), password);
      process.stdout.write(`Password set for ${person.email}.\n`);
      return;
    }
    case 'token create': {
      const person = await findPersonByEmail(em, required(options, 'email'));
      process.stdout.write(`${await issueToken(em, person.id)}\n`);
      return;
    }
    case 'token revoke': {
      const person = await findPersonByEmail(em, required(options, 'email'));
      const count = await revokeTokens(em, person.id);
      process.stdout.write(`Revoked ${count} token${count === 1 ? '' : 's'} of ${person.email}.\n`);
      return;
    }
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { name: { type: 'string' }, email: { type: 'string' }, role: { type: 'string', multiple: true }, library: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }

  const command = parsed.positionals.join(' ');
  if (parsed.values.help || command === '' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === '' && !parsed.values.help ? 2 : 0;
  }
  if (!COMMANDS.includes(command)) {
    process.stderr.write(`Unknown command "${command}".\n\n${USAGE}\n`);
    return 2;
  }

  let db: Database | null = null;
  let logger: Logger | null = null;
  try {
    const config = loadConfig();
    logger = createLogger(config.logLevel, 'waymark-cli');
    db = await openDatabase(config, logger);
    await run(command, db, parsed.values, logger, config.databaseUrl);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof AppError || error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    logger?.error({ err: error, command }, 'command failed');
    process.stderr.write(`waymark ${command} failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await db?.close();
  }
}
