import type { EntityManager } from '@mikro-orm/core';

// Failures older than this are forgotten, and the first few in a window cost nothing: people mistype.
const WINDOW_MS = 15 * 60 * 1000;
const FREE_FAILURES = 3;
const MAX_DELAY_MS = 8_000;

/** Returns the keys a sign-in attempt is counted under: the email tried and the client address. */
export function throttleKeys(email: string, address: string): string[] {
  return [`email:${email.trim().toLowerCase()}`, `address:${address}`];
}

/**
 * Returns how long to hold a sign-in attempt: nothing for the first few
 * failures, then doubling from half a second up to 8 s. Holding each attempt,
 * rather than locking the account, slows guessing without letting a stranger
 * lock a colleague out.
 */
export async function signInDelay(em: EntityManager, keys: string[], now: Date): Promise<number> {
  const rows = await em.getConnection().execute<{ failures: number; window_started_at: Date }[]>(
    `select failures, window_started_at from sign_in_failure where key in (${keys.map(() => '?').join(', ')})`,
    keys,
  );
  type Row = { failures: number; window_started_at: Date };
  const failures = Math.max(0, ...rows.filter((row: Row) => now.getTime() - new Date(row.window_started_at).getTime() < WINDOW_MS).map((row: Row) => row.failures));
  return failures <= FREE_FAILURES ? 0 : Math.min(MAX_DELAY_MS, 500 * 2 ** (failures - FREE_FAILURES - 1));
}

export async function recordSignInFailure(em: EntityManager, keys: string[], now: Date): Promise<void> {
  for (const key of keys) {
    await em.getConnection().execute(
      `insert into sign_in_failure (key, failures, window_started_at, last_failure_at) values (?, 1, ?, ?)
       on conflict (key) do update set
         failures = case when sign_in_failure.window_started_at < ? then 1 else sign_in_failure.failures + 1 end,
         window_started_at = case when sign_in_failure.window_started_at < ? then excluded.window_started_at else sign_in_failure.window_started_at end,
         last_failure_at = excluded.last_failure_at`,
      [key, now, now, new Date(now.getTime() - WINDOW_MS), new Date(now.getTime() - WINDOW_MS)],
      'run',
    );
  }
}

/** Forgets an email's failures after a successful sign-in; the address's count stays, since others may share it. */
export async function clearSignInFailures(em: EntityManager, email: string): Promise<void> {
  await em.getConnection().execute('delete from sign_in_failure where key = ?', [`email:${email.trim().toLowerCase()}`], 'run');
}
