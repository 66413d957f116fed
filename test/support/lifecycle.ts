import type { TestApp } from './test-app.ts';

type Caller = (method: string, url: string, token: string | null, body?: unknown) => Promise<{ status: number; body: any }>;

/** Gives every element of the application's standard one evidence note and a self-rating, through the API. */
export async function completeEvidence(call: Caller, applicationId: string, staffToken: string, codes: string[], rating = 'compliance'): Promise<void> {
  const evidence = await call('POST', `/api/applications/${applicationId}/evidence`, staffToken, {
    kind: 'note',
    title: 'Customer insight and service standards pack',
    body: 'Survey results, service standards and complaint statistics for the year.',
    elements: codes.map((code) => ({ code, note: `Shows ${code}` })),
  });
  if (evidence.status !== 201) throw new Error(`adding evidence failed: ${evidence.status} ${JSON.stringify(evidence.body)}`);

  for (const code of codes) {
    const rated = await call('PUT', `/api/applications/${applicationId}/self-assessment/${code}`, staffToken, { rating, statement: `We meet ${code}.` });
    if (rated.status !== 200) throw new Error(`rating ${code} failed: ${rated.status} ${JSON.stringify(rated.body)}`);
  }
}

/** Returns the element codes of the latest version of a standard. */
export function elementCodes(app: TestApp, standardId = 'cse'): string[] {
  return app.standards.latest(standardId)!.elementCodes();
}

/** Has the assigned mentor mark every element `ok` (or `verdict`) in the open round, through the bulk verdict route. */
export async function reviewAll(call: Caller, applicationId: string, mentorToken: string, codes: string[], verdict = 'ok'): Promise<void> {
  const response = await call('PUT', `/api/applications/${applicationId}/review/elements`, mentorToken, { verdicts: codes.map((code) => ({ code, verdict, comment: verdict === 'ok' ? '' : `Strengthen ${code}.` })) });
  if (response.status !== 200) throw new Error(`reviewing failed: ${response.status} ${JSON.stringify(response.body)}`);
}

/** Has the mentor mark `code` needs_work with a comment, so that changes can be requested. */
export async function markNeedsWork(call: Caller, applicationId: string, mentorToken: string, code: string): Promise<void> {
  const response = await call('PUT', `/api/applications/${applicationId}/review/elements/${code}`, mentorToken, { verdict: 'needs_work', comment: `Add more evidence for ${code}.` });
  if (response.status !== 200) throw new Error(`marking ${code} failed: ${response.status} ${JSON.stringify(response.body)}`);
}
