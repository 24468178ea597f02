import * as ExcelJS from 'exceljs';
import type { Writable } from 'node:stream';
import type { ExportEntry, ExportPlan } from '../export.types';
import { JOURNAL_COLUMNS } from './csv';
import type { JournalWriter } from './journal-writer';
import { drained, OutputClosedError } from './output';

/** Excel's limit is 1,048,576 rows a sheet (the header included); a longer journal continues on a new sheet. */
export const XLSX_MAX_ROWS_PER_SHEET = 1_048_576;

const AMOUNT_FORMAT = '#,##0';
const DATE_FORMAT = 'dd/mm/yyyy';
const WIDTHS: Record<(typeof JOURNAL_COLUMNS)[number], number> = {
  entry_id: 9,
  fund: 10,
  number: 8,
  date: 11,
  source: 13,
  reference: 16,
  description: 50,
  account: 8,
  account_name: 32,
  debit: 18,
  credit: 18,
  memo: 30,
  entry_hash: 20,
  reversal_of: 11,
};

/** How much XML may wait for exceljs's zip compressor before the writer waits for it. */
const COMPRESSOR_BACKLOG_BYTES = 4_000_000;

/**
 * exceljs 4's streaming writer ignores backpressure: a worksheet hands its XML to the zip compressor's input (a
 * readable-stream PassThrough, `worksheet.stream.pipes[0]`) without waiting, so a long journal piles up there
 * when compression or the reader is slower than the database. These are the internals the writer reads to wait;
 * if a later exceljs moves them, `compressorInput` gives null and only the output's own buffer is waited for.
 */
interface CompressorInput {
  _writableState?: { length?: unknown };
  once(event: 'drain', listener: () => void): unknown;
  off(event: 'drain', listener: () => void): unknown;
}

export function compressorInput(sheet: ExcelJS.Worksheet): CompressorInput | null {
  const stream = (sheet as unknown as { stream?: { pipes?: unknown } }).stream;
  const input = Array.isArray(stream?.pipes) ? (stream.pipes[0] as CompressorInput | undefined) : undefined;
  return input && typeof input._writableState?.length === 'number' ? input : null;
}

/** Resolves on the compressor input's 'drain', or fails when the output closes first (its reader went away). */
function compressorDrained(input: CompressorInput, out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      input.off('drain', onDrain);
      out.off('close', onClose);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onClose = () => {
      cleanup();
      reject(new OutputClosedError());
    };
    input.once('drain', onDrain);
    out.once('close', onClose);
  });
}

/** A whole amount as an Excel number when a double holds it exactly (always, below 2^53 đồng), else as text. */
function amountCell(digits: string): number | string {
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : digits;
}

/**
 * The journal as an Excel workbook, through exceljs's streaming writer: rows are committed as they come, so the
 * workbook is never whole in memory. Same columns as the CSV; ids and amounts are number cells (`#,##0`),
 * dates date cells.
 */
export class XlsxJournalWriter implements JournalWriter {
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private sheet: ExcelJS.Worksheet | null = null;
  private sheets = 0;
  private rowsInSheet = 0;

  constructor(
    private readonly plan: ExportPlan,
    private readonly out: Writable,
    private readonly maxRowsPerSheet = XLSX_MAX_ROWS_PER_SHEET,
  ) {
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useStyles: true,
      useSharedStrings: false,
    });
    this.workbook.creator = plan.generator;
    this.workbook.created = new Date(plan.createdAt);
    this.workbook.modified = new Date(plan.createdAt);
  }

  begin(): Promise<void> {
    this.newSheet();
    return Promise.resolve();
  }

  async write(entries: ExportEntry[]): Promise<void> {
    for (const e of entries) {
      for (const l of e.lines) {
        if (this.rowsInSheet >= this.maxRowsPerSheet) this.newSheet();
        const row = (this.sheet as ExcelJS.Worksheet).addRow([
          e.id,
          e.fund.code,
          e.number,
          new Date(`${e.date}T00:00:00Z`),
          e.source,
          e.sourceRef ?? '',
          e.description,
          l.account.code,
          l.account.name,
          amountCell(l.debit),
          amountCell(l.credit),
          l.memo ?? '',
          e.hash,
          e.reversalOf ?? '',
        ]);
        row.getCell(4).numFmt = DATE_FORMAT;
        row.getCell(10).numFmt = AMOUNT_FORMAT;
        row.getCell(11).numFmt = AMOUNT_FORMAT;
        row.commit();
        this.rowsInSheet += 1;
      }
    }
    await this.settle();
  }

  async finish(): Promise<void> {
    this.sheet?.commit();
    // Resolves when the output has finished; fails if it closes before.
    let onClose = (): void => undefined;
    const closed = new Promise<never>((_resolve, reject) => {
      onClose = () => {
        if (!this.out.writableFinished) reject(new OutputClosedError());
      };
      this.out.once('close', onClose);
    });
    try {
      await Promise.race([this.workbook.commit(), closed]);
    } finally {
      this.out.off('close', onClose);
    }
  }

  /** Waits until the compressor has taken in most of what was written, and the output can take more. */
  private async settle(): Promise<void> {
    const input = this.sheet ? compressorInput(this.sheet) : null;
    while (input && (input._writableState?.length as number) > COMPRESSOR_BACKLOG_BYTES) {
      if (this.out.destroyed) throw new OutputClosedError();
      await compressorDrained(input, this.out);
    }
    await drained(this.out);
  }

  private newSheet(): void {
    this.sheet?.commit();
    this.sheets += 1;
    const sheet = this.workbook.addWorksheet(this.sheets === 1 ? 'Journal' : `Journal ${this.sheets}`, {
      views: [{ state: 'frozen', ySplit: 1 }],
    });
    sheet.columns = JOURNAL_COLUMNS.map((key) => ({ header: key, key, width: WIDTHS[key] }));
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).commit();
    this.sheet = sheet;
    this.rowsInSheet = 1;
  }
}
