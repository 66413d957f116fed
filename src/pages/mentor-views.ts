import type { EntityManager } from '@mikro-orm/core';

import type { Application } from '../applications/application.entity.ts';
import { ApplicationSchema } from '../applications/application.entity.ts';
import { standardOf } from '../applications/standard-of.ts';
import { readCurrentRecord, type EvidenceRecord } from '../evidence/current-record.ts';
import { LibrarySchema } from '../libraries/library.entity.ts';
import type { Person } from '../people/person.entity.ts';
import { readRounds } from '../review/round-reads.ts';
import type { ElementChange } from '../review/round-changes.ts';
import { ReviewRoundSchema } from '../review/review-round.entity.ts';
import type { LoadedStandard, StandardNode, StandardRegistry } from '../standards/standard-registry.ts';
import { stateInWords } from './page-templates.ts';
import { cycleWords } from './staff-words.ts';

const VERDICT_WORDS: Record<string, string> = { ok: 'OK', needs_work: 'Needs work', not_reviewed: 'Not reviewed' };
const EXCERPT_LENGTH = 140;

/** Returns a verdict id in words. An element without a verdict row has no verdict yet. */
export function verdictInWords(verdict: string | null | undefined): string {
  return verdict == null ? 'No verdict yet' : (VERDICT_WORDS[verdict] ?? verdict);
}

/**
 * Rewords the lifecycle's explanation of a refused decision for the page, which
 * calls the verdict “needs work” where the machine names its id `needs_work`.
 */
export function refusalInWords(detail: string): string {
  return detail.replaceAll('needs_work', 'needs work');
}

/** Returns a rating id as its label on the standard's scale. */
export function ratingLabel(standard: LoadedStandard, rating: string | null | undefined): string | null {
  if (rating == null) return null;
  return standard.ratingScale.find((entry) => entry.id === rating)?.label ?? rating;
}

/** Returns the page path of one element of an assignment. */
export function elementPath(applicationId: string, code: string): string {
  return `/assignments/${applicationId}/elements/${encodeURIComponent(code)}`;
}

/** Describes, in a sentence, what changed in one element since the previous round's decision. */
export function describeChange(standard: LoadedStandard, change: ElementChange): string {
  const titles = (items: { title: string }[]) => items.map((item) => `“${item.title}”`).join(', ');
  const parts: string[] = [];
  if (change.evidence.added.length > 0) parts.push(`evidence added: ${titles(change.evidence.added)}`);
  if (change.evidence.changed.length > 0) parts.push(`evidence changed: ${titles(change.evidence.changed)}`);
  if (change.evidence.removed.length > 0) parts.push(`evidence removed: ${titles(change.evidence.removed)}`);
  if (change.statementChanged) parts.push('statement changed');
  if (change.ratingChanged) {
    parts.push(`self-rating changed from ${ratingLabel(standard, change.rating.from) ?? 'none'} to ${ratingLabel(standard, change.rating.to) ?? 'none'}`);
  }
  const text = parts.join('; ');
  return text.charAt(0).toUpperCase() + text.slice(1) + '.';
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= EXCERPT_LENGTH ? flat : `${flat.slice(0, EXCERPT_LENGTH).trimEnd()}…`;
}

function leavesOf(node: StandardNode): StandardNode[] {
  return node.children.length === 0 ? [node] : node.children.flatMap(leavesOf);
}

/** Maps the code of each criterion and sub-criterion to its title. */
export function groupTitles(standard: LoadedStandard): Map<string, string> {
  const titles = new Map<string, string>();
  const visit = (node: StandardNode) => {
    if (node.children.length === 0) return;
    titles.set(node.code, node.title);
    node.children.forEach(visit);
  };
  standard.criteria.forEach(visit);
  return titles;
}

