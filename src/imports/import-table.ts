import { sha256Text } from '../common/sha256';
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
  return sha256Text(`${fingerprint}#${occurrence}`);
}

/** SHA-256 (hex) of a row's identifying parts, joined by a separator no cell text holds. */
export function fingerprintOf(parts: readonly string[]): string {
  return sha256Text(parts.join('\u001f'));
}

/**
 * Gives each row of one file its import key, counting identical rows. It remembers 96 bits of each distinct row
 * content's fingerprint in a flat open-addressing table — 12–24 bytes a content (about 25 MB for a million
 * distinct rows), not a JavaScript object each — and keeps a count only for contents met more than once. Two
 * contents alike in those 96 bits (odds about 10^-17 for a million rows) would be counted as one: the second
 * would take the next occurrence's key, the same each time the file is imported.
 */
export class ImportKeys {
  /** Three 32-bit words per slot; all three zero: an empty slot. */
  private slots: Uint32Array;
  private used = 0;

  /** `expected`: the distinct contents to come, at most (a file's rows), so that the table never has to grow. */
  constructor(expected = 0) {
    let slots = 1024;
    while ((expected + 1) * 2 > slots) slots *= 2;
    this.slots = new Uint32Array(3 * slots);
  }
  /** Contents seen more than once (rare): the 24 hex digits → how many times so far. */
  private readonly repeats = new Map<string, number>();

  next(fingerprint: string): string {
    const prefix = fingerprint.slice(0, 24);
    const words = [
      Number.parseInt(prefix.slice(0, 8), 16) >>> 0,
      Number.parseInt(prefix.slice(8, 16), 16) >>> 0,
      Number.parseInt(prefix.slice(16, 24), 16) >>> 0,
    ];
    // An all-zero prefix would read as an empty slot: give it a 1 that no other content can take from it.
    if (words[0] === 0 && words[1] === 0 && words[2] === 0) words[2] = 1;
    const seen = this.insert(words);
    const occurrence = seen ? (this.repeats.get(prefix) ?? 1) : 0;
    if (seen) this.repeats.set(prefix, occurrence + 1);
    return importKey(fingerprint, occurrence);
  }

  /** Adds the content; true when it was there already. */
  private insert(words: number[]): boolean {
    if ((this.used + 1) * 2 > this.slots.length / 3) this.grow();
    const mask = this.slots.length / 3 - 1;
    for (let slot = words[0] & mask; ; slot = (slot + 1) & mask) {
      const at = slot * 3;
      if (this.slots[at] === 0 && this.slots[at + 1] === 0 && this.slots[at + 2] === 0) {
        this.slots.set(words, at);
        this.used += 1;
        return false;
      }
      if (this.slots[at] === words[0] && this.slots[at + 1] === words[1] && this.slots[at + 2] === words[2])
        return true;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.used = 0;
    for (let at = 0; at < old.length; at += 3) {
      if (old[at] !== 0 || old[at + 1] !== 0 || old[at + 2] !== 0)
        this.insert([old[at], old[at + 1], old[at + 2]]);
    }
  }
}
