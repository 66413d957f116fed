import { randomUUID } from 'node:crypto';

import type { EntityManager } from '@mikro-orm/core';

import type { Logger } from '../logger.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

type DueRound = { id: string; application_id: string; number: number; mentor_id: string; due_at: Date | string };
type ReminderKind = 'week' | 'day';

const REMINDERS: Record<ReminderKind, { column: string; daysBefore: number; words: string }> = {
  week: { column: 'week_reminder_at', daysBefore: 7, words: 'in 7 days' },
  day: { column: 'day_reminder_at', daysBefore: 1, words: 'tomorrow' },
};

async function appendRecord(em: EntityManager, round: DueRound, type: string, payload: Record<string, unknown>, now: Date): Promise<void> {
  const connection = em.getConnection();
  const context = em.getTransactionContext();
  const [{ state }] = await connection.execute<{ state: string }[]>('select state from application where id = ?', [round.application_id], 'all', context);
  // The unique (application, sequence) key makes a concurrent event fail this transaction, and the next check retries it.
  await connection.execute(
    `insert into application_event (id, application_id, sequence, type, kind, payload, actor_id, from_state, to_state, created_at)
     select ?, ?, coalesce(max(sequence), 0) + 1, ?, 'record', ?, null, ?, ?, ? from application_event where application_id = ?`,
    [randomUUID(), round.application_id, type, JSON.stringify(payload), state, state, now, round.application_id],
    'run',
    context,
  );
}

async function notify(em: EntityManager, personId: string, applicationId: string, kind: string, message: string, key: string, now: Date): Promise<void> {
  await em
    .getConnection()
    .execute(
      'insert into notification (id, person_id, application_id, kind, message, key, created_at) values (?, ?, ?, ?, ?, ?, ?) on conflict (key) do nothing',
      [randomUUID(), personId, applicationId, kind, message, key, now],
      'run',
      em.getTransactionContext(),
    );
}

/**
 * Claims one round for one mark by setting its column where it is still null,
 * in the caller's transaction. Of several instances checking at once, only the
 * one whose update returns the row writes the record, so each is written once.
 */
async function claim(em: EntityManager, roundId: string, column: string, now: Date): Promise<DueRound | null> {
  const rows = await em
    .getConnection()
    .execute<DueRound[]>(`update review_round set ${column} = ? where id = ? and ${column} is null and decision is null returning id, application_id, number, mentor_id, due_at`, [now, roundId], 'all', em.getTransactionContext());
  return rows[0] ?? null;
}

/**
 * Records `review.overdue` (a history record by the system) once per open round
 * past its due date, and sends the mentor in-app reminders 7 days and 1 day
 * before it. Each round is its own transaction, so one failure delays only that
 * round until the next check. A restart loses nothing, because the marks live
 * in the database.
 */
export async function checkReviewDates(em: EntityManager, now: Date, log: Logger): Promise<{ overdue: number; reminders: number }> {
  const connection = em.getConnection();
  let overdue = 0;
  let reminders = 0;

  const late = await connection.execute<{ id: string }[]>('select id from review_round where decision is null and overdue_recorded_at is null and due_at < ?', [now]);
  for (const { id } of late) {
    try {
      await em.fork().transactional(async (tx) => {
        const round = await claim(tx, id, 'overdue_recorded_at', now);
        if (round === null) return;
        const dueAt = new Date(round.due_at).toISOString();
        await appendRecord(tx, round, 'review.overdue', { round: round.number, mentorId: round.mentor_id, dueAt }, now);
        await notify(tx, round.mentor_id, round.application_id, 'review.overdue', `Your review (round ${round.number}) was due on ${dueAt.slice(0, 10)} and is overdue.`, `round:${round.id}:overdue`, now);
        overdue++;
        log.info({ applicationId: round.application_id, round: round.number, dueAt }, 'review recorded as overdue');
      });
    } catch (error) {
      log.warn({ err: error, roundId: id }, 'recording an overdue review failed; the next check retries it');
    }
  }

  for (const kind of ['day', 'week'] as const) {
    const { column, daysBefore, words } = REMINDERS[kind];
    const due = await connection.execute<{ id: string }[]>(`select id from review_round where decision is null and ${column} is null and due_at > ? and due_at <= ?`, [now, new Date(now.getTime() + daysBefore * DAY_MS)]);
    for (const { id } of due) {
      try {
        await em.fork().transactional(async (tx) => {
          const round = await claim(tx, id, column, now);
          if (round === null) return;
          // With a day left, the week reminder would add nothing, so it is marked as sent too.
          if (kind === 'day') await tx.getConnection().execute('update review_round set week_reminder_at = coalesce(week_reminder_at, ?) where id = ?', [now, id], 'run', tx.getTransactionContext());
          const dueAt = new Date(round.due_at).toISOString();
          await appendRecord(tx, round, 'review.reminder', { round: round.number, mentorId: round.mentor_id, dueAt, before: kind }, now);
          await notify(tx, round.mentor_id, round.application_id, 'review.reminder', `Your review (round ${round.number}) is due ${words}, on ${dueAt.slice(0, 10)}.`, `round:${round.id}:${kind}:${dueAt}`, now);
          reminders++;
        });
      } catch (error) {
        log.warn({ err: error, roundId: id, reminder: kind }, 'sending a review reminder failed; the next check retries it');
      }
    }
  }

  return { overdue, reminders };
}

/**
 * Runs the check now and then every `intervalSeconds`, each run after the last
 * has finished, in every service instance (the claims keep them from repeating
 * each other). `stop` waits for a run in progress.
 */
export function startReviewClock(em: EntityManager, intervalSeconds: number, log: Logger): { stop: () => Promise<void> } {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const tick = () => {
    running = checkReviewDates(em, new Date(), log)
      .then((result) => {
        if (result.overdue + result.reminders > 0) log.info(result, 'review dates checked');
      })
      .catch((error: unknown) => log.error({ err: error }, 'checking review dates failed; retrying at the next interval'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalSeconds * 1000);
      });
  };

  log.info({ intervalSeconds }, 'review clock started');
  tick();
  return {
    stop: async () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      await running;
      log.info('review clock stopped');
    },
  };
}
