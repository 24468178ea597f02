import { CsvError, parse } from 'csv-parse';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { ConflictError, InvalidRequestError } from '../common/errors';
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
  for await (const batch of readTableBatches(path, format, meter)) yield* batch;
}

/** Rows of a batch from the full CSV parser or an XLSX sheet (a plain CSV file gives one batch per block read). */
const BATCH_ROWS = 500;
/** Bytes read at a time from a file (fileBlocks; csv-parse's stream reads its own). */
const BLOCK_BYTES = 64 * 1024;

/**
 * readTable's rows, in file order, a batch at a time: an import of a million rows then awaits a few thousand
 * times, not a million (every awaited step of an async generator is several promises). Memory holds one batch.
 */
export async function* readTableBatches(
  path: string,
  format: TableFormat,
  meter: ReadMeter = { bytesRead: 0 },
): AsyncGenerator<SourceRow[]> {
  if (format === 'xlsx') {
    yield* batchesOf(readXlsxRows(path, meter));
    return;
  }
  const delimiter = await sniffDelimiter(path);
  if (await isPlainCsv(path)) {
    yield* plainCsvRows(path, delimiter, meter);
    return;
  }
  const stream = createReadStream(path);
  stream.on('data', (chunk) => (meter.bytesRead += chunk.length));
  try {
    yield* batchesOf(csvRows(stream, delimiter));
  } finally {
    stream.destroy();
  }
}

async function* batchesOf(rows: AsyncIterable<SourceRow>): AsyncGenerator<SourceRow[]> {
  let batch: SourceRow[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length === BATCH_ROWS) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * True when the file holds no quote and no carriage return: then every line is a record and every delimiter
 * separates two cells, exactly as csv-parse reads it (with the options csvRows gives it), and plainCsvRows reads
 * it some five times faster. A file saved by Excel (CRLF) or with quoted cells goes through csv-parse.
 */
async function isPlainCsv(path: string): Promise<boolean> {
  for await (const block of fileBlocks(path)) {
    if (block.includes(0x22) || block.includes(0x0d)) return false;
  }
  return true;
}

/**
 * The file's bytes a block at a time, each read into the same buffer: the caller is done with a block before it
 * asks for the next. A read stream hands over a new buffer for every block, memory outside the heap that waits for
 * a collection; an import of a plain CSV file reads it six times (its hash before the first pass and after the
 * second, the plain check and the rows in each pass), and 10⁶ rows' garbage blocks raised its peak RSS by 10–20 MB
 * (issue 13). A file with quotes or carriage returns streams its rows to csv-parse.
 */
async function* fileBlocks(path: string): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(BLOCK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** A plain CSV file's rows (see isPlainCsv), a block of the file at a time. */
async function* plainCsvRows(path: string, delimiter: string, meter: ReadMeter): AsyncGenerator<SourceRow[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let started = false;
  let line = 1;
  const take = (text: string, batch: SourceRow[]) => {
    if (!started && text.length > 0) {
      started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      const row = plainRecord(line, text.slice(start, end), delimiter);
      if (row) batch.push(row);
      line += 1;
      start = end + 1;
    }
    return text.slice(start);
  };
  for await (const bytes of fileBlocks(path)) {
    meter.bytesRead += bytes.length;
    // It was plain when isPlainCsv read it: a quote now means the file is being changed under the import.
    if (bytes.includes(0x22) || bytes.includes(0x0d)) {
      throw new ConflictError('the file changed while it was being imported; nothing was written');
    }
    const batch: SourceRow[] = [];
    rest = take(rest + decoder.write(bytes), batch);
    if (rest.length > MAX_CSV_RECORD_CHARS) plainRecord(line, rest, delimiter);
    if (batch.length > 0) yield batch;
  }
  const batch: SourceRow[] = [];
  const last = take(rest + decoder.end(), batch);
  if (last.length > 0) {
    const row = plainRecord(line, last, delimiter);
    if (row) batch.push(row);
  }
  if (batch.length > 0) yield batch;
}

/** One line of a plain CSV file as its row, or null when blank; refused as csvRows refuses it. */
function plainRecord(line: number, text: string, delimiter: string): SourceRow | null {
  if (text.length > MAX_CSV_RECORD_CHARS) {
    throw new InvalidRequestError(
      `line ${line}: the file is not valid CSV: Max Record Size: record exceed the maximum number of tolerated ` +
        `bytes of ${MAX_CSV_RECORD_CHARS} at line ${line}`,
    );
  }
  return checkedRecord(line, text.split(delimiter));
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
      const row = checkedRecord(start, record);
      if (row) yield row;
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

/** A CSV record as its row (null when blank), or the file refused: too many columns, or not UTF-8. */
function checkedRecord(line: number, record: string[]): SourceRow | null {
  if (record.length > MAX_COLUMNS && !isBlankRow(record.slice(MAX_COLUMNS))) {
    throw new InvalidRequestError(
      `line ${line}: the row has ${record.length} cells; the limit is ${MAX_COLUMNS} columns`,
    );
  }
  // Bytes that are not UTF-8 are decoded leniently (csv-parse, StringDecoder) as U+FFFD, which would be stored in
  // a name.
  if (record.some((field) => field.includes('\ufffd'))) {
    throw new InvalidRequestError(
      `line ${line}: the file is not UTF-8 text (a character could not be read); save it as "CSV UTF-8" and upload it again`,
    );
  }
  return isBlankRow(record) ? null : { line, cells: record };
}

/** SHA-256 (hex) of the file's bytes. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const block of fileBlocks(path)) hash.update(block);
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