/** Lists the applications whose assigned mentor is `mentor`, with the latest round of each, oldest assignment first. */
export async function listAssignments(em: EntityManager, standards: StandardRegistry, mentor: Person, now: Date) {
  const applications = await em.find(ApplicationSchema, { mentor: mentor.id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  if (applications.length === 0) return [];

  const ids = applications.map((application) => application.id);
  const libraries = await em.find(LibrarySchema, { id: { $in: [...new Set(applications.map((application) => application.library))] } });
  const libraryNames = new Map(libraries.map((library) => [library.id, library.name]));
  const rounds = await em.find(ReviewRoundSchema, { application: { $in: ids } }, { orderBy: { number: 'asc' } });
  const latestRound = new Map(rounds.map((round) => [round.application, round]));

  return applications.map((application) => {
    const standard = standards.get(application.standardId, application.standardVersion);
    const round = latestRound.get(application.id);
    const open = round !== undefined && round.decision == null;
    return {
      id: application.id,
      libraryName: libraryNames.get(application.library) ?? 'Unknown library',
      standardTitle: standard?.title ?? application.standardId,
      standardVersion: application.standardVersion,
      cycle: cycleWords(application.cycle),
      state: stateInWords(application.state),
      roundNumber: round?.number ?? null,
      roundOpen: open,
      dueAt: open ? round.dueAt.toISOString() : null,
      overdue: open && round.dueAt.getTime() < now.getTime(),
    };
  });
}

/** Reads the summary shown at the top of each assignment page: library, standard, state and the latest round. */
export async function describeHeader(em: EntityManager, standards: StandardRegistry, application: Application, now: Date) {
  const standard = standardOf(standards, application);
  const library = await em.findOneOrFail(LibrarySchema, { id: application.library });
  const rounds = await readRounds(em, application.id, standard, now);
  const round = rounds.at(-1) ?? null;
  return {
    standard,
    rounds,
    header: {
      id: application.id,
      libraryName: library.name,
      standardTitle: standard.title,
      standardVersion: standard.version,
      cycle: cycleWords(application.cycle),
      state: stateInWords(application.state),
      roundNumber: round?.number ?? null,
      roundOpen: round !== null && round.decision === null,
      dueAt: round?.decision === null ? round.dueAt : null,
      overdue: round?.overdue ?? false,
    },
    round,
  };
}

export type ElementRow = {
  code: string;
  path: string;
  title: string;
  rating: string | null;
  statement: string;
  evidenceCount: number;
  verdict: string;
  needsWork: boolean;
  change: string | null;
};

/** Counts, per element code, the live evidence items mapped to it. */
export function evidenceCounts(record: EvidenceRecord): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of record.evidence) {
    for (const code of new Set(item.elements.map((mapping) => mapping.code))) counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  return counts;
}

/**
 * Builds the assignment page: one table of element rows per criterion, with
 * this round's verdicts and what changed since the previous round, and whether
 * `mentor` may decide now (the application is in review with their round open).
 */
export async function describeAssignment(em: EntityManager, standards: StandardRegistry, application: Application, mentor: Person, now: Date) {
  const { standard, header, round } = await describeHeader(em, standards, application, now);
  const record = await readCurrentRecord(em, application.id);
  const counts = evidenceCounts(record);
  const assessments = new Map(record.selfAssessments.map((row) => [row.code, row]));
  const verdicts = new Map((round?.verdicts ?? []).map((verdict) => [verdict.code, verdict]));
  const changes = new Map((round?.changes ?? []).map((change) => [change.code, change]));

  const criteria = standard.criteria.map((criterion) => ({
    code: criterion.code,
    title: criterion.title,
    rows: leavesOf(criterion).map((element): ElementRow => {
      const assessment = assessments.get(element.code);
      const change = changes.get(element.code);
      const verdict = verdicts.get(element.code)?.verdict;
      return {
        code: element.code,
        path: elementPath(application.id, element.code),
        title: element.title,
        rating: ratingLabel(standard, assessment?.rating),
        statement: excerpt(assessment?.statement ?? ''),
        evidenceCount: counts.get(element.code) ?? 0,
        verdict: verdictInWords(verdict),
        needsWork: verdict === 'needs_work',
        change: change === undefined ? null : describeChange(standard, change),
      };
    }),
  }));

  const codes = standard.elementCodes();
  const tally = {
    elements: codes.length,
    ok: codes.filter((code) => verdicts.get(code)?.verdict === 'ok').length,
    needsWork: codes.filter((code) => verdicts.get(code)?.verdict === 'needs_work').length,
    changed: changes.size,
  };
  const canDecide = application.state === 'peerReview.inReview' && round !== null && round.decision === null && round.mentor.id === mentor.id;
  return { header, criteria, tally, canDecide, comparesWithEarlierRound: round?.changes != null };
}
