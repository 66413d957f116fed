import { JsonType } from '@mikro-orm/core';

import { sameJson } from '../applications/snapshot-json.ts';

function parsed(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/**
 * A JSON column whose change check ignores key order. PostgreSQL's jsonb hands
 * keys back in its own order, so the stock comparison would see every loaded
 * snapshot as changed and issue an UPDATE that bumps the optimistic lock.
 */
export class CanonicalJsonType extends JsonType {
  override compareValues(left: unknown, right: unknown): boolean {
    return sameJson(parsed(left), parsed(right));
  }
}
