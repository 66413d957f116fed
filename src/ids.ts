const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reports whether `value` has the shape of a UUID; checked before a query, since PostgreSQL rejects a malformed uuid with an error. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
