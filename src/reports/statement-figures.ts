import { Money } from '../common/money';
import type { AccountType } from '../ledger/entities';

/**
 * The arithmetic of the statement of receipts and disbursements (DESIGN.md §8), kept free of the database so
 * its rules can be read and tested on their own:
 *
 *   turnover(from..to) = cumulative(to) − cumulative(day before from) − closing lines dated from..to
 *
 * where `cumulative` is a trial balance read from the stored monthly balances (less, in a consolidation, the
 * transfers inside the group), and the closing lines are those of year-end closing and merger entries (source
 * `closing`, and reversals of them): they move the 51xx/61xx balances into 431, which must not make the year's
 * receipts or disbursements disappear. Receipts are the net credit turnover of the receipts accounts;
 * disbursements the net debit turnover of the disbursements accounts; cash is the balance of 111 + 112.
 */

export const DONOR_KINDS = ['agency', 'enterprise', 'organization', 'individual', 'other'] as const;
export type DonorKindKey = (typeof DONOR_KINDS)[number];

/** The disbursement purposes of payouts, then transfers out to other funds, then any other 61xx account. */
export const STATEMENT_PURPOSES = [
  'house_new',
  'house_repair',
  'visit_gift',
  'hardship',
  'savings_book',
  'memorial',
  'management',
  'transfer',
  'other',
] as const;
export type StatementPurpose = (typeof STATEMENT_PURPOSES)[number];

export const FUND_LEVEL_KEYS = ['central', 'province', 'district', 'commune'] as const;
export type FundLevelKey = (typeof FUND_LEVEL_KEYS)[number];

/** Receipts accounts of the default chart and the donor kind each stands for (DESIGN.md §4). */
export const RECEIPT_ACCOUNTS: Readonly<Record<string, DonorKindKey>> = {
  '5111': 'agency',
  '5112': 'enterprise',
  '5113': 'organization',
  '5114': 'individual',
  '5115': 'other',
  '5118': 'other',
  '5121': 'other',
};

/** Disbursements accounts of the default chart and the purpose each stands for. */
export const DISBURSEMENT_ACCOUNTS: Readonly<Record<string, StatementPurpose>> = {
  '6111': 'house_new',
  '6112': 'house_repair',
  '6113': 'visit_gift',
  '6114': 'hardship',
  '6115': 'savings_book',
  '6116': 'memorial',
  '6118': 'management',
  '6121': 'transfer',
};

export const CASH_ACCOUNTS = ['111', '112'] as const;

/** Debit and credit turnover of one account. */
export interface Turnover {
  debit: Money;
  credit: Money;
}

/** Turnover per account code. */
export type Turnovers = Map<string, Turnover>;

/** Turnover per account code, read-only: a map shared between requests (a kept read, read-cache.ts). */
export type ReadonlyTurnovers = ReadonlyMap<string, Readonly<Turnover>>;

/** A row of a trial balance or of an elimination: amounts as digit strings. */
export interface AmountRow {
  account: string;
  debit: string;
  credit: string;
}

export function turnoversOf(rows: Iterable<AmountRow>): Turnovers {
  const result: Turnovers = new Map();
  for (const row of rows) add(result, row.account, Money.fromStored(row.debit), Money.fromStored(row.credit));
  return result;
}

function add(target: Turnovers, account: string, debit: Money, credit: Money): void {
  const current = target.get(account) ?? { debit: Money.ZERO, credit: Money.ZERO };
  target.set(account, { debit: current.debit.plus(debit), credit: current.credit.plus(credit) });
}

/** Σ of several turnover maps, account by account. */
export function sumTurnovers(parts: Iterable<ReadonlyTurnovers>): Turnovers {
  const result: Turnovers = new Map();
  for (const part of parts) for (const [account, t] of part) add(result, account, t.debit, t.credit);
  return result;
}

/** a − b, account by account (an account missing on one side counts as zero). */
export function minusTurnovers(a: ReadonlyTurnovers, b: ReadonlyTurnovers): Turnovers {
  const result: Turnovers = new Map();
  for (const [account, t] of a) add(result, account, t.debit, t.credit);
  for (const [account, t] of b) add(result, account, t.debit.negated(), t.credit.negated());
  return result;
}

/**
 * The turnover of a period: what the books hold at its end, less what they held the day before it began, less
 * the closing lines dated inside it (so a year-end close or a merger does not cancel the period's receipts and
 * disbursements). Every argument is already net of the eliminations of a consolidation.
 */
export function periodTurnover(before: Turnovers, after: Turnovers, closingInPeriod: Turnovers): Turnovers {
  return minusTurnovers(minusTurnovers(after, before), closingInPeriod);
}

/** Cash on hand plus bank and Treasury deposits: the debit balance of 111 + 112. */
export function cashBalance(cumulative: Turnovers): Money {
  return Money.sum(
    CASH_ACCOUNTS.map((code) => {
      const t = cumulative.get(code);
      return t ? t.debit.minus(t.credit) : Money.ZERO;
    }),
  );
}

/** How an account enters the statement: a receipt of a donor kind, a disbursement of a purpose, or neither. */
export type AccountRole =
  { side: 'receipts'; key: DonorKindKey } | { side: 'disbursements'; key: StatementPurpose } | null;

