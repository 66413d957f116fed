import type { Figure, RunFacts } from './figure.ts';

export const TABLE_COLUMNS = ['figure', 'value', 'floor', 'ratio', 'target', 'met', 'note'] as const;

// A pipe would end a Markdown cell early and a line break would end the row.
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ').trim();
}

/** Formats a value ÷ floor quotient with two decimals, or an em dash when a figure has none. */
export function formatRatio(ratio: number | null): string {
  return ratio === null || !Number.isFinite(ratio) ? '—' : ratio.toFixed(2);
}

/** Renders the figures as a Markdown table with the columns `figure | value | floor | ratio | target | met | note`. */
export function formatTable(figures: readonly Figure[]): string {
  const lines = [`| ${TABLE_COLUMNS.join(' | ')} |`, `| ${TABLE_COLUMNS.map(() => '---').join(' | ')} |`];
  for (const figure of figures) {
    const cells = [`${figure.heading}: ${figure.name}`, figure.value, figure.floor, formatRatio(figure.ratio), figure.target, figure.met ? 'yes' : 'no', figure.note];
    lines.push(`| ${cells.map(cell).join(' | ')} |`);
  }
  return lines.join('\n');
}

function gibibytes(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/** Renders docs/benchmarks.md: how the figures were made, the machine and versions, the date and the table. */
export function formatReport(facts: RunFacts, figures: readonly Figure[]): string {
  const missed = figures.filter((figure) => !figure.met).length;
  return `# Benchmarks

Written by \`npm run bench${facts.soak ? ' -- --soak' : ''}\` on ${facts.date.toISOString().slice(0, 10)}; the run took ${Math.round(facts.durationSeconds)} s.
Each figure is measured against a floor in the same run on the same machine, so the ratio (value ÷ floor) means
more than the absolute numbers. The run creates its own PostgreSQL database, starts the service as a separate
process and drives HTTP load with autocannon from another process on 127.0.0.1. Every load is bounded in
requests and in time. ${missed === 0 ? 'Every target was met.' : `${missed} of ${figures.length} targets were missed; the note gives the measured cause.`}

| Machine and software | |
| --- | --- |
| CPU | ${cell(facts.cpuModel)}, ${facts.cores} cores |
| Memory | ${gibibytes(facts.memoryBytes)} |
| Node.js | ${cell(facts.nodeVersion)} |
| PostgreSQL | ${cell(facts.postgresVersion)} |
| Chromium | ${cell(facts.chromiumVersion)} |
| Date | ${facts.date.toISOString()} |

${formatTable(figures)}
`;
}
