import { describe, expect, it } from 'vitest';

import type { EvidenceRecord, RecordedEvidence } from '../../src/evidence/current-record.ts';
import { diffRecords } from '../../src/review/round-changes.ts';

const item = (id: string, revision: number, codes: string[], title = `Item ${id}`): RecordedEvidence => ({
  id,
  revision,
  kind: 'note',
  title,
  body: 'Text',
  url: null,
  fileName: null,
  sha256: null,
  size: null,
  mediaType: null,
  reference: null,
  elements: codes.map((code) => ({ code, note: '' })),
});

const before: EvidenceRecord = {
  evidence: [item('a', 1, ['1.1.1', '1.1.2']), item('b', 3, ['1.1.2']), item('c', 1, ['2.1.1'])],
  selfAssessments: [
    { code: '1.1.1', rating: 'compliance', statement: 'Profile kept.' },
    { code: '2.1.1', rating: 'partial_compliance', statement: 'Leaders champion it.' },
  ],
};

describe('round changes', () => {
  it('lists nothing for equal records', () => {
    expect(diffRecords(before, before, ['1.1.1', '1.1.2', '2.1.1'])).toEqual([]);
  });

  it('names added, changed and removed evidence', () => {
    const after: EvidenceRecord = { ...before, evidence: [item('a', 2, ['1.1.1', '1.1.2'], 'Item a, revised'), item('c', 1, ['2.1.1']), item('d', 1, ['1.1.2'], 'New survey')] };

    const changes = diffRecords(before, after, ['1.1.1', '1.1.2', '2.1.1']);

    expect(changes.map((change) => change.code)).toEqual(['1.1.1', '1.1.2']);
    expect(changes[1].evidence).toEqual({ added: [{ id: 'd', title: 'New survey' }], changed: [{ id: 'a', title: 'Item a, revised' }], removed: [{ id: 'b', title: 'Item b' }] });
  });

  it('names statement and rating changes', () => {
    const after: EvidenceRecord = {
      ...before,
      selfAssessments: [
        { code: '1.1.1', rating: 'compliance', statement: 'Profile refreshed each autumn.' },
        { code: '2.1.1', rating: 'compliance', statement: 'Leaders champion it.' },
      ],
    };

    const changes = diffRecords(before, after, ['1.1.1', '2.1.1']);

    expect(changes).toEqual([
      { code: '1.1.1', evidence: { added: [], changed: [], removed: [] }, statementChanged: true, ratingChanged: false, rating: { from: 'compliance', to: 'compliance' } },
      { code: '2.1.1', evidence: { added: [], changed: [], removed: [] }, statementChanged: false, ratingChanged: true, rating: { from: 'partial_compliance', to: 'compliance' } },
    ]);
  });
});
