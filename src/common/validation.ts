import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
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
