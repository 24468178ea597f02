import fc from 'fast-check';
import { Money } from '../common/money';
import type { LedgerBookRow } from '../documents/books.renderer';
import {
  BookLineInput,
  ledgerBookRows,
  pageStartBalance,
  pagedLines,
  voucherNumbers,
  withRunningBalance,
} from './running-balance';

const dong = (n: number | string) => Money.fromStored(n);

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}

const line = (
  date: string,
  debit: number,
  credit: number,
  sourceRef: string | null = null,
): BookLineInput => ({
  date,
  documentDate: date,
  number: 1,
  sourceRef,
  description: 'x',
  counterAccounts: ['5118'],
  debit: dong(debit),
  credit: dong(credit),
});

describe('the running-balance pager', () => {
  it('gives every page the balances a walk from the first line gives', () => {
    const amount = fc.bigInt({ min: 0n, max: 10n ** 15n });
    const lineArb = fc.tuple(amount, fc.boolean()).map(([value, isDebit]) => ({
      debit: isDebit ? dong(value.toString()) : Money.ZERO,
      credit: isDebit ? Money.ZERO : dong(value.toString()),
    }));
    fc.assert(
      fc.property(
        fc.array(lineArb, { maxLength: 60 }),
        fc.bigInt({ min: -(10n ** 16n), max: 10n ** 16n }),
        fc.integer({ min: 1, max: 25 }),
        (lines, openingValue, pageSize) => {
          const opening = dong(openingValue.toString());
          const walk = withRunningBalance(opening, lines).map((l) => l.balance.toString());
          const paged: string[] = [];
          for (let offset = 0; offset < lines.length; offset += pageSize) {
            // What the SUM query over the lines before the page returns.
            const before = lines.slice(0, offset);
            const turnover = {
              debit: Money.sum(before.map((l) => l.debit)),
              credit: Money.sum(before.map((l) => l.credit)),
            };
            const start = pageStartBalance(opening, turnover);
            paged.push(
              ...withRunningBalance(start, lines.slice(offset, offset + pageSize)).map((l) =>
                l.balance.toString(),
              ),
            );
          }
          expect(paged).toEqual(walk);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts debit − credit from the opening balance, below zero too', () => {
    const lines = withRunningBalance(dong(100), [
      { debit: dong(50), credit: Money.ZERO },
      { debit: Money.ZERO, credit: dong(200) },
    ]);
    expect(lines.map((l) => l.balance.toString())).toEqual(['150', '-50']);
    expect(pageStartBalance(dong(100), { debit: dong(7), credit: dong(10) }).toString()).toBe('97');
  });
});

describe('voucher numbers', () => {
  it('puts a PT under receipts and a PC under payments whichever side the line is on', () => {
    expect(voucherNumbers('PT-2023-000001', dong(5))).toEqual({
      receiptNo: 'PT-2023-000001',
      paymentNo: null,
    });
    expect(voucherNumbers('PT-2023-000001', Money.ZERO)).toEqual({
      receiptNo: 'PT-2023-000001',
      paymentNo: null,
    });
    expect(voucherNumbers('PC-2023-000007', dong(5))).toEqual({
      receiptNo: null,
      paymentNo: 'PC-2023-000007',
    });
    // An imported old receipt (the historical series LS) stays a receipt, voided or not.
    expect(voucherNumbers('LS-2015-000003', Money.ZERO)).toEqual({
      receiptNo: 'LS-2015-000003',
      paymentNo: null,
    });
  });

  it('puts any other document under the side the money moves, and nothing for none', () => {
    expect(voucherNumbers('CK-000001', dong(5))).toEqual({ receiptNo: 'CK-000001', paymentNo: null });
    expect(voucherNumbers('CK-000001', Money.ZERO)).toEqual({ receiptNo: null, paymentNo: 'CK-000001' });
    expect(voucherNumbers(null, dong(5))).toEqual({ receiptNo: null, paymentNo: null });
  });
});

describe('the rows of a book file', () => {
  it('runs from the opening balance through subtotals per month to the closing balance', async () => {
    const rows = await collect(
      ledgerBookRows(
        dong(1000),
        from([
          line('2023-01-05', 500, 0, 'PT-2023-000001'),
          line('2023-01-20', 0, 200, 'PC-2023-000001'),
          line('2023-03-02', 100, 0),
        ]),
        { months: true },
      ),
    );
    const brief = rows.map((row) => {
      if (row.kind === 'line') return [row.kind, row.date, row.balance, row.periodDebit, row.periodCredit];
      if (row.kind === 'month') return [row.kind, row.month, row.debit, row.credit, row.balance];
      if (row.kind === 'total') return [row.kind, row.debit, row.credit];
      return [row.kind, row.balance];
    });
    expect(brief).toEqual([
      ['opening', '1000'],
      ['line', '2023-01-05', '1500', '500', '0'],
      ['line', '2023-01-20', '1300', '500', '200'],
      ['month', '2023-01', '500', '200', '1300'],
      ['line', '2023-03-02', '1400', '600', '200'],
      ['month', '2023-03', '100', '0', '1400'],
      ['total', '600', '200'],
      ['closing', '1400'],
    ]);
    expect(rows[1]).toMatchObject({
      receiptNo: 'PT-2023-000001',
      paymentNo: null,
      reference: 'PT-2023-000001',
    });
  });

  it('has no month rows within one month, and an empty book is its opening balance', async () => {
    const one = await collect(
      ledgerBookRows(Money.ZERO, from([line('2023-01-05', 5, 0)]), { months: false }),
    );
    expect(one.map((row) => row.kind)).toEqual(['opening', 'line', 'total', 'closing']);
    const empty: LedgerBookRow[] = await collect(
      ledgerBookRows(dong(-42), from<BookLineInput>([]), { months: true }),
    );
    expect(empty).toEqual([
      { kind: 'opening', balance: '-42' },
      { kind: 'total', debit: '0', credit: '0' },
      { kind: 'closing', balance: '-42' },
    ]);
  });
});

describe('keyset pages', () => {
  it('reads page after page from the last one, until a page comes back short', async () => {
    const data = Array.from({ length: 7 }, (_, i) => i);
    const cursors: (number | null)[] = [];
    const pages = await collect(
      pagedLines(
        (cursor: number | null) => {
          cursors.push(cursor);
          const start = cursor === null ? 0 : cursor + 1;
          return Promise.resolve(data.slice(start, start + 3));
        },
        (last) => last,
        3,
      ),
    );
    expect(pages).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(cursors).toEqual([null, 2, 5]);
  });

  it('asks once more after a full last page, and yields no empty page', async () => {
    const pages = await collect(
      pagedLines(
        (cursor: number | null) => Promise.resolve(cursor === null ? [1, 2] : []),
        (l) => l,
        2,
      ),
    );
    expect(pages).toEqual([[1, 2]]);
  });
});
