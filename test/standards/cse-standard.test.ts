import { describe, it, expect } from 'vitest';

import { StandardRegistry } from '../../src/standards/standard-registry.ts';
import type { LoadedStandard } from '../../src/standards/standard-registry.ts';

async function loadCse(): Promise<LoadedStandard> {
  const registry = await StandardRegistry.load();
  const cse = registry.latest('cse');
  if (cse === undefined) throw new Error('built-in standard "cse" was not loaded');
  return cse;
}

describe('built-in CSE standard', () => {
  it('is the only standard without extraDir', async () => {
    const registry = await StandardRegistry.load();

    expect(registry.list().map((standard) => standard.summary())).toEqual([
      { id: 'cse', version: '2026.1-paraphrase', title: 'Customer Service Excellence', published: '2026-01-01', elements: 57 },
    ]);
    expect(registry.list()[0].source).toMatch(/src\/standards\/data\/cse\.json$/);
  });

  it('has 5 criteria, 15 sub-criteria, 57 elements', async () => {
    const cse = await loadCse();
    const subCriteria = cse.criteria.flatMap((criterion) => criterion.children);

    expect(cse.criteria.map((criterion) => criterion.code)).toEqual(['1', '2', '3', '4', '5']);
    expect(subCriteria).toHaveLength(15);
    expect(cse.elements).toHaveLength(57);
    expect(cse.elementCodes()).toHaveLength(57);
  });

  it('has the element count per sub-criterion', async () => {
    const cse = await loadCse();
    const counts = cse.criteria.map((criterion) => criterion.children.map((sub) => sub.children.length));

    expect(counts).toEqual([[3, 4, 5], [6, 5], [3, 4, 3, 3], [3, 4, 6], [2, 3, 3]]);
  });

  it('carries criterion and sub-criterion titles', async () => {
    const cse = await loadCse();

    expect(cse.criteria.map((criterion) => criterion.title)).toEqual([
      'Customer Insight',
      'The Culture of the Organisation',
      'Information and Access',
      'Delivery',
      'Timeliness and Quality of Service',
    ]);
    expect(cse.criteria[2].children[3].title).toBe('Co-operative Working with Other Providers, Partners and Communities');
    expect(cse.criteria[4].children[2]).toMatchObject({ code: '5.3', title: 'Achieved Timely Delivery', level: 'subCriterion' });
  });

  it('marks confirmed elements', async () => {
    const cse = await loadCse();
    const confirmed = ['1.1.1', '1.1.2', '1.2.1', '2.1.1', '3.1.1', '4.1.1', '4.1.2', '4.1.3', '4.2.1', '5.1.1'];

    for (const code of confirmed) {
      expect(cse.element(code)?.confirmed, code).toBe(true);
    }
    expect(cse.element('1.1.3')?.confirmed).toBe(false);
    expect(cse.elements.filter((element) => element.confirmed).map((element) => element.code)).toEqual(confirmed);
  });

  it('locates elements with their ancestors', async () => {
    const cse = await loadCse();

    expect(cse.element('4.3.6')).toEqual({
      code: '4.3.6',
      title: 'Complaints procedure reviewed with customers and staff',
      confirmed: false,
      ancestors: ['4', '4.3'],
    });
    expect(cse.hasElement('1.1.1')).toBe(true);
    expect(cse.hasElement('1.1')).toBe(false);
    expect(cse.hasElement('5.3.4')).toBe(false);
    expect(cse.element('9.9.9')).toBeUndefined();
    expect(cse.elementCodes().slice(0, 4)).toEqual(['1.1.1', '1.1.2', '1.1.3', '1.2.1']);
    expect(cse.elementCodes().at(-1)).toBe('5.3.3');
  });

  it('tags every node with its level', async () => {
    const cse = await loadCse();
    const element = cse.criteria[0].children[0].children[0];

    expect(cse.levels.map((level) => level.id)).toEqual(['criterion', 'subCriterion', 'element']);
    expect(cse.criteria[0].level).toBe('criterion');
    expect(element).toEqual({ code: '1.1.1', title: element.title, level: 'element', confirmed: true, children: [] });
  });

  it('has the four CSE ratings', async () => {
    const cse = await loadCse();

    expect(cse.ratingScale.map((rating) => [rating.id, rating.label])).toEqual([
      ['compliance_plus', 'Compliance Plus'],
      ['compliance', 'Compliance'],
      ['partial_compliance', 'Partial Compliance'],
      ['non_compliance', 'Non-Compliance'],
    ]);
    expect(cse.hasRating('partial_compliance')).toBe(true);
    expect(cse.hasRating('met')).toBe(false);
  });

  it('blocks on non-compliance and tolerates 11 partials', async () => {
    const cse = await loadCse();

    expect(cse.certificationRule).toEqual({ blocking: ['non_compliance'], maxCount: { partial_compliance: 11 } });
    expect(cse.ruleNote).toMatch(/80%/);
    expect(cse.ruleNote).toMatch(/certification body decides/);
  });

  it('says the wording is a paraphrase', async () => {
    const cse = await loadCse();

    expect(cse.notice).toMatch(/paraphrase/);
    expect(cse.notice).toMatch(/official text/);
    expect(cse.notice).toMatch(/new version/);
  });

  it('is frozen against changes', async () => {
    const cse = await loadCse();

    expect(Object.isFrozen(cse.elements)).toBe(true);
    expect(Object.isFrozen(cse.criteria[0].children[0])).toBe(true);
    expect(Object.isFrozen(cse.certificationRule.maxCount)).toBe(true);
  });
});
