import type { EntityManager } from 'typeorm';
import { assert, present } from '../common/assert';
import { prepared } from '../database/prepared';
import { sumDong } from '../database/sql';
import type { Account, Book } from './entities';

/**
 * The posting path's statements, prepared once and run on the posting transaction's connection (database/
 * prepared.ts): TypeORM's per-statement SQL building cost more than the writes themselves (issue 13). The rules
 * stay in PostingService; this holds none. Amounts go in as digit strings and come out as text, never as a
 * JavaScript number (better-sqlite3 rounds an INTEGER above 2^53).
 */

/** What posting needs of an account. */
export type PostingAccount = Pick<Account, 'id' | 'code' | 'nameVi' | 'nonNegative'>;

export interface NewEntryRow {
  fundId: number;
  number: number;
  entryDate: string;
  description: string;
  source: string;
  sourceRef: string | null;
  reversalOfId: number | null;
  postedBy: string;
  postedAt: string;
  prevHash: string;
  hash: string;
}

export interface NewLineRow {
  lineNo: number;
  accountId: number;
  debit: string;
  credit: string;
  memo: string | null;
}

/** A turnover to add to an account's month. */
export interface BalanceDelta {
  accountId: number;
  period: string;
  fundId: number;
  debit: string;
  credit: string;
}

const isPostgres = (tx: EntityManager) => tx.connection.options.type === 'postgres';

/** The statements of SQLite's posting path; PostgreSQL posts through fundReadsPg and writePostedPg alone. */
const sqliteOnly = (tx: EntityManager, what: string) =>
  assert(!isPostgres(tx), `${what} is SQLite's; PostgreSQL posts through fundReadsPg and writePostedPg`);

