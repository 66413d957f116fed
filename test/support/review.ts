import { completeEvidence, elementCodes } from './lifecycle.ts';
import type { TestApp, TestPerson } from './test-app.ts';

/** Creates an application for `staff`'s library and walks it into peer review with `mentor` assigned; returns its id. */
export async function applicationInReview(app: TestApp, staff: TestPerson, quality: TestPerson, mentor: TestPerson): Promise<string> {
  const created = await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' });
  const id = created.body.id as string;
  const send = async (token: string, event: object) => {
    const response = await app.call('POST', `/api/applications/${id}/events`, token, event);
    if (response.status !== 200) throw new Error(`${JSON.stringify(event)} failed: ${response.status} ${JSON.stringify(response.body)}`);
  };
  await send(staff.token, { type: 'start' });
  await completeEvidence(app.call, id, staff.token, elementCodes(app));
  await send(staff.token, { type: 'review.request' });
  await send(quality.token, { type: 'mentor.assign', mentorId: mentor.id, reason: 'Experienced with CSE' });
  return id;
}
