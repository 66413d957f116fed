import type { LoadedStandard } from '../standards/standard-registry.ts';
import type { DemoClient } from './demo-client.ts';

/** The state every step of the demo's loading shares: an API client per person, the ids created so far and the progress output. */
export type DemoContext = {
  url: string;
  standard: LoadedStandard;
  /** An API client per person, by name. */
  clients: Map<string, DemoClient>;
  libraryIds: Map<string, string>;
  personIds: Map<string, string>;
  say: (line: string) => void;
};

/** Returns the API client of a person of the demo, by name. */
export function clientOf(context: DemoContext, name: string): DemoClient {
  const client = context.clients.get(name);
  if (client === undefined) throw new Error(`The demo has no API client for "${name}".`);
  return client;
}
