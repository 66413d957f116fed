import { randomUUID } from 'node:crypto';

import pg from 'pg';

import { RECOUNT_COVERAGE_SQL } from '../../src/evidence/coverage-count.ts';
import type { TestApp } from './test-app.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export type FixtureApplication = {
  libraryId: string;
  state: string;
  daysInState?: number;
  standardId?: string;
  cycle?: string;
  mentorId?: string | null;
  previousApplicationId?: string | null;
  dueOn?: string | null;
};

/**
 * Writes dashboard fixtures straight to the test database with SQL, skipping the
 * lifecycle. The dashboard reads only the copied columns, so the stored snapshot is an empty object.
 */
export class QualityFixtures {
  readonly client: pg.Client;
  private readonly app: TestApp;

  private constructor(app: TestApp, client: pg.Client) {
    this.app = app;
    this.client = client;
  }

  static async open(app: TestApp): Promise<QualityFixtures> {
    const client = new pg.Client({ connectionString: app.databaseUrl });
    await client.connect();
    return new QualityFixtures(app, client);
  }

  async close(): Promise<void> {
    await this.client.end();
  }

  async application(input: FixtureApplication): Promise<string> {
    const id = randomUUID();
    const standardId = input.standardId ?? 'cse';
    const version = this.app.standards.latest(standardId)!.version;
    const changedAt = new Date(Date.now() - (input.daysInState ?? 0) * DAY_MS - 60_000);
    await this.client.query(
      `insert into application (id, library_id, standard_id, standard_version, cycle, state, snapshot, machine_version, mentor_id, created_at, updated_at, state_changed_at, previous_application_id, due_on)
       values ($1, $2, $3, $4, $5, $6, '{}', 1, $7, $8, $8, $8, $9, $10)`,
      [id, input.libraryId, standardId, version, input.cycle ?? 'initial', input.state, input.mentorId ?? null, changedAt, input.previousApplicationId ?? null, input.dueOn ?? null],
    );
    return id;
  }

  /** Adds one evidence item mapped to `codes`. A deleted item keeps its mappings, which coverage must not count. */
  async evidence(applicationId: string, authorId: string, codes: string[], deleted = false): Promise<void> {
    const id = randomUUID();
    await this.client.query(
      `insert into evidence (id, application_id, kind, title, author_id, created_at, updated_at, deleted_at) values ($1, $2, 'note', 'Fixture evidence', $3, now(), now(), $4)`,
      [id, applicationId, authorId, deleted ? new Date() : null],
    );
    for (const code of codes) {
      await this.client.query(`insert into evidence_element (id, evidence_id, element_code) values ($1, $2, $3)`, [randomUUID(), id, code]);
    }
    await this.client.query(RECOUNT_COVERAGE_SQL, [[applicationId]]);
  }

  async rating(applicationId: string, authorId: string, code: string, rating: string): Promise<void> {
    await this.client.query(`insert into self_assessment (id, application_id, element_code, rating, author_id, updated_at) values ($1, $2, $3, $4, $5, now())`, [randomUUID(), applicationId, code, rating, authorId]);
  }

  /** Opens review round 1 for `applicationId` with `mentorId`, due `dueInDays` from now (negative when overdue). */
  async openRound(applicationId: string, mentorId: string, dueInDays: number): Promise<void> {
    await this.client.query(
      `insert into review_round (id, application_id, number, mentor_id, opened_at, due_at) values ($1, $2, 1, $3, now(), $4)`,
      [randomUUID(), applicationId, mentorId, new Date(Date.now() + dueInDays * DAY_MS)],
    );
  }
}
