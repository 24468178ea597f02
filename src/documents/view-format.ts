import { Money } from '../common/money';

/**
 * Checks and formats the values of a view model before anything is drawn. A view model that breaks these
 * rules is a bug in the feature that built it, so it is refused (DocumentViewError) rather than printed.
 */
export class DocumentViewError extends Error {}

/** Limits on what one document prints (TigerStyle: a limit on everything). */
export const DOCUMENT_LIMITS = {
  /** Names, numbers, account codes, the fund header. */
  shortTextChars: 300,
  /** Addresses, reasons, purposes, notes, the void note. */
  longTextChars: 1_000,
  noteLines: 20,
  accounts: 10,
  verifyUrlChars: 500,
  annexRows: 5_000,
  statementReceipts: 2_000,
} as const;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// A time must carry its zone, so the PDF's creation date does not depend on the server's TZ.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const DIGITS = /^[0-9]+$/;

export interface DateParts {
  day: string;
  month: string;
  year: string;
}

/** "2025-03-15" → { day: '15', month: '03', year: '2025' }. */
export function dateParts(date: string, field: string): DateParts {
  const match = DATE.exec(date);
  const [, year, month, day] = match ?? [];
  if (!year || !month || !day || !isCalendarDate(Number(year), Number(month), Number(day))) {
    throw new DocumentViewError(`${field} must be a date YYYY-MM-DD, got "${date}"`);
  }
  return { day, month, year };
}

/** "2025-03-15" → "15/03/2025". */
export function formatDate(date: string, field: string): string {
  const { day, month, year } = dateParts(date, field);
  return `${day}/${month}/${year}`;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= days[month - 1];
}

/** The fixed creation date of a document: an ISO date, or a timestamp with its zone. */
export function issuedAtDate(issuedAt: string): Date {
  const date = new Date(issuedAt);
  if (!TIMESTAMP.test(issuedAt) || Number.isNaN(date.getTime())) {
    throw new DocumentViewError(`issuedAt must be an ISO date or a timestamp with a zone, got "${issuedAt}"`);
  }
  return date;
}

/** A whole, non-negative amount of đồng given as digits. */
export function amountOf(amount: string, field: string): Money {
  if (!DIGITS.test(amount))
    throw new DocumentViewError(`${field} must be whole đồng in digits, got "${amount}"`);
  return Money.fromStored(amount);
}

/** The text itself, after checking its length; `required` refuses a blank. */
export function textOf(value: string, field: string, maxChars: number, required = true): string {
  if (required && value.trim() === '') throw new DocumentViewError(`${field} must not be blank`);
  if (value.length > maxChars) throw new DocumentViewError(`${field} is longer than ${maxChars} characters`);
  return value;
}

export function checkCount(count: number, field: string, max: number): void {
  if (count > max) throw new DocumentViewError(`${field} has more than ${max} items`);
}
