import type { EntityManager } from 'typeorm';
import { Money } from '../common/money';
import { identifier, sql } from '../database/sql';
import type { Direction, StatementLineStatus } from './entities';
import type { BookItem, StatementItem } from './matcher';

/**
 * The reads of the reconciliation, in explicit SQL: statement lines of a fund and 112 journal lines, each with the
 * live (proposed or confirmed) match that holds it, if any.
 */

export interface StatementLineView {
  id: number;
  statementId: number;
  /** The line of the imported file. */
  lineNo: number;
  date: string;
  amount: string;
  direction: Direction;
  reference: string | null;
  description: string | null;
  status: StatementLineStatus;
  matchId: number | null;
}

export interface JournalLineView {
  /** The journal line's id. */
  id: number;
  entryId: number;
  entryNumber: number;
  date: string;
  /** `in` = debit 112, `out` = credit 112. */
  direction: Direction;
  amount: string;
  sourceRef: string | null;
  description: string;
  memo: string | null;
  /** The entry was reversed or is a reversal. */
  reversal: boolean;
  matchId: number | null;
}

export interface LineFilter {
  from?: string | null;
  to?: string | null;
  ids?: readonly number[];
  /** Only lines no live match holds. */
  freeOnly?: boolean;
}

/** Ids sent in one IN (…) list. */
const IDS_PER_QUERY = 500;

/**
 * The fund's statement lines, but never a dropped one (a repeat the accountant dropped: not in any balance, never
 * matched); a pending repeat is listed but is not free to match until it is kept.
 */
export async function statementLines(
  manager: EntityManager,
  fundId: number,
  filter: LineFilter,
): Promise<StatementLineView[]> {
  return inChunks(filter.ids, async (ids) => {
    const { clause, params } = conditions('l.line_date', 'l.id', filter, ids);
    const rows = await sql<{
      id: number;
      statement_id: number;
      line_no: number;
      line_date: string;
      amount: string | number;
      direction: Direction;
      reference: string | null;
      description: string | null;
      status: StatementLineStatus;
      match_id: number | string | null;
    }>(
      manager,
      `SELECT l.id, l.statement_id, l.line_no, l.line_date, l.amount, l.direction, l.reference, l.description,
              l.status,
              (SELECT MAX(i.match_id) FROM bank_match_items i
                WHERE i.statement_line_id = l.id AND i.live_key IS NOT NULL) AS match_id
         FROM bank_statement_lines l JOIN bank_statements s ON s.id = l.statement_id
        WHERE s.fund_id = ? AND l.status <> 'dropped'${clause}${filter.freeOnly ? " AND l.status = 'unmatched'" : ''}
        ORDER BY l.line_date, l.id`,
      [fundId, ...params],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      statementId: Number(r.statement_id),
      lineNo: Number(r.line_no),
      date: r.line_date,
      amount: Money.fromStored(r.amount).toString(),
      direction: r.direction,
      reference: r.reference,
      description: r.description,
      status: r.status,
      matchId: r.match_id === null ? null : Number(r.match_id),
    }));
  });
}

export async function journalLines(
  manager: EntityManager,
  accountId: number,
  filter: LineFilter,
): Promise<JournalLineView[]> {
  return inChunks(filter.ids, async (ids) => {
    const { clause, params } = conditions('e.entry_date', 'l.id', filter, ids);
    const rows = await sql<{
      id: number;
      entry_id: number;
      number: number;
      entry_date: string;
      debit: string | number;
      credit: string | number;
      memo: string | null;
      description: string;
      source_ref: string | null;
      reversal: number | string;
      match_id: number | string | null;
    }>(
      manager,
      `SELECT * FROM (
         SELECT l.id, l.entry_id, e.number, e.entry_date, l.debit, l.credit, l.memo, e.description, e.source_ref,
                CASE WHEN e.reversal_of_id IS NOT NULL
                       OR EXISTS (SELECT 1 FROM journal_entries r WHERE r.reversal_of_id = e.id)
                     THEN 1 ELSE 0 END AS reversal,
                (SELECT MAX(i.match_id) FROM bank_match_items i
                  WHERE i.journal_line_id = l.id AND i.live_key IS NOT NULL) AS match_id
           FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
          WHERE l.account_id = ?${clause}
       ) t${filter.freeOnly ? ' WHERE t.match_id IS NULL' : ''}
       ORDER BY t.entry_date, t.id`,
      [accountId, ...params],
    );
    return rows.map((r) => {
      const debit = Money.fromStored(r.debit);
      return {
        id: Number(r.id),
        entryId: Number(r.entry_id),
        entryNumber: Number(r.number),
        date: r.entry_date,
        direction: debit.isPositive() ? ('in' as const) : ('out' as const),
        amount: (debit.isPositive() ? debit : Money.fromStored(r.credit)).toString(),
        sourceRef: r.source_ref,
        description: r.description,
        memo: r.memo,
        reversal: Number(r.reversal) === 1,
        matchId: r.match_id === null ? null : Number(r.match_id),
      };
    });
  });
}

export function toStatementItem(line: StatementLineView): StatementItem {
  return {
    id: line.id,
    date: line.date,
    amountDong: BigInt(line.amount),
    direction: line.direction,
    reference: line.reference,
    description: line.description,
  };
}

export function toBookItem(line: JournalLineView): BookItem {
  return {
    id: line.id,
    date: line.date,
    amountDong: BigInt(line.amount),
    direction: line.direction,
    sourceRef: line.sourceRef,
    text: line.memo === null ? line.description : `${line.description} ${line.memo}`,
    reversal: line.reversal,
  };
}

function conditions(
  dateColumn: string,
  idColumn: string,
  filter: LineFilter,
  ids: readonly number[] | null,
): { clause: string; params: unknown[] } {
  // The column names are spliced into the SQL text: names only, never input.
  identifier(dateColumn);
  identifier(idColumn);
  let clause = '';
  const params: unknown[] = [];
  if (filter.from) {
    clause += ` AND ${dateColumn} >= ?`;
    params.push(filter.from);
  }
  if (filter.to) {
    clause += ` AND ${dateColumn} <= ?`;
    params.push(filter.to);
  }
  if (ids !== null) {
    clause += ` AND ${idColumn} IN (${ids.map(() => '?').join(', ')})`;
    params.push(...ids);
  }
  return { clause, params };
}

/** Runs a query once (no id list), or once per slice of the id list; nothing at all for an empty list. */
async function inChunks<T>(
  ids: readonly number[] | undefined,
  query: (ids: readonly number[] | null) => Promise<T[]>,
): Promise<T[]> {
  if (ids === undefined) return query(null);
  const result: T[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY)
    result.push(...(await query(ids.slice(i, i + IDS_PER_QUERY))));
  return result;
}
