import type { EntityManager } from '@mikro-orm/core';

import type { Application } from '../applications/application.entity.ts';
import { ApplicationSchema } from '../applications/application.entity.ts';
import { describeApplication } from '../applications/application-view.ts';
import { readHistory } from '../applications/history.ts';
import { standardOf } from '../applications/standard-of.ts';
import { SubmissionSchema } from '../applications/submission.entity.ts';
import { detailedCoverage, type CoverageNode } from '../evidence/coverage-detail.ts';
import { LibrarySchema } from '../libraries/library.entity.ts';
import { PersonSchema, type Person } from '../people/person.entity.ts';
import { suggestMentors } from '../review/mentor-suggestions.ts';
import { readRounds } from '../review/round-reads.ts';
import type { StandardRegistry } from '../standards/standard-registry.ts';
import { formatDay, stateInWords } from './page-templates.ts';
import { readRecordedOutcome } from './quality-outcome-view.ts';
import { readRenderRows } from './render-rows.ts';
import { readElementFacts, ratingLabel } from './staff-application-view.ts';
import { cycleWords } from './staff-words.ts';
import { decisionWords, notPossibleNow, qualityHistoryWords, type QualityStep } from './quality-words.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const HISTORY_LIMIT = 200;
const RENDER_LIMIT = 20;

type ProgressNode = { code: string; title: string; elements: number; complete: number; withEvidence: number; rated: number; subCriteria: ProgressNode[] };

function toProgress(node: CoverageNode): ProgressNode {
  return { code: node.code, title: node.title, elements: node.elements, complete: node.elements - node.missing.length, withEvidence: node.withEvidence, rated: node.rated, subCriteria: node.subCriteria.map(toProgress) };
}

/** Reads the history's newest entries, newest first, each with its reason or outcome where the event carried one. */
async function readTimeline(em: EntityManager, applicationId: string) {
  let history = await readHistory(em, applicationId, { limit: HISTORY_LIMIT, offset: 0 });
  if (history.total > HISTORY_LIMIT) history = await readHistory(em, applicationId, { limit: HISTORY_LIMIT, offset: history.total - HISTORY_LIMIT });

  // An assignment stores the mentor's id, and the timeline names them.
  const mentorIds = [...new Set(history.items.filter((item) => item.type === 'mentor.assign').map((item) => String(item.payload.mentorId)))];
  const mentors = mentorIds.length === 0 ? [] : await em.find(PersonSchema, { id: { $in: mentorIds } });
  const mentorNames = new Map(mentors.map((mentor) => [mentor.id, mentor.name]));

  const items = history.items.map((item) => {
    const payload = item.payload;
    const reason = typeof payload.reason === 'string' && payload.reason.trim() !== '' ? payload.reason : null;
    const assigned = item.type === 'mentor.assign' ? (mentorNames.get(String(payload.mentorId)) ?? 'A former person') : null;
    const outcome = item.type === 'outcome.record' ? `Report of ${formatDay(String(payload.reportDate))} from ${String(payload.certificationBody)}` : null;
    return {
      time: item.time,
      event: qualityHistoryWords(item.type),
      actor: item.actor === 'system' ? 'Waymark' : item.actor.name,
      toState: item.toState === null || item.toState === item.fromState ? null : stateInWords(item.toState),
      detail: outcome ?? ([assigned, reason].filter((part) => part !== null).join(': ') || null),
    };
  });
  return { items: items.reverse(), truncated: history.total > HISTORY_LIMIT };
}

async function readSubmissions(em: EntityManager, applicationId: string) {
  const submissions = await em.find(SubmissionSchema, { application: applicationId }, { orderBy: { eventSequence: 'asc' } });
  return submissions.map((submission, index) => {
    const record = submission.record as { evidence?: unknown[]; selfAssessments?: unknown[] };
    return { id: submission.id, number: index + 1, submittedAt: submission.submittedAt.toISOString(), evidence: record.evidence?.length ?? 0, selfAssessments: record.selfAssessments?.length ?? 0 };
  });
}

/** Names a person and their library, or null when the id is null. */
async function describePerson(em: EntityManager, personId: string | null | undefined) {
  if (personId == null) return null;
  const person = await em.findOne(PersonSchema, { id: personId });
  if (person === null) return { name: 'A former person', libraryName: null };
  const library = person.library == null ? null : await em.findOne(LibrarySchema, { id: person.library });
  return { name: person.name, libraryName: library?.name ?? null };
}

