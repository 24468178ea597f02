import { textProblem } from '../common/body-guard';
import { Money, MoneyParseError } from '../common/money';
import { foldVietnamese } from '../common/text';
import { isIsoDate } from '../common/validation';

/**
 * The cell parsers every import shares: what a cell can hold once read, and how a cell is read as text, as an
 * amount of whole đồng, as a date, or as one of a list of words. Pure.
 */

/** What a spreadsheet cell can hold once read: CSV gives only strings; XLSX also numbers, dates and errors. */
export type CellValue = string | number | boolean | Date | { error: string } | null;

/** True when a row has nothing in it (Excel often leaves such rows, or lines of bare commas, at the end). */
export function isBlankRow(cells: readonly CellValue[]): boolean {
  return cells.every((cell) => cell === null || (typeof cell === 'string' && cell.trim() === ''));
}

/**
 * Printable ASCII, Latin-1 letters, Latin Extended-A and -B and Latin Extended Additional
 * (Vietnamese): no control, zero-width, bidi or line-break character is among them (body-guard's list).
 */
const PLAIN_TEXT = /^[\u0020-\u007e\u00c0-\u024f\u1e00-\u1eff]*$/u;

/** A cell as trimmed NFC text (null when blank); a spreadsheet error cell is a row error. */
export function cellText(cell: CellValue, column: string): string | null | { error: string } {
  if (cell === null) return null;
  if (typeof cell === 'string') {
    const trimmed = cell.normalize('NFC').trim();
    // The same refusal as for a JSON body: invisible characters would slip past masking and duplicate checks.
    // Text of printable ASCII and Latin (Vietnamese) letters holds none of them: textProblem is not asked.
    const problem = PLAIN_TEXT.test(trimmed) ? null : textProblem(column, trimmed);
    if (problem) return { error: problem };
    return trimmed === '' ? null : trimmed;
  }
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? null : cell.toISOString().slice(0, 10);
  return { error: `${column} holds the spreadsheet error ${cell.error}` };
}

/** Texts and their alias keys met so far: a file names a handful of kinds and methods, a million times over. */
const ALIAS_KEYS = new Map<string, string>();
const MAX_REMEMBERED_ALIASES = 1_000;

/** "Cá nhân", "ca_nhan", "CA NHAN" → "ca-nhan": how a cell naming one of a list of values is matched. */
export function aliasKey(text: string): string {
  let key = ALIAS_KEYS.get(text);
  if (key === undefined) {
    key = foldVietnamese(text).replace(/[\s_]+/g, '-');
    if (ALIAS_KEYS.size >= MAX_REMEMBERED_ALIASES) ALIAS_KEYS.clear();
    ALIAS_KEYS.set(text, key);
  }
  return key;
}

const GROUPED = /^-?\d{1,3}(\.\d{3})+$/;

/** Amount cells met so far and their Money (immutable): a file repeats a few hundred amounts a million times. */
const AMOUNTS = new Map<string, Money>();
const MAX_REMEMBERED_AMOUNTS = 10_000;

/**
 * Whole đồng: digits, optionally grouped by dots the Vietnamese way ("55.500.000"), or an integer number cell.
 * A fraction is an error, never rounded (VND has no minor unit), and so is anything but a positive amount.
 */
export function parseAmount(cell: CellValue): Money | { error: string } {
  if (typeof cell === 'string') {
    const known = AMOUNTS.get(cell);
    if (known !== undefined) return known;
  }
  if (cell === null || (typeof cell === 'string' && cell.trim() === ''))
    return { error: 'amount is required' };
  if (typeof cell !== 'number' && typeof cell !== 'string')
    return { error: 'amount must be a number of đồng' };
  const text = typeof cell === 'string' ? cell.trim() : null;
  const input = text === null ? cell : GROUPED.test(text) ? text.replace(/\./g, '') : text;
  let amount: Money;
  try {
    // Money.parse checks as Money.problem does (one check a cell, not two: an import reads a million).
    amount = Money.parse(input);
  } catch (error) {
    if (!(error instanceof MoneyParseError)) throw error;
    if (text !== null && /[.,]/.test(text) && !text.startsWith('-')) {
      return {
        error: `amount "${text}" must be whole đồng: digits, optionally grouped by dots (55.500.000), without a fraction`,
      };
    }
    return { error: `amount ${Money.problem(input)}` };
  }
  if (!amount.isPositive()) return { error: 'amount must be a positive whole number of đồng' };
  if (typeof cell === 'string') {
    if (AMOUNTS.size >= MAX_REMEMBERED_AMOUNTS) AMOUNTS.clear();
    AMOUNTS.set(cell, amount);
  }
  return amount;
}

const DAY_MONTH_YEAR = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
/** Excel's day serial numbers of 2000-01-01 and 2099-12-31: a number cell in that range is a date. */
const SERIAL_2000 = 36526;
const SERIAL_2099 = 73050;
const MS_PER_DAY = 86_400_000;
const SERIAL_EPOCH_MS = Date.UTC(1899, 11, 30);

/** Real calendar dates met so far: an import's rows share a few thousand days, and isIsoDate builds a Date. */
const REAL_DATES = new Set<string>();
const MAX_REMEMBERED_DATES = 100_000;

function isRealDate(iso: string): boolean {
  if (REAL_DATES.has(iso)) return true;
  if (!isIsoDate(iso)) return false;
  if (REAL_DATES.size >= MAX_REMEMBERED_DATES) REAL_DATES.clear();
  REAL_DATES.add(iso);
  return true;
}

/**
 * `YYYY-MM-DD`, or `DD/MM/YYYY` as Vietnamese write it (also with `.` or `-`), or a spreadsheet date cell (its
 * UTC calendar day). Always returned as `YYYY-MM-DD`.
 */
export function parseDate(cell: CellValue): string | { error: string } {
  if (cell === null || (typeof cell === 'string' && cell.trim() === '')) return { error: 'date is required' };
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return { error: 'date is not a valid date' };
    return cell.toISOString().slice(0, 10);
  }
  if (typeof cell === 'number') {
    if (Number.isInteger(cell) && cell >= SERIAL_2000 && cell <= SERIAL_2099) {
      return new Date(SERIAL_EPOCH_MS + cell * MS_PER_DAY).toISOString().slice(0, 10);
    }
    return { error: `date ${cell} is a number, not a date; write YYYY-MM-DD or DD/MM/YYYY` };
  }
  if (typeof cell !== 'string') return { error: 'date must be a date written YYYY-MM-DD or DD/MM/YYYY' };
  const text = cell.trim();
  const dmy = DAY_MONTH_YEAR.exec(text);
  const iso = dmy ? `${dmy[3]}-${dmy[2].padStart(2, '0')}-${dmy[1].padStart(2, '0')}` : text;
  if (isRealDate(iso)) return iso;
  if (dmy || /^\d{4}-\d{2}-\d{2}$/.test(text)) return { error: `date ${text} is not a real calendar date` };
  return { error: `date "${text}" must be written YYYY-MM-DD or DD/MM/YYYY` };
}
