import type { EntityManager } from 'typeorm';
import { Money } from '../common/money';
import { sql, sumDong } from '../database/sql';
import type { EntrySource } from '../ledger/entities';

/**
 * The books' reads, in plain SQL on both drivers, in the books' order: date, then entry id, then line number.
 * They walk journal_entries by (fund_id, entry_date) — the ix_entries_fund_date index — and reach the lines
 * through ix_lines_entry. `CROSS JOIN` keeps that join order on SQLite; to PostgreSQL it is a plain join, and
 * its planner may start from an account's lines instead when that is cheaper (see accountColumn). The files
 * read a page of entries at a time (journalEntriesAfter, then journalLines), so a keyset never has to run over
 * the lines themselves.
 *
 * Every read is bounded by `lastEntryId`, the newest entry when the request began. Entries are numbered in
 * commit order (posting serializes on the chain head), so the bound is a snapshot: the pages of one request
 * agree with its totals even while others post.
 */

export interface LedgerScope {
  fundId: number;
  accountId: number;
  from: string;
  to: string;
  lastEntryId: number;
}

export type JournalScope = Omit<LedgerScope, 'accountId'>;

/**
 * The date of the document an entry's Số chứng từ names (Ngày chứng từ), beside the date it is booked on (Ngày
 * ghi sổ). A receipt, voucher, payment order, transfer or request and its entry are made together under one
 * date, so for them the two agree; a reversal keeps the reversed entry's document number (a voided PT-…), so its
 * document is dated by the reversed entry, while the reversal is booked on its own date. Read, not stored: it
 * follows from what the books already hold, so no migration and no change to the hashed entries.
 */
export const DOCUMENT_DATE_SQL = `COALESCE((SELECT o.entry_date FROM journal_entries o WHERE o.id = e.reversal_of_id),
       e.entry_date)`;

/** One line of an account in the books' order. */
export interface LedgerLineRecord {
  date: string;
  /** Ngày chứng từ: see DOCUMENT_DATE_SQL. */
  documentDate: string;
  entryId: number;
  number: number;
  lineNo: number;
  sourceRef: string | null;
  description: string;
  debit: Money;
  credit: Money;
}

export interface Turnover {
  debit: Money;
  credit: Money;
}

export interface JournalEntryRecord {
  id: number;
  number: number;
  date: string;
  /** Ngày chứng từ: see DOCUMENT_DATE_SQL. */
  documentDate: string;
  source: EntrySource;
  sourceRef: string | null;
  description: string;
  reversalOf: number | null;
}

export interface JournalLineRecord {
  entryId: number;
  lineNo: number;
  account: string;
  accountName: string;
  debit: Money;
  credit: Money;
  memo: string | null;
}

/**
 * `+l.account_id` on SQLite: the unary plus hides ix_lines_account from its planner, which has no statistics
 * and would otherwise scan every line of the account for each entry instead of the entry's own few lines
 * (EXPLAIN QUERY PLAN showed it; a 10-year cash book took minutes). PostgreSQL has statistics and chooses well
 * between the two indexes (measured: the plain column is faster there, and much faster for a rarely used
 * account), so it gets the plain column.
 */
function accountColumn(manager: EntityManager): string {
  return manager.connection.options.type === 'postgres' ? 'l.account_id' : '+l.account_id';
}

const ledgerFrom = (manager: EntityManager) => `FROM journal_entries e CROSS JOIN journal_lines l
   WHERE l.entry_id = e.id AND e.fund_id = ? AND e.entry_date >= ? AND e.entry_date <= ? AND e.id <= ?
     AND ${accountColumn(manager)} = ?`;
const LEDGER_ORDER = 'ORDER BY e.entry_date, e.id, l.line_no';
const LINE_COLUMNS = `e.entry_date AS date, ${DOCUMENT_DATE_SQL} AS document_date, e.id AS entry_id, e.number,
       l.line_no, e.source_ref, e.description, l.debit, l.credit`;

const ledgerParams = (s: LedgerScope) => [s.fundId, s.from, s.to, s.lastEntryId, s.accountId];

interface LineRow {
  date: string;
  document_date: string;
  entry_id: number | string;
  number: number | string;
  line_no: number | string;
  source_ref: string | null;
  description: string;
  debit: string | number;
  credit: string | number;
}

const toLine = (r: LineRow): LedgerLineRecord => ({
  date: r.date,
  documentDate: r.document_date,
  entryId: Number(r.entry_id),
  number: Number(r.number),
  lineNo: Number(r.line_no),
  sourceRef: r.source_ref,
  description: r.description,
  debit: Money.fromStored(r.debit),
  credit: Money.fromStored(r.credit),
});

/** The newest entry id now: the snapshot bound of one request. */
export async function lastEntryId(manager: EntityManager): Promise<number> {
  const [row] = await sql<{ id: number | string | null }>(
    manager,
    'SELECT MAX(id) AS id FROM journal_entries',
  );
  return Number(row?.id ?? 0);
}

