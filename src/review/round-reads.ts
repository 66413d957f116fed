import type { EntityManager } from '@mikro-orm/core';

import { readCurrentRecord, type EvidenceRecord } from '../evidence/current-record.ts';
import { PersonSchema } from '../people/person.entity.ts';
import type { LoadedStandard } from '../standards/standard-registry.ts';
import { ElementReviewSchema } from './element-review.entity.ts';
import { diffRecords } from './round-changes.ts';
import { ReviewRoundSchema } from './review-round.entity.ts';
import { verdictJson } from './verdict-writes.ts';

/**
 * Lists an application's review rounds, oldest first, each with its mentor,
 * verdicts, decision and due date. From round two, `changes` lists only the
 * elements that changed since the previous round's decision: up to this
 * round's decision, or up to now while it is open.
 */
export async function readRounds(em: EntityManager, applicationId: string, standard: LoadedStandard, now: Date) {
  const rounds = await em.find(ReviewRoundSchema, { application: applicationId }, { orderBy: { number: 'asc' } });
  const verdicts = rounds.length === 0 ? [] : await em.find(ElementReviewSchema, { round: { $in: rounds.map((round) => round.id) } }, { orderBy: { elementCode: 'asc' } });
  const byRound = Map.groupBy(verdicts, (verdict) => verdict.round);
  const mentors = await em.find(PersonSchema, { id: { $in: [...new Set(rounds.map((round) => round.mentor))] } });
  const names = new Map(mentors.map((person) => [person.id, person]));

  let current: EvidenceRecord | null = null;
  let previousDecided: EvidenceRecord | null = null;
  const items = [];
  for (const round of rounds) {
    const reviewed = (round.reviewed ?? null) as EvidenceRecord | null;
    let changes = null;
    if (round.number > 1 && previousDecided !== null) {
      const until = reviewed ?? (current ??= await readCurrentRecord(em, applicationId));
      changes = diffRecords(previousDecided, until, standard.elementCodes());
    }
    if (reviewed !== null) previousDecided = reviewed;

    const mentor = names.get(round.mentor);
    items.push({
      number: round.number,
      mentor: { id: round.mentor, name: mentor?.name ?? 'former person', libraryId: mentor?.library ?? null },
      openedAt: round.openedAt.toISOString(),
      dueAt: round.dueAt.toISOString(),
      overdue: round.decision == null && round.dueAt.getTime() < now.getTime(),
      decision: round.decision ?? null,
      decidedAt: round.decidedAt?.toISOString() ?? null,
      decisionComment: round.decisionComment ?? null,
      verdicts: (byRound.get(round.id) ?? []).map(verdictJson),
      changes,
    });
  }
  return items;
}
