import type { EntityManager } from '@mikro-orm/core';

import { AppError } from '../errors.ts';
import type { ReviewRound } from './review-round.entity.ts';
import { openRoundOf } from './review-rounds.ts';

/**
 * Moves the open review round of an application to `dueAt`: an ISO date-time,
 * or a date, which means the end of that day (UTC). A past date is a 422 and a
 * missing open round a 409.
 */
export async function moveReviewDueDate(em: EntityManager, applicationId: string, dueAt: string): Promise<ReviewRound> {
  const due = new Date(dueAt.length === 10 ? `${dueAt}T23:59:59Z` : dueAt);
  if (due.getTime() <= Date.now()) {
    throw AppError.invalid(`dueAt "${dueAt}" is already past. Give a due date in the future.`);
  }

  return em.transactional(async (tx) => {
    const open = await openRoundOf(tx, applicationId);
    if (open === null) throw new AppError('conflict', `Application ${applicationId} has no open review round, so there is no due date to move. Assign a mentor first.`);

    open.dueAt = due;
    // Reminders count back from the due date, so a new date earns new ones. The overdue record stays once per round.
    open.weekReminderAt = null;
    open.dayReminderAt = null;
    return open;
  });
}
