import { stat } from 'node:fs/promises';
import type { EntityManager } from 'typeorm';
import { ConflictError, InvalidRequestError } from '../common/errors';
import type { UnitOfWork } from '../database/unit-of-work';
import type { CellValue } from './cells';
import {
  CheckedRun,
  describeRequest,
  ImportOptions,
  ImportProgress,
  ImportRejectedError,
  ImportSource,
  newScan,
  RowNoun,
  Scan,
} from './import-run';
import { detectFormat, readTableBatches, sha256File, TableFormat } from './table-reader';

/**
 * The one import pipeline, whatever the rows mean (contributions, households, bank statement lines):
 *
 * 1. read the table (CSV or XLSX, streamed; table-reader.ts) and parse its cells;
 * 2. check every row, outside the write lock, so a bad file never holds up other writers — any bad row refuses
 *    the file (422, every bad row by line) unless `partial`;
 * 3. in one UnitOfWork write, read the file again, check each row again against the books as they are now, and
 *    hand the good rows to the feature's writer in chunks;
 * 4. re-hash the file: if it changed meanwhile, or the books did (a row that was good became bad), the whole
 *    write is rolled back (409);
 * 5. let the writer record the run and answer.
 *
 * Each feature supplies only its row schema (header, row parser, limits) and its writer. Memory holds one chunk of
 * rows, the listed bad rows and whatever the writer keeps — never the file.
 */

/** How a kind of file is read: its header, its rows, and how many it may have. */
export interface RowSchema<Header, Row, Context> {
  /** How its data rows are called in messages. */
  noun: RowNoun;
  maxRows: number;
  /** The refusal past maxRows, e.g. "the file has more than 2000000 rows; split it into smaller files". */
  tooManyRows: string;
  readHeader(cells: readonly CellValue[]): Header;
  /** Parses and checks one row, on its own and against `context`; every problem, not just the first. */
  parseRow(line: number, cells: readonly CellValue[], header: Header, context: Context): RowResult<Row>;
}

/** A schema from its parts; the refusal past `maxRows` is worded for its noun (a statement's lines, a file's rows). */
export function rowSchema<Header, Row, Context>(
  noun: RowNoun,
  maxRows: number,
  readHeader: RowSchema<Header, Row, Context>['readHeader'],
  parseRow: RowSchema<Header, Row, Context>['parseRow'],
): RowSchema<Header, Row, Context> {
  const tooManyRows =
    noun === 'lines'
      ? `the statement has more than ${maxRows} lines; split it into smaller periods`
      : `the file has more than ${maxRows} rows; split it into smaller files`;
  return { noun, maxRows, tooManyRows, readHeader, parseRow };
}

export type RowResult<Row> = { ok: true; row: Row } | { ok: false; errors: string[] };

/** What a feature does with the good rows, inside the import's one write transaction. */
export interface RowWriter<Row, Report> {
  /** The progress phase while it writes: `posting` through the books, or `writing` registry rows. */
  readonly phase: ImportProgress['phase'];
  /** Takes the next chunk of good rows, in file order. */
  write(rows: Row[]): Promise<void>;
  /** After the last chunk, once the file is known unchanged: records the run and makes the answer. */
  finish(run: CheckedRun): Promise<Report>;
}

export interface ImportJob<Header, Row, Context, Report> {
  /** Names the write transaction: "import contributions". */
  label: string;
  source: ImportSource;
  options: ImportOptions;
  schema: RowSchema<Header, Row, Context>;
  /** What rows are checked against besides themselves; read once per pass (the second time inside the write). */
  context(manager: EntityManager): Promise<Context> | Context;
  /**
   * The feature's writer, made inside the write transaction; `fileSha256` tells a file imported before, `rows` is
   * how many data rows the first pass counted (to size what the writer keeps per row).
   */
  writer(
    tx: EntityManager,
    fileSha256: string,
    rows: number,
  ): Promise<RowWriter<Row, Report>> | RowWriter<Row, Report>;
  /** Rows handed to the writer at a time (default 500). */
  chunkRows?: number;
}

const DEFAULT_CHUNK_ROWS = 500;
const PROGRESS_EVERY_ROWS = 250;

