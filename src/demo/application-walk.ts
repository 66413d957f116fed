import { DEMO_LIBRARIES, leadOf } from './consortium-members.ts';
import { clientOf, type DemoContext } from './demo-context.ts';
import type { DemoClient } from './demo-client.ts';
import { libraryMatrix, type EvidencePlan } from './library-evidence.ts';

/** Whom the quality group assigns: the top suggestion, or a named mentor. */
type Assignment = { mentor?: string; reason: string };

/**
 * Walks one library's application through the lifecycle by the API, as the
 * people involved would: the library's lead, the quality group (Helen Marsh)
 * and whichever mentor is assigned.
 */
export class ApplicationWalk {
  readonly context: DemoContext;
  readonly libraryKey: string;
  readonly staff: DemoClient;
  readonly quality: DemoClient;
  id = '';
  mentorName = '';

  constructor(context: DemoContext, libraryKey: string) {
    this.context = context;
    this.libraryKey = libraryKey;
    this.staff = clientOf(context, leadOf(libraryKey).name);
    this.quality = clientOf(context, 'Helen Marsh');
  }

  get mentor(): DemoClient {
    return clientOf(this.context, this.mentorName);
  }

  get path(): string {
    return `/api/applications/${this.id}`;
  }

  async create(): Promise<this> {
    const created = await this.staff.json<{ id: string }>('POST', '/api/applications', { libraryId: this.context.libraryIds.get(this.libraryKey), standardId: this.context.standard.id, cycle: 'initial' }, 201);
    this.id = created.id;
    return this;
  }

  async start(): Promise<this> {
    await this.staff.send(this.id, { type: 'start' });
    return this;
  }

  /** Imports the library's evidence matrix with its self-assessment sheet, through the same route a user's import takes. */
  async gatherEvidence(plan: EvidencePlan = {}): Promise<this> {
    const library = DEMO_LIBRARIES.find((candidate) => candidate.key === this.libraryKey)!;
    const matrix = await libraryMatrix(library, this.context.standard, plan, library.key.length);
    await this.staff.upload(`${this.path}/evidence-matrix`, [matrix], {}, 200);
    return this;
  }

  async requestReview(): Promise<this> {
    await this.staff.send(this.id, { type: 'review.request' });
    return this;
  }

  /** Assigns the named mentor, or the first one the suggestions offer, as the quality group does. */
  async assignMentor(assignment: Assignment): Promise<this> {
    let mentorId: string;
    if (assignment.mentor === undefined) {
      const suggestions = await this.quality.json<{ items: { id: string; name: string }[] }>('GET', `${this.path}/mentor-suggestions`);
      if (suggestions.items.length === 0) throw new Error(`No mentor may be assigned to the ${this.libraryKey} application ${this.id}.`);
      [mentorId, this.mentorName] = [suggestions.items[0].id, suggestions.items[0].name];
    } else {
      mentorId = this.context.personIds.get(assignment.mentor)!;
      this.mentorName = assignment.mentor;
    }
    await this.quality.send(this.id, { type: 'mentor.assign', mentorId, reason: assignment.reason });
    return this;
  }

  /** Gives every listed element a verdict as the mentor: `ok`, or `needs_work` with the comment that `needsWork` gives for its code. */
  async review(codes: string[], needsWork: Record<string, string> = {}): Promise<this> {
    const verdicts = codes.map((code) => (code in needsWork ? { code, verdict: 'needs_work', comment: needsWork[code] } : { code, verdict: 'ok', comment: '' }));
    await this.mentor.json('PUT', `${this.path}/review/elements`, { verdicts });
    return this;
  }

  async requestChanges(comment: string): Promise<this> {
    await this.mentor.send(this.id, { type: 'review.requestChanges', comment });
    return this;
  }

  async approve(): Promise<this> {
    await this.mentor.send(this.id, { type: 'review.approve' });
    return this;
  }

  async submit(): Promise<this> {
    await this.staff.send(this.id, { type: 'submit' });
    return this;
  }

  /** Records the assessor's report: every element rated `compliance` unless listed, dated `reportDate`. */
  async recordOutcome(reportDate: string, ratings: Record<string, string> = {}): Promise<string> {
    const all = Object.fromEntries(this.context.standard.elementCodes().map((code) => [code, ratings[code] ?? 'compliance']));
    const result = await this.quality.send(this.id, { type: 'outcome.record', ratings: all, reportDate, certificationBody: 'Fairway Assessment Services (invented)' });
    return result.state;
  }

  /** Moves on to the application the cycle opened after an accredited outcome. */
  async followNextCycle(): Promise<this> {
    const drafts = await this.staff.json<{ items: { id: string; previousApplicationId: string | null }[] }>('GET', `/api/applications?libraryId=${this.context.libraryIds.get(this.libraryKey)}&state=draft`);
    const next = drafts.items.find((item) => item.previousApplicationId === this.id);
    if (next === undefined) throw new Error(`The accredited ${this.libraryKey} application ${this.id} opened no next application.`);
    this.id = next.id;
    return this;
  }

  async withdraw(reason: string): Promise<this> {
    await this.staff.send(this.id, { type: 'withdraw', reason });
    return this;
  }

  async reopen(): Promise<this> {
    await this.staff.send(this.id, { type: 'reopen' });
    return this;
  }
}
