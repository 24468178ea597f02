import type { EntityManager } from 'typeorm';
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

/** Lines per multi-row INSERT: one statement text per count up to this, so few texts are cached. */
const LINES_PER_INSERT = 20;

export const postingRepository = {
  /**
   * The fund's books, for this transaction's posting. On PostgreSQL `FOR UPDATE` is the row lock that serializes
   * the fund's posters across processes (its entry numbers and its hash chain), and only that fund's.
   */
  async bookByCode(tx: EntityManager, fundCode: string): Promise<Book | null> {
    const forUpdate = tx.connection.options.type === 'postgres' ? ' FOR UPDATE' : '';
    const [row] = await prepared<{
      fund_id: number;
      fund_code: string;
      locked_through: string | null;
      last_entry_no: number;
      last_hash: string;
      closed_on: string | null;
      closed_note: string | null;
    }>(
      tx,
      `SELECT fund_id, fund_code, locked_through, last_entry_no, last_hash, closed_on, closed_note FROM books
        WHERE fund_code = ?${forUpdate}`,
      [fundCode],
    );
    if (!row) return null;
    return {
      fundId: row.fund_id,
      fundCode: row.fund_code,
      lockedThrough: row.locked_through,
      lastEntryNo: row.last_entry_no,
      lastHash: row.last_hash,
      closedOn: row.closed_on,
      closedNote: row.closed_note,
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

  /** funds/ owns the table; ledger/ reads the one column it needs without importing that feature. */
  async fundValidFrom(tx: EntityManager, fundId: number): Promise<string | null> {
    const [row] = await prepared<{ valid_from: string | null }>(
      tx,
      'SELECT valid_from FROM funds WHERE id = ?',
      [fundId],
    );
    return row?.valid_from ?? null;
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

  async insertEntry(tx: EntityManager, entry: NewEntryRow): Promise<number> {
    const [row] = await prepared<{ id: number }>(
      tx,
      `INSERT INTO journal_entries (fund_id, number, entry_date, description, source, source_ref, reversal_of_id,
              posted_by, posted_at, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [
        entry.fundId,
        entry.number,
        entry.entryDate,
        entry.description,
        entry.source,
        entry.sourceRef,
        entry.reversalOfId,
        entry.postedBy,
        entry.postedAt,
        entry.prevHash,
        entry.hash,
      ],
    );
    return Number(row.id);
  },

  async insertLines(tx: EntityManager, entryId: number, lines: NewLineRow[]): Promise<void> {
    for (let start = 0; start < lines.length; start += LINES_PER_INSERT) {
      const part = lines.slice(start, start + LINES_PER_INSERT);
      await prepared(
        tx,
        `INSERT INTO journal_lines (entry_id, line_no, account_id, debit, credit, memo) VALUES ${part
          .map(() => '(?, ?, ?, CAST(? AS BIGINT), CAST(? AS BIGINT), ?)')
          .join(', ')}`,
        part.flatMap((l) => [entryId, l.lineNo, l.accountId, l.debit, l.credit, l.memo]),
      );
    }
  },

  /** Adds a turnover to an account's month, creating the row on its first line (added in SQL, exactly). */
  async addToBalance(
    tx: EntityManager,
    row: { accountId: number; period: string; fundId: number; debit: string; credit: string },
  ): Promise<void> {
    await prepared(
      tx,
      `INSERT INTO account_balances (account_id, period, fund_id, debit, credit)
       VALUES (?, ?, ?, CAST(? AS BIGINT), CAST(? AS BIGINT))
       ON CONFLICT (account_id, period) DO UPDATE
          SET debit = account_balances.debit + excluded.debit, credit = account_balances.credit + excluded.credit`,
      [row.accountId, row.period, row.fundId, row.debit, row.credit],
    );
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
