import { CsvError, parse } from 'csv-parse';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { InvalidRequestError } from '../common/errors';
import { CellValue, isBlankRow } from './cells';
import { MAX_COLUMNS, readXlsxRows } from './xlsx-reader';

export { MAX_COLUMNS, XLSX_LIMITS } from './xlsx-reader';

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
 * the workbook's shared-string table, within XLSX_LIMITS) is held in memory. A row reaching past MAX_COLUMNS
 * refuses the file.
 */
export async function* readTable(
  path: string,
  format: TableFormat,
  meter?: ReadMeter,
): AsyncGenerator<SourceRow> {
  if (format === 'xlsx') {
    yield* readXlsxRows(path, meter);
    return;
  }
  const delimiter = await sniffDelimiter(path);
  const stream = createReadStream(path);
  if (meter) stream.on('data', (chunk) => (meter.bytesRead += chunk.length));
  try {
    yield* csvRows(stream, delimiter);
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
      if (record.length > MAX_COLUMNS && !isBlankRow(record.slice(MAX_COLUMNS))) {
        throw new InvalidRequestError(
          `line ${start}: the row has ${record.length} cells; the limit is ${MAX_COLUMNS} columns`,
        );
      }
      // csv-parse decodes leniently: bytes that are not UTF-8 arrive as U+FFFD, which would be stored in a name.
      if (record.some((field) => field.includes('\ufffd'))) {
        throw new InvalidRequestError(
          `line ${start}: the file is not UTF-8 text (a character could not be read); save it as "CSV UTF-8" and upload it again`,
        );
      }
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
