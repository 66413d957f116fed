/** The next step for library staff in each state of an application. */
const NEXT_STEPS: Record<string, string> = {
  draft: 'Start the application when you are ready to gather evidence.',
  gatheringEvidence: 'Add evidence and a self-rating for every element, then ask for peer review.',
  'peerReview.awaitingMentor': 'Wait while the quality group assigns a mentor to review your evidence.',
  'peerReview.inReview': 'Your mentor is reviewing the evidence. Answer their comments on each element.',
  readyToSubmit: 'Your mentor has approved the evidence. Submit the application to the assessor.',
  submitted: 'Wait for the assessor’s outcome, which the quality group records.',
  accredited: 'The library is accredited. The next application of the cycle starts from this one.',
  notAccredited: 'Reopen the application to improve the evidence, or withdraw it.',
  withdrawn: 'This application is closed. Start a new one to try again.',
};

/** Button labels for the events staff may send. */
const EVENT_LABELS: Record<string, string> = {
  start: 'Start gathering evidence',
  'review.request': 'Ask for peer review',
  submit: 'Submit to the assessor',
  reopen: 'Reopen the application',
  withdraw: 'Withdraw the application',
};

/** History lines for event and record types. A type missing here is shown as it is stored. */
const HISTORY_WORDS: Record<string, string> = {
  'application.created': 'Application created',
  start: 'Started gathering evidence',
  'review.request': 'Asked for peer review',
  'mentor.assign': 'Mentor assigned',
  'mentor.release': 'Mentor released',
  'review.requestChanges': 'Mentor asked for changes',
  'review.approve': 'Mentor approved the evidence',
  submit: 'Submitted to the assessor',
  'outcome.record': 'Outcome recorded',
  reopen: 'Reopened',
  withdraw: 'Withdrawn',
};

const VERDICT_WORDS: Record<string, string> = { ok: 'Good', needs_work: 'Needs work', not_reviewed: 'Not reviewed yet' };

const RENDER_STATUS_WORDS: Record<string, string> = { queued: 'Waiting to start', rendering: 'Being made', ready: 'Ready', failed: 'Failed' };

const CYCLE_WORDS: Record<string, string> = { initial: 'Initial assessment', annual_review: 'Annual review', reassessment: 'Reassessment' };

const KIND_WORDS: Record<string, string> = { note: 'Note', link: 'Link', file: 'File' };

const ROLE_WORDS: Record<string, string> = { library_staff: 'Library staff', mentor: 'Mentor', quality_group: 'Quality group', admin: 'Admin' };

export const nextStep = (state: string): string => NEXT_STEPS[state] ?? '';
export const eventLabel = (type: string): string => EVENT_LABELS[type] ?? type;
export const historyWords = (type: string): string => HISTORY_WORDS[type] ?? type;
export const verdictWords = (verdict: string | null): string => (verdict === null ? 'No review yet' : (VERDICT_WORDS[verdict] ?? verdict));
export const renderStatusWords = (status: string): string => RENDER_STATUS_WORDS[status] ?? status;
export const cycleWords = (cycle: string): string => CYCLE_WORDS[cycle] ?? cycle;
export const kindWords = (kind: string): string => KIND_WORDS[kind] ?? kind;
export const roleWords = (role: string): string => ROLE_WORDS[role] ?? role;

/** Success messages by the `done` query key that a form's redirect sets. Any other key shows nothing. */
const DONE_MESSAGES: Record<string, string> = {
  created: 'The application was created.',
  'event-start': 'The application has started. You can now add evidence.',
  'event-review.request': 'Peer review was requested.',
  'event-submit': 'The application was submitted to the assessor.',
  'event-reopen': 'The application was reopened.',
  'event-withdraw': 'The application was withdrawn.',
  'rating-saved': 'The self-rating was saved.',
  'evidence-added': 'The evidence was added.',
  'file-uploaded': 'The file was uploaded.',
  'evidence-mapped': 'The evidence now supports this element.',
  'comment-added': 'Your reply was added.',
  'comment-resolved': 'The comment was marked resolved.',
  'comment-reopened': 'The comment was reopened.',
  'evidence-updated': 'The evidence was saved as a new revision.',
  'evidence-unmapped': 'The evidence no longer supports this element. It stays in the application for other elements.',
  'evidence-deleted': 'The evidence was deleted. Its history is kept until the application is withdrawn.',
  'file-replaced': 'The new file was saved as a new revision.',
  'render-requested': 'A draft portfolio was requested. Reload this page to see its progress.',
  'matrix-imported': 'The evidence matrix was imported.',
};

/** Returns the success message for a known `done` key, or null. */
export function doneMessage(key: string | undefined): { kind: 'success'; text: string } | null {
  if (key === undefined || !Object.hasOwn(DONE_MESSAGES, key)) return null;
  return { kind: 'success', text: DONE_MESSAGES[key] };
}
