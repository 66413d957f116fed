import { describe, expect, it } from 'vitest';

import { formatReport, formatTable } from '../../scripts/bench/benchmark-table.ts';
import type { Figure, RunFacts } from '../../scripts/bench/figure.ts';

const met: Figure = { heading: 'Reads', name: 'GET /api/applications/:id', value: '1,200 requests/s', floor: '30,000 requests/s', ratio: 0.04, target: '≥ 0.40', met: true, note: '' };
const missed: Figure = { heading: 'Memory', name: 'service peak', value: '438 MB', floor: '218 MB', ratio: null, target: '< 300 MB', met: false, note: 'Heap | grew\nunder load' };

const facts: RunFacts = {
  date: new Date('2026-12-04T10:00:00Z'),
  cpuModel: 'Example CPU',
  cores: 2,
  memoryBytes: 24 * 1024 ** 3,
  nodeVersion: 'v24.22.3',
  postgresVersion: '15.20',
  chromiumVersion: 'Chromium 140',
  soak: false,
  durationSeconds: 140,
};

describe('formatTable', () => {
  it('writes the contracted header', () => {
    const [header, rule] = formatTable([met]).split('\n');
    expect(header).toBe('| figure | value | floor | ratio | target | met | note |');
    expect(rule).toBe('| --- | --- | --- | --- | --- | --- | --- |');
  });

  it('starts each figure with its heading', () => {
    const rows = formatTable([met, missed]).split('\n').slice(2);
    expect(rows[0].startsWith('| Reads: GET /api/applications/:id |')).toBe(true);
    expect(rows[1].startsWith('| Memory: service peak |')).toBe(true);
  });

  it('writes met as yes or no', () => {
    const rows = formatTable([met, missed]).split('\n').slice(2);
    expect(rows[0]).toContain('| 0.04 | ≥ 0.40 | yes |');
    expect(rows[1]).toContain('| — | < 300 MB | no |');
  });

  it('keeps a pipe or line break in a note inside its cell', () => {
    const row = formatTable([missed]).split('\n')[2];
    expect(row.endsWith('| Heap \\| grew under load |')).toBe(true);
    expect(row.split(/(?<!\\)\|/)).toHaveLength(9);
  });
});

describe('formatReport', () => {
  it('lists the machine, versions and date above the table', () => {
    const report = formatReport(facts, [met, missed]);
    expect(report).toContain('| CPU | Example CPU, 2 cores |');
    expect(report).toContain('| Memory | 24.0 GiB |');
    expect(report).toContain('| Node.js | v24.22.3 |');
    expect(report).toContain('| PostgreSQL | 15.20 |');
    expect(report).toContain('| Chromium | Chromium 140 |');
    expect(report).toContain('| Date | 2026-12-04T10:00:00.000Z |');
    expect(report).toContain('1 of 2 targets were missed');
    expect(report.indexOf('| figure | value |')).toBeGreaterThan(report.indexOf('| Date |'));
  });
});
