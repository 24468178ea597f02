import type { EntityManager } from 'typeorm';
import { Money } from '../common/money';
import { sql } from '../database/sql';

/** The fund balance account every close moves receipts and disbursements into (closing/closing-lines.ts). */
const FUND_BALANCE_ACCOUNT = '431';

/** The part of one closing entry (or of its reversal) that closed turnover of transfers inside a group. */
export interface ClosingPart {
  fundId: number;
  entryId: number;
  date: string;
  account: string;
  debit: Money;
  credit: Money;
}

interface Event {
  fundId: number;
  entryId: number;
  date: string;
  kind: 'transfer' | 'closing' | 'reopening';
  /** For a reopening: the closing entry it reverses. */
  reverses: number | null;
  /** For a transfer line: its account and signed amount (debit − credit). */
  account: string | null;
  /** Whole đồng, exact (BigInt: the walk runs once per day a statement asks for). */
  amount: bigint;
}

/**
 * What a consolidation must also remove from the **closing entries** of its funds (issue 15): a year-end close or
 * a merger's close takes every receipts and disbursements account to zero — including the 5121 and 6121 turnover
 * of transfers inside the group, which the consolidation removes. Left in, the close's line on 6121 would stand
 * alone in the consolidated figures (6121 at −50 000 000 after a district that had sent 50 000 000 to its commune
 * was merged into the province).
 *
 * Per fund and account, the transfer lines inside the group, the closing entries and their reversals (a reopened
 * year) are walked in the order they took effect — by date, then by posting — with the running intra-group part
 * of the balance: a transfer line adds to it, a close takes it to zero (that is the close's part), and a
 * reversal of a close puts back what the close took. Each close's part is a line on the account and the opposite
 * line on 431, so the removed lines balance; both are lines the closing entry really holds, as the close zeroed
 * the whole balance of which the part is a piece.
 *
 * The funds closed are few, so the cost grows with the group's transfers and closes, not with its entries.
 */
export async function closingParts(
  manager: EntityManager,
  fundIds: number[],
  asOf: string,
  transferEntries: { text: string; params: unknown[] },
): Promise<ClosingPart[]> {
  if (fundIds.length < 2) return [];
  const closes = await readCloses(manager, fundIds, asOf);
  if (closes.length === 0) return [];
  const closedFunds = [...new Set(closes.map((c) => c.fundId))];
  const closedMarks = closedFunds.map(() => '?').join(', ');
  const lines = await sql<{
    entry_id: number | string;
    fund_id: number | string;
    entry_date: string;
    code: string;
    debit: string;
    credit: string;
  }>(
    manager,
    `SELECT l.entry_id, e.fund_id, e.entry_date, a.code, CAST(l.debit AS TEXT) AS debit,
            CAST(l.credit AS TEXT) AS credit
       FROM journal_lines l
       JOIN journal_entries e ON e.id = l.entry_id
       JOIN accounts a ON a.id = l.account_id
      WHERE l.entry_id IN (${transferEntries.text})
        AND e.fund_id IN (${closedMarks}) AND a.type IN ('receipts', 'disbursements')`,
    [...transferEntries.params, ...closedFunds],
  );

  return walkClosingParts(
    lines.map((l) => ({
      entryId: Number(l.entry_id),
      fundId: Number(l.fund_id),
      date: l.entry_date,
      code: l.code,
      debit: l.debit,
      credit: l.credit,
    })),
    closes,
  );
}

