import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { assert } from '../common/assert';
import { sql } from './sql';

/**
 * Prepared statements for a hot path (the posting path), run on the transaction's own connection without
 * TypeORM building SQL each time: better-sqlite3's `prepare`, cached per connection and text; on PostgreSQL a
 * named prepared statement, which the `pg` client parses once per pooled connection.
 *
 * The SQL is written with `?` placeholders, as for `sql()`, and must be a fixed text: the cache is keyed by it.
 * Everything else keeps using TypeORM.
 */

interface SqliteStatement {
  reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
}
interface SqliteConnection {
  prepare(text: string): SqliteStatement;
}
interface PgConnection {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}
interface QueryRunnerLike {
  connect(): Promise<unknown>;
}

/** Distinct statement texts one cache may hold: the hot path has a few dozen (a few per line count). */
const MAX_CACHED_STATEMENTS = 500;

const sqliteCaches = new WeakMap<object, Map<string, SqliteStatement>>();
const pgTexts = new Map<string, { name: string; text: string }>();

export async function prepared<T = Record<string, unknown>>(
  tx: EntityManager,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const runner = tx.queryRunner as unknown as QueryRunnerLike | undefined;
  if (!runner) return sql<T>(tx, text, params);
  const type = tx.connection.options.type;
  if (type === 'better-sqlite3') {
    const connection = (await runner.connect()) as SqliteConnection;
    let cache = sqliteCaches.get(connection);
    if (!cache) {
      cache = new Map();
      sqliteCaches.set(connection, cache);
    }
    let statement = cache.get(text);
    if (!statement) {
      assert(
        text.split('?').length - 1 === params.length,
        `SQL has ${text.split('?').length - 1} "?" for ${params.length} parameters`,
      );
      statement = connection.prepare(text);
      if (cache.size >= MAX_CACHED_STATEMENTS) cache.clear();
      cache.set(text, statement);
    }
    if (statement.reader) return statement.all(...params) as T[];
    statement.run(...params);
    return [];
  }
  if (type === 'postgres') {
    let named = pgTexts.get(text);
    if (!named) {
      const placeholders = text.split('?').length - 1;
      assert(placeholders === params.length, `SQL has ${placeholders} "?" for ${params.length} parameters`);
      let n = 0;
      named = {
        name: `den_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`,
        text: text.replace(/\?/g, () => `$${++n}`),
      };
      if (pgTexts.size >= MAX_CACHED_STATEMENTS) pgTexts.clear();
      pgTexts.set(text, named);
    }
    const connection = (await runner.connect()) as PgConnection;
    const result = await connection.query({ ...named, values: params });
    return result.rows as T[];
  }
  return sql<T>(tx, text, params);
}
