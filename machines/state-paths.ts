import type { AnyStateNode } from 'xstate';

import { applicationMachine } from './application.machine.ts';

/** Every state of the application machine by its dotted path, with whether it contains other states. */
export function applicationStatePaths(): { path: string; compound: boolean }[] {
  const paths: { path: string; compound: boolean }[] = [];
  const visit = (node: AnyStateNode, prefix: string) => {
    for (const [key, child] of Object.entries(node.states) as [string, AnyStateNode][]) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      paths.push({ path, compound: Object.keys(child.states).length > 0 });
      visit(child, path);
    }
  };
  visit(applicationMachine.root, '');
  return paths;
}