/**
 * Turnover of an account over lines dated before `before` that were posted after the snapshot: what the stored
 * balances already hold but the snapshot must not (ids above the bound are few, and found by primary key).
 */
export async function turnoverAfterSnapshot(
  manager: EntityManager,
  scope: Pick<LedgerScope, 'fundId' | 'accountId' | 'lastEntryId'>,
  before: string,
): Promise<Turnover> {
  const [row] = await sql<{ debit: string; credit: string }>(
    manager,
    `SELECT ${sumDong('l.debit')} AS debit, ${sumDong('l.credit')} AS credit
       FROM journal_entries e CROSS JOIN journal_lines l
      WHERE l.entry_id = e.id AND e.id > ? AND e.fund_id = ? AND e.entry_date < ? AND ${accountColumn(manager)} = ?`,
    [scope.lastEntryId, scope.fundId, before, scope.accountId],
  );
  return { debit: Money.fromStored(row.debit), credit: Money.fromStored(row.credit) };
}

/**
 * One account's lines among the lines of a page of entries (in entry order, as journalEntriesAfter gives
 * them), each with the entry's other accounts. The files read a ledger this way, a page of entries at a time
 * through ix_entries_fund_date: a keyset over the lines themselves led PostgreSQL to scan every line.
 */
export function accountLinesOf(
  entries: JournalEntryRecord[],
  linesByEntry: Map<number, JournalLineRecord[]>,
  accountCode: string,
): (LedgerLineRecord & { counterAccounts: string[] })[] {
  const result: (LedgerLineRecord & { counterAccounts: string[] })[] = [];
  for (const entry of entries) {
    const lines = linesByEntry.get(entry.id) ?? [];
    const own = lines.filter((line) => line.account === accountCode);
    if (own.length === 0) continue;
    const others = [...new Set(lines.filter((l) => l.account !== accountCode).map((l) => l.account))].sort();
    for (const line of own) {
      result.push({
        date: entry.date,
        documentDate: entry.documentDate,
        entryId: entry.id,
        number: entry.number,
        lineNo: line.lineNo,
        sourceRef: entry.sourceRef,
        description: entry.description,
        debit: line.debit,
        credit: line.credit,
        counterAccounts: others,
      });
    }
  }
  return result;
}

/** How many lines the account has in the range, and their turnover. */
export async function ledgerTotals(
  manager: EntityManager,
  scope: LedgerScope,
): Promise<Turnover & { count: number }> {
  const [row] = await sql<{ n: string | number; debit: string; credit: string }>(
    manager,
    `SELECT COUNT(*) AS n, ${sumDong('l.debit')} AS debit, ${sumDong('l.credit')} AS credit ${ledgerFrom(manager)}`,
    ledgerParams(scope),
  );
  return { count: Number(row.n), debit: Money.fromStored(row.debit), credit: Money.fromStored(row.credit) };
}

/** The turnover of the first `count` lines of the range: what comes before a page that starts at `count`. */
export async function ledgerTurnoverBefore(
  manager: EntityManager,
  scope: LedgerScope,
  count: number,
): Promise<Turnover> {
  if (count === 0) return { debit: Money.ZERO, credit: Money.ZERO };
  const [row] = await sql<{ debit: string; credit: string }>(
    manager,
    `SELECT ${sumDong('t.debit')} AS debit, ${sumDong('t.credit')} AS credit FROM (
        SELECT l.debit, l.credit ${ledgerFrom(manager)} ${LEDGER_ORDER} LIMIT ?
     ) t`,
    [...ledgerParams(scope), count],
  );
  return { debit: Money.fromStored(row.debit), credit: Money.fromStored(row.credit) };
}

/** A numbered page of lines (the JSON answer). */
export async function ledgerPage(
  manager: EntityManager,
  scope: LedgerScope,
  offset: number,
  limit: number,
): Promise<LedgerLineRecord[]> {
  const rows = await sql<LineRow>(
    manager,
    `SELECT ${LINE_COLUMNS} ${ledgerFrom(manager)} ${LEDGER_ORDER} LIMIT ? OFFSET ?`,
    [...ledgerParams(scope), limit, offset],
  );
  return rows.map(toLine);
}

/** Per entry, the codes of its other accounts (TK đối ứng), sorted. */
export async function counterAccounts(
  manager: EntityManager,
  entryIds: number[],
  accountId: number,
): Promise<Map<number, string[]>> {
  const result = new Map<number, string[]>();
  if (entryIds.length === 0) return result;
  const ids = [...new Set(entryIds)];
  const rows = await sql<{ entry_id: number | string; code: string }>(
    manager,
    `SELECT DISTINCT l.entry_id, a.code FROM journal_lines l JOIN accounts a ON a.id = l.account_id
      WHERE l.entry_id IN (${ids.map(() => '?').join(', ')}) AND l.account_id <> ?
      ORDER BY l.entry_id, a.code`,
    [...ids, accountId],
  );
  for (const row of rows) {
    const id = Number(row.entry_id);
    const codes = result.get(id);
    if (codes) codes.push(row.code);
    else result.set(id, [row.code]);
  }
  return result;
}