export async function runImport<Header, Row, Context, Report>(
  uow: UnitOfWork,
  job: ImportJob<Header, Row, Context, Report>,
): Promise<Report> {
  const { source, schema } = job;
  const partial = job.options.partial === true;
  const chunkRows = job.chunkRows ?? DEFAULT_CHUNK_ROWS;
  const format = await detectFormat(source.path);
  const bytesTotal = (await stat(source.path)).size;
  const fileSha256 = await sha256File(source.path);
  describeRequest(source, fileSha256, partial);
  let rowsTotal: number | null = null;
  const progress = (phase: ImportProgress['phase'], scan: Scan) =>
    job.options.onProgress?.({
      phase,
      rows: scan.rows,
      rowsTotal,
      bytesRead: scan.meter.bytesRead,
      bytesTotal,
    });

  // Pass 1: a dry run outside the write lock.
  const dry = newScan();
  const checked = goodRows(source.path, format, schema, await job.context(uow.manager), dry, false, () => {
    if (dry.rows % PROGRESS_EVERY_ROWS === 0) progress('validating', dry);
  });
  while (!(await checked.next()).done) {
    // Only the count and the bad rows matter in this pass.
  }
  progress('validating', dry);
  rowsTotal = dry.rows;
  if (dry.rows === 0) throw new InvalidRequestError(`the file has a header but no ${schema.noun} below it`);
  if (dry.bad.count > 0 && (!partial || dry.bad.count === dry.rows)) {
    throw new ImportRejectedError(dry.rows, dry.bad.count, dry.bad.listed, partial, schema.noun);
  }

  // Pass 2: the authoritative one, under the write lock.
  return uow.write(async (tx) => {
    const writer = await job.writer(tx, fileSha256, dry.rows);
    const scan = newScan();
    // All-or-nothing: the read stops at the first good row after a bad one (the rollback undoes all anyway).
    const rows = goodRows(source.path, format, schema, await job.context(tx), scan, !partial);
    let chunk: Row[] = [];
    for await (const good of rows) {
      for (const row of good) {
        chunk.push(row);
        if (chunk.length === chunkRows) {
          await writer.write(chunk);
          chunk = [];
          progress(writer.phase, scan);
        }
      }
    }
    const booksChanged = !partial && scan.bad.count > 0;
    if (!booksChanged) {
      await writer.write(chunk);
      progress(writer.phase, scan);
    }
    if ((await sha256File(source.path)) !== fileSha256) {
      throw new ConflictError('the file changed while it was being imported; nothing was written');
    }
    if (booksChanged) {
      // A row good in the first pass is bad now (a fund was locked or closed meanwhile): the rollback undoes all.
      throw new ConflictError([
        ...scan.bad.listed.map((row) => `line ${row.line}: ${row.errors.join('; ')}`),
        'the books changed while the file was being imported; nothing was written',
      ]);
    }
    if (scan.bad.count === scan.rows) {
      throw new ImportRejectedError(scan.rows, scan.bad.count, scan.bad.listed, partial, schema.noun);
    }
    return writer.finish({ source, fileSha256, partial, rowsTotal: scan.rows, bad: scan.bad });
  }, job.label);
}

/**
 * Streams the file's good rows, in file order, a batch at a time; counts every data row and records the bad ones
 * in `scan`. `stopAfterBad`: the read ends at the first good row after a bad one, that row not given.
 */
async function* goodRows<Header, Row, Context>(
  path: string,
  format: TableFormat,
  schema: RowSchema<Header, Row, Context>,
  context: Context,
  scan: Scan,
  stopAfterBad: boolean,
  onRow?: () => void,
): AsyncGenerator<Row[]> {
  let header: { map: Header } | null = null;
  for await (const batch of readTableBatches(path, format, scan.meter)) {
    const good: Row[] = [];
    for (const source of batch) {
      if (header === null) {
        header = { map: schema.readHeader(source.cells) };
        continue;
      }
      scan.rows += 1;
      if (scan.rows > schema.maxRows) throw new InvalidRequestError(schema.tooManyRows);
      const parsed = schema.parseRow(source.line, source.cells, header.map, context);
      if (!parsed.ok) scan.bad.add(source.line, parsed.errors);
      onRow?.();
      if (parsed.ok) {
        if (stopAfterBad && scan.bad.count > 0) {
          if (good.length > 0) yield good;
          return;
        }
        good.push(parsed.row);
      }
    }
    if (good.length > 0) yield good;
  }
  if (header === null) throw new InvalidRequestError('the file is empty; its first row must be the header');
}
