import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActor } from 'xstate';

import { applicationMachine } from '../../machines/application.machine.ts';
import { allowedEventTypes } from '../../machines/explain-refusal.ts';
import { ApplicationEventSchema } from '../../src/applications/application-event.entity.ts';
import { ApplicationSchema } from '../../src/applications/application.entity.ts';
import { createApplication } from '../../src/applications/create-application.ts';
import type { EventRequest } from '../../src/applications/event-schemas.ts';
import { restoreSnapshot } from '../../src/applications/machine-actor.ts';
import { sendEvent } from '../../src/applications/send-event.ts';
import { canonicalJson, statePath } from '../../src/applications/snapshot-json.ts';
import { AppError } from '../../src/errors.ts';
import { createEvidence, deleteEvidence } from '../../src/evidence/evidence-writes.ts';
import { putSelfAssessment } from '../../src/evidence/self-assessment-writes.ts';
import { putVerdicts } from '../../src/review/verdict-writes.ts';
import { PersonSchema, type Person } from '../../src/people/person.entity.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const APPLICATIONS = 300;
const STEPS = 14;
const SEED = 20261204;

/** A small seeded generator, so that a failing run can be repeated exactly. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('history replay', () => {
  let app: TestApp;
  let staff: Person;
  let mentors: Person[];
  let quality: Person;

  beforeAll(async () => {
    app = await createTestApp();
    const applicant = await app.library('Applicant Library');
    const other = await app.library('Mentoring Library');
    const em = app.db.em.fork();
    staff = await em.findOneOrFail(PersonSchema, { id: (await app.person(['library_staff'], applicant)).id });
    mentors = [
      await em.findOneOrFail(PersonSchema, { id: (await app.person(['mentor'], other)).id }),
      await em.findOneOrFail(PersonSchema, { id: (await app.person(['mentor'], other)).id }),
      // Works for the applying library, so the machine refuses to assign them.
      await em.findOneOrFail(PersonSchema, { id: (await app.person(['mentor'], applicant)).id }),
    ];
    quality = await em.findOneOrFail(PersonSchema, { id: (await app.person(['quality_group'])).id });
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('reproduces the stored snapshot for generated applications', async () => {
    const next = random(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const standard = app.standards.latest('library-service-mark')!;
    const codes = standard.elementCodes();
    const deps = { em: app.db.em, standards: app.standards, log: app.logger, config: app.config, jobs: app.jobs };
    let accepted = 0;
    let refused = 0;

    for (let index = 0; index < APPLICATIONS; index++) {
      const application = await createApplication(app.db.em.fork(), app.standards, quality, { libraryId: staff.library!, standardId: standard.id, cycle: pick(['initial', 'annual_review', 'reassessment'] as const) });
      let evidenceId: string | null = null;

      for (let step = 0; step < STEPS; step++) {
        // Change the evidence now and then, so that the coverage facts differ between runs of review.request.
        const roll = next();
        try {
          if (roll < 0.15 && evidenceId === null) {
            evidenceId = (await createEvidence(app.db.em.fork(), application.id, staff.id, standard, { kind: 'note', title: 'Pack', body: 'Text', elements: codes.map((code) => ({ code })) })).id;
            for (const code of codes) await putSelfAssessment(app.db.em.fork(), application.id, staff.id, standard, { code, rating: 'met' });
            continue;
          }
          if (roll < 0.2 && evidenceId !== null) {
            await deleteEvidence(app.db.em.fork(), application.id, evidenceId, staff.id);
            evidenceId = null;
            continue;
          }
        } catch (error) {
          if (!(error instanceof AppError && error.code === 'evidence_frozen')) throw error;
          continue;
        }

        const mentor = pick(mentors);
        const requests: EventRequest[] = [
          { type: 'start' },
          { type: 'review.request' },
          { type: 'mentor.assign', mentorId: mentor.id },
          { type: 'mentor.release', reason: next() < 0.8 ? 'Mentor on leave' : ' ' },
          { type: 'review.requestChanges', comment: next() < 0.8 ? 'Strengthen A.2' : '' },
          { type: 'review.approve' },
          { type: 'submit' },
          { type: 'outcome.record', ratings: Object.fromEntries(codes.map((code) => [code, pick(['met', 'met', 'partly_met', 'not_met'])])), reportDate: '2026-10-01', certificationBody: 'Example Certification Ltd' },
          { type: 'reopen' },
          { type: 'withdraw' },
        ];
        // Mostly events the state accepts (withdraw rarely, or every walk would end early), sometimes any event.
        const current = await app.db.em.fork().findOneOrFail(ApplicationSchema, { id: application.id });
        const allowed = allowedEventTypes(restoreSnapshot(current), { coverage: { elements: 1, withEvidence: 1, rated: 1 } }).filter((type) => type !== 'withdraw' || next() < 0.1);
        const chosen = next() < 0.75 && allowed.length > 0 ? pick(allowed) : pick(requests).type;
        const request = requests.find((candidate) => candidate.type === chosen)!;
        const assigned = mentors.find((candidate) => candidate.id === current.mentor) ?? mentor;
        const sender = ['mentor.assign', 'mentor.release', 'outcome.record'].includes(request.type) ? quality : ['review.requestChanges', 'review.approve'].includes(request.type) ? assigned : staff;
        // Before a decision the mentor usually gives verdicts, all ok or some needs_work, so that both guards pass and fail.
        if ((request.type === 'review.approve' || request.type === 'review.requestChanges') && current.state === 'peerReview.inReview' && next() < 0.8) {
          const verdicts = codes.map((code) => (next() < 0.7 ? { code, verdict: 'ok' as const } : { code, verdict: 'needs_work' as const, comment: 'Add the survey.' }));
          await putVerdicts(app.db.em.fork(), application.id, assigned.id, standard, verdicts);
        }
        try {
          await sendEvent({ ...deps, em: app.db.em.fork() }, application.id, sender, request);
          accepted++;
        } catch (error) {
          if (!(error instanceof AppError) || error.status !== 409 && error.status !== 404 && error.status !== 403) throw error;
          refused++;
        }
      }
    }

    // The walk must really move applications through the lifecycle, or the check below proves little.
    expect(accepted).toBeGreaterThan(APPLICATIONS * 2);
    expect(refused).toBeGreaterThan(0);

    const em = app.db.em.fork();
    const stored = await em.find(ApplicationSchema, {}, { orderBy: { createdAt: 'asc' } });
    expect(stored).toHaveLength(APPLICATIONS);
    const states = new Set(stored.map((application) => application.state));
    expect(states.size).toBeGreaterThanOrEqual(6);

    for (const application of stored) {
      const events = await em.find(ApplicationEventSchema, { application: application.id, kind: 'machine' }, { orderBy: { sequence: 'asc' } });
      const actor = createActor(applicationMachine, { input: { libraryId: application.library } }).start();
      for (const event of events) actor.send(event.payload as never);
      expect(canonicalJson(actor.getPersistedSnapshot()), `application ${application.id}`).toEqual(application.snapshot);
      expect(statePath(actor.getSnapshot().value)).toBe(application.state);
      actor.stop();
    }
  }, 300_000);
});
