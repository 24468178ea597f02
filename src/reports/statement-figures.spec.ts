import {
  accountRole,
  cashBalance,
  classify,
  dayBefore,
  fundPosition,
  minusTurnovers,
  periodTurnover,
  resultOf,
  Turnovers,
  turnoversOf,
  yearsOf,
} from './statement-figures';

const rows = (...items: [string, number, number][]): Turnovers =>
  turnoversOf(
    items.map(([account, debit, credit]) => ({ account, debit: String(debit), credit: String(credit) })),
  );
const plain = (turnover: Turnovers) =>
  Object.fromEntries([...turnover].map(([code, t]) => [code, [t.debit.toString(), t.credit.toString()]]));
const noTypes = () => undefined;

describe('statement arithmetic', () => {
  it('takes a period as the books at its end less the books the day before it', () => {
    const before = rows(['111', 100, 0], ['112', 500, 200], ['5111', 0, 600]);
    const after = rows(['111', 150, 20], ['112', 900, 300], ['5111', 0, 1000], ['6113', 120, 0]);
    const turnover = periodTurnover(before, after, new Map());
    expect(plain(turnover)).toEqual({
      '111': ['50', '20'],
      '112': ['400', '100'],
      '5111': ['0', '400'],
      '6113': ['120', '0'],
    });
    expect(cashBalance(before).toString()).toBe('400');
    expect(cashBalance(after).toString()).toBe('730');
  });

  it('adds back a year-end close in the period, so it does not cancel the receipts and disbursements', () => {
    // The year: 5111 credited 1.000, 6111 debited 400. The close on 31/12 debits 5111 1.000 and credits 6111
    // 400 against 431: the books at the end show both at zero balance.
    const before = new Map();
    const after = rows(['112', 1000, 400], ['5111', 1000, 1000], ['6111', 400, 400], ['431', 400, 1000]);
    const closing = rows(['5111', 1000, 0], ['6111', 0, 400], ['431', 400, 1000]);
    const { receipts, disbursements } = classify(periodTurnover(before, after, closing), noTypes);
    expect(receipts.total.toString()).toBe('1000');
    expect(receipts.byDonorKind.agency.toString()).toBe('1000');
    expect(disbursements.total.toString()).toBe('400');
    expect(disbursements.byPurpose.house_new.toString()).toBe('400');
    // Without the add-back the close would wipe them out.
    const unadjusted = classify(periodTurnover(before, after, new Map()), noTypes);
    expect(unadjusted.receipts.total.toString()).toBe('0');
    expect(unadjusted.disbursements.total.toString()).toBe('0');
  });

  it('leaves a close dated before the period alone: it is on both sides of the subtraction', () => {
    const closed = rows(['5111', 1000, 1000], ['431', 0, 1000], ['112', 1000, 0]);
    const after = rows(['5111', 1000, 1300], ['431', 0, 1000], ['112', 1300, 0]);
    const { receipts } = classify(periodTurnover(closed, after, new Map()), noTypes);
    expect(receipts.total.toString()).toBe('300');
  });

  it('removes transfers inside a group from both sides, as the eliminations already took them out', () => {
    // Province sends 300 to a commune: 6121 debit in one book, 5121 credit in the other; the consolidated
    // cumulative figures given here are already net of them, so only the gift from outside is left.
    const eliminatedAfter = rows(['112', 300, 300], ['5121', 0, 300], ['6121', 300, 0]);
    const booksAfter = rows(['112', 1300, 300], ['5112', 0, 1000], ['5121', 0, 300], ['6121', 300, 0]);
    const consolidatedAfter = minusTurnovers(booksAfter, eliminatedAfter);
    const { receipts, disbursements } = classify(
      periodTurnover(new Map(), consolidatedAfter, new Map()),
      noTypes,
    );
    expect(receipts.total.toString()).toBe('1000');
    expect(receipts.byDonorKind.enterprise.toString()).toBe('1000');
    expect(disbursements.total.toString()).toBe('0');
    expect(cashBalance(consolidatedAfter).toString()).toBe('1000');
  });

  it('nets reversals, and sorts every account into its donor kind or purpose', () => {
    const turnover = rows(
      ['5111', 0, 10],
      ['5112', 5, 25],
      ['5113', 0, 30],
      ['5114', 0, 40],
      ['5115', 0, 1],
      ['5118', 0, 2],
      ['5121', 0, 3],
      ['5119', 0, 4],
      ['6111', 100, 0],
      ['6112', 200, 50],
      ['6121', 7, 0],
      ['6119', 9, 0],
      ['141', 500, 0],
    );
    const types = new Map([
      ['5119', 'receipts' as const],
      ['6119', 'disbursements' as const],
    ]);
    const { receipts, disbursements } = classify(turnover, (code) => types.get(code));
    expect(
      Object.fromEntries(Object.entries(receipts.byDonorKind).map(([k, v]) => [k, v.toString()])),
    ).toEqual({
      agency: '10',
      enterprise: '20',
      organization: '30',
      individual: '40',
      other: '10',
    });
    expect(receipts.total.toString()).toBe('110');
    expect(disbursements.byPurpose.house_repair.toString()).toBe('150');
    expect(disbursements.byPurpose.transfer.toString()).toBe('7');
    expect(disbursements.byPurpose.other.toString()).toBe('9');
    expect(disbursements.total.toString()).toBe('266');
    expect(accountRole('141', 'asset')).toBeNull();
  });

  it('counts days and years on the calendar', () => {
    expect(dayBefore('2013-01-01')).toBe('2012-12-31');
    expect(dayBefore('2024-03-01')).toBe('2024-02-29');
    expect(dayBefore('2023-03-01')).toBe('2023-02-28');
    expect(yearsOf('2013-07-01', '2015-02-10')).toEqual([
      { year: 2013, from: '2013-07-01', to: '2013-12-31' },
      { year: 2014, from: '2014-01-01', to: '2014-12-31' },
      { year: 2015, from: '2015-01-01', to: '2015-02-10' },
    ]);
    expect(yearsOf('2023-01-01', '2023-12-31')).toHaveLength(1);
  });

  it('keeps the fund balance (431 + result not carried) whole through a year-end close', () => {
    // 2023: 5111 credit 900, 6111 debit 300; 431 held 1.000 from earlier closes.
    const open = rows(['112', 1600, 0], ['431', 0, 1000], ['5111', 0, 900], ['6111', 300, 0]);
    const close = rows(['5111', 900, 0], ['6111', 0, 300], ['431', 0, 600]);
    const closed = minusTurnovers(open, minusTurnovers(new Map(), close));
    expect(resultOf(close, noTypes).negated().toString()).toBe('600');
    const before = fundPosition(open, noTypes);
    const after = fundPosition(closed, noTypes);
    expect([before.fund, before.account, before.notCarried].map(String)).toEqual(['1600', '1000', '600']);
    expect([after.fund, after.account, after.notCarried].map(String)).toEqual(['1600', '1600', '0']);
  });
});
