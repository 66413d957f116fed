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
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
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

    const owner = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(owner) && owner !== process.pid && processIsAlive(owner)) {
      throw new AppError(
        'embedded_database_in_use',
        `The embedded database in ${dataDir} is in use by process ${owner} (a running Waymark service). ` +
          'Stop the service first, or set DATABASE_URL so that the service and the CLI share a PostgreSQL server.',
        { dataDir, pid: owner },
      );
    }
    fs.rmSync(file, { force: true });
  }

  throw new AppError('embedded_database_in_use', `Could not claim the embedded database in ${dataDir}; remove ${file} if no Waymark process is running.`);
}
