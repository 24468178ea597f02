import { combineEliminations } from './merger-eliminations';

describe('combineEliminations', () => {
  it('sums the eliminated turnover per account, in account order', () => {
    expect(
      combineEliminations(
        [
          { account: '112', name: 'Tiền gửi', debit: '300', credit: '300' },
          { account: '6121', name: 'Chuyển quỹ', debit: '300', credit: '0' },
        ],
        [
          { account: '431', name: 'Quỹ', debit: '900', credit: '900' },
          { account: '112', name: 'Tiền gửi', debit: '900', credit: '900' },
        ],
      ),
    ).toEqual([
      { account: '112', name: 'Tiền gửi', debit: '1200', credit: '1200' },
      { account: '431', name: 'Quỹ', debit: '900', credit: '900' },
      { account: '6121', name: 'Chuyển quỹ', debit: '300', credit: '0' },
    ]);
  });

  it('is empty for nothing to eliminate', () => {
    expect(combineEliminations([], [])).toEqual([]);
  });
});
