import DecimalBase from 'decimal.js';

// 40 significant digits and no exponent notation: every amount prints as plain digits.
const Decimal = DecimalBase.clone({ precision: 40, toExpPos: 9e15, toExpNeg: -9e15 });
type Decimal = InstanceType<typeof Decimal>;

/** Largest amount a request may carry: 10^15 đồng (DESIGN.md §2, CONTRACT.md). */
export const MAX_REQUEST_AMOUNT_DONG = new Decimal('1e15');

const MAX_REQUEST_AMOUNT_NUMBER = 1e15;
const DIGITS = /^[0-9]+$/;

export class MoneyParseError extends Error {}

/**
 * Whole Vietnamese đồng. VND has no minor unit, so a fractional amount is an input error, never rounded.
 * Immutable; arithmetic is exact (decimal.js), never JavaScript floating point.
 */
export class Money {
  static readonly ZERO = new Money(new Decimal(0));

  private constructor(private readonly value: Decimal) {}

  /**
   * Parses a request amount: a JSON integer or a string of digits, 0 ≤ amount ≤ 10^15.
   * Rejects negatives, fractions, exponent form and blanks with a message naming the field.
   */
  static parse(input: unknown, field = 'amount'): Money {
    const reason = Money.problem(input);
    if (reason) throw new MoneyParseError(`${field} ${reason}`);
    return new Money(new Decimal(typeof input === 'number' ? input.toString() : (input as string)));
  }

  /** The reason an input is not a valid amount, or null. */
  static problem(input: unknown): string | null {
    if (typeof input === 'number') {
      if (!Number.isFinite(input)) return 'must be a whole number of đồng';
      if (!Number.isSafeInteger(input)) {
        return Number.isInteger(input)
          ? 'must not exceed 1000000000000000 đồng'
          : 'must be a whole number of đồng, without a fraction';
      }
      if (input < 0) return 'must not be negative';
      if (input > MAX_REQUEST_AMOUNT_NUMBER) return 'must not exceed 1000000000000000 đồng';
      return null;
    }
    if (typeof input !== 'string')
      return 'must be a whole number of đồng (a JSON integer or a string of digits)';
    if (input.trim() === '') return 'must not be blank';
    if (!DIGITS.test(input)) {
      if (/^-/.test(input.trim())) return 'must not be negative';
      if (/[eE]/.test(input)) return 'must be written in digits, not in exponent form';
      if (/[.,]/.test(input)) return 'must be a whole number of đồng, without a fraction or separators';
      return 'must be a string of digits';
    }
    if (new Decimal(input).gt(MAX_REQUEST_AMOUNT_DONG)) return 'must not exceed 1000000000000000 đồng';
    return null;
  }

  /** Reads a stored amount (database INTEGER/BIGINT, returned as number or string by the driver). */
  static fromStored(value: string | number | bigint | null | undefined): Money {
    if (value === null || value === undefined) return Money.ZERO;
    const text = value.toString();
    if (!/^-?[0-9]+$/.test(text)) throw new Error(`stored amount is not whole đồng: ${text}`);
    return new Money(new Decimal(text));
  }

  static sum(items: Iterable<Money>): Money {
    let total = Money.ZERO;
    for (const item of items) total = total.plus(item);
    return total;
  }

  plus(other: Money): Money {
    return new Money(this.value.plus(other.value));
  }

  minus(other: Money): Money {
    return new Money(this.value.minus(other.value));
  }

  /** This amount × percent / 100, rounded down to whole đồng (e.g. an allowance of "5" percent). */
  percent(percent: string): Money {
    return new Money(this.value.times(new Decimal(percent)).dividedBy(100).floor());
  }

  negated(): Money {
    return new Money(this.value.negated());
  }

  isZero(): boolean {
    return this.value.isZero();
  }

  isNegative(): boolean {
    return this.value.isNegative() && !this.value.isZero();
  }

  isPositive(): boolean {
    return this.value.gt(0);
  }

  equals(other: Money): boolean {
    return this.value.eq(other.value);
  }

  compare(other: Money): -1 | 0 | 1 {
    return this.value.cmp(other.value) as -1 | 0 | 1;
  }

  /** Digits only, e.g. "55500000000" (negative amounts carry a leading minus). The API's wire format. */
  toString(): string {
    return this.value.toString();
  }

  toJSON(): string {
    return this.toString();
  }

  /** Vietnamese display form: "55.500.000.000 đ". */
  format(): string {
    const digits = this.value.abs().toString();
    const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
    return `${this.isNegative() ? '-' : ''}${grouped} đ`;
  }
}
