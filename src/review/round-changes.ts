import type { EvidenceRecord, RecordedEvidence } from '../evidence/current-record.ts';

type ItemRef = { id: string; title: string };

/** The changes to one element between two records: evidence added, changed or removed, and the statement or rating. */
export type ElementChange = {
  code: string;
  evidence: { added: ItemRef[]; changed: ItemRef[]; removed: ItemRef[] };
  statementChanged: boolean;
  ratingChanged: boolean;
  rating: { from: string | null; to: string | null };
};

function itemsByElement(record: EvidenceRecord): Map<string, Map<string, RecordedEvidence>> {
  const byElement = new Map<string, Map<string, RecordedEvidence>>();
  for (const item of record.evidence) {
    for (const mapping of item.elements) {
      const items = byElement.get(mapping.code) ?? new Map<string, RecordedEvidence>();
      items.set(item.id, item);
      byElement.set(mapping.code, items);
    }
  }
  return byElement;
}

/**
 * Lists, in the order of `elementCodes`, only the elements that changed from
 * `before` to `after`. An item counts as changed when its revision differs,
 * which covers a new file, title, text or mapping note.
 */
export function diffRecords(before: EvidenceRecord, after: EvidenceRecord, elementCodes: readonly string[]): ElementChange[] {
  const beforeItems = itemsByElement(before);
  const afterItems = itemsByElement(after);
  const beforeRatings = new Map(before.selfAssessments.map((row) => [row.code, row]));
  const afterRatings = new Map(after.selfAssessments.map((row) => [row.code, row]));
  const ref = (item: RecordedEvidence): ItemRef => ({ id: item.id, title: item.title });

  const changes: ElementChange[] = [];
  for (const code of elementCodes) {
    const was = beforeItems.get(code) ?? new Map<string, RecordedEvidence>();
    const now = afterItems.get(code) ?? new Map<string, RecordedEvidence>();
    const added = [...now.values()].filter((item) => !was.has(item.id)).map(ref);
    const removed = [...was.values()].filter((item) => !now.has(item.id)).map(ref);
    const changed = [...now.values()].filter((item) => was.has(item.id) && was.get(item.id)!.revision !== item.revision).map(ref);

    const oldRating = beforeRatings.get(code);
    const newRating = afterRatings.get(code);
    const statementChanged = (oldRating?.statement ?? '') !== (newRating?.statement ?? '');
    const ratingChanged = (oldRating?.rating ?? null) !== (newRating?.rating ?? null);

    if (added.length + removed.length + changed.length > 0 || statementChanged || ratingChanged) {
      changes.push({ code, evidence: { added, changed, removed }, statementChanged, ratingChanged, rating: { from: oldRating?.rating ?? null, to: newRating?.rating ?? null } });
    }
  }
  return changes;
}
