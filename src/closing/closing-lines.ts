import { Money } from '../common/money';
import type { AccountType } from '../ledger/entities';
import type { PostingLineInput } from '../ledger/ledger.types';

/** The fund balance account every close moves the year's result into. */
export const FUND_BALANCE_ACCOUNT = '431';

/** One account of one fund with its cumulative turnover up to a date. */
export interface AccountTurnover {
  account: string;
  type: AccountType;
  debit: Money;
  credit: Money;
}

export interface ClosingLines {
  lines: PostingLineInput[];
  /** Net receipts closed (credit − debit of the receipts accounts). */
  receipts: Money;
  /** Net disbursements closed (debit − credit of the disbursements accounts). */
  disbursements: Money;
}

const byCode = (a: { account: string }, b: { account: string }) =>
  a.account < b.account ? -1 : a.account > b.account ? 1 : 0;

/** The line that takes a balance of `net` (debit − credit) to zero. */
function zeroing(account: string, net: Money, memo: string | null = null): PostingLineInput {
  return net.isPositive() ? { account, credit: net, memo } : { account, debit: net.negated(), memo };
}

/** The line that brings a balance of `net` (debit − credit) in. */
function bringing(account: string, net: Money, memo: string | null = null): PostingLineInput {
  return net.isPositive() ? { account, debit: net, memo } : { account, credit: net.negated(), memo };
}

/**
 * The closing entry's lines (DESIGN.md §7): every receipts and disbursements account with a balance is taken to
 * zero — cumulatively, so the accounts start the next period empty — and 431 takes the difference (credit for a
 * surplus, debit for a deficit). Empty when there is nothing to close. The lines balance by construction.
 */
export function closingLines(accounts: AccountTurnover[]): ClosingLines {
  const lines: PostingLineInput[] = [];
  let receipts = Money.ZERO;
  let disbursements = Money.ZERO;
  let net = Money.ZERO;
  for (const row of [...accounts].sort(byCode)) {
    if (row.type !== 'receipts' && row.type !== 'disbursements') continue;
    const balance = row.debit.minus(row.credit);
    if (balance.isZero()) continue;
    if (row.type === 'receipts') receipts = receipts.minus(balance);
    else disbursements = disbursements.plus(balance);
    net = net.plus(balance);
    lines.push(zeroing(row.account, balance));
  }
  // The zeroing lines move −net (debit − credit); 431 moves +net to balance them.
  if (!net.isZero()) lines.push(bringing(FUND_BALANCE_ACCOUNT, net));
  return { lines, receipts, disbursements };
}

export interface HandoverLines {
  /** In the predecessor: every balance to zero. */
  out: PostingLineInput[];
  /** In the successor: the same balances in, on the same sides. */
  in: PostingLineInput[];
}

/**
 * The merger's paired handover (DESIGN.md §7): once receipts and disbursements are closed into 431, what is left
 * is the balance sheet (assets = liabilities + 431); it leaves the predecessor and enters the successor line by
 * line. Refuses a receipts or disbursements balance (close first) and a set of balances that does not balance.
 */
export function handoverLines(accounts: AccountTurnover[], memoOut: string, memoIn: string): HandoverLines {
  const out: PostingLineInput[] = [];
  const into: PostingLineInput[] = [];
  let total = Money.ZERO;
  for (const row of [...accounts].sort(byCode)) {
    const balance = row.debit.minus(row.credit);
    if (balance.isZero()) continue;
    if (row.type === 'receipts' || row.type === 'disbursements') {
      throw new Error(`account ${row.account} still has a balance of ${balance.toString()}: close it first`);
    }
    total = total.plus(balance);
    out.push(zeroing(row.account, balance, memoOut));
    into.push(bringing(row.account, balance, memoIn));
  }
  // Every entry balances, so the balances of one fund's accounts sum to zero; anything else is a broken book.
  if (!total.isZero()) throw new Error(`the balances sum to ${total.toString()}, not zero`);
  return { out, in: into };
}
