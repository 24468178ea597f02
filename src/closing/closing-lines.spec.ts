import fc from 'fast-check';
import { Money } from '../common/money';
import type { AccountType } from '../ledger/entities';
import type { PostingLineInput } from '../ledger/ledger.types';
import { AccountTurnover, closingLines, handoverLines } from './closing-lines';

const acc = (account: string, type: AccountType, debit: number, credit: number): AccountTurnover => ({
  account,
  type,
  debit: Money.parse(debit),
  credit: Money.parse(credit),
});
const shown = (lines: PostingLineInput[]) =>
  lines.map((l) => [l.account, l.debit?.toString() ?? '0', l.credit?.toString() ?? '0']);
const sums = (lines: PostingLineInput[]) => ({
  debit: Money.sum(lines.map((l) => l.debit ?? Money.ZERO)).toString(),
  credit: Money.sum(lines.map((l) => l.credit ?? Money.ZERO)).toString(),
});

describe('closingLines', () => {
  it('zeroes every receipts and disbursements account and credits the surplus to 431', () => {
    const closing = closingLines([
      acc('112', 'asset', 1_000, 300),
      acc('431', 'fund_balance', 0, 0),
      acc('6111', 'disbursements', 300, 0),
      acc('5111', 'receipts', 0, 600),
      acc('5114', 'receipts', 50, 450),
      acc('6113', 'disbursements', 0, 0),
    ]);
    expect(shown(closing.lines)).toEqual([
      ['5111', '600', '0'],
      ['5114', '400', '0'],
      ['6111', '0', '300'],
      ['431', '0', '700'],
    ]);
    expect(closing.receipts.toString()).toBe('1000');
    expect(closing.disbursements.toString()).toBe('300');
  });

  it('debits a deficit to 431, and leaves 431 out when receipts and disbursements are equal', () => {
    const deficit = closingLines([acc('5118', 'receipts', 0, 100), acc('6114', 'disbursements', 250, 0)]);
    expect(shown(deficit.lines)).toEqual([
      ['5118', '100', '0'],
      ['6114', '0', '250'],
      ['431', '150', '0'],
    ]);
    const even = closingLines([acc('5118', 'receipts', 0, 100), acc('6114', 'disbursements', 100, 0)]);
    expect(shown(even.lines)).toEqual([
      ['5118', '100', '0'],
      ['6114', '0', '100'],
    ]);
  });

  it('has nothing to close in a year without receipts or disbursements', () => {
    expect(closingLines([acc('112', 'asset', 5, 0), acc('431', 'fund_balance', 0, 5)]).lines).toEqual([]);
    expect(closingLines([acc('5111', 'receipts', 7, 7)]).lines).toEqual([]);
  });

  it('always balances, and leaves every receipts and disbursements account at zero', () => {
    const amount = fc.integer({ min: 0, max: 1_000_000_000 });
    const account = fc.record({
      code: fc.constantFrom('5111', '5112', '5114', '5121', '6111', '6118', '6121'),
      debit: amount,
      credit: amount,
    });
    fc.assert(
      fc.property(fc.uniqueArray(account, { selector: (a) => a.code, maxLength: 7 }), (rows) => {
        const accounts = rows.map((r) =>
          acc(r.code, r.code.startsWith('5') ? 'receipts' : 'disbursements', r.debit, r.credit),
        );
        const { lines } = closingLines(accounts);
        const total = sums(lines);
        expect(total.debit).toBe(total.credit);
        for (const a of accounts) {
          const moved = lines
            .filter((l) => l.account === a.account)
            .reduce((m, l) => m.plus(l.debit ?? Money.ZERO).minus(l.credit ?? Money.ZERO), Money.ZERO);
          expect(a.debit.minus(a.credit).plus(moved).isZero()).toBe(true);
        }
        for (const l of lines) expect((l.debit ?? l.credit ?? Money.ZERO).isPositive()).toBe(true);
      }),
    );
  });
});

describe('handoverLines', () => {
  it('moves every balance sheet balance out of one fund and into the other, on mirrored sides', () => {
    const handover = handoverLines(
      [
        acc('111', 'asset', 500, 200),
        acc('112', 'asset', 9_000, 1_000),
        acc('141', 'asset', 0, 0),
        acc('338', 'liability', 0, 1_300),
        acc('431', 'fund_balance', 0, 7_000),
        acc('5111', 'receipts', 100, 100),
      ],
      'Quỹ nhận: P',
      'Quỹ chuyển: D',
    );
    expect(shown(handover.out)).toEqual([
      ['111', '0', '300'],
      ['112', '0', '8000'],
      ['338', '1300', '0'],
      ['431', '7000', '0'],
    ]);
    expect(shown(handover.in)).toEqual([
      ['111', '300', '0'],
      ['112', '8000', '0'],
      ['338', '0', '1300'],
      ['431', '0', '7000'],
    ]);
    expect(sums(handover.out)).toEqual({ debit: '8300', credit: '8300' });
    expect(handover.in.every((l) => l.memo === 'Quỹ chuyển: D')).toBe(true);
  });

  it('refuses an unclosed receipts balance and balances that do not sum to zero', () => {
    expect(() => handoverLines([acc('5111', 'receipts', 0, 5), acc('112', 'asset', 5, 0)], '', '')).toThrow(
      'account 5111 still has a balance of -5: close it first',
    );
    expect(() => handoverLines([acc('112', 'asset', 5, 0)], '', '')).toThrow(
      'the balances sum to 5, not zero',
    );
  });
});
