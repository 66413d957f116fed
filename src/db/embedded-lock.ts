import fs from 'node:fs';
import path from 'node:path';

import { AppError } from '../errors.ts';

const LOCK_FILE = 'waymark.pid';

/** The claim of one process on the embedded data folder; `release` removes it and is safe to call twice. */
export type EmbeddedLock = { file: string; release: () => void };

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Creates `file` holding `content`, failing with EEXIST if it exists. The
 * content is written to a temporary file first and linked into place, so no
 * other process can read the lock while it is still empty.
 */
function createWithContent(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content);
  try {
    fs.linkSync(temporary, file);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/**
 * Claims `dataDir` for this process. PGlite lets only one process open a data
 * folder, and two that try corrupt it, so a second process (the CLI while the
 * service runs) is refused with what to do. A lock left by a process that no
 * longer runs is taken over.
 */
export function claimEmbeddedDataDir(dataDir: string): EmbeddedLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);

  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      createWithContent(file, String(process.pid));
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        fs.rmSync(file, { force: true });
      };
      return { file, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }

    let content: string;
    try {
      content = fs.readFileSync(file, 'utf8');
    } catch (error) {
      // The owner released the lock after the claim above failed, so the claim is tried again.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }

    const owner = Number.parseInt(content, 10);
    if (Number.isInteger(owner) && owner !== process.pid && processIsAlive(owner)) {
      throw new AppError(
        'embedded_database_in_use',
        `The embedded database in ${dataDir} is in use by process ${owner} (a running Waymark service or another waymark command). ` +
          'Stop the service first or wait for the command to finish, or set DATABASE_URL so that the service and the CLI share a PostgreSQL server.',
        { dataDir, pid: owner },
      );
    }
    // NOTE: two processes that find the same stale lock at once can both remove it, and the later
    // removal may delete the lock the other has just taken. Both are start-ups racing on one folder.
    fs.rmSync(file, { force: true });
  }

  throw new AppError('embedded_database_in_use', `Could not claim the embedded database in ${dataDir}; remove ${file} if no Waymark process is running.`);
}
