import type { Heatmap } from './dashboard-panels.ts';

const LABEL_WIDTH = 260;
const CELL_WIDTH = 90;
const CELL_HEIGHT = 32;
const HEADER_HEIGHT = 40;

// Five bands of a sequential blue scale. Each band's text colour keeps a contrast of at least 4.5:1 against its fill.
const BANDS = [
  { from: 80, fill: '#08306b', text: '#ffffff', words: '80 to 100%' },
  { from: 60, fill: '#2171b5', text: '#ffffff', words: '60 to 79%' },
  { from: 40, fill: '#6baed6', text: '#0b0c0c', words: '40 to 59%' },
  { from: 20, fill: '#c6dbef', text: '#0b0c0c', words: '20 to 39%' },
  { from: 0, fill: '#f3f2f1', text: '#0b0c0c', words: '0 to 19%' },
];

function band(percent: number) {
  return BANDS.find((candidate) => percent >= candidate.from) ?? BANDS[BANDS.length - 1];
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Returns the colour bands with their fill, for the legend under the heatmap. */
export function heatmapLegend(): { fill: string; words: string }[] {
  return BANDS.map(({ fill, words }) => ({ fill, words }));
}

/**
 * Draws the heatmap as inline SVG: one row per library, one column per criterion.
 * The pages' Content-Security-Policy forbids inline styles, so colour comes from
 * `fill` attributes, and each cell also prints its percentage so colour is not
 * the only carrier of the value.
 */
export function heatmapSvg(heatmap: Heatmap): string {
  const criteria = heatmap.standard.criteria;
  const width = LABEL_WIDTH + criteria.length * CELL_WIDTH + 10;
  const height = HEADER_HEIGHT + heatmap.rows.length * CELL_HEIGHT + 10;
  const measure = heatmap.mode === 'coverage' ? 'elements with evidence' : 'elements self-rated as fully met';

  const parts: string[] = [];
  for (const [column, criterion] of criteria.entries()) {
    const x = LABEL_WIDTH + column * CELL_WIDTH + CELL_WIDTH / 2;
    parts.push(`<text x="${x}" y="${HEADER_HEIGHT - 14}" font-size="14" font-weight="700" text-anchor="middle" fill="#0b0c0c">Criterion ${escapeXml(criterion.code)}</text>`);
  }
  for (const [index, row] of heatmap.rows.entries()) {
    const y = HEADER_HEIGHT + index * CELL_HEIGHT;
    const name = row.libraryName.length > 34 ? `${row.libraryName.slice(0, 33)}…` : row.libraryName;
    parts.push(`<text x="${LABEL_WIDTH - 8}" y="${y + 21}" font-size="14" text-anchor="end" fill="#0b0c0c">${escapeXml(name)}</text>`);
    for (const [column, cell] of row.cells.entries()) {
      const colours = band(cell.percent);
      const x = LABEL_WIDTH + column * CELL_WIDTH;
      parts.push(`<rect x="${x + 1}" y="${y + 1}" width="${CELL_WIDTH - 2}" height="${CELL_HEIGHT - 2}" fill="${colours.fill}" stroke="#b1b4b6"/>`);
      parts.push(`<text x="${x + CELL_WIDTH / 2}" y="${y + 21}" font-size="14" text-anchor="middle" fill="${colours.text}">${cell.percent}%</text>`);
    }
  }

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="heatmap-title heatmap-desc" class="heatmap">`,
    `<title id="heatmap-title">${escapeXml(`Share of ${measure} per library and criterion, ${heatmap.standard.title}`)}</title>`,
    `<desc id="heatmap-desc">${heatmap.rows.length} libraries against ${criteria.length} criteria. The same figures are in the table that follows.</desc>`,
    ...parts,
    '</svg>',
  ].join('\n');
}
