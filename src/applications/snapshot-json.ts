/**
 * Returns a copy of a JSON value with object keys sorted, so that two equal
 * snapshots compare equal as text whatever order PostgreSQL's jsonb or XState
 * produced their keys in.
 */
export function canonicalJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(canonicalJson) as T;
  if (value === null || typeof value !== 'object') return value;

  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) sorted[key] = canonicalJson(item);
  }
  return sorted as T;
}

export function sameJson(left: unknown, right: unknown): boolean {
  return JSON.stringify(canonicalJson(left)) === JSON.stringify(canonicalJson(right));
}

/** Returns a machine state value as the dotted path the API shows, such as `peerReview.inReview`. */
export function statePath(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') {
    const [key] = Object.keys(value);
    if (key !== undefined) {
      const child = statePath((value as Record<string, unknown>)[key]);
      return child === '' ? key : `${key}.${child}`;
    }
  }
  return '';
}
