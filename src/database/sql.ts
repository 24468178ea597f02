import type { EntityManager } from 'typeorm';
import { assert } from '../common/assert';

/**
 * Runs plain SQL written with `?` placeholders on either driver (PostgreSQL wants $1, $2, …).
 * Reports and checks use it so their queries stay explicit and portable.
 *
 * Every `?` in the text is a placeholder: a literal question mark (in a string, a comment, PostgreSQL's JSON `?`
 * operator) would be rewritten into a parameter, so the count of `?` must equal the count of parameters.
 */
export function sql<T = Record<string, unknown>>(
  manager: EntityManager,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const placeholders = text.split('?').length - 1;
  assert(
    placeholders === params.length,
    `SQL has ${placeholders} "?" for ${params.length} parameters; no literal "?" may appear in SQL text`,
  );
  let query = text;
  if (manager.connection.options.type === 'postgres') {
    let n = 0;
    query = text.replace(/\?/g, () => `$${++n}`);
  }
  return manager.query(query, params);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/** A column or `alias.column` name, checked: for the helpers that splice a name into SQL text, never input. */
export function identifier(name: string): string {
  assert(IDENTIFIER.test(name), `"${name}" is not an SQL identifier (only names are spliced, never input)`);
  return name;
}

/** A SUM of đồng as exact text on both drivers (a JavaScript number would lose digits past 2^53). */
export function sumDong(column: string): string {
  return `CAST(COALESCE(SUM(${identifier(column)}), 0) AS TEXT)`;
}
