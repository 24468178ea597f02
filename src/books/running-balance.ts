import { Money } from '../common/money';
import type { LedgerBookRow } from '../documents/books.renderer';
import { seriesCodes } from '../documents/numbering.service';
import type { Turnover } from './book-queries';

/**
 * The running balance of a ledger book, kept exact (Money) and correct on every page.
 *
 * A page of the JSON answer starts at line `(page − 1) × pageSize` of the range. Its first balance is the opening
 * balance plus the turnover of every line before it, which one SUM over those lines gives (book-queries.ts
 * ledgerTurnoverBefore); the page's own lines then add up from there. So page 7 shows the same balances as a
 * walk from the first line would, without reading pages 1–6.
 */

export interface BalancedLine {
  debit: Money;
  credit: Money;
}

/** The balance before a page: the opening balance plus the turnover of the lines before it (debit − credit). */
export function pageStartBalance(opening: Money, before: Turnover): Money {
  return opening.plus(before.debit).minus(before.credit);
}

/** Each line with the balance after it, starting from `start`. */
export function withRunningBalance<T extends BalancedLine>(
  start: Money,
  lines: T[],
): (T & { balance: Money })[] {
  let balance = start;
  return lines.map((line) => {
    balance = balance.plus(line.debit).minus(line.credit);
    return { ...line, balance };
  });
}

/** A receipt (PT) or payment voucher (PC) number, as the forms' "Số phiếu thu / chi" columns show it. */
export interface VoucherNumbers {
  receiptNo: string | null;
  paymentNo: string | null;
}

// Cash and bank documents alike (PT/XN receipts, PC/UNC payments: data/document-series.json), and imported old
// receipts (LS, the historical series).
const RECEIPT = new RegExp(
  `^(${seriesCodes().cashReceipt}|${seriesCodes().bankReceipt}|${seriesCodes().historicalImport})-`,
);
const PAYMENT = new RegExp(`^(${seriesCodes().cashPayment}|${seriesCodes().bankPayment})-`);

/**
 * Which column an entry's document goes in: a PT receipt under "thu" and a PC voucher under "chi" whatever side
 * the line is on (a voided receipt's reversal pays cash out under the receipt's own number); any other document
 * (a transfer CK-…, an import reference) under the side the money moves.
 */
export function voucherNumbers(sourceRef: string | null, debit: Money): VoucherNumbers {
  if (sourceRef === null || sourceRef === '') return { receiptNo: null, paymentNo: null };
  if (RECEIPT.test(sourceRef)) return { receiptNo: sourceRef, paymentNo: null };
  if (PAYMENT.test(sourceRef)) return { receiptNo: null, paymentNo: sourceRef };
  return debit.isPositive()
    ? { receiptNo: sourceRef, paymentNo: null }
    : { receiptNo: null, paymentNo: sourceRef };
}

/** What the file rows need of a line. */
export interface BookLineInput extends BalancedLine {
  date: string;
  documentDate: string;
  number: number;
  sourceRef: string | null;
  description: string;
  counterAccounts: string[];
}

/**
 * The rows of a ledger book file, as its lines stream in: the opening balance, each line with its running
 * balance and the period's turnover so far (carried from page to page), a subtotal per month when the range
 * spans several (`months`), the period's total and the closing balance.
 */
export async function* ledgerBookRows(
  opening: Money,
  lines: AsyncIterable<BookLineInput>,
  options: { months: boolean },
): AsyncGenerator<LedgerBookRow> {
  yield { kind: 'opening', balance: opening.toString() };
  let balance = opening;
  let periodDebit = Money.ZERO;
  let periodCredit = Money.ZERO;
  let month: { month: string; debit: Money; credit: Money } | null = null;
  const monthRow = (m: { month: string; debit: Money; credit: Money }): LedgerBookRow => ({
    kind: 'month',
    month: m.month,
    debit: m.debit.toString(),
    credit: m.credit.toString(),
    balance: balance.toString(),
  });
  for await (const line of lines) {
    const lineMonth = line.date.slice(0, 7);
    if (options.months && month !== null && month.month !== lineMonth) {
      yield monthRow(month);
      month = null;
    }
    month ??= { month: lineMonth, debit: Money.ZERO, credit: Money.ZERO };
    month.debit = month.debit.plus(line.debit);
    month.credit = month.credit.plus(line.credit);
    balance = balance.plus(line.debit).minus(line.credit);
    periodDebit = periodDebit.plus(line.debit);
    periodCredit = periodCredit.plus(line.credit);
    yield {
      kind: 'line',
      date: line.date,
      documentDate: line.documentDate,
      number: line.number,
      reference: line.sourceRef,
      ...voucherNumbers(line.sourceRef, line.debit),
      description: line.description,
      counterAccounts: line.counterAccounts,
      debit: line.debit.toString(),
      credit: line.credit.toString(),
      balance: balance.toString(),
      periodDebit: periodDebit.toString(),
      periodCredit: periodCredit.toString(),
    };
  }
  if (options.months && month !== null) yield monthRow(month);
  yield { kind: 'total', debit: periodDebit.toString(), credit: periodCredit.toString() };
  yield { kind: 'closing', balance: balance.toString() };
}

/**
 * The lines of a keyset-paged read, page after page, until a page comes back short. Between pages it gives the
 * event loop a turn: SQLite answers without real I/O, so a long file would otherwise hold up every other request
 * until it is done.
 */
export async function* pagedLines<T, C>(
  readPage: (cursor: C | null) => Promise<T[]>,
  cursorOf: (last: T) => C,
  pageSize: number,
): AsyncGenerator<T[]> {
  let cursor: C | null = null;
  for (;;) {
    const page = await readPage(cursor);
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    cursor = cursorOf(page[page.length - 1]);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