/**
 * The default chart's codes decide first; an account an accountant added is a receipt ("other") or a
 * disbursement ("other") by its type, so money booked there is never left out of the statement.
 */
export function accountRole(code: string, type: AccountType | undefined): AccountRole {
  const kind = RECEIPT_ACCOUNTS[code];
  if (kind) return { side: 'receipts', key: kind };
  const purpose = DISBURSEMENT_ACCOUNTS[code];
  if (purpose) return { side: 'disbursements', key: purpose };
  if (type === 'receipts') return { side: 'receipts', key: 'other' };
  if (type === 'disbursements') return { side: 'disbursements', key: 'other' };
  return null;
}

export interface ReceiptsFigures {
  total: Money;
  byDonorKind: Record<DonorKindKey, Money>;
  /** Net credit turnover per receipts account code. */
  byAccount: Map<string, Money>;
}

export interface DisbursementsFigures {
  total: Money;
  byPurpose: Record<StatementPurpose, Money>;
  /** Net debit turnover per disbursements account code. */
  byAccount: Map<string, Money>;
}

const zeroes = <K extends string>(keys: readonly K[]): Record<K, Money> => {
  // A plain loop: Object.fromEntries showed in the statement's profile (it runs twice per classify).
  const result = {} as Record<K, Money>;
  for (const key of keys) result[key] = Money.ZERO;
  return result;
};

/** Receipts (net credit) and disbursements (net debit) of a period's turnover, grouped. */
export function classify(
  turnover: Turnovers,
  typeOf: (code: string) => AccountType | undefined,
): { receipts: ReceiptsFigures; disbursements: DisbursementsFigures } {
  const receipts: ReceiptsFigures = {
    total: Money.ZERO,
    byDonorKind: zeroes(DONOR_KINDS),
    byAccount: new Map(),
  };
  const disbursements: DisbursementsFigures = {
    total: Money.ZERO,
    byPurpose: zeroes(STATEMENT_PURPOSES),
    byAccount: new Map(),
  };
  const codes = [...turnover.keys()].sort();
  for (const code of codes) {
    const t = turnover.get(code) as Turnover;
    const role = accountRole(code, typeOf(code));
    if (role?.side === 'receipts') {
      const net = t.credit.minus(t.debit);
      receipts.byDonorKind[role.key] = receipts.byDonorKind[role.key].plus(net);
      receipts.byAccount.set(code, net);
      receipts.total = receipts.total.plus(net);
    } else if (role?.side === 'disbursements') {
      const net = t.debit.minus(t.credit);
      disbursements.byPurpose[role.key] = disbursements.byPurpose[role.key].plus(net);
      disbursements.byAccount.set(code, net);
      disbursements.total = disbursements.total.plus(net);
    }
  }
  return { receipts, disbursements };
}

/** The calendar day before a YYYY-MM-DD date. */
export function dayBefore(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 1);
  return isoDay(day);
}

function isoDay(date: Date): string {
  const year = date.getUTCFullYear();
  const month = String(date.getUTCMonth() + 1).padStart(2, '0');
  const day = String(date.getUTCDate()).padStart(2, '0');
  return `${String(year).padStart(4, '0')}-${month}-${day}`;
}

/** The calendar years a range touches, each clipped to the range. */
export function yearsOf(from: string, to: string): { year: number; from: string; to: string }[] {
  const first = Number(from.slice(0, 4));
  const last = Number(to.slice(0, 4));
  const years: { year: number; from: string; to: string }[] = [];
  for (let year = first; year <= last; year++) {
    const y = String(year).padStart(4, '0');
    years.push({ year, from: year === first ? from : `${y}-01-01`, to: year === last ? to : `${y}-12-31` });
  }
  return years;
}

/** The fund balance account (Quỹ Đền ơn đáp nghĩa): year-end closes carry each year's result into it. */
export const FUND_ACCOUNT = '431';

/** 431 on its normal (credit) side. */
export function fundAccountBalance(cumulative: Turnovers): Money {
  const t = cumulative.get(FUND_ACCOUNT);
  return t ? t.credit.minus(t.debit) : Money.ZERO;
}

/**
 * Receipts less disbursements a set of turnovers holds: over cumulative balances, the result of the years no
 * close has carried into 431 yet; over closing lines, the result they carried into 431 (closing lines debit
 * 51xx and credit 61xx, so their net is the opposite of what they move).
 */
export function resultOf(turnover: Turnovers, typeOf: (code: string) => AccountType | undefined): Money {
  const { receipts, disbursements } = classify(turnover, typeOf);
  return receipts.total.minus(disbursements.total);
}

/**
 * The fund's balance as a statement shows it: 431 plus the result not yet carried into it. A year-end close
 * moves the result from 51xx/61xx into 431 and leaves this sum as it was, so
 * fund(end) = fund(start) + receipts − disbursements + other movements of 431 (a merger's handover).
 */
export function fundPosition(
  cumulative: Turnovers,
  typeOf: (code: string) => AccountType | undefined,
): { fund: Money; account: Money; notCarried: Money } {
  const account = fundAccountBalance(cumulative);
  const notCarried = resultOf(cumulative, typeOf);
  return { fund: account.plus(notCarried), account, notCarried };
}
