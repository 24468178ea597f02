import { createHash } from 'node:crypto';
import { InvalidRequestError } from '../common/errors';
import { foldVietnamese } from '../common/text';

/**
 * What every table import shares, whatever its rows mean: cell values, header normalisation and mapping, text
 * cells, and row import keys. Pure (no database); each kind of import (contribution-row.ts, the beneficiaries'
 * beneficiary-row.ts) names its columns and gives its rows their meaning.
 */

/** What a spreadsheet cell can hold once read: CSV gives only strings; XLSX also numbers, dates and errors. */
export type CellValue = string | number | boolean | Date | { error: string } | null;

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

/** True when a row has nothing in it (Excel often leaves such rows, or lines of bare commas, at the end). */
export function isBlankRow(cells: readonly CellValue[]): boolean {
  return cells.every((cell) => cell === null || (typeof cell === 'string' && cell.trim() === ''));
}

/** The problem of a data row with more non-blank cells than the header has columns, or null. */
export function extraCellsProblem(cells: readonly CellValue[], width: number): string | null {
  const extra = cells.slice(width).filter((cell) => !isBlankRow([cell])).length;
  return extra > 0 ? `row has ${width + extra} or more cells; the header names only ${width}` : null;
}

/** A cell as trimmed NFC text (null when blank); a spreadsheet error cell is a row error. */
export function cellText(cell: CellValue, column: string): string | null | { error: string } {
  if (cell === null) return null;
  if (typeof cell === 'string') {
    const trimmed = cell.normalize('NFC').trim();
    return trimmed === '' ? null : trimmed;
  }
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? null : cell.toISOString().slice(0, 10);
  return { error: `${column} holds the spreadsheet error ${cell.error}` };
}

/** "Cá nhân", "ca_nhan", "CA NHAN" → "ca-nhan": how a cell naming one of a list of values is matched. */
export function aliasKey(text: string): string {
  return foldVietnamese(text).replace(/[\s_]+/g, '-');
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
