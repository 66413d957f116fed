import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { EvidenceSchema } from './evidence.entity.ts';

/** Maps an evidence item to an element of the standard, with a short note on how the item shows the element. */
export const EvidenceElementSchema = defineEntity({
  name: 'EvidenceElement',
  tableName: 'evidence_element',
  properties: {
    id: p.uuid().primary(),
    evidence: () => p.manyToOne(EvidenceSchema).mapToPk().deleteRule('cascade'),
    elementCode: p.text(),
    note: p.text().default(''),
  },
  uniques: [{ properties: ['evidence', 'elementCode'] }],
});

export type EvidenceElement = InferEntity<typeof EvidenceElementSchema>;
