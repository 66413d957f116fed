import { ApplicationWalk } from './application-walk.ts';
import type { DemoContext } from './demo-context.ts';

/** Returns the date `months` months before today as YYYY-MM-DD, so that cycle due dates fall near the day the demo runs. */
function monthsAgo(months: number, days = 0): string {
  const date = new Date();
  date.setUTCMonth(date.getUTCMonth() - months);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

/** Walks an application from draft to an accredited outcome dated `reportDate`, and returns the walk on the next cycle's draft. */
async function accredit(walk: ApplicationWalk, reportDate: string, mentor?: string): Promise<ApplicationWalk> {
  const codes = walk.context.standard.elementCodes();
  await walk.start();
  await walk.requestReview();
  await walk.assignMentor({ mentor, reason: 'Knows the standard well and has capacity this term.' });
  await walk.review(codes);
  await walk.approve();
  await walk.submit();
  await walk.recordOutcome(reportDate, { '1.2.3': 'partial_compliance', '5.3.3': 'partial_compliance', '2.2.4': 'compliance_plus' });
  return walk.followNextCycle();
}

/** One member library's story: what has happened to its applications so far. */
type Story = { library: string; summary: string; tell: (walk: ApplicationWalk) => Promise<unknown> };

const PARTIAL = { '1.2.3': 'partial_compliance', '3.2.2': 'partial_compliance', '5.3.3': 'partial_compliance' };

/**
 * The consortium's applications besides Northgate's, one story per library,
 * together covering every state of the lifecycle and all three kinds of cycle.
 */
export const STORIES: readonly Story[] = [
  { library: 'riverside', summary: 'a new initial application in draft', tell: (walk) => walk.create() },
  {
    library: 'harbourside',
    summary: 'gathering evidence, criteria 1 to 3 done',
    tell: async (walk) => (await (await walk.create()).start()).gatherEvidence({ criteria: ['1', '2', '3'], ratings: PARTIAL }),
  },
  {
    library: 'fenwick',
    summary: 'waiting for a mentor',
    tell: async (walk) => (await (await (await walk.create()).start()).gatherEvidence({ ratings: PARTIAL })).requestReview(),
  },
  {
    library: 'staldric',
    summary: 'in peer review, the mentor part way through',
    tell: async (walk) => {
      await (await (await walk.create()).start()).gatherEvidence();
      await walk.requestReview();
      await walk.assignMentor({ reason: 'Fewest current assignments.' });
      await walk.review(walk.context.standard.elementCodes().filter((code) => code.startsWith('1.') || code.startsWith('2.')), { '2.1.5': 'The privacy notice is from 2021. Add the current one, or say when it was last reviewed.' });
    },
  },
  {
    library: 'calder',
    summary: 'back to gathering evidence after the mentor asked for changes',
    tell: async (walk) => {
      await (await (await walk.create()).start()).gatherEvidence({ ratings: { '4.3.6': 'compliance_plus' } });
      await walk.requestReview();
      await walk.assignMentor({ mentor: 'Gareth Pryce', reason: 'Reviewed a similar college library last year.' });
      await walk.review(walk.context.standard.elementCodes(), {
        '4.3.6': 'Compliance Plus needs evidence that customers helped to review the procedure, not only staff.',
        '5.1.2': 'The resolution standards are not published anywhere I could find. Link to where customers see them.',
      });
      await walk.requestChanges('Strong submission overall. Two elements need more before it goes to the assessor; see my comments.');
    },
  },
  {
    library: 'aberwen',
    summary: 'approved by its mentor, ready to submit',
    tell: async (walk) => {
      await (await (await walk.create()).start()).gatherEvidence({ ratings: { '3.2.1': 'compliance_plus' } });
      await walk.requestReview();
      await walk.assignMentor({ reason: 'Fewest current assignments; no conflict declared.' });
      await walk.review(walk.context.standard.elementCodes());
      await walk.approve();
    },
  },
  {
    library: 'bramley',
    summary: 'submitted, waiting for the assessor',
    tell: async (walk) => {
      await (await walk.create()).gatherEvidence();
      await accreditUntilSubmitted(walk);
    },
  },
  {
    library: 'westmarch',
    summary: 'not accredited at its initial assessment',
    tell: async (walk) => {
      await (await walk.create()).gatherEvidence({ ratings: PARTIAL });
      await accreditUntilSubmitted(walk);
      await walk.recordOutcome(monthsAgo(1), { ...PARTIAL, '4.3.2': 'non_compliance', '4.3.4': 'non_compliance' });
    },
  },
  {
    library: 'eastfield',
    summary: 'withdrawn while gathering evidence',
    tell: async (walk) => {
      await (await (await walk.create()).start()).gatherEvidence({ criteria: ['1'] });
      await walk.withdraw('The library is merging with the university library next year; we will apply together afterwards.');
    },
  },
  {
    library: 'thornbury',
    summary: 'accredited 11 months ago; its first annual review is under way',
    tell: async (walk) => {
      await (await walk.create()).gatherEvidence();
      await accredit(walk, monthsAgo(11, 10), 'David Achebe');
      await walk.start();
    },
  },
  {
    library: 'kingsmere',
    summary: 'accredited, two annual reviews passed; its reassessment is in peer review',
    tell: async (walk) => {
      await (await walk.create()).gatherEvidence();
      await accredit(walk, monthsAgo(34), 'Ruth Ackroyd');
      await accredit(walk, monthsAgo(22), 'Ruth Ackroyd');
      await accredit(walk, monthsAgo(10), 'Callum Reid');
      await walk.start();
      await walk.requestReview();
      await walk.assignMentor({ mentor: 'Gareth Pryce', reason: 'A fresh pair of eyes for the reassessment, after two annual reviews by Ruth Ackroyd and Callum Reid.' });
    },
  },
];

/** Takes a draft with its evidence through peer review to `submitted`. */
async function accreditUntilSubmitted(walk: ApplicationWalk): Promise<void> {
  await walk.start();
  await walk.requestReview();
  await walk.assignMentor({ reason: 'Fewest current assignments.' });
  await walk.review(walk.context.standard.elementCodes());
  await walk.approve();
  await walk.submit();
}

/** Tells every story in turn, reporting each as it finishes. */
export async function tellStories(context: DemoContext): Promise<void> {
  for (const [index, story] of STORIES.entries()) {
    await story.tell(new ApplicationWalk(context, story.library));
    context.say(`  [${index + 1}/${STORIES.length}] ${story.library.padEnd(12)} ${story.summary}`);
  }
}
