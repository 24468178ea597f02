// Programmer errors, as opposed to bad input: a broken invariant stops the request with a 500 and a stack in the
// log, instead of a blind cast letting `undefined` flow into the books.

export class AssertionError extends Error {
  constructor(message: string) {
    super(`assertion failed: ${message}`);
    this.name = 'AssertionError';
  }
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** The value, which must be there: a map lookup of a row the same query produced, a column that is NOT NULL. */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new AssertionError(`${what} is missing`);
  return value;
}
