import type { EntityManager } from 'typeorm';

/**
 * Runs plain SQL written with `?` placeholders on either driver (PostgreSQL wants $1, $2, …).
 * Reports and checks use it so their queries stay explicit and portable.
 */
export function sql<T = Record<string, unknown>>(
  manager: EntityManager,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  let query = text;
  if (manager.connection.options.type === 'postgres') {
    let n = 0;
    query = text.replace(/\?/g, () => `$${++n}`);
  }
  return manager.query(query, params);
}

/** A SUM of đồng as exact text on both drivers (a JavaScript number would lose digits past 2^53). */
export function sumDong(column: string): string {
  return `CAST(COALESCE(SUM(${column}), 0) AS TEXT)`;
}
