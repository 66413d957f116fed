import type { AnyStateNode } from 'xstate';

import { applicationMachine } from '../../machines/application.machine.ts';
import { stateInWords } from './page-templates.ts';

/** A state as the diagram draws it. A compound state's count is the sum over its leaf states. */
export type DiagramState = { path: string; words: string; count: number; compound: boolean; depth: number };
export type DiagramEdge = { from: string; to: string; event: string };

const BOX_X = 300;
const BOX_WIDTH = 240;
const BOX_HEIGHT = 40;
const ROW_HEIGHT = 64;
const TOP = 30;
const WIDTH = 1040;

function pathOf(node: AnyStateNode): string {
  return node.path.join('.');
}

/** Walks the machine definition: every state node in document order, and every transition with its targets. */
export function readLifecycle(counts: Record<string, number>): { states: DiagramState[]; edges: DiagramEdge[] } {
  const states: DiagramState[] = [];
  const edges: DiagramEdge[] = [];
  const visit = (node: AnyStateNode, depth: number) => {
    const children = Object.values(node.states) as AnyStateNode[];
    if (node !== applicationMachine.root) {
      const path = pathOf(node);
      const count = children.length === 0 ? (counts[path] ?? 0) : Object.entries(counts).filter(([state]) => state.startsWith(`${path}.`)).reduce((sum, [, n]) => sum + n, 0);
      states.push({ path, words: children.length === 0 ? stateInWords(path) : compoundWords(path), count, compound: children.length > 0, depth });
      for (const [event, transitions] of node.transitions) {
        for (const transition of transitions) {
          for (const target of transition.target ?? []) {
            const to = pathOf(target);
            if (!edges.some((edge) => edge.from === path && edge.to === to && edge.event === event)) edges.push({ from: path, to, event });
          }
        }
      }
    }
    for (const child of children) visit(child, node === applicationMachine.root ? 0 : depth + 1);
  };
  visit(applicationMachine.root, 0);
  return { states, edges };
}

// A compound state has no entry in the pages' state names, so its camel-case key becomes words: peerReview is "Peer review".
function compoundWords(path: string): string {
  const words = path.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Draws the lifecycle as an SVG arc diagram: one row per state in the machine's
 * order, transitions to a later row on the right and back to an earlier row on
 * the left, each labelled with its event type. A compound state is drawn as a
 * frame around its children, and its transitions start at the frame.
 */
export function lifecycleSvg(counts: Record<string, number>): string {
  const { states, edges } = readLifecycle(counts);
  const row = new Map<string, number>();
  let next = 0;
  for (const state of states) {
    // Half a row of space above a compound state leaves room for its label.
    if (state.compound) next += 0.5;
    else row.set(state.path, next++);
  }
  // A compound state sits on the rows of its first and last leaf.
  const span = (path: string): [number, number] => {
    if (row.has(path)) return [row.get(path)!, row.get(path)!];
    const inside = states.filter((state) => !state.compound && state.path.startsWith(`${path}.`)).map((state) => row.get(state.path)!);
    return [Math.min(...inside), Math.max(...inside)];
  };
  const middleY = (index: number) => TOP + index * ROW_HEIGHT + BOX_HEIGHT / 2;
  const height = TOP + next * ROW_HEIGHT + 20;

  const parts: string[] = [];
  for (const state of states) {
    const [first, last] = span(state.path);
    if (state.compound) {
      const y = TOP + first * ROW_HEIGHT - 14;
      parts.push(`<rect x="${BOX_X - 14}" y="${y}" width="${BOX_WIDTH + 28}" height="${(last - first) * ROW_HEIGHT + BOX_HEIGHT + 24}" fill="none" stroke="#505a5f" stroke-dasharray="6 4"/>`);
      parts.push(`<text x="${BOX_X - 10}" y="${y - 4}" font-size="13" fill="#0b0c0c">${escapeXml(state.words)} (${state.count})</text>`);
      continue;
    }
    const y = TOP + first * ROW_HEIGHT;
    parts.push(`<rect x="${BOX_X}" y="${y}" width="${BOX_WIDTH}" height="${BOX_HEIGHT}" rx="4" fill="#f3f2f1" stroke="#0b0c0c" stroke-width="2"/>`);
    parts.push(`<text x="${BOX_X + BOX_WIDTH / 2}" y="${y + 25}" font-size="15" text-anchor="middle" fill="#0b0c0c">${escapeXml(state.words)}: ${state.count}</text>`);
  }

  for (const [index, edge] of edges.entries()) {
    const [fromFirst, fromLast] = span(edge.from);
    const to = span(edge.to)[0];
    const forward = to > fromLast;
    const from = forward ? fromLast : fromFirst;
    const distance = Math.abs(to - from);
    // Arcs over longer distances bulge further, and a small offset per edge keeps parallel arcs apart.
    const bulge = 40 + distance * 34 + (index % 3) * 10;
    const edgeX = forward ? BOX_X + BOX_WIDTH : BOX_X;
    const controlX = forward ? edgeX + bulge : edgeX - bulge;
    const [y1, y2] = [middleY(from) + (forward ? 6 : -6), middleY(to) + (forward ? -6 : 6)];
    parts.push(`<path d="M ${edgeX} ${y1} C ${controlX} ${y1}, ${controlX} ${y2}, ${edgeX} ${y2}" fill="none" stroke="#1d4e89" stroke-width="1.5" marker-end="url(#lifecycle-arrow)"/>`);
    const labelX = forward ? edgeX + bulge * 0.75 + 4 : edgeX - bulge * 0.75 - 4;
    parts.push(`<text x="${labelX}" y="${(y1 + y2) / 2 + 4}" font-size="12" fill="#0b0c0c" text-anchor="${forward ? 'start' : 'end'}">${escapeXml(edge.event)}</text>`);
  }

  const summary = states.filter((state) => !state.compound).map((state) => `${state.words} ${state.count}`).join(', ');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-labelledby="lifecycle-title lifecycle-desc" class="lifecycle">`,
    '<title id="lifecycle-title">Application lifecycle with the number of applications in each state</title>',
    `<desc id="lifecycle-desc">${escapeXml(`States and counts: ${summary}. ${edges.length} transitions, each labelled with its event.`)}</desc>`,
    '<defs><marker id="lifecycle-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#1d4e89"/></marker></defs>',
    ...parts,
    '</svg>',
  ].join('\n');
}
