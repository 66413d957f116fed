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
