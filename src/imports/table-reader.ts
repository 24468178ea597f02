import { CsvError, parse } from 'csv-parse';
import * as ExcelJS from 'exceljs';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { InvalidRequestError } from '../common/errors';
import { CellValue, isBlankRow } from './import-table';

export type TableFormat = 'csv' | 'xlsx';

/** One row of a file as read, before any meaning is given to it. */
export interface SourceRow {
  /** Line in the file where the row starts (CSV), or the sheet's row number (XLSX); the header is line 1. */
  line: number;
  cells: CellValue[];
}

/** How far a read has got: bytes taken from the file so far. */
export interface ReadMeter {
  bytesRead: number;
}

/** A CSV record longer than this is refused rather than buffered: it is not a contribution. */
const MAX_CSV_RECORD_CHARS = 64 * 1024;
const SNIFF_BYTES = 64 * 1024;

/**
 * Tells the format from the file's first bytes, never from its name: XLSX is a zip ("PK"), CSV is text. An old
 * binary .xls (OLE2) is refused with a hint.
 */
export async function detectFormat(path: string): Promise<TableFormat> {
  const head = await readHead(path, 8);
  if (head.length === 0) throw new InvalidRequestError('the file is empty; its first row must be the header');
  if (head[0] === 0x50 && head[1] === 0x4b) return 'xlsx';
  if (head.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    throw new InvalidRequestError(
      'old Excel .xls files cannot be read; save the sheet as .xlsx or as CSV (UTF-8)',
    );
  }
  return 'csv';
}

/**
 * Streams the rows of the file, header first, skipping blank rows; nothing but the current row (and, for XLSX,
 * the workbook's shared-string table) is held in memory.
 */
export async function* readTable(
  path: string,
  format: TableFormat,
  meter?: ReadMeter,
): AsyncGenerator<SourceRow> {
  const delimiter = format === 'csv' ? await sniffDelimiter(path) : ',';
  const stream = createReadStream(path);
  if (meter) stream.on('data', (chunk) => (meter.bytesRead += chunk.length));
  try {
    yield* format === 'csv' ? csvRows(stream, delimiter) : xlsxRows(stream);
  } finally {
    stream.destroy();
  }
}

async function* csvRows(stream: Readable, delimiter: string): AsyncGenerator<SourceRow> {
  const parser = stream.pipe(
    parse({
      bom: true,
      delimiter,
      relax_column_count: true,
      // Blank lines come through as records, so that every line of the file is counted here: csv-parse's own
      // line count drifts after a quoted field holding a CRLF line break.
      skip_empty_lines: false,
      max_record_size: MAX_CSV_RECORD_CHARS,
    }),
  );
  let line = 1;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      const start = line;
      line += 1 + record.reduce((n, field) => n + countLineBreaks(field), 0);
      if (!isBlankRow(record)) yield { line: start, cells: record };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const at = (error as CsvError & { lines?: number }).lines;
      throw new InvalidRequestError(`${at ? `line ${at}: ` : ''}the file is not valid CSV: ${error.message}`);
    }
    throw error;
  } finally {
    parser.destroy();
  }
}

/**
 * The rows of the workbook's first worksheet. exceljs copies a worksheet stored before the shared-string table
 * (as Excel and exceljs write them) to a temporary file, and deletes it only when its iteration runs on past that
 * sheet; so the workbook is always read to its end — other sheets and, after an early stop, the rest of the first
 * are drained unread — or the temporary files would stay until the process exits.
 */
async function* xlsxRows(stream: Readable): AsyncGenerator<SourceRow> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // Styles tell date cells from number cells.
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const sheets = workbook[Symbol.asyncIterator]();
  let sheetCount = 0;
  try {
    for (let sheet = await sheets.next(); !sheet.done; sheet = await sheets.next()) {
      sheetCount += 1;
      const rows = sheet.value[Symbol.asyncIterator]();
      try {
        if (sheetCount > 1) continue;
        for (let row = await rows.next(); !row.done; row = await rows.next()) {
          const cells = xlsxCells(row.value);
          if (!isBlankRow(cells)) yield { line: row.value.number, cells };
        }
      } finally {
        await drain(rows);
      }
    }
  } catch (error) {
    throw new InvalidRequestError(
      `the file is not a readable .xlsx workbook: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    await drain(sheets, (sheet) => drain(sheet[Symbol.asyncIterator]()));
  }
  if (sheetCount === 0) throw new InvalidRequestError('the workbook has no worksheet');
}

/** Runs an iterator to its end, ignoring what it yields and any error (it only has to release what it holds). */
async function drain<T>(iterator: AsyncIterator<T>, each?: (item: T) => Promise<void>): Promise<void> {
  try {
    for (let item = await iterator.next(); !item.done; item = await iterator.next()) await each?.(item.value);
  } catch {
    // Already failed: nothing more to release.
  }
}

function xlsxCells(row: ExcelJS.Row): CellValue[] {
  const cells: CellValue[] = [];
  row.eachCell({ includeEmpty: false }, (cell, column) => {
    cells[column - 1] = xlsxValue(cell.value);
  });
  for (let i = 0; i < cells.length; i++) cells[i] ??= null;
  return cells;
}

/** An exceljs cell value as a plain value: rich text joined, a formula's cached result, a link's text. */
export function xlsxValue(value: ExcelJS.CellValue): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value;
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('error' in value) return { error: String(value.error) };
  if ('formula' in value || 'sharedFormula' in value) {
    const result = (value as { result?: unknown }).result;
    if (result === undefined || result === null) return null;
    if (typeof result === 'object' && 'error' in result) return { error: String(result.error) };
    return typeof result === 'string' ||
      typeof result === 'number' ||
      typeof result === 'boolean' ||
      result instanceof Date
      ? result
      : null;
  }
  if ('text' in value) {
    const text = (value as { text: unknown }).text;
    return typeof text === 'string' ? text : xlsxValue(text as ExcelJS.CellValue);
  }
  return null;
}

/** SHA-256 (hex) of the file's bytes, read as a stream. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Line breaks inside a quoted field: CRLF, LF or a lone CR each count once. */
function countLineBreaks(text: string): number {
  if (!text.includes('\n') && !text.includes('\r')) return 0;
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Comma unless the header row uses semicolons or tabs instead: Excel under Vietnamese regional settings (where
 * the comma is the decimal mark) saves "CSV" with semicolons.
 */
async function sniffDelimiter(path: string): Promise<string> {
  const head = (await readHead(path, SNIFF_BYTES)).toString('utf8');
  const firstLine = head.replace(/^\ufeff/, '').split(/\r?\n/, 1)[0] ?? '';
  let best = ',';
  let bestCount = 0;
  for (const candidate of [',', ';', '\t']) {
    let count = 0;
    let quoted = false;
    for (const char of firstLine) {
      if (char === '"') quoted = !quoted;
      else if (char === candidate && !quoted) count += 1;
    }
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}
