import { InvalidRequestError } from '../common/errors';
import { Money } from '../common/money';
import { aliasKey, CellValue, parseAmount, parseDate } from '../imports/cells';
import { ColumnMap, fingerprintOf, HeaderSpec, readHeaderOf, RowCells } from '../imports/import-table';
import type { Direction } from './entities';

/**
 * The rows of a bank or Treasury statement file: a header row, then one movement of the account per row. Pure
 * (no database). A movement is either `amount` + `direction`, or an amount in one of two columns `money_in` /
 * `money_out` (the "Ghi có" / "Ghi nợ" columns of Vietnamese bank statements).
 */

export const STATEMENT_COLUMNS = [
  'date',
  'amount',
  'direction',
  'reference',
  'description',
  'money_in',
  'money_out',
] as const;
export type StatementColumn = (typeof STATEMENT_COLUMNS)[number];

/** Other header names (folded: no diacritics, words joined by "_"); `null` = a column that is ignored. */
export const STATEMENT_HEADER_ALIASES: Readonly<Record<string, StatementColumn | null>> = {
  ngay: 'date',
  ngay_giao_dich: 'date',
  ngay_gd: 'date',
  ngay_hach_toan: 'date',
  transaction_date: 'date',
  so_tien: 'amount',
  loai: 'direction',
  thu_chi: 'direction',
  loai_giao_dich: 'direction',
  type: 'direction',
  so_tham_chieu: 'reference',
  tham_chieu: 'reference',
  so_chung_tu: 'reference',
  so_ct: 'reference',
  ma_giao_dich: 'reference',
  ref: 'reference',
  dien_giai: 'description',
  noi_dung: 'description',
  mo_ta: 'description',
  ghi_co: 'money_in',
  so_tien_ghi_co: 'money_in',
  phat_sinh_co: 'money_in',
  credit_amount: 'money_in',
  ghi_no: 'money_out',
  so_tien_ghi_no: 'money_out',
  phat_sinh_no: 'money_out',
  debit_amount: 'money_out',
  // The row counter, and the running balance banks print (the balance follows from the lines; it is not kept).
  stt: null,
  so_du: null,
  balance: null,
};

/**
 * How banks write a direction, from the account holder's side of the bank's books: the bank *credits* (Có) the
 * account with money coming in and *debits* (Nợ) it with money going out. Keys as `aliasKey` folds them.
 */
const DIRECTION_ALIASES: Readonly<Record<string, Direction>> = {
  in: 'in',
  out: 'out',
  credit: 'in',
  debit: 'out',
  cr: 'in',
  dr: 'out',
  c: 'in',
  d: 'out',
  thu: 'in',
  chi: 'out',
  co: 'in',
  no: 'out',
  'ghi-co': 'in',
  'ghi-no': 'out',
  '+': 'in',
  '-': 'out',
};

/** Longest text a column may hold, in characters; the amount and date columns are parsed, not stored as text. */
const MAX_LENGTH: Readonly<Record<StatementColumn, number>> = {
  date: 32,
  amount: 32,
  money_in: 32,
  money_out: 32,
  reference: 100,
  description: 500,
  direction: 16,
};

const HEADER_SPEC: HeaderSpec<StatementColumn> = {
  what: 'bank statement',
  columns: STATEMENT_COLUMNS,
  required: ['date'],
  aliases: STATEMENT_HEADER_ALIASES,
  hint:
    'the header must name date, amount, direction and optionally reference, description ' +
    '(or ngay, so_tien, loai, so_tham_chieu, dien_giai); instead of amount and direction, a statement may have ' +
    'the two columns money_in and money_out (ghi_co, ghi_no)',
};

export type StatementHeader = ColumnMap<StatementColumn>;

export interface StatementRow {
  /** The row's line in the file (the header is line 1). */
  line: number;
  date: string;
  amount: Money;
  direction: Direction;
  reference: string | null;
  description: string | null;
}

export type StatementRowResult = { ok: true; row: StatementRow } | { ok: false; errors: string[] };

/** Reads the header row: every problem at once (400: no row can be read without it). */
export function readStatementHeader(cells: readonly CellValue[]): StatementHeader {
  const header = readHeaderOf(cells, HEADER_SPEC);
  const has = (column: StatementColumn) => header.positions.has(column);
  const split = has('money_in') || has('money_out');
  const problems: string[] = [];
  if (split && (has('amount') || has('direction'))) {
    problems.push('line 1: give either amount and direction, or money_in and money_out, not both');
  } else if (!split && !has('amount')) {
    problems.push('line 1: the header has no amount column');
  } else if (!split && !has('direction')) {
    problems.push('line 1: the header has no direction column (in/out, credit/debit, thu/chi)');
  }
  if (problems.length > 0) throw new InvalidRequestError([...problems, HEADER_SPEC.hint]);
  return header;
}

/** Parses and checks one data row on its own; every problem is reported, not just the first. */
export function parseStatementRow(
  line: number,
  cells: readonly CellValue[],
  header: StatementHeader,
  today: string,
): StatementRowResult {
  const fields = new RowCells(cells, header, MAX_LENGTH);
  const { errors } = fields;
  const cell = (column: StatementColumn) => fields.cell(column);
  const text = (column: 'reference' | 'description' | 'direction') => fields.text(column);

  const date = parseDate(cell('date'));
  if (typeof date !== 'string') errors.push(date.error);
  else if (date > today) errors.push(`date ${date} is in the future`);

  const movement = header.positions.has('amount') ? amountAndDirection() : inOrOut();
  const reference = text('reference');
  const description = text('description');
  if (errors.length > 0 || typeof date !== 'string' || movement === null) return { ok: false, errors };
  return { ok: true, row: { line, date, ...movement, reference, description } };

  function amountAndDirection(): { amount: Money; direction: Direction } | null {
    const amount = parseAmount(cell('amount'));
    if (!(amount instanceof Money)) errors.push(amount.error);
    const before = errors.length;
    const written = text('direction');
    if (written === null) {
      if (errors.length === before) errors.push('direction is required (in or out)');
      return null;
    }
    const direction = DIRECTION_ALIASES[aliasKey(written)];
    if (!direction) {
      errors.push(`direction "${written}" is not one of in, out (or credit, debit; thu, chi; có, nợ)`);
      return null;
    }
    return amount instanceof Money ? { amount, direction } : null;
  }

  function inOrOut(): { amount: Money; direction: Direction } | null {
    const given = (['money_in', 'money_out'] as const).filter((column) => !isBlank(cell(column)));
    if (given.length !== 1) {
      errors.push(
        given.length === 0
          ? 'money_in or money_out is required'
          : 'money_in and money_out are both filled; a line moves money one way',
      );
      return null;
    }
    const amount = parseAmount(cell(given[0]));
    if (!(amount instanceof Money)) {
      errors.push(amount.error.replace(/^amount/, given[0]));
      return null;
    }
    return { amount, direction: given[0] === 'money_in' ? 'in' : 'out' };
  }
}

function isBlank(cell: CellValue): boolean {
  return cell === null || (typeof cell === 'string' && cell.trim() === '');
}

/**
 * What makes a statement line the movement it is, for re-imports: fund, date, amount, direction and reference
 * (not the description, which banks word differently from one export to the next). Identical lines of one file
 * are told apart by their occurrence (see `ImportKeys`).
 */
export function statementLineFingerprint(fundCode: string, row: StatementRow): string {
  return fingerprintOf([fundCode, row.date, row.amount.toString(), row.direction, row.reference ?? '']);
}
