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
  raw(on: boolean): SqliteStatement;
}
interface SqliteConnection {
  prepare(text: string): SqliteStatement;
}
interface PgConnection {
  query(config: {
    name: string;
    text: string;
    values: unknown[];
    rowMode?: 'array';
  }): Promise<{ rows: unknown[] }>;
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
  return run<T>(tx, text, params, false);
}

/**
 * A read on a prepared statement whose rows are arrays of the selected columns, in order: for a long read (verify,
 * exports), where building an object per row costs more than the database's work. Outside a transaction it runs
 * on better-sqlite3's one connection as TypeORM would, or through TypeORM on PostgreSQL.
 */
export async function preparedArrays<T extends unknown[] = unknown[]>(
  manager: EntityManager,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  return run<T>(manager, text, params, true);
}

async function run<T>(tx: EntityManager, text: string, params: unknown[], arrays: boolean): Promise<T[]> {
  const runner = tx.queryRunner as unknown as QueryRunnerLike | undefined;
  const type = tx.connection.options.type;
  if (!runner && !(arrays && type === 'better-sqlite3')) {
    const rows = await sql<Record<string, unknown>>(tx, text, params);
    return (arrays ? rows.map((row) => Object.values(row)) : rows) as T[];
  }
  if (type === 'better-sqlite3') {
    const connection = (
      runner
        ? await runner.connect()
        : (tx.connection.driver as unknown as { databaseConnection: unknown }).databaseConnection
    ) as SqliteConnection;
    let cache = sqliteCaches.get(connection);
    if (!cache) {
      cache = new Map();
      sqliteCaches.set(connection, cache);
    }
    const key = arrays ? `arrays:${text}` : text;
    let statement = cache.get(key);
    if (!statement) {
      assert(
        text.split('?').length - 1 === params.length,
        `SQL has ${text.split('?').length - 1} "?" for ${params.length} parameters`,
      );
      statement = connection.prepare(text);
      if (arrays) statement.raw(true);
      if (cache.size >= MAX_CACHED_STATEMENTS) cache.clear();
      cache.set(key, statement);
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
    const connection = (await (runner as QueryRunnerLike).connect()) as PgConnection;
    const result = await connection.query({
      ...named,
      values: params,
      ...(arrays ? { rowMode: 'array' as const } : {}),
    });
    return result.rows as T[];
  }
  return sql<T>(tx, text, params);
}
