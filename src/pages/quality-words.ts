import { historyWords } from './staff-words.ts';

/** The lifecycle events the quality group sends from the application page. */
export const QUALITY_STEPS = ['mentor.assign', 'mentor.release', 'outcome.record', 'withdraw'] as const;
export type QualityStep = (typeof QUALITY_STEPS)[number];

/** The sentence that reports each step as not done, such as “The mentor was not assigned”. */
const NOT_DONE: Record<QualityStep, string> = {
  'mentor.assign': 'The mentor was not assigned',
  'mentor.release': 'The mentor was not released',
  'outcome.record': 'The outcome was not recorded',
  withdraw: 'The application was not withdrawn',
};

/** When each step becomes possible, in the words of the lifecycle; shown while the machine does not accept it. */
const WHEN_POSSIBLE: Record<QualityStep, string> = {
  'mentor.assign': 'A mentor can be assigned once the library has asked for peer review, and reassigned while the review is in progress.',
  'mentor.release': 'A mentor can be released only while they are reviewing the application.',
  'outcome.record': 'The assessor’s outcome can be recorded once the library has submitted the application to the assessor.',
  withdraw: 'An application cannot be withdrawn once it has been submitted to the assessor, accredited or withdrawn.',
};

/** Explains why a step is not offered now: when it becomes possible and the state the application is in. */
export function notPossibleNow(step: QualityStep, stateWords: string): string {
  return `${WHEN_POSSIBLE[step]} The application is now “${stateWords}”.`;
}

/** Explains an event that the application's state rejected, for the page after a post from an out-of-date page. */
export function refusedInState(step: QualityStep, stateWords: string): string {
  return `${NOT_DONE[step]}. ${notPossibleNow(step, stateWords)} Someone may have changed it since you opened this page.`;
}

/** Starts the explanation of a step that a rule rejected, naming the step. */
export function notDone(step: QualityStep): string {
  return NOT_DONE[step];
}

/** History lines for the record types that the staff pages' list lacks; every other type comes from that list. */
const EXTRA_HISTORY_WORDS: Record<string, string> = {
  'review.overdue': 'Review became overdue',
  'review.reminder': 'Reminder sent to the mentor',
};

export function qualityHistoryWords(type: string): string {
  return EXTRA_HISTORY_WORDS[type] ?? historyWords(type);
}

const DECISION_WORDS: Record<string, string> = {
  changes_requested: 'Changes requested',
  approved: 'Approved',
  released: 'Mentor released',
  reassigned: 'Another mentor assigned',
  withdrawn: 'Application withdrawn',
};

/** Returns a review round's decision in words; an undecided round is open. */
export function decisionWords(decision: string | null): string {
  return decision === null ? 'Open' : (DECISION_WORDS[decision] ?? decision);
}

/** Success messages by the `done` query key that a form's redirect sets. Any other key shows nothing. */
const DONE_MESSAGES: Record<string, string> = {
  'mentor-assigned': 'The mentor is assigned, and their review round is open.',
  'mentor-released': 'The mentor is released. The application now waits for another mentor.',
  'due-date-moved': 'The review due date is changed. The mentor gets new reminders before it.',
  'outcome-recorded': 'The assessor’s outcome is recorded.',
  withdrawn: 'The application is withdrawn.',
};

export type QualityDoneKey = keyof typeof DONE_MESSAGES;

/** Returns the success message for a known `done` key, never echoing the query text itself. */
export function qualityDoneMessage(key: string | undefined): { kind: 'success'; text: string } | null {
  if (key === undefined || !Object.hasOwn(DONE_MESSAGES, key)) return null;
  return { kind: 'success', text: DONE_MESSAGES[key] };
}
