import { describe, it, expect } from 'vitest';

import { StandardFileError, StandardRegistry } from '../../src/standards/standard-registry.ts';
import { makeStandardsDir, readServiceMarkFixture, writeStandard } from './standard-files.ts';

type FaultCase = {
  name: string;
  change: (standard: any) => void;
  entry: string;
  fault: string;
};

// Each case breaks one rule in a copy of the two-level fixture (dimensions A and B, items A.1 to B.3).
const cases: FaultCase[] = [
  {
    name: 'duplicate code',
    change: (standard) => { standard.criteria[0].children[1].code = 'A.1'; },
    entry: 'criteria[0].children[1] (code "A.1")',
    fault: 'duplicate code "A.1", already used at criteria[0].children[0]; give each node its own code',
  },
  {
    name: 'code outside its parent',
    change: (standard) => { standard.criteria[1].children[0].code = 'A.3'; },
    entry: 'criteria[1].children[0] (code "A.3")',
    fault: 'code "A.3" does not match its parent "B"; use a code of the form "B.<n>"',
  },
  {
    name: 'code two segments below its parent',
    change: (standard) => { standard.criteria[1].children[0].code = 'B.1.1'; },
    entry: 'criteria[1].children[0] (code "B.1.1")',
    fault: 'code "B.1.1" does not match its parent "B"',
  },
  {
    name: 'missing title',
    change: (standard) => { delete standard.criteria[1].children[2].title; },
    entry: 'criteria[1].children[2] (code "B.3")',
    fault: 'missing field "title"; add it',
  },
  {
    name: 'missing top-level field',
    change: (standard) => { delete standard.published; },
    entry: 'top level',
    fault: 'missing field "published"; add it',
  },
  {
    name: 'unknown rating in blocking',
    change: (standard) => { standard.certificationRule.blocking = ['partly']; },
    entry: 'certificationRule.blocking[0]',
    fault: 'unknown rating "partly" in certificationRule.blocking; use one of: met, partly_met, not_met',
  },
  {
    name: 'unknown rating in maxCount',
    change: (standard) => { standard.certificationRule.maxCount = { partial: 2 }; },
    entry: 'certificationRule.maxCount',
    fault: 'unknown rating "partial" in certificationRule.maxCount; use one of: met, partly_met, not_met',
  },
  {
    name: 'fractional maxCount',
    change: (standard) => { standard.certificationRule.maxCount = { partly_met: 1.5 }; },
    entry: 'certificationRule.maxCount',
    fault: 'field "partly_met" is the number 1.5, expected a whole number',
  },
  {
    name: 'negative maxCount',
    change: (standard) => { standard.certificationRule.maxCount = { partly_met: -1 }; },
    entry: 'certificationRule.maxCount',
    fault: 'field "partly_met" must be 0 or more',
  },
  {
    name: 'rating both blocking and counted',
    change: (standard) => { standard.certificationRule.maxCount = { not_met: 0 }; },
    entry: 'certificationRule.maxCount',
    fault: 'rating "not_met" is both blocking and given a maxCount',
  },
  {
    name: 'leaf above the item level',
    change: (standard) => { standard.criteria[1].children = []; },
    entry: 'criteria[1] (code "B")',
    fault: 'leaf "B" is at level "Dimension" (depth 1), but leaves must sit at the item level "Item" (depth 2)',
  },
  {
    name: 'item with children',
    change: (standard) => { standard.criteria[1].children[0].children = [{ code: 'B.1.1', title: 'Too deep' }]; },
    entry: 'criteria[1].children[0] (code "B.1")',
    fault: '"B.1" is at the item level "Item" (depth 2) but has children',
  },
  {
    name: 'confirmed on a group',
    change: (standard) => { standard.criteria[0].confirmed = true; },
    entry: 'criteria[0] (code "A")',
    fault: 'field "confirmed" is allowed on items (level "Item") only',
  },
  {
    name: 'unknown key on a node',
    change: (standard) => { standard.criteria[0].children[0].weight = 2; },
    entry: 'criteria[0].children[0] (code "A.1")',
    fault: 'unknown field "weight"; remove or correct it (allowed fields: code, title, confirmed, children)',
  },
  {
    name: 'unknown top-level key',
    change: (standard) => { standard.colour = 'blue'; },
    entry: 'top level',
    fault: 'unknown field "colour"; remove or correct it',
  },
  {
    name: 'duplicate rating id',
    change: (standard) => { standard.ratingScale[1].id = 'met'; },
    entry: 'ratingScale[1]',
    fault: 'duplicate rating id "met", already used at ratingScale[0]; give each rating its own id',
  },
  {
    name: 'single rating',
    change: (standard) => { standard.ratingScale = [standard.ratingScale[0]]; },
    entry: 'top level',
    fault: 'field "ratingScale" must list at least 2 ratings',
  },
  {
    name: 'single level',
    change: (standard) => { standard.levels = [standard.levels[1]]; },
    entry: 'top level',
    fault: 'field "levels" must list at least 2 levels: one or more grouping levels, then the item level',
  },
  {
    name: 'no levels',
    change: (standard) => { standard.levels = []; },
    entry: 'top level',
    fault: 'field "levels" must list at least 2 levels',
  },
  {
    name: 'impossible date',
    change: (standard) => { standard.published = '2025-02-30'; },
    entry: 'top level',
    fault: 'field "published" is the string "2025-02-30", expected an ISO date (YYYY-MM-DD)',
  },
  {
    name: 'id with capitals and spaces',
    change: (standard) => { standard.id = 'Library Mark'; },
    entry: 'top level',
    fault: 'field "id" is the string "Library Mark", expected lower-case letters, digits, "-" or "_"',
  },
  {
    name: 'title of the wrong type',
    change: (standard) => { standard.criteria[0].title = 7; },
    entry: 'criteria[0] (code "A")',
    fault: 'field "title" is the number 7, expected a string',
  },
  {
    name: 'blank title',
    change: (standard) => { standard.criteria[0].children[1].title = '   '; },
    entry: 'criteria[0].children[1] (code "A.2")',
    fault: 'field "title" must not be empty',
  },
];

