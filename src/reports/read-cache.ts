import type { EntityManager } from 'typeorm';
import { preparedArrays } from '../database/prepared';

/**
 * The reads of the statement and the trial balance, kept while the books stay as they were (SQLite only).
 *
 * A report reads the same stored months, closes and transfers as the report before it until something is written,
 * so each read is kept with the books' version at the moment it was asked for, read on the connection the report
 * reads through: SQLite's `total_changes()` (every row inserted, updated or deleted through that connection,
 * committed or not, never going back) and `PRAGMA data_version` (which changes whenever any other connection
 * commits). For a database in a file, reports read on the query_only reader connection (`openReader` in
 * src/database/data-source.ts; `UnitOfWork.manager`), where `total_changes()` never moves: every write — the app's
 * own, through its writer connection, or another process's, a `cli` command's, a worker thread's — shows as a new
 * `data_version` once committed, and a write in progress or rolled back is not seen there at all. For an in-memory
 * database reports read on the one connection that also writes, and `total_changes()` is what moves. Before a read
 * is answered from memory both are read again; if either moved, every kept read is dropped. A read asked for while
 * its connection is inside a transaction (a write in progress there may be rolled back, and total_changes would not
 * go back with it) or on a transaction's manager is never kept nor answered from memory.
 *
 * Why a kept read is never stale: its version is taken before it runs, so what it returns is at least that recent;
 * if the books changed after the version was taken, the counters moved, and they never come back to a value already
 * seen, so that version is never met again. PostgreSQL (several processes, no such counter) always reads.
 *
 * A kept answer is shared by every later request until the books change: keptArrays() freezes its rows, and every
 * other caller of keptRead() freezes what it keeps or keeps it read-only by type (ReadonlyMap) and copies what it
 * changes. Callers read kept answers, never change them.
 */

interface SqliteConnection {
  inTransaction: boolean;
  prepare(text: string): { raw(on: boolean): { get(): unknown[] } };
}

interface Kept {
  version: string;
  version_statement: { get(): unknown[] };
  reads: Map<string, Promise<unknown>>;
}

/** Distinct reads kept at one time (a statement makes about ten; a new version drops them all anyway). */
const MAX_KEPT = 200;

const kept = new WeakMap<object, Kept>();

/** The better-sqlite3 connection `manager` reads on, when a read may be kept: SQLite, outside any transaction. */
function keepable(manager: EntityManager): SqliteConnection | null {
  if (manager.connection.options.type !== 'better-sqlite3' || manager.queryRunner) return null;
  const connection = (manager.connection.driver as unknown as { databaseConnection?: SqliteConnection })
    .databaseConnection;
  if (!connection || connection.inTransaction) return null;
  return connection;
}

/**
 * `read()`'s answer, from memory when the same `key` was read at the books' current version. `key` must name
 * everything the answer depends on besides the books (the SQL text and its parameters).
 */
export function keptRead<T>(manager: EntityManager, key: string, read: () => Promise<T>): Promise<T> {
  const connection = keepable(manager);
  if (!connection) return read();
  let state = kept.get(connection);
  if (!state) {
    state = {
      version: '',
      version_statement: connection
        .prepare('SELECT total_changes(), (SELECT data_version FROM pragma_data_version())')
        .raw(true),
      reads: new Map(),
    };
    kept.set(connection, state);
  }
  const version = state.version_statement.get().join(':');
  if (version !== state.version) {
    state.version = version;
    state.reads.clear();
  }
  const found = state.reads.get(key) as Promise<T> | undefined;
  if (found) return found;
  const answer = read();
  if (state.reads.size >= MAX_KEPT) state.reads.clear();
  const reads = state.reads;
  reads.set(key, answer);
  // A failed read is not kept.
  answer.catch(() => reads.get(key) === answer && reads.delete(key));
  return answer;
}

/** preparedArrays() kept by keptRead(): the rows, and each row, frozen. */
export function keptArrays<T extends unknown[] = unknown[]>(
  manager: EntityManager,
  text: string,
  params: unknown[] = [],
): Promise<readonly Readonly<T>[]> {
  return keptRead(manager, `${text}\u0000${JSON.stringify(params)}`, async () => {
    const rows = await preparedArrays<T>(manager, text, params);
    for (const row of rows) Object.freeze(row);
    return Object.freeze(rows);
  });
}
