import type { EntityManager } from 'typeorm';
import { Money } from '../common/money';
import { sql, sumDong } from '../database/sql';
import type { TrialBalance, TrialBalanceRow } from '../ledger/journal-query.service';
import { ClosingPart, closingParts, readCloses, RemovedLine, walkClosingParts } from './closing-eliminations';
import { keptArrays } from './read-cache';

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
 * receiver are both among `fundIds`, dated on or before `asOf`, and the part of the funds' closing entries that
 * closed those transfers' 5121 and 6121 turnover into 431 (closing-eliminations.ts), so that inside the group
 * 5121 and 6121 net to zero after a year-end close or a merger as before it. Inside the group such a transfer is money moving
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
  const byFund = await transferEliminationsByFund(manager, fundIds, asOf);
  const totals = new Map<string, { name: string; debit: Money; credit: Money }>();
  for (const row of byFund.rows) {
    const total = totals.get(row.account) ?? { name: row.name, debit: Money.ZERO, credit: Money.ZERO };
    total.debit = total.debit.plus(Money.fromStored(row.debit));
    total.credit = total.credit.plus(Money.fromStored(row.credit));
    totals.set(row.account, total);
  }
  return {
    transfers: byFund.transfers,
    rows: [...totals.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([account, t]) => ({
        account,
        name: t.name,
        debit: t.debit.toString(),
        credit: t.credit.toString(),
      })),
  };
}

/** An eliminated turnover of one account in one fund's books. */
export interface EliminatedFundRow extends EliminatedRow {
  fundId: number;
  /**
   * Set on the part of closing entries (year-end or merger closes, and their reversals) that closed transfers
   * inside the group (reports/closing-eliminations.ts); unset on the transfers' own lines.
   */
  closing?: true;
}

/** The same eliminations as transferEliminations(), per fund (e.g. to split a consolidated figure by level). */
export async function transferEliminationsByFund(
  manager: EntityManager,
  fundIds: number[],
  asOf: string,
): Promise<{ transfers: number; rows: EliminatedFundRow[] }> {
  if (fundIds.length < 2) return { transfers: 0, rows: [] };
  const count = await eliminatedTransferCount(manager, fundIds, asOf);
  if (count === 0) return { transfers: 0, rows: [] };

  const removed = removedEntriesQuery(fundIds, asOf);
  // `IN`, not a join: SQLite then walks the removed entries through ix_lines_entry instead of scanning every line.
  const rows = await sql<{
    fund_id: number | string;
    code: string;
    name: string;
    debit: string;
    credit: string;
  }>(
    manager,
    `SELECT e.fund_id, a.code, MIN(a.name_vi) AS name, ${sumDong('l.debit')} AS debit,
            ${sumDong('l.credit')} AS credit
       FROM journal_lines l
       JOIN journal_entries e ON e.id = l.entry_id
       JOIN accounts a ON a.id = l.account_id
      WHERE l.entry_id IN (${removed.text})
      GROUP BY e.fund_id, a.code
      ORDER BY a.code, e.fund_id`,
    removed.params,
  );
  const names = new Map(rows.map((r) => [r.code, r.name]));
  // The closes of the group's funds also closed these transfers' 5121 and 6121 turnover: that part goes too.
  const closed = sumClosed(await closingParts(manager, fundIds, asOf, removed));
  const unnamed = [...new Set(closed.map((c) => c.account))].filter((code) => !names.has(code));
  if (unnamed.length) {
    // 431, which no transfer touches: its name from the group's charts.
    const found = await sql<{ code: string; name: string }>(
      manager,
      `SELECT a.code, MIN(a.name_vi) AS name FROM accounts a
        WHERE a.fund_id IN (${fundIds.map(() => '?').join(', ')}) AND a.code IN (${unnamed.map(() => '?').join(', ')})
        GROUP BY a.code`,
      [...fundIds, ...unnamed],
    );
    for (const row of found) names.set(row.code, row.name);
  }
  return {
    transfers: count,
    rows: eliminatedRows(
      rows.map((r) => ({ ...r, fundId: Number(r.fund_id) })),
      closed,
      names,
    ),
  };
}

/** What transferEliminationsByFund() answers for one day, with the closes' parts it removed. */
export interface EliminationsOnDay {
  transfers: number;
  rows: EliminatedFundRow[];
  /** closingParts() as of the day (empty when no transfer inside the group is dated on or before it). */
  parts: ClosingPart[];
}

/**
 * transferEliminationsByFund() at each of `days` — the same rows — from one read of the group's transfers (with
 * their reversals), of their entries' lines and of the closes as of the last day, instead of those reads once per
 * day: a statement over many years asks for its day before, each year end and its end. Which transfers, entries
 * and closes count on a day is decided from their dates in memory, by the rules of removedEntriesQuery(), and
 * the closes' parts are walked per day (closing-eliminations.ts).
 */
