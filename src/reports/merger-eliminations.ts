import type { EntityManager } from 'typeorm';
import { Money } from '../common/money';
import { sql, sumDong } from '../database/sql';
import type { EliminatedRow } from './transfer-eliminations';
import { keptArrays } from './read-cache';

export interface MergerEliminations {
  /** How many mergers had both their predecessor and their successor inside the consolidated funds. */
  mergers: number;
  rows: EliminatedRow[];
}

/**
 * What a consolidated report removes for a merger (DESIGN.md §7): the handover entry out of the predecessor and
 * the opening entry into the successor, when both funds are among `fundIds` and the cutoff is on or before
 * `asOf`. Inside the group they only move balances from one fund's books to another's, so — like a transfer
 * between funds of the group — they must not count as turnover; the group's cash and bank stay what they were.
 * The merger's closing entry (receipts and disbursements into 431) stays — it is the predecessor's own close —
 * except for its part in transfers inside the group, which transferEliminations() removes with those transfers
 * (closing-eliminations.ts), so 5121 and 6121 still net to zero.
 *
 * Both entries are dated the cutoff and balance, so removing them keeps the totals equal. The cost grows with the
 * number of mergers, not with entries.
 */
export async function mergerEliminations(
  manager: EntityManager,
  fundIds: number[],
  asOf: string,
): Promise<MergerEliminations> {
  if (fundIds.length < 2) return { mergers: 0, rows: [] };
  const marks = fundIds.map(() => '?').join(', ');
  const inGroup = `FROM fund_mergers m WHERE m.predecessor_id IN (${marks}) AND m.successor_id IN (${marks})
                     AND m.cutoff <= ?`;
  const params = [...fundIds, ...fundIds, asOf];
  // Prepared and kept (read-cache.ts): every consolidated trial balance runs it, most often to find none.
  const [[count]] = await keptArrays<[string | number]>(manager, `SELECT COUNT(*) AS n ${inGroup}`, params);
  if (Number(count) === 0) return { mergers: 0, rows: [] };

  const rows = await sql<{ code: string; name: string; debit: string; credit: string }>(
    manager,
    `WITH removed AS (
        SELECT m.handover_entry_id AS entry_id ${inGroup} AND m.handover_entry_id IS NOT NULL
        UNION ALL
        SELECT m.opening_entry_id ${inGroup} AND m.opening_entry_id IS NOT NULL
     )
     SELECT a.code, MIN(a.name_vi) AS name, ${sumDong('l.debit')} AS debit, ${sumDong('l.credit')} AS credit
       FROM journal_lines l
       JOIN accounts a ON a.id = l.account_id
      WHERE l.entry_id IN (SELECT entry_id FROM removed)
      GROUP BY a.code
      ORDER BY a.code`,
    [...params, ...params],
  );
  return {
    mergers: Number(count),
    rows: rows.map((r) => ({
      account: r.code,
      name: r.name,
      debit: Money.fromStored(r.debit).toString(),
      credit: Money.fromStored(r.credit).toString(),
    })),
  };
}

/** Two sets of eliminated turnover as one, summed per account (eliminate() takes one row per account). */
export function combineEliminations(...sets: EliminatedRow[][]): EliminatedRow[] {
  const byAccount = new Map<string, { name: string; debit: Money; credit: Money }>();
  for (const row of sets.flat()) {
    const sum = byAccount.get(row.account) ?? { name: row.name, debit: Money.ZERO, credit: Money.ZERO };
    byAccount.set(row.account, {
      name: sum.name,
      debit: sum.debit.plus(Money.fromStored(row.debit)),
      credit: sum.credit.plus(Money.fromStored(row.credit)),
    });
  }
  return [...byAccount.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([account, sum]) => ({
      account,
      name: sum.name,
      debit: sum.debit.toString(),
      credit: sum.credit.toString(),
    }));
}