// --- the journal ------------------------------------------------------------------------------------------------

const JOURNAL_FROM = `FROM journal_entries e
   WHERE e.fund_id = ? AND e.entry_date >= ? AND e.entry_date <= ? AND e.id <= ?`;
const journalParams = (s: JournalScope) => [s.fundId, s.from, s.to, s.lastEntryId];

interface EntryRow {
  id: number | string;
  number: number | string;
  entry_date: string;
  document_date: string;
  source: EntrySource;
  source_ref: string | null;
  description: string;
  reversal_of_id: number | string | null;
}

const toEntry = (r: EntryRow): JournalEntryRecord => ({
  id: Number(r.id),
  number: Number(r.number),
  date: r.entry_date,
  documentDate: r.document_date,
  source: r.source,
  sourceRef: r.source_ref,
  description: r.description,
  reversalOf: r.reversal_of_id === null ? null : Number(r.reversal_of_id),
});

const ENTRY_COLUMNS = `e.id, e.number, e.entry_date, ${DOCUMENT_DATE_SQL} AS document_date, e.source, e.source_ref,
       e.description, e.reversal_of_id`;

/** How many entries the range has, and the turnover of all their lines. */
export async function journalTotals(
  manager: EntityManager,
  scope: JournalScope,
): Promise<Turnover & { count: number }> {
  const [entries] = await sql<{ n: string | number }>(
    manager,
    `SELECT COUNT(*) AS n ${JOURNAL_FROM}`,
    journalParams(scope),
  );
  const [lines] = await sql<{ debit: string; credit: string }>(
    manager,
    `SELECT ${sumDong('l.debit')} AS debit, ${sumDong('l.credit')} AS credit
       FROM journal_entries e CROSS JOIN journal_lines l
      WHERE l.entry_id = e.id AND e.fund_id = ? AND e.entry_date >= ? AND e.entry_date <= ? AND e.id <= ?`,
    journalParams(scope),
  );
  return {
    count: Number(entries.n),
    debit: Money.fromStored(lines.debit),
    credit: Money.fromStored(lines.credit),
  };
}

export async function journalPage(
  manager: EntityManager,
  scope: JournalScope,
  offset: number,
  limit: number,
): Promise<JournalEntryRecord[]> {
  const rows = await sql<EntryRow>(
    manager,
    `SELECT ${ENTRY_COLUMNS} ${JOURNAL_FROM} ORDER BY e.entry_date, e.id LIMIT ? OFFSET ?`,
    [...journalParams(scope), limit, offset],
  );
  return rows.map(toEntry);
}

export async function journalEntriesAfter(
  manager: EntityManager,
  scope: JournalScope,
  cursor: { date: string; entryId: number } | null,
  limit: number,
): Promise<JournalEntryRecord[]> {
  const after = cursor ? 'AND e.entry_date >= ? AND (e.entry_date > ? OR e.id > ?)' : '';
  const params = cursor ? [cursor.date, cursor.date, cursor.entryId] : [];
  const rows = await sql<EntryRow>(
    manager,
    `SELECT ${ENTRY_COLUMNS} ${JOURNAL_FROM} ${after} ORDER BY e.entry_date, e.id LIMIT ?`,
    [...journalParams(scope), ...params, limit],
  );
  return rows.map(toEntry);
}

/** The lines of these entries with their account codes and names, grouped by entry in line order. */
export async function journalLines(
  manager: EntityManager,
  entryIds: number[],
): Promise<Map<number, JournalLineRecord[]>> {
  const result = new Map<number, JournalLineRecord[]>();
  if (entryIds.length === 0) return result;
  const rows = await sql<{
    entry_id: number | string;
    line_no: number | string;
    code: string;
    name: string;
    debit: string | number;
    credit: string | number;
    memo: string | null;
  }>(
    manager,
    `SELECT l.entry_id, l.line_no, a.code, a.name_vi AS name, l.debit, l.credit, l.memo
       FROM journal_lines l JOIN accounts a ON a.id = l.account_id
      WHERE l.entry_id IN (${entryIds.map(() => '?').join(', ')})
      ORDER BY l.entry_id, l.line_no`,
    entryIds,
  );
  for (const row of rows) {
    const id = Number(row.entry_id);
    const line: JournalLineRecord = {
      entryId: id,
      lineNo: Number(row.line_no),
      account: row.code,
      accountName: row.name,
      debit: Money.fromStored(row.debit),
      credit: Money.fromStored(row.credit),
      memo: row.memo,
    };
    const lines = result.get(id);
    if (lines) lines.push(line);
    else result.set(id, [line]);
  }
  return result;
}