export async function transferEliminationsByFundAt(
  manager: EntityManager,
  fundIds: number[],
  days: string[],
): Promise<Map<string, EliminationsOnDay>> {
  const none = () => ({ transfers: 0, rows: [], parts: [] });
  const result = new Map<string, EliminationsOnDay>(days.map((day) => [day, none()]));
  if (fundIds.length < 2 || days.length === 0) return result;
  const last = [...days].sort()[days.length - 1];
  const group = inGroup(fundIds, last);
  // Prepared and kept (read-cache.ts): every consolidated statement runs it, most often to find no transfer.
  const transfers = (
    await keptArrays<
      [
        string,
        number | string,
        number | string,
        number | string | null,
        string | null,
        number | string | null,
        string | null,
      ]
    >(
      manager,
      `SELECT t.transfer_date, t.from_entry_id, t.to_entry_id, ro.id AS ro_id, ro.entry_date AS ro_date,
              ri.id AS ri_id, ri.entry_date AS ri_date
         FROM transfers t
         LEFT JOIN journal_entries ro ON ro.reversal_of_id = t.from_entry_id
         LEFT JOIN journal_entries ri ON ri.reversal_of_id = t.to_entry_id
        WHERE ${group.text}`,
      group.params,
    )
  ).map(([transfer_date, from_entry_id, to_entry_id, ro_id, ro_date, ri_id, ri_date]) => ({
    transfer_date,
    from_entry_id,
    to_entry_id,
    ro_id,
    ro_date,
    ri_id,
    ri_date,
  }));
  if (transfers.length === 0) return result;
  /** The entries removed as of `day` (removedEntriesQuery). */
  const removedOn = (day: string): Set<number> => {
    const ids = new Set<number>();
    for (const t of transfers) {
      if (t.transfer_date > day) continue;
      ids.add(Number(t.from_entry_id));
      ids.add(Number(t.to_entry_id));
      if (
        t.ro_id !== null &&
        t.ri_id !== null &&
        (t.ro_date as string) <= day &&
        (t.ri_date as string) <= day
      ) {
        ids.add(Number(t.ro_id));
        ids.add(Number(t.ri_id));
      }
    }
    return ids;
  };
  const removed = removedEntriesQuery(fundIds, last);
  const lines = await sql<{
    entry_id: number | string;
    fund_id: number | string;
    entry_date: string;
    code: string;
    name: string;
    type: string;
    debit: string;
    credit: string;
  }>(
    manager,
    `SELECT l.entry_id, e.fund_id, e.entry_date, a.code, a.name_vi AS name, a.type,
            CAST(l.debit AS TEXT) AS debit, CAST(l.credit AS TEXT) AS credit
       FROM journal_lines l
       JOIN journal_entries e ON e.id = l.entry_id
       JOIN accounts a ON a.id = l.account_id
      WHERE l.entry_id IN (${removed.text})`,
    removed.params,
  );
  const closes = await readCloses(manager, fundIds, last);
  let groupNames: Map<string, string> | null = null;

  // Each line read once: its amounts as BigInt for the sums, and as the closes' walk takes it.
  const read = lines.map((l) => ({
    code: l.code,
    name: l.name,
    type: l.type,
    entryId: Number(l.entry_id),
    fundId: Number(l.fund_id),
    debit: BigInt(l.debit),
    credit: BigInt(l.credit),
    walked: {
      entryId: Number(l.entry_id),
      fundId: Number(l.fund_id),
      date: l.entry_date,
      code: l.code,
      debit: l.debit,
      credit: l.credit,
    } satisfies RemovedLine,
  }));
  for (const day of new Set(days)) {
    const entries = removedOn(day);
    const count = transfers.filter((t) => t.transfer_date <= day).length;
    if (count === 0) continue;
    const mine = read.filter((l) => entries.has(l.entryId));
    // The transfers' own lines per fund and account, ordered by account then fund (as the per-day query orders).
    const sums = new Map<
      string,
      { fundId: number; code: string; name: string; debit: bigint; credit: bigint }
    >();
    for (const l of mine) {
      const key = `${l.code}|${l.fundId}`;
      const sum = sums.get(key) ?? { fundId: l.fundId, code: l.code, name: l.name, debit: 0n, credit: 0n };
      if (l.name < sum.name) sum.name = l.name;
      sum.debit += l.debit;
      sum.credit += l.credit;
      sums.set(key, sum);
    }
    const rows = [...sums.values()].sort((a, b) =>
      a.code < b.code ? -1 : a.code > b.code ? 1 : a.fundId - b.fundId,
    );
    const names = new Map(rows.map((r) => [r.code, r.name]));
    const closesOnDay = closes.filter((c) => c.date <= day);
    const closedFunds = new Set(closesOnDay.map((c) => c.fundId));
    const parts =
      closesOnDay.length === 0
        ? []
        : walkClosingParts(
            mine
              .filter(
                (l) => closedFunds.has(l.fundId) && (l.type === 'receipts' || l.type === 'disbursements'),
              )
              .map((l) => l.walked),
            closesOnDay,
          );
    const closed = sumClosed(parts);
    const unnamed = [...new Set(closed.map((c) => c.account))].filter((code) => !names.has(code));
    if (unnamed.length) {
      // 431, which no transfer touches: its name from the group's charts (read once, for every code).
      groupNames ??= new Map(
        (
          await sql<{ code: string; name: string }>(
            manager,
            `SELECT a.code, MIN(a.name_vi) AS name FROM accounts a
              WHERE a.fund_id IN (${fundIds.map(() => '?').join(', ')}) GROUP BY a.code`,
            fundIds,
          )
        ).map((r) => [r.code, r.name]),
      );
      for (const code of unnamed) {
        const name = groupNames.get(code);
        if (name !== undefined) names.set(code, name);
      }
    }
    result.set(day, {
      transfers: count,
      parts,
      rows: eliminatedRows(rows, closed, names),
    });
  }
  return result;
}

