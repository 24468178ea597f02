import type { EntityManager } from 'typeorm';
import { Money } from '../common/money';
import { sql, sumDong } from '../database/sql';
import type { TrialBalance, TrialBalanceRow } from '../ledger/journal-query.service';

export interface EliminatedRow {
  account: string;
  name: string;
  /** Debit turnover removed from the consolidated figures. */
  debit: string;
  credit: string;
}

export interface TransferEliminations {
  /** How many transfers had both their sender and their receiver inside the consolidated funds. */
  transfers: number;
  rows: EliminatedRow[];
}

/**
 * What a consolidated report removes (DESIGN.md §6, §8): both entries of every transfer whose sender and
 * receiver are both among `fundIds`, dated on or before `asOf`. Inside the group such a transfer is money moving
 * from one pocket to another, so its 6121 and 5121 turnover and its cash or bank legs must not count; a transfer
 * to or from a fund outside the group is real income or spending of the group and stays.
 *
 * When both entries of such a transfer were reversed (POST /api/journal-entries/:id/reverse), the two reversals
 * are removed as well once both are dated on or before `asOf`: together they too move money inside the group. A
 * reversal of one side only is left in, so the consolidated cash and bank still equal the funds' own.
 *
 * Every removed entry balances, so the totals stay equal. The query reads the transfers and their entries' lines
 * only: its cost grows with the number of transfers, not with the number of ordinary entries.
 */
export async function transferEliminations(
  manager: EntityManager,
  fundIds: number[],
  asOf: string,
): Promise<TransferEliminations> {
  if (fundIds.length < 2) return { transfers: 0, rows: [] };
  const marks = fundIds.map(() => '?').join(', ');
  const inGroup = `FROM transfers t WHERE t.from_fund_id IN (${marks}) AND t.to_fund_id IN (${marks})
                      AND t.transfer_date <= ?`;
  const params = [...fundIds, ...fundIds, asOf];

  const [count] = await sql<{ n: string | number }>(manager, `SELECT COUNT(*) AS n ${inGroup}`, params);
  if (Number(count.n) === 0) return { transfers: 0, rows: [] };

  // `IN`, not a join: SQLite then walks the removed entries through ix_lines_entry instead of scanning every line.
  const rows = await sql<{ code: string; name: string; debit: string; credit: string }>(
    manager,
    `WITH pairs AS (
        SELECT t.from_entry_id AS out_id, t.to_entry_id AS in_id ${inGroup}
     ), reversed AS (
        SELECT ro.id AS out_id, ri.id AS in_id
          FROM pairs p
          JOIN journal_entries ro ON ro.reversal_of_id = p.out_id
          JOIN journal_entries ri ON ri.reversal_of_id = p.in_id
         WHERE ro.entry_date <= ? AND ri.entry_date <= ?
     ), removed AS (
        SELECT out_id AS entry_id FROM pairs
        UNION ALL SELECT in_id FROM pairs
        UNION ALL SELECT out_id FROM reversed
        UNION ALL SELECT in_id FROM reversed
     )
     SELECT a.code, MIN(a.name_vi) AS name, ${sumDong('l.debit')} AS debit, ${sumDong('l.credit')} AS credit
       FROM journal_lines l
       JOIN accounts a ON a.id = l.account_id
      WHERE l.entry_id IN (SELECT entry_id FROM removed)
      GROUP BY a.code
      ORDER BY a.code`,
    [...params, asOf, asOf],
  );
  return {
    transfers: Number(count.n),
    rows: rows.map((r) => ({
      account: r.code,
      name: r.name,
      debit: Money.fromStored(r.debit).toString(),
      credit: Money.fromStored(r.credit).toString(),
    })),
  };
}

/**
 * The trial balance less the eliminated turnover, per account. An account whose whole turnover was eliminated
 * (typically 6121 and 5121 of a group that only moved money inside itself) leaves the list.
 */
export function eliminate(balance: TrialBalance, eliminated: EliminatedRow[]): TrialBalance {
  const removed = new Map(eliminated.map((e) => [e.account, e]));
  const rows: TrialBalanceRow[] = [];
  for (const row of balance.rows) {
    const cut = removed.get(row.account);
    if (!cut) {
      rows.push(row);
      continue;
    }
    const debit = Money.fromStored(row.debit).minus(Money.fromStored(cut.debit));
    const credit = Money.fromStored(row.credit).minus(Money.fromStored(cut.credit));
    if (debit.isNegative() || credit.isNegative()) {
      // The eliminated lines are part of the turnover they are taken from; anything else is a broken book.
      throw new Error(`elimination exceeds the turnover of account ${row.account}`);
    }
    if (debit.isZero() && credit.isZero()) continue;
    rows.push({
      ...row,
      debit: debit.toString(),
      credit: credit.toString(),
      balance: debit.minus(credit).toString(),
    });
  }
  return {
    rows,
    totalDebit: Money.sum(rows.map((r) => Money.fromStored(r.debit))).toString(),
    totalCredit: Money.sum(rows.map((r) => Money.fromStored(r.credit))).toString(),
  };
}