describe('standard file faults', () => {
  for (const { name, change, entry, fault } of cases) {
    it(`rejects ${name}`, async () => {
      const standard = await readServiceMarkFixture();
      change(standard);
      const dir = await makeStandardsDir();
      const file = await writeStandard(dir, 'broken-mark.json', standard);

      const error = await StandardRegistry.load({ extraDir: dir }).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(StandardFileError);
      const { message } = error as StandardFileError;
      expect(message).toContain(`Standard file ${file}: ${entry}: ${fault}`);
      expect((error as StandardFileError).file).toBe(file);
      expect((error as StandardFileError).entry).toBe(entry);
      expect((error as StandardFileError).fault).toContain(fault);
    });
  }

  it('rejects invalid JSON', async () => {
    const dir = await makeStandardsDir();
    const file = await writeStandard(dir, 'truncated.json', '{ "id": "library-service-mark", ');

    const error = await StandardRegistry.load({ extraDir: dir }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(StandardFileError);
    expect((error as Error).message).toContain(`Standard file ${file}: JSON syntax: invalid JSON (`);
    expect((error as Error).message).toContain('); fix the syntax');
  });

  it('counts the further faults', async () => {
    const standard = await readServiceMarkFixture();
    delete standard.title;
    delete standard.version;

    expect(() => StandardRegistry.fromStandards([standard], ['two-faults.json'])).toThrow(
      'Standard file two-faults.json: top level: missing field "version"; add it (1 more fault in this file)',
    );
  });

  it('stops at the first faulty file', async () => {
    const dir = await makeStandardsDir();
    await writeStandard(dir, 'a-broken.json', '[');
    await writeStandard(dir, 'b-good.json', await readServiceMarkFixture());

    await expect(StandardRegistry.load({ extraDir: dir })).rejects.toThrow('a-broken.json: JSON syntax');
  });
});
