import { constants } from 'node:fs';
import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import puppeteer, { type Browser } from 'puppeteer-core';

// Flags for a headless server: no sandbox (containers lack the namespaces it needs), no GPU,
// no /dev/shm (often 64 MB in containers), and no background traffic to Google services.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const PROFILE_PREFIX = 'waymark-chromium-';
// A file in each profile directory naming the process that launched its Chromium, as `host pid`.
const OWNER_FILE = 'waymark-owner';

// Install paths of the Debian, Ubuntu and Google packages, tried in order when no path is given.
const DEFAULT_EXECUTABLES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome'];

/** Chromium is not installed where the pool looked, or it failed to start. */
export class ChromiumUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ChromiumUnavailableError';
  }
}

/**
 * Returns the Chromium to run: `requested`, else PUPPETEER_EXECUTABLE_PATH, else
 * the first executable of the usual install paths. Throws ChromiumUnavailableError
 * naming where it looked and how to install Chromium.
 */
export async function findExecutable(requested: string | undefined): Promise<string> {
  const fromEnvironment = process.env.PUPPETEER_EXECUTABLE_PATH;
  const explicit = requested ?? (fromEnvironment === undefined || fromEnvironment === '' ? undefined : fromEnvironment);
  const candidates = explicit === undefined ? DEFAULT_EXECUTABLES : [explicit];
  for (const candidate of candidates) {
    if (await isExecutable(candidate)) return candidate;
  }

  let where = `at any of ${DEFAULT_EXECUTABLES.join(', ')}`;
  if (requested !== undefined) where = `at ${requested} (the executablePath option)`;
  else if (explicit !== undefined) where = `at ${explicit} (from PUPPETEER_EXECUTABLE_PATH)`;
  throw new ChromiumUnavailableError(`Chromium was not found ${where}. Install it (\`apt-get install chromium\` on Debian or Ubuntu) or set PUPPETEER_EXECUTABLE_PATH to the path of a Chromium or Chrome executable.`);
}

/**
 * Starts headless Chromium with a fresh profile directory, which the caller
 * removes with `removeProfile` once the browser is closed. Throws
 * ChromiumUnavailableError when it does not start within `timeoutMs`.
 */
export async function launchChromium(executablePath: string, timeoutMs: number): Promise<{ browser: Browser; userDataDir: string }> {
  const userDataDir = await mkdtemp(join(tmpdir(), PROFILE_PREFIX));
  try {
    await writeFile(join(userDataDir, OWNER_FILE), `${hostname()} ${process.pid}`);
    // Over a pipe, Chromium exits when its parent dies, even by SIGKILL. Over the default WebSocket it would keep running.
    const browser = await puppeteer.launch({ executablePath, headless: true, pipe: true, userDataDir, args: CHROMIUM_ARGS, timeout: timeoutMs });
    return { browser, userDataDir };
  } catch (error) {
    await removeProfile(userDataDir);
    throw new ChromiumUnavailableError(
      `Chromium at ${executablePath} failed to start within ${timeoutMs} ms: ${(error as Error).message}. Check that it runs (\`${executablePath} --headless --version\`), or set PUPPETEER_EXECUTABLE_PATH to a working Chromium or Chrome.`,
      { cause: error },
    );
  }
}

export async function removeProfile(userDataDir: string): Promise<void> {
  await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 });
}

/**
 * Removes the profile directories of pools whose process was killed before it
 * could clean up, and returns them. A directory is stale when the process that
 * its owner file names, on this host, has exited. A directory without the file
 * (being created, say), from another host, or whose process id was reused is left alone.
 */
export async function removeStaleProfiles(): Promise<string[]> {
  const removed: string[] = [];
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of names.filter((entry) => entry.startsWith(PROFILE_PREFIX))) {
    const dir = join(tmpdir(), name);
    const owner = await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => null);
    if (owner === null) continue;

    const [host, pidText] = owner.split(' ');
    const pid = Number(pidText);
    if (host !== hostname() || !Number.isInteger(pid) || isRunning(pid)) continue;
    await removeProfile(dir);
    removed.push(dir);
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    // Signal 0 only checks that the process exists. EPERM means it exists under another user.
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
