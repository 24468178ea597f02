import { Money } from './money';

describe('Money', () => {
  describe('parse accepts whole đồng as a JSON integer or a digit string', () => {
    it.each([
      [0, '0'],
      [1, '1'],
      [55_500_000_000, '55500000000'],
      ['55500000000', '55500000000'],
      ['000123', '123'],
      [1_000_000_000_000_000, '1000000000000000'],
      ['1000000000000000', '1000000000000000'],
    ])('%p → %s', (input, expected) => {
      expect(Money.parse(input).toString()).toBe(expected);
    });
  });

  describe('parse rejects what the contract rejects, saying why', () => {
    it.each([
      [-1, 'must not be negative'],
      ['-5', 'must not be negative'],
      [1.5, 'without a fraction'],
      ['1.5', 'without a fraction'],
      ['1,000', 'without a fraction or separators'],
      ['1e6', 'not in exponent form'],
      ['1E6', 'not in exponent form'],
      ['', 'must not be blank'],
      ['   ', 'must not be blank'],
      [1_000_000_000_000_001, 'must not exceed'],
      ['1000000000000001', 'must not exceed'],
      ['99999999999999999999999', 'must not exceed'],
      [Number.MAX_SAFE_INTEGER + 2, 'must not exceed'],
      [Number.NaN, 'whole number'],
      [Number.POSITIVE_INFINITY, 'whole number'],
      ['abc', 'string of digits'],
      [' 12', 'string of digits'],
      [true, 'a JSON integer or a string of digits'],
      [null, 'a JSON integer or a string of digits'],
      [undefined, 'a JSON integer or a string of digits'],
      [{ amount: 1 }, 'a JSON integer or a string of digits'],
    ])('%p', (input, reason) => {
      expect(() => Money.parse(input, 'amount')).toThrow(reason);
      expect(() => Money.parse(input, 'amount')).toThrow(/^amount /);
    });
  });

  it('adds and subtracts exactly where floating point would not', () => {
    // 2^53 + 1 is not representable as a double.
    const big = Money.fromStored('9007199254740993');
    expect(big.plus(Money.parse(1)).toString()).toBe('9007199254740994');
    expect(Money.fromStored('900000000000000000').plus(Money.fromStored('1')).toString()).toBe(
      '900000000000000001',
    );
    expect(Money.parse('10').minus(Money.parse('25')).toString()).toBe('-15');
  });

  it('takes a percentage rounded down to whole đồng', () => {
    expect(Money.parse('1000000').percent('5').toString()).toBe('50000');
    expect(Money.parse('999').percent('5').toString()).toBe('49');
    expect(Money.parse('55500000000').percent('2.5').toString()).toBe('1387500000');
  });

  it('sums, compares and tests sign', () => {
    const total = Money.sum(['1', '2', '3'].map((s) => Money.parse(s)));
    expect(total.toString()).toBe('6');
    expect(total.equals(Money.parse(6))).toBe(true);
    expect(total.compare(Money.parse(7))).toBe(-1);
    expect(total.compare(Money.parse(5))).toBe(1);
    expect(Money.ZERO.isZero()).toBe(true);
    expect(Money.ZERO.isPositive()).toBe(false);
    expect(Money.ZERO.isNegative()).toBe(false);
    expect(Money.parse(5).negated().isNegative()).toBe(true);
  });

  it('reads stored values from either driver', () => {
    expect(Money.fromStored(42).toString()).toBe('42');
    expect(Money.fromStored('42').toString()).toBe('42');
    expect(Money.fromStored(42n).toString()).toBe('42');
    expect(Money.fromStored(null).toString()).toBe('0');
    expect(() => Money.fromStored('4.2')).toThrow('not whole đồng');
  });

  it.each([
    ['0', '0 đ'],
    ['5', '5 đ'],
    ['1000', '1.000 đ'],
    ['55500000000', '55.500.000.000 đ'],
    ['1000000000000000', '1.000.000.000.000.000 đ'],
  ])('formats %s the Vietnamese way as %s', (digits, text) => {
    expect(Money.parse(digits).format()).toBe(text);
  });

  it('formats negatives with a leading minus', () => {
    expect(Money.fromStored('-1500').format()).toBe('-1.500 đ');
  });

  it('serialises to JSON as a digit string', () => {
    expect(JSON.stringify({ amount: Money.parse(1234) })).toBe('{"amount":"1234"}');
  });
});
