import { createHash } from 'node:crypto';
import { InvalidRequestError } from '../common/errors';
import { foldVietnamese } from '../common/text';
import { CellValue, cellText, isBlankRow } from './cells';

/**
 * What every table import shares, whatever its rows mean: header normalisation and mapping, reading a row's cells
 * by column (RowCells), and row import keys. Pure (no database); each kind of import (contribution-row.ts, the
 * beneficiaries' beneficiary-row.ts, bank-reconciliation's statement-row.ts) names its columns and gives its rows
 * their meaning. The cell parsers are in cells.ts.
 */

/** The columns an import knows, and how its header may name them. */
export interface HeaderSpec<C extends string> {
  /** What the file is, for messages: "contributions import". */
  what: string;
  columns: readonly C[];
  required: readonly C[];
  /** Other header names (normalised: see normalizeHeader) for a column; `null` = a column that is ignored. */
  aliases: Readonly<Record<string, C | null>>;
  /** The last message of a refused header: which columns it must name. */
  hint: string;
}

/** Which cell of a row holds which column (0-based positions). */
export interface ColumnMap<C extends string> {
  positions: ReadonlyMap<C, number>;
  /** Number of cells in the header row: a data row with more non-blank cells is malformed. */
  width: number;
}

/** "Mã quỹ", "ma-quy", "MA_QUY (bắt buộc)" → "ma_quy". */
export function normalizeHeader(text: string): string {
  return foldVietnamese(text.replace(/\([^)]*\)/g, ' '))
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Reads a header row; every problem with it is reported at once (400: no row can be read without it). */
export function readHeaderOf<C extends string>(
  cells: readonly CellValue[],
  spec: HeaderSpec<C>,
): ColumnMap<C> {
  const positions = new Map<C, number>();
  const problems: string[] = [];
  cells.forEach((cell, index) => {
    const text =
      cell === null ? '' : typeof cell === 'string' ? cell : typeof cell === 'number' ? String(cell) : '';
    const name = normalizeHeader(text);
    if (name === '') return;
    const column = (spec.columns as readonly string[]).includes(name) ? (name as C) : spec.aliases[name];
    if (column === null) return;
    if (column === undefined) {
      problems.push(`line 1: column "${text.trim()}" is not a column of a ${spec.what}`);
    } else if (positions.has(column)) {
      problems.push(`line 1: column ${column} appears twice`);
    } else {
      positions.set(column, index);
    }
  });
  for (const column of spec.required) {
    if (!positions.has(column)) problems.push(`line 1: the header has no ${column} column`);
  }
  if (problems.length > 0) {
    problems.push(spec.hint);
    throw new InvalidRequestError(problems);
  }
  return { positions, width: cells.length };
}

/** The problem of a data row with more non-blank cells than the header has columns, or null. */
export function extraCellsProblem(cells: readonly CellValue[], width: number): string | null {
  const extra = cells.slice(width).filter((cell) => !isBlankRow([cell])).length;
  return extra > 0 ? `row has ${width + extra} or more cells; the header names only ${width}` : null;
}

/**
 * One data row being parsed: its cells by column, read as text within each column's length, and every problem
 * found so far (starting with cells past the header's width).
 */
export class RowCells<C extends string> {
  readonly errors: string[] = [];

  constructor(
    private readonly cells: readonly CellValue[],
    private readonly header: ColumnMap<C>,
    private readonly maxLength: Readonly<Record<C, number>>,
    /** Runs of white space inside a text become one space (names and addresses typed by hand). */
    private readonly collapseSpaces = false,
  ) {
    const extra = extraCellsProblem(cells, header.width);
    if (extra !== null) this.errors.push(extra);
  }

  /** The cell of a column, or null when the header has no such column. */
  cell(column: C): CellValue {
    const position = this.header.positions.get(column);
    return position === undefined ? null : (this.cells[position] ?? null);
  }

  /** The column as text (null when blank); a spreadsheet error or an overlong text is an error of the row. */
  text(column: C): string | null {
    const result = cellText(this.cell(column), column);
    if (typeof result === 'object' && result !== null) {
      this.errors.push(result.error);
      return null;
    }
    if (result !== null && [...result].length > this.maxLength[column]) {
      this.errors.push(`${column} must be at most ${this.maxLength[column]} characters`);
      return null;
    }
    return result === null || !this.collapseSpaces ? result : result.replace(/\s+/g, ' ');
  }

  /** Like text, and a blank cell is an error. */
  required(column: C): string | null {
    const before = this.errors.length;
    const value = this.text(column);
    if (value === null && this.errors.length === before) this.errors.push(`${column} is required`);
    return value;
  }
}

/**
 * A row's `import_key`: the SHA-256 fingerprint of its content and its occurrence among identical rows of the file
 * (0 for the first). Two identical rows in one file are two records; the same file imported again yields the same
 * keys.
 */
export function importKey(fingerprint: string, occurrence: number): string {
  return createHash('sha256').update(`${fingerprint}#${occurrence}`).digest('hex');
}

/** SHA-256 (hex) of a row's identifying parts, joined by a separator no cell text holds. */
export function fingerprintOf(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u001f')).digest('hex');
}

/**
 * Gives each row of one file its import key, counting identical rows. One entry per distinct row content — the
 * first 16 bytes of the fingerprint, base64 — some 50–100 bytes each.
 */
export class ImportKeys {
  private readonly occurrences = new Map<string, number>();

  next(fingerprint: string): string {
    const short = Buffer.from(fingerprint.slice(0, 32), 'hex').toString('base64');
    const occurrence = this.occurrences.get(short) ?? 0;
    this.occurrences.set(short, occurrence + 1);
    return importKey(fingerprint, occurrence);
  }
}
