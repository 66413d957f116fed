import type { ApplicationEvent } from '../../machines/application.machine.ts';
import type { ActingRole } from './access.ts';

export type EventType = ApplicationEvent['type'];

/** The acting roles allowed to send each event; `mentor` means the application's assigned mentor. */
export const EVENT_SENDERS: Record<EventType, readonly ActingRole[]> = {
  start: ['library_staff'],
  'review.request': ['library_staff'],
  'mentor.assign': ['quality_group'],
  'mentor.release': ['quality_group'],
  'review.requestChanges': ['mentor'],
  'review.approve': ['mentor'],
  submit: ['library_staff'],
  'outcome.record': ['quality_group'],
  reopen: ['library_staff'],
  withdraw: ['library_staff', 'quality_group'],
};

const ROLE_NAMES: Record<ActingRole, string> = {
  library_staff: "the applying library's staff",
  mentor: 'the assigned mentor',
  quality_group: 'the quality group',
};

export function maySend(type: EventType, roles: ReadonlySet<ActingRole>): boolean {
  return EVENT_SENDERS[type].some((role) => roles.has(role));
}

/** Returns a sentence naming who sends `type`, for refusals. */
export function describeSenders(type: EventType): string {
  return EVENT_SENDERS[type].map((role) => ROLE_NAMES[role]).join(' or ');
}