/** How many transfers dated on or before `asOf` have both their sender and their receiver among `fundIds`. */
export async function eliminatedTransferCount(
  manager: EntityManager,
  fundIds: number[],
  asOf: string,
): Promise<number> {
  if (fundIds.length < 2) return 0;
  const group = inGroup(fundIds, asOf);
  const [[count]] = await keptArrays<[string | number]>(
    manager,
    `SELECT COUNT(*) AS n FROM transfers t WHERE ${group.text}`,
    group.params,
  );
  return Number(count);
}

/**
 * A SELECT of the ids (column `entry_id`) of every entry a consolidation over `fundIds` removes as of `asOf`,
 * with its `?` parameters, to use as `… IN (<text>)`: both entries of each transfer inside the group, and both
 * reversals of a transfer reversed on both sides once both are dated on or before `asOf`.
 */
export function removedEntriesQuery(fundIds: number[], asOf: string): { text: string; params: unknown[] } {
  const group = inGroup(fundIds, asOf);
  const reversed = `FROM transfers t
                    JOIN journal_entries ro ON ro.reversal_of_id = t.from_entry_id
                    JOIN journal_entries ri ON ri.reversal_of_id = t.to_entry_id
                   WHERE ${group.text} AND ro.entry_date <= ? AND ri.entry_date <= ?`;
  const reversedParams = [...group.params, asOf, asOf];
  return {
    text: `SELECT t.from_entry_id AS entry_id FROM transfers t WHERE ${group.text}
           UNION ALL SELECT t.to_entry_id FROM transfers t WHERE ${group.text}
           UNION ALL SELECT ro.id ${reversed}
           UNION ALL SELECT ri.id ${reversed}`,
    params: [...group.params, ...group.params, ...reversedParams, ...reversedParams],
  };
}

function inGroup(fundIds: number[], asOf: string): { text: string; params: unknown[] } {
  const marks = fundIds.map(() => '?').join(', ');
  return {
    text: `t.from_fund_id IN (${marks}) AND t.to_fund_id IN (${marks}) AND t.transfer_date <= ?`,
    params: [...fundIds, ...fundIds, asOf],
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
    let debit = Money.fromStored(row.debit).minus(Money.fromStored(cut.debit));
    let credit = Money.fromStored(row.credit).minus(Money.fromStored(cut.credit));
    // A close nets every receipts and disbursements account into one line on 431, so its part in the group's
    // transfers (closing-eliminations.ts) may be more than that line's side holds: what is left over moves to
    // the other side, which keeps the balance (debit − credit) exact.
    if (debit.isNegative()) [credit, debit] = [credit.minus(debit), Money.ZERO];
    if (credit.isNegative()) [debit, credit] = [debit.minus(credit), Money.ZERO];
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

interface ClosedSum {
  fundId: number;
  account: string;
  debit: Money;
  credit: Money;
}

/** The closes' part summed per fund and account, in the order first met. */
function sumClosed(parts: readonly ClosingPart[]): ClosedSum[] {
  const closed = new Map<string, ClosedSum>();
  for (const part of parts) {
    const key = `${part.fundId}|${part.account}`;
    const sum = closed.get(key) ?? {
      fundId: part.fundId,
      account: part.account,
      debit: Money.ZERO,
      credit: Money.ZERO,
    };
    closed.set(key, { ...sum, debit: sum.debit.plus(part.debit), credit: sum.credit.plus(part.credit) });
  }
  return [...closed.values()];
}

/** The rows a consolidation removes: the transfers' own lines per fund and account, then the closes' part. */
function eliminatedRows(
  own: readonly {
    fundId: number;
    code: string;
    name: string;
    debit: string | bigint;
    credit: string | bigint;
  }[],
  closed: readonly ClosedSum[],
  names: ReadonlyMap<string, string>,
) {
  return [
    ...own.map((r) => ({
      fundId: r.fundId,
      account: r.code,
      name: r.name,
      debit: Money.fromStored(r.debit).toString(),
      credit: Money.fromStored(r.credit).toString(),
    })),
    ...closed.map((c) => ({
      fundId: c.fundId,
      account: c.account,
      name: names.get(c.account) ?? c.account,
      debit: c.debit.toString(),
      credit: c.credit.toString(),
      closing: true as const,
    })),
  ];
}
