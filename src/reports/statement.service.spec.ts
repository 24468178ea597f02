import { Money } from '../common/money';
import { ADMIN_ACTOR, LedgerBooks } from '../../test/support/ledger-books';
import { closingParts } from './closing-eliminations';
import { StatementReport } from './statement.service';
import {
  removedEntriesQuery,
  transferEliminationsByFund,
  transferEliminationsByFundAt,
} from './transfer-eliminations';

/**
 * The statement's turnover arithmetic against real books (SQLite in memory), posted through the posting
 * path: year-end closes added back (and a reopening not counted twice), transfers inside a group eliminated,
 * and periods that add up.
 */
describe('statement turnover', () => {
  let books: LedgerBooks;

  const post: LedgerBooks['post'] = (...args) => books.post(...args);
  const reverse = (entryId: number, date: string) => books.reverse(entryId, date, 'mở lại');
  const transfer: LedgerBooks['transfer'] = (...args) => books.transfer(...args);
  const statement = (fund: string, from: string, to: string, consolidated = false) =>
    books.statements.statement(ADMIN_ACTOR, fund, from, to, consolidated);
  const figures = (s: StatementReport) => ({
    opening: s.openingBalance,
    receipts: s.receipts.total,
    disbursements: s.disbursements.total,
    closing: s.closingBalance,
  });

  beforeEach(async () => {
    books = await LedgerBooks.open();
    const province = await books.newFund('P', 'province');
    await books.newFund('C', 'commune', province);
    await books.newFund('Q', 'province');
  });
  afterEach(() => books.close());

  it('adds back a year-end close, and counts a reopened year once', async () => {
    await post('P', '2022-03-01', [
      ['112', 1_000, 0],
      ['5111', 0, 1_000],
    ]);
    await post('P', '2022-06-01', [
      ['6113', 300, 0],
      ['112', 0, 300],
    ]);
    const close = await post(
      'P',
      '2022-12-31',
      [
        ['5111', 1_000, 0],
        ['6113', 0, 300],
        ['431', 0, 700],
      ],
      'closing',
    );
    const year = await statement('P', '2022-01-01', '2022-12-31');
    expect(figures(year)).toEqual({ opening: '0', receipts: '1000', disbursements: '300', closing: '700' });
    expect(year.closingAddedBack).toEqual({ receipts: '1000', disbursements: '300' });
    expect(year.otherMovements).toBe('0');

    // 2023: a close dated before the period is on both sides of the subtraction.
    await post('P', '2023-02-01', [
      ['111', 50, 0],
      ['5114', 0, 50],
    ]);
    expect(figures(await statement('P', '2023-01-01', '2023-12-31'))).toEqual({
      opening: '700',
      receipts: '50',
      disbursements: '0',
      closing: '750',
    });

    // The year is reopened (the close reversed, dated in 2023) and closed again: 2022 and 2023 stay as they were.
    await reverse(close.id, '2023-01-05');
    await post(
      'P',
      '2023-01-06',
      [
        ['5111', 1_000, 0],
        ['6113', 0, 300],
        ['431', 0, 700],
      ],
      'closing',
    );
    expect(figures(await statement('P', '2023-01-01', '2023-12-31'))).toMatchObject({
      receipts: '50',
      disbursements: '0',
    });
    const both = await statement('P', '2022-01-01', '2023-12-31');
    expect(figures(both)).toEqual({ opening: '0', receipts: '1050', disbursements: '300', closing: '750' });
    expect(both.years?.map((y) => [y.year, y.receipts, y.disbursements])).toEqual([
      [2022, '1000', '300'],
      [2023, '50', '0'],
    ]);
  });

  it('eliminates transfers inside the group, keeps those leaving it, and splits receipts by level', async () => {
    await post('P', '2023-01-10', [
      ['112', 10_000, 0],
      ['5112', 0, 10_000],
    ]);
    await post('C', '2023-01-11', [
      ['111', 500, 0],
      ['5114', 0, 500],
    ]);
    await transfer('P', 'C', 3_000, '2023-02-01');
    await transfer('P', 'Q', 1_000, '2023-02-02');
    const reversed = await transfer('P', 'C', 700, '2023-03-01');
    await reverse(reversed.fromEntryId, '2023-03-05');
    await reverse(reversed.toEntryId, '2023-03-06');
    const s = await statement('P', '2023-01-01', '2023-12-31', true);
    expect(figures(s)).toEqual({ opening: '0', receipts: '10500', disbursements: '1000', closing: '9500' });
    expect(s.receipts.byLevel).toEqual({ central: '0', province: '10000', district: '0', commune: '500' });
    expect(s.disbursements.byPurpose.transfer.amount).toBe('1000');
    expect(s.eliminated).toEqual({ transfers: 2, receipts: '3000', disbursements: '3000' });

    // The funds' own statements show every transfer; their sum less the eliminated ones is the group's.
    const own = [
      await statement('P', '2023-01-01', '2023-12-31'),
      await statement('C', '2023-01-01', '2023-12-31'),
    ];
    expect(own.map((o) => o.receipts.total)).toEqual(['10000', '3500']);
    expect(own.map((o) => o.disbursements.total)).toEqual(['4000', '0']);
  });

  it('adds up: the years of a range make the range, even when a transfer is undone across the year end', async () => {
    await post('P', '2022-01-10', [
      ['112', 10_000, 0],
      ['5111', 0, 10_000],
    ]);
    const moved = await transfer('P', 'C', 2_000, '2022-06-01');
    // The sender reverses before the year end, the receiver only after it.
    await reverse(moved.fromEntryId, '2022-12-20');
    await reverse(moved.toEntryId, '2023-01-10');
    await post('C', '2023-01-20', [
      ['112', 500, 0],
      ['5118', 0, 500],
    ]);
    await post('C', '2023-02-01', [
      ['6112', 400, 0],
      ['112', 0, 400],
    ]);
    await post('P', '2023-05-01', [
      ['112', 600, 0],
      ['5113', 0, 600],
    ]);

    const range = await statement('P', '2022-01-01', '2023-12-31', true);
    expect(figures(range)).toEqual({
      opening: '0',
      receipts: '11100',
      disbursements: '400',
      closing: '10700',
    });
    const years = range.years ?? [];
    const sum = (values: string[]) => Money.sum(values.map((v) => Money.fromStored(v))).toString();
    expect(sum(years.map((y) => y.receipts))).toBe(range.receipts.total);
    expect(sum(years.map((y) => y.disbursements))).toBe(range.disbursements.total);
    // At the end of 2022 only the sender's reversal is in: the group briefly holds the 2.000 twice, which its
    // 2022 shows as a negative transfer out, and its 2023 takes back when the receiver's reversal completes.
    expect(years.map((y) => [y.receipts, y.disbursements, y.closingBalance])).toEqual([
      ['10000', '-2000', '12000'],
      ['1100', '2400', '10700'],
    ]);
    // A range from the middle of a month reads its first year end as a trial balance instead.
    const midMonth = await statement('P', '2022-05-15', '2023-12-31', true);
    for (const year of [...years, ...(midMonth.years ?? [])]) {
      const alone = await statement('P', year.from, year.to, true);
      expect([alone.receipts.total, alone.disbursements.total]).toEqual([year.receipts, year.disbursements]);
      // Every year balances: cash moves only by receipts and disbursements here.
      expect(alone.otherMovements).toBe('0');
    }
  });

  it('reads the same cumulative balances in one prefetch as with one trial balance per day', async () => {
    // Months before, inside and after the ranges, two levels, a close, a transfer inside the group, an account
    // whose months net to zero (it must still be listed) and lines in the middle of a month.
    await post('P', '2021-11-20', [
      ['112', 5_000, 0],
      ['5111', 0, 5_000],
    ]);
    await post('C', '2022-02-10', [
      ['111', 700, 0],
      ['5114', 0, 700],
    ]);
    await post('C', '2022-02-25', [
      ['5114', 700, 0],
      ['111', 0, 700],
    ]);
    await transfer('P', 'C', 1_200, '2022-05-15');
    await post('P', '2022-05-20', [
      ['6113', 300, 0],
      ['112', 0, 300],
    ]);
    await post(
      'P',
      '2022-12-31',
      [
        ['5111', 5_000, 0],
        ['6113', 0, 300],
        ['6121', 0, 1_200],
        ['431', 0, 3_500],
      ],
      'closing',
    );
    await post('C', '2023-03-31', [
      ['112', 90, 0],
      ['5113', 0, 90],
    ]);
    await post('Q', '2023-07-04', [
      ['111', 10, 0],
      ['5115', 0, 10],
    ]);
    // A transfer reversed on both sides, on different days: removed only once both reversals are dated.
    const undone = await transfer('P', 'C', 400, '2023-02-01');
    await reverse(undone.fromEntryId, '2023-03-31');
    await reverse(undone.toEntryId, '2023-06-30');
    const shown = (turnovers: Map<string, { debit: Money; credit: Money }>) =>
      [...turnovers].map(([code, t]) => `${code}:${t.debit.toString()}/${t.credit.toString()}`).sort();
    const days = [
      '2021-10-31',
      '2021-11-19',
      '2022-02-14',
      '2022-05-15',
      '2022-12-31',
      '2023-03-30',
      '2023-04-30',
      '2024-01-01',
    ];
    // The eliminations of every day from one read equal those read day by day (rows and the closes' parts).
    const group = (await books.statements.scope(ADMIN_ACTOR, 'P', true)).funds.map((f) => f.id);
    const together = await transferEliminationsByFundAt(books.dataSource.manager, group, days);
    for (const day of days) {
      const alone = await transferEliminationsByFund(books.dataSource.manager, group, day);
      const parts = await closingParts(books.dataSource.manager, group, day, removedEntriesQuery(group, day));
      const sorted = <T>(list: T[]) => list.map((x) => JSON.stringify(x)).sort();
      const at = together.get(day);
      expect([at?.transfers, sorted(at?.rows ?? [])]).toEqual([alone.transfers, sorted(alone.rows)]);
      expect(sorted(at?.parts ?? [])).toEqual(sorted(parts));
    }
    for (const [fund, consolidated] of [
      ['P', true],
      ['P', false],
      ['C', false],
    ] as const) {
      const scope = await books.statements.scope(ADMIN_ACTOR, fund, consolidated);
      const prefetched = books.statements.reader(scope);
      await prefetched.prefetch(days);
      const alone = books.statements.reader(scope);
      for (const day of days) {
        for (const split of [true, false]) {
          const a = await prefetched.cumulative(day, split);
          const b = await alone.cumulative(day, split);
          expect(shown(a.total)).toEqual(shown(b.total));
          expect(shown(a.raw)).toEqual(shown(b.raw));
          expect([...(a.byLevel ?? [])].map(([level, t]) => [level, shown(t)])).toEqual(
            [...(b.byLevel ?? [])].map(([level, t]) => [level, shown(t)]),
          );
        }
      }
    }
  });

  it('refuses a range that runs backwards or spans more than a hundred years', async () => {
    await expect(statement('P', '2023-02-01', '2023-01-31')).rejects.toThrow('must not be after');
    await expect(statement('P', '1900-01-01', '2000-12-31')).rejects.toThrow('at most 100 calendar years');
    await expect(statement('NOPE', '2023-01-01', '2023-12-31')).rejects.toThrow('fund NOPE does not exist');
  });
});