/** The group's closing entries (year-end and merger closes) and their reversals dated on or before `asOf`. */
export async function readCloses(
  manager: EntityManager,
  fundIds: number[],
  asOf: string,
): Promise<CloseEntry[]> {
  const marks = fundIds.map(() => '?').join(', ');
  // The closes are found from year_closings and fund_mergers (a few rows per fund; a merger's close is in the
  // predecessor's books), each entry by its id and each reversal (in its close's books) by uq_entries_reversal_of:
  // the cost grows with the closes, not with the funds' entries.
  const closeIds = `SELECT y.entry_id FROM year_closings y WHERE y.fund_id IN (${marks}) AND y.entry_id IS NOT NULL
                    UNION SELECT m.closing_entry_id FROM fund_mergers m
                     WHERE m.predecessor_id IN (${marks}) AND m.closing_entry_id IS NOT NULL`;
  const closes = await sql<{
    id: number | string;
    fund_id: number | string;
    entry_date: string;
    reversal_of_id: number | string | null;
  }>(
    manager,
    `SELECT e.id, e.fund_id, e.entry_date, e.reversal_of_id
       FROM journal_entries e
      WHERE e.id IN (${closeIds}) AND e.entry_date <= ?
     UNION ALL
     SELECT e.id, e.fund_id, e.entry_date, e.reversal_of_id
       FROM journal_entries e
      WHERE e.reversal_of_id IN (${closeIds}) AND e.source = 'reversal' AND e.entry_date <= ?`,
    [...fundIds, ...fundIds, asOf, ...fundIds, ...fundIds, asOf],
  );
  return closes.map((c) => ({
    id: Number(c.id),
    fundId: Number(c.fund_id),
    date: c.entry_date,
    reversalOf: c.reversal_of_id === null ? null : Number(c.reversal_of_id),
  }));
}

/** A line (receipts or disbursements account) of an entry a consolidation removes, in a closed fund's books. */
export interface RemovedLine {
  entryId: number;
  fundId: number;
  date: string;
  code: string;
  debit: string;
  credit: string;
}

/** A closing entry of the group, or a reversal of one (`reversalOf` set). */
export interface CloseEntry {
  id: number;
  fundId: number;
  date: string;
  reversalOf: number | null;
}

/** The walk of closingParts() over lines and closes already read (in the order they took effect). */
export function walkClosingParts(lines: RemovedLine[], closes: CloseEntry[]): ClosingPart[] {
  const events: Event[] = [
    ...lines.map((l): Event => ({
      fundId: l.fundId,
      entryId: l.entryId,
      date: l.date,
      kind: 'transfer',
      reverses: null,
      account: l.code,
      amount: BigInt(l.debit) - BigInt(l.credit),
    })),
    ...closes.map((c): Event => ({
      fundId: c.fundId,
      entryId: c.id,
      date: c.date,
      kind: c.reversalOf === null ? 'closing' : 'reopening',
      reverses: c.reversalOf,
      account: null,
      amount: 0n,
    })),
  ].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.entryId - b.entryId));

  const parts: ClosingPart[] = [];
  const running = new Map<number, Map<string, bigint>>();
  const partsOf = new Map<number, Map<string, bigint>>();
  for (const event of events) {
    const balance = running.get(event.fundId) ?? new Map<string, bigint>();
    running.set(event.fundId, balance);
    if (event.kind === 'transfer') {
      const account = event.account as string;
      balance.set(account, (balance.get(account) ?? 0n) + event.amount);
      continue;
    }
    // A close moves each balance by −balance; a reopening moves it back by what its close moved.
    const moved = new Map<string, bigint>();
    if (event.kind === 'closing') {
      for (const [account, amount] of balance) if (amount !== 0n) moved.set(account, -amount);
    } else {
      for (const [account, amount] of partsOf.get(event.reverses as number) ?? []) {
        moved.set(account, -amount);
      }
    }
    partsOf.set(event.entryId, moved);
    for (const [account, amount] of moved) {
      balance.set(account, (balance.get(account) ?? 0n) + amount);
      const at = { fundId: event.fundId, entryId: event.entryId, date: event.date };
      // The line on the account, and the opposite line on 431.
      parts.push({ ...at, account, ...sides(amount) });
      parts.push({ ...at, account: FUND_BALANCE_ACCOUNT, ...sides(-amount) });
    }
  }
  return parts;
}

/** A signed amount (debit − credit) as the debit and credit of one line. */
function sides(amount: bigint): { debit: Money; credit: Money } {
  return amount < 0n
    ? { debit: Money.ZERO, credit: Money.fromStored(-amount) }
    : { debit: Money.fromStored(amount), credit: Money.ZERO };
}