const INSERT_ENTRY = `INSERT INTO journal_entries (fund_id, number, entry_date, description, source, source_ref,
         reversal_of_id, posted_by, posted_at, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Adds a turnover to an account's month, creating the row on its first line (added in SQL, exactly). */
async function addToBalance(tx: EntityManager, row: BalanceDelta): Promise<void> {
  await prepared(
    tx,
    `INSERT INTO account_balances (account_id, period, fund_id, debit, credit)
     VALUES (?, ?, ?, CAST(? AS BIGINT), CAST(? AS BIGINT))
     ON CONFLICT (account_id, period) DO UPDATE
        SET debit = account_balances.debit + excluded.debit, credit = account_balances.credit + excluded.credit`,
    [row.accountId, row.period, row.fundId, row.debit, row.credit],
  );
}

/**
 * Runs a one-row INSERT and answers the row's id. PostgreSQL: `RETURNING id` (one round trip). SQLite: the plain
 * INSERT (insertEachSqlite) — better-sqlite3 runs an INSERT … RETURNING as a reader, which measured twice the cost
 * of the insert itself (4.0 → 1.9 s for 30,000 contributions).
 */
export async function insertOne(tx: EntityManager, insert: string, params: unknown[]): Promise<number> {
  if (isPostgres(tx)) {
    const [row] = await prepared<{ id: number }>(tx, `${insert} RETURNING id`, params);
    return Number(row.id);
  }
  const [id] = await insertEachSqlite(tx, insert, [params]);
  return id;
}

interface SqliteInsert {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
}
const sqliteInserts = new WeakMap<object, Map<string, SqliteInsert>>();

/**
 * Runs a one-row INSERT once per row on SQLite, in one synchronous loop on the transaction's connection, and
 * answers the rows' ids (better-sqlite3's `lastInsertRowid`), in order: no promise, no `last_insert_rowid()` read
 * per row. One row per statement on purpose: a multi-row INSERT (a SELECT inside, for SQLite) on tables with
 * foreign keys keeps a statement journal of every page it changes, to undo itself alone; deep inside an import's
 * long transaction that journal passed 64 KB each statement and went to a temporary file — 11 million `pwrite`
 * calls, 20 s of system time, for 1,000,000 rows. A one-row INSERT needs none. `insert` must be a fixed text.
 */
export async function insertEachSqlite(
  tx: EntityManager,
  insert: string,
  rows: readonly (readonly unknown[])[],
): Promise<number[]> {
  const runner = tx.queryRunner as unknown as { connect(): Promise<unknown> } | undefined;
  if (!runner) {
    // Outside a transaction (TypeORM's own connection, no query runner): the INSERT, then its row's id.
    const ids: number[] = [];
    for (const values of rows) {
      await prepared(tx, insert, [...values]);
      const [row] = await prepared<{ id: number }>(tx, 'SELECT last_insert_rowid() AS id');
      ids.push(Number(row.id));
    }
    return ids;
  }
  const connection = (await runner.connect()) as { prepare(text: string): SqliteInsert };
  let cache = sqliteInserts.get(connection);
  if (!cache) sqliteInserts.set(connection, (cache = new Map<string, SqliteInsert>()));
  let statement = cache.get(insert);
  if (!statement) {
    statement = connection.prepare(insert);
    if (cache.size >= 100) cache.clear();
    cache.set(insert, statement);
  }
  const ids = new Array<number>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const result = statement.run(...rows[i]);
    assert(result.changes === 1, `INSERT wrote ${result.changes} rows`);
    ids[i] = Number(result.lastInsertRowid);
  }
  return ids;
}

/** What posting reads of a fund's own row. */
export interface FundDates {
  validFrom: string | null;
  createdAt: string | null;
}

/** What posting reads of a fund before it checks entries: its book, dates and the accounts its entries name. */
export interface FundReads {
  book: Book;
  dates: FundDates;
  accounts: PostingAccount[];
}

/** An entry's line as the PostgreSQL write takes it: its entry is known by (fund, number), its id not yet. */
export interface NewPostedLine extends NewLineRow {
  fundId: number;
  number: number;
}

/**
 * PostgreSQL, one round trip: the fund's books row locked FOR UPDATE, its dates (as fundDates) and the accounts of
 * `codes` (as accounts). The row lock serializes the fund's posters across processes (its entry numbers and its
 * hash chain), and only that fund's; it waits for the fund's previous poster and the statement then
 * reads the books and funds rows as committed; accounts and funds change only in writes that hold lock 7201
 * exclusively, never beside this one.
 */
const FUND_READS_PG = `SELECT b.fund_id, b.fund_code, b.locked_through, b.last_entry_no, b.last_hash, b.closed_on,
         b.closed_note, f.valid_from, f.created_at,
         (SELECT json_agg(json_build_array(a.id, a.code, a.name_vi, a.non_negative))
            FROM accounts a WHERE a.fund_id = b.fund_id AND a.code = ANY(?::text[])) AS accounts
    FROM books b LEFT JOIN funds f ON f.id = b.fund_id
   WHERE b.fund_code = ? FOR UPDATE OF b`;

/**
 * PostgreSQL: another table's rows written in the same statement as their entries (a contribution's row), each
 * given its entry's id in `entry_id`, the last column. Saves the row's own round trip inside the fund's lock.
 */
export interface RowsOfEntries {
  /** The table and its columns, without `entry_id`; a fixed text (statement texts are cached by it). */
  table: string;
  columns: readonly string[];
  /** Each column's PostgreSQL type, as the arrays' element type: 'int', 'bigint', 'text'. */
  types: readonly string[];
  /** One row per entry, in the entries' order: the columns' values. Built when called, after the entries'. */
  rows: () => (readonly unknown[])[];
}

/**
 * PostgreSQL, one round trip for what posting writes (issue 13): the entries (one row per array element), their
 * lines matched to them by (fund, number) and kept in input order, the monthly turnovers added, each fund's head
 * moved, and with `also` another table's rows. One fixed text whatever the number of entries, lines and funds;
 * answers the entries' ids (and the other rows' ids).
 */
function writePostedText(also: Omit<RowsOfEntries, 'rows'> | null): string {
  const key = also ? `${also.table}(${also.columns.join(',')}):${also.types.join(',')}` : '';
  let text = writePostedTexts.get(key);
  if (text) return text;
  const alsoPart = also
    ? `, r AS (
    INSERT INTO ${also.table} (${also.columns.join(', ')}, entry_id)
    SELECT ${also.columns.map((_, i) => `x.v${i}`).join(', ')}, e.id
      FROM unnest(${also.types.map((t) => `?::${t}[]`).join(', ')}, ?::int[], ?::int[])
           WITH ORDINALITY AS x(${also.columns.map((_, i) => `v${i}`).join(', ')}, fund_id, number, ord)
      JOIN e ON e.fund_id = x.fund_id AND e.number = x.number
     ORDER BY x.ord
    RETURNING id, entry_id
  )`
    : '';
  text = `WITH e AS (
    INSERT INTO journal_entries (fund_id, number, entry_date, description, source, source_ref, reversal_of_id,
           posted_by, posted_at, prev_hash, hash)
    SELECT * FROM unnest(?::int[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::text[],
           ?::text[], ?::text[], ?::text[])
    RETURNING id, fund_id, number
  ), l AS (
    INSERT INTO journal_lines (entry_id, line_no, account_id, debit, credit, memo)
    SELECT e.id, x.line_no, x.account_id, x.debit, x.credit, x.memo
      FROM unnest(?::int[], ?::int[], ?::int[], ?::int[], ?::bigint[], ?::bigint[], ?::text[])
           WITH ORDINALITY AS x(fund_id, number, line_no, account_id, debit, credit, memo, ord)
      JOIN e ON e.fund_id = x.fund_id AND e.number = x.number
     ORDER BY x.ord
  ), t AS (
    INSERT INTO account_balances (account_id, period, fund_id, debit, credit)
    SELECT * FROM unnest(?::int[], ?::text[], ?::int[], ?::bigint[], ?::bigint[])
    ON CONFLICT (account_id, period) DO UPDATE
       SET debit = account_balances.debit + excluded.debit, credit = account_balances.credit + excluded.credit
  ), h AS (
    UPDATE books SET last_entry_no = x.last_entry_no, last_hash = x.last_hash
      FROM unnest(?::int[], ?::int[], ?::text[]) AS x(fund_id, last_entry_no, last_hash)
     WHERE books.fund_id = x.fund_id
  )${alsoPart}
  ${also ? 'SELECT e.id, e.fund_id, e.number, r.id AS row_id FROM e LEFT JOIN r ON r.entry_id = e.id' : 'SELECT id, fund_id, number, NULL AS row_id FROM e'}`;
  writePostedTexts.set(key, text);
  return text;
}
const writePostedTexts = new Map<string, string>();

/** A fund's `books` row as read by bookByCode and fundReadsPg. */
interface BookRow {
  fund_id: number;
  fund_code: string;
  locked_through: string | null;
  last_entry_no: number;
  last_hash: string;
  closed_on: string | null;
  closed_note: string | null;
}

function bookOf(row: BookRow): Book {
  return {
    fundId: row.fund_id,
    fundCode: row.fund_code,
    lockedThrough: row.locked_through,
    lastEntryNo: row.last_entry_no,
    lastHash: row.last_hash,
    closedOn: row.closed_on,
    closedNote: row.closed_note,
  };
}

export const postingRepository = {
  /**
   * SQLite: the fund's books, for this transaction's posting (the database's one writer serializes posters).
   * PostgreSQL reads them locked, with the fund's dates and accounts, in fundReadsPg.
   */
  async bookByCode(tx: EntityManager, fundCode: string): Promise<Book | null> {
    sqliteOnly(tx, 'bookByCode');
    const [row] = await prepared<BookRow>(
      tx,
      `SELECT fund_id, fund_code, locked_through, last_entry_no, last_hash, closed_on, closed_note FROM books
        WHERE fund_code = ?`,
      [fundCode],
    );
    return row ? bookOf(row) : null;
  },

  /** PostgreSQL: the fund's book, dates and accounts in one round trip (FUND_READS_PG); null when no such fund. */
  async fundReadsPg(tx: EntityManager, fundCode: string, codes: string[]): Promise<FundReads | null> {
    const [row] = await prepared<
      BookRow & {
        valid_from: string | null;
        created_at: string | null;
        accounts: [number, string, string, number | boolean][] | null;
      }
    >(tx, FUND_READS_PG, [codes, fundCode]);
    if (!row) return null;
    return {
      book: bookOf(row),
      dates: { validFrom: row.valid_from ?? null, createdAt: row.created_at ?? null },
      accounts: (row.accounts ?? []).map(([id, code, nameVi, nonNegative]) => ({
        id: Number(id),
        code,
        nameVi,
        nonNegative: Number(nonNegative),
      })),
    };
  },

  /**
   * PostgreSQL: writes entries, their lines, the turnovers and the funds' heads in one statement (writePostedText),
   * and `also`'s rows, and answers the entries' ids, in order (and the other rows', null without `also`). The same
   * rows as SQLite's insertEntries, insertLines, addToBalances and setBookHead one after the other.
   */
  async writePostedPg(
    tx: EntityManager,
    entries: NewEntryRow[],
    lines: NewPostedLine[],
    balances: BalanceDelta[],
    heads: { fundId: number; lastEntryNo: number; lastHash: string }[],
    also: RowsOfEntries | null = null,
  ): Promise<{ ids: number[]; rowIds: number[] | null }> {
    const params: unknown[] = [
      entries.map((e) => e.fundId),
      entries.map((e) => e.number),
      entries.map((e) => e.entryDate),
      entries.map((e) => e.description),
      entries.map((e) => e.source),
      entries.map((e) => e.sourceRef),
      entries.map((e) => e.reversalOfId),
      entries.map((e) => e.postedBy),
      entries.map((e) => e.postedAt),
      entries.map((e) => e.prevHash),
      entries.map((e) => e.hash),
      lines.map((l) => l.fundId),
      lines.map((l) => l.number),
      lines.map((l) => l.lineNo),
      lines.map((l) => l.accountId),
      lines.map((l) => l.debit),
      lines.map((l) => l.credit),
      lines.map((l) => l.memo),
      balances.map((b) => b.accountId),
      balances.map((b) => b.period),
      balances.map((b) => b.fundId),
      balances.map((b) => b.debit),
      balances.map((b) => b.credit),
      heads.map((h) => h.fundId),
      heads.map((h) => h.lastEntryNo),
      heads.map((h) => h.lastHash),
    ];
    if (also) {
      const rows = also.rows();
      assert(
        rows.length === entries.length,
        `${rows.length} ${also.table} rows for ${entries.length} entries`,
      );
      params.push(
        ...also.columns.map((_, c) => rows.map((row) => row[c])),
        entries.map((e) => e.fundId),
        entries.map((e) => e.number),
      );
    }
    const answer = await prepared<{ id: number; fund_id: number; number: number; row_id: number | null }>(
      tx,
      writePostedText(also),
      params,
    );
    const byEntry = new Map(answer.map((r) => [`${r.fund_id}:${r.number}`, r]));
    const found = entries.map((e) =>
      present(byEntry.get(`${e.fundId}:${e.number}`), `entry ${e.fundId}:${e.number}`),
    );
    return {
      ids: found.map((r) => Number(r.id)),
      rowIds: also ? found.map((r) => Number(present(r.row_id, `${also.table} row of entry ${r.id}`))) : null,
    };
  },

  /** Moves the fund's head to its new last entry: its number and hash. */
  async setBookHead(tx: EntityManager, fundId: number, lastEntryNo: number, lastHash: string): Promise<void> {
    await prepared(tx, 'UPDATE books SET last_entry_no = ?, last_hash = ? WHERE fund_id = ?', [
      lastEntryNo,
      lastHash,
      fundId,
    ]);
  },

  /** The fund's first day and its creation time (the automatic month lock counts from it); funds/ owns the table. */
  async fundDates(tx: EntityManager, fundId: number): Promise<FundDates> {
    const [row] = await prepared<{ valid_from: string | null; created_at: string | null }>(
      tx,
      'SELECT valid_from, created_at FROM funds WHERE id = ?',
      [fundId],
    );
    return { validFrom: row?.valid_from ?? null, createdAt: row?.created_at ?? null };
  },

  async accounts(tx: EntityManager, fundId: number, codes: string[]): Promise<PostingAccount[]> {
    if (codes.length === 0) return [];
    const rows = await prepared<{ id: number; code: string; name_vi: string; non_negative: number }>(
      tx,
      `SELECT id, code, name_vi, non_negative FROM accounts
        WHERE fund_id = ? AND code IN (${codes.map(() => '?').join(', ')})`,
      [fundId, ...codes],
    );
    return rows.map((r) => ({
      id: r.id,
      code: r.code,
      nameVi: r.name_vi,
      nonNegative: Number(r.non_negative),
    }));
  },

  /** SQLite: inserts entries and answers their ids, in order (one-row INSERTs in a loop, insertEachSqlite). */
  async insertEntries(tx: EntityManager, entries: NewEntryRow[]): Promise<number[]> {
    sqliteOnly(tx, 'insertEntries');
    return insertEachSqlite(
      tx,
      INSERT_ENTRY,
      entries.map((e) => [
        e.fundId,
        e.number,
        e.entryDate,
        e.description,
        e.source,
        e.sourceRef,
        e.reversalOfId,
        e.postedBy,
        e.postedAt,
        e.prevHash,
        e.hash,
      ]),
    );
  },

  /**
   * SQLite: inserts lines of one or more entries, one-row INSERTs in a loop (insertEachSqlite: a multi-row one keeps
   * a statement journal). Each line's `entry` is its entry's place in `entryIds`.
   */
  async insertLines(
    tx: EntityManager,
    lines: (NewLineRow & { entry: number })[],
    entryIds: number[],
  ): Promise<void> {
    sqliteOnly(tx, 'insertLines');
    await insertEachSqlite(
      tx,
      'INSERT INTO journal_lines (entry_id, line_no, account_id, debit, credit, memo) VALUES (?, ?, ?, CAST(? AS BIGINT), CAST(? AS BIGINT), ?)',
      lines.map((l) => [entryIds[l.entry], l.lineNo, l.accountId, l.debit, l.credit, l.memo]),
    );
  },

  /**
   * SQLite: adds turnovers to accounts' months, creating a row on its first line (added in SQL, exactly), the
   * prepared one-row upsert in a loop. One (account, period) at most once in `rows`.
   */
  async addToBalances(tx: EntityManager, rows: BalanceDelta[]): Promise<void> {
    sqliteOnly(tx, 'addToBalances');
    for (const row of rows) await addToBalance(tx, row);
  },

  /** An account's turnover over all time, as exact text. */
  async accountTotal(tx: EntityManager, accountId: number): Promise<{ debit: string; credit: string }> {
    const [total] = await prepared<{ debit: string; credit: string }>(
      tx,
      `SELECT ${sumDong('debit')} AS debit, ${sumDong('credit')} AS credit FROM account_balances WHERE account_id = ?`,
      [accountId],
    );
    return total;
  },

  /** An account's turnover per day from `date` on, in date order. */
  accountDaysFrom(
    tx: EntityManager,
    fundId: number,
    date: string,
    accountId: number,
  ): Promise<{ day: string; debit: string; credit: string }[]> {
    return prepared(
      tx,
      `SELECT e.entry_date AS day, ${sumDong('l.debit')} AS debit, ${sumDong('l.credit')} AS credit
         FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
        WHERE e.fund_id = ? AND e.entry_date >= ? AND l.account_id = ?
        GROUP BY e.entry_date ORDER BY e.entry_date`,
      [fundId, date, accountId],
    );
  },
};
