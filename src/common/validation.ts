import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { todayInVietnam } from './clock';
import { Money } from './money';

/** A whole amount of đồng (JSON integer or digit string, ≤ 10^15); positive unless `allowZero`. */
export function IsDong(options: { allowZero?: boolean } & ValidationOptions = {}) {
  return (target: object, propertyName: string) => {
    registerDecorator({
      name: 'isDong',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate(value: unknown) {
          if (Money.problem(value) !== null) return false;
          return options.allowZero === true || Money.parse(value).isPositive();
        },
        defaultMessage(args: ValidationArguments) {
          const problem = Money.problem(args.value);
          return `${args.property} ${problem ?? 'must be a positive whole number of đồng'}`;
        },
      },
    });
  };
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export function IsIsoDate(options: ValidationOptions = {}) {
  return (target: object, propertyName: string) => {
    registerDecorator({
      name: 'isIsoDate',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => isIsoDate(value),
        defaultMessage: (args: ValidationArguments) => `${args.property} must be a date written YYYY-MM-DD`,
      },
    });
  };
}

/** The earliest date the books take: the Revolution of August 1945 precedes every fund and every beneficiary. */
export const EARLIEST_BOOK_DATE = '1945-01-01';

/** One year after today in Vietnam: the latest date a record may carry (a planned start, a decision). */
export function latestBookDate(today = todayInVietnam()): string {
  const next = new Date(`${today}T00:00:00Z`);
  next.setUTCFullYear(next.getUTCFullYear() + 1);
  return next.toISOString().slice(0, 10);
}

/** Why a date may not be written to the books or records, or null: before 1945-01-01 or over a year ahead. */
export function bookDateProblem(field: string, value: unknown): string | null {
  if (!isIsoDate(value)) return `${field} must be a date written YYYY-MM-DD`;
  if (value < EARLIEST_BOOK_DATE) return `${field} must not be before ${EARLIEST_BOOK_DATE}`;
  const latest = latestBookDate();
  if (value > latest) return `${field} must not be after ${latest}, a year from today`;
  return null;
}

/**
 * A date that is written (an entry's, a payout's, a fund's validity): a real YYYY-MM-DD date from 1945-01-01 to a
 * year ahead of today in Vietnam. Dates that only filter reads (`asOf`, `to`) stay IsIsoDate: asking about 2099 is
 * harmless. The posting path also checks the fund's own validFrom.
 */
export function IsBookDate(options: ValidationOptions = {}) {
  return (target: object, propertyName: string) => {
    registerDecorator({
      name: 'isBookDate',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          bookDateProblem(args.property, value) === null,
        defaultMessage: (args: ValidationArguments) =>
          bookDateProblem(args.property, args.value) ?? `${args.property} is not an allowed date`,
      },
    });
  };
}

/** A string with at least one character that is not white space ("   " is blank). */
export function IsNotBlank(options: ValidationOptions = {}) {
  return (target: object, propertyName: string) => {
    registerDecorator({
      name: 'isNotBlank',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.trim().length > 0,
        defaultMessage: (args: ValidationArguments) => `${args.property} must not be blank`,
      },
    });
  };
}

/** The OpenAPI schema of a request amount: a JSON integer or a string of digits (whole đồng). */
export function dongSchema(example: string) {
  return { oneOf: [{ type: 'integer' }, { type: 'string', pattern: '^[0-9]+$' }], example };
}