/**
 * Builds the quality group's page of one application: its facts, coverage and
 * self-ratings, review rounds, history, submissions and portfolios, and each
 * step the quality group may take. A step is offered only when the machine
 * accepts its event now (as `describeApplication` reports), and otherwise the
 * page explains when it becomes possible.
 */
export async function buildQualityApplicationView(em: EntityManager, standards: StandardRegistry, defaultCapacity: number, application: Application, viewer: Person, now: Date) {
  const standard = standardOf(standards, application);
  const detail = await describeApplication(em, standards, application, viewer);
  const allowed = new Set(detail.allowedEvents);
  const state = stateInWords(application.state);
  const { criteria } = await detailedCoverage(em, application.id, standard);
  const { ratings: selfRatings } = await readElementFacts(em, application.id);

  const totals = criteria.reduce((sum, node) => ({ elements: sum.elements + node.elements, complete: sum.complete + node.elements - node.missing.length }), { elements: 0, complete: 0 });
  const ratingCounts = standard.ratingScale.map((rating) => ({ label: rating.label, count: criteria.reduce((sum, node) => sum + (node.ratings[rating.id] ?? 0), 0) }));

  const rounds = await readRounds(em, application.id, standard, now);
  const openRound = rounds.find((round) => round.decision === null) ?? null;
  const next = await em.findOne(ApplicationSchema, { previousApplicationId: application.id }, { orderBy: { createdAt: 'asc' } });
  const history = await readTimeline(em, application.id);
  const recorded = await readRecordedOutcome(em, application.id, standard);
  // Once the outcome decided the state, the page shows it instead of when an outcome can be recorded.
  const decided = recorded !== null && ['accredited', 'notAccredited'].includes(application.state);

  const step = (type: QualityStep) => ({ allowed: allowed.has(type), explanation: allowed.has(type) ? null : notPossibleNow(type, state) });
  const suggestions = allowed.has('mentor.assign') ? await suggestMentors(em, application, defaultCapacity) : [];

  return {
    application: {
      id: application.id,
      libraryName: detail.libraryName,
      standardTitle: standard.title,
      standardVersion: standard.version,
      cycle: cycleWords(application.cycle),
      state,
      daysInState: Math.max(0, Math.floor((now.getTime() - application.stateChangedAt.getTime()) / DAY_MS)),
      dueOn: application.dueOn ?? null,
      previousApplicationId: application.previousApplicationId ?? null,
      nextApplicationId: next?.id ?? null,
    },
    mentor: await describePerson(em, application.mentor),
    review: openRound === null ? null : { number: openRound.number, dueAt: openRound.dueAt, overdue: openRound.overdue, dueDay: openRound.dueAt.slice(0, 10) },
    totals,
    progress: criteria.map(toProgress),
    ratingCounts,
    notRated: totals.elements - ratingCounts.reduce((sum, rating) => sum + rating.count, 0),
    rounds: rounds.map((round) => ({
      number: round.number,
      mentorName: round.mentor.name,
      openedAt: round.openedAt,
      dueAt: round.dueAt,
      overdue: round.overdue,
      decision: decisionWords(round.decision),
      decidedAt: round.decidedAt,
      decisionComment: round.decisionComment,
      ok: round.verdicts.filter((verdict) => verdict.verdict === 'ok').length,
      needsWork: round.verdicts.filter((verdict) => verdict.verdict === 'needs_work').length,
    })),
    history: history.items,
    historyTruncated: history.truncated,
    submissions: await readSubmissions(em, application.id),
    renders: await readRenderRows(em, application.id, RENDER_LIMIT),
    assign: {
      ...step('mentor.assign'),
      reassign: application.mentor != null,
      // Reassigning to the mentor already assigned would change nothing, so they are left out of the choice.
      suggestions: suggestions.filter((mentor) => mentor.id !== application.mentor).map((mentor) => ({ id: mentor.id, name: mentor.name, libraryName: mentor.library?.name ?? null, load: mentor.load, capacity: mentor.capacity, experience: mentor.experience })),
    },
    release: step('mentor.release'),
    due: { allowed: openRound !== null, explanation: openRound === null ? `There is no open review round, so there is no due date to change. A round opens when a mentor is assigned. The application is now “${state}”.` : null },
    outcome: {
      ...step('outcome.record'),
      recorded,
      decided,
      ratingChoices: standard.ratingScale.map((rating) => ({ id: rating.id, label: rating.label })),
      elements: standard.elements.map((element) => ({ code: element.code, title: element.title, selfRating: ratingLabel(standard, selfRatings.get(element.code)) })),
    },
    withdraw: step('withdraw'),
  };
}

export type QualityApplicationView = Awaited<ReturnType<typeof buildQualityApplicationView>>;
