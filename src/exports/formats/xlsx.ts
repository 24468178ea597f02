import type * as ExcelJS from 'exceljs';
import { excelJs } from '../../documents/libraries';
import type { Writable } from 'node:stream';
import { spreadsheetLabel } from '../../documents/spreadsheet-text';
import type { Language } from '../../common/i18n';
import type { ExportEntry, ExportLine, ExportPlan } from '../export.types';
import type { JournalWriter } from './journal-writer';
import { drained, OutputClosedError } from './output';

/** Excel's limit is 1,048,576 rows a sheet (the header included); a longer journal continues on a new sheet. */
export const XLSX_MAX_ROWS_PER_SHEET = 1_048_576;

const AMOUNT_FORMAT = '#,##0';
const DATE_FORMAT = 'dd/mm/yyyy';

/**
 * The XLSX journal's columns, one row per journal line, in this order: the CSV's (formats/csv.ts) plus what an
 * accountant filters and pivots on (issue 10, item 15): the fund's level, the document's date, the line's
 * counter-accounts (the entry's other accounts), the donor and the household paid. Headers:
 * templates/i18n/spreadsheets.{vi,en}.json `journal.columns`, Vietnamese unless the request asks for English.
 */
export const XLSX_JOURNAL_COLUMNS = [
  'entry_id',
  'fund',
  'fund_level',
  'number',
  'date',
  'document_date',
  'reference',
  'source',
  'description',
  'account',
  'account_name',
  'counter_accounts',
  'debit',
  'credit',
  'donor',
  'payee',
  'memo',
  'reversal_of',
  'entry_hash',
] as const;
type XlsxColumn = (typeof XLSX_JOURNAL_COLUMNS)[number];

const WIDTHS: Record<XlsxColumn, number> = {
  entry_id: 9,
  fund: 10,
  fund_level: 10,
  number: 8,
  date: 11,
  document_date: 11,
  reference: 16,
  source: 13,
  description: 50,
  account: 8,
  account_name: 32,
  counter_accounts: 12,
  debit: 18,
  credit: 18,
  donor: 30,
  payee: 30,
  memo: 30,
  reversal_of: 11,
  entry_hash: 20,
};

const column = (key: XlsxColumn): number => XLSX_JOURNAL_COLUMNS.indexOf(key) + 1;

/** A line's counter-accounts: the entry's other accounts, each once, in code order ("111, 5114"). */
function counterAccounts(entry: ExportEntry, line: ExportLine): string {
  const others = entry.lines.map((l) => l.account.code).filter((code) => code !== line.account.code);
  return [...new Set(others)].sort().join(', ');
}

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
 * workbook is never whole in memory. The CSV's columns and more (XLSX_JOURNAL_COLUMNS), under headers in the
 * request's language; ids and amounts are number cells (`#,##0`), dates date cells, an autofilter on the header.
 */
export class XlsxJournalWriter implements JournalWriter {
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private sheet: ExcelJS.Worksheet | null = null;
  private sheets = 0;
  private rowsInSheet = 0;
  private readonly lang: Language;

  constructor(
    private readonly plan: ExportPlan,
    private readonly out: Writable,
    private readonly maxRowsPerSheet = XLSX_MAX_ROWS_PER_SHEET,
  ) {
    this.workbook = new (excelJs().stream.xlsx.WorkbookWriter)({
      stream: out,
      useStyles: true,
      useSharedStrings: false,
    });
    this.lang = plan.language ?? 'vi';
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
        const values: Record<XlsxColumn, ExcelJS.CellValue> = {
          entry_id: e.id,
          fund: e.fund.code,
          fund_level: this.label(`levels.${e.fund.level}`),
          number: e.number,
          date: new Date(`${e.date}T00:00:00Z`),
          document_date: new Date(`${e.documentDate}T00:00:00Z`),
          reference: e.sourceRef ?? '',
          source: e.source,
          description: e.description,
          account: l.account.code,
          account_name: l.account.name,
          counter_accounts: counterAccounts(e, l),
          debit: amountCell(l.debit),
          credit: amountCell(l.credit),
          donor: e.donor ?? '',
          payee: e.payee ?? '',
          memo: l.memo ?? '',
          reversal_of: e.reversalOf ?? '',
          entry_hash: e.hash,
        };
        const row = (this.sheet as ExcelJS.Worksheet).addRow(XLSX_JOURNAL_COLUMNS.map((key) => values[key]));
        row.getCell(column('date')).numFmt = DATE_FORMAT;
        row.getCell(column('document_date')).numFmt = DATE_FORMAT;
        row.getCell(column('debit')).numFmt = AMOUNT_FORMAT;
        row.getCell(column('credit')).numFmt = AMOUNT_FORMAT;
        row.commit();
        this.rowsInSheet += 1;
      }
    }
    await this.settle();
  }

  async finish(): Promise<void> {
    this.commitSheet();
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

  private label(key: string): string {
    return spreadsheetLabel(this.lang, key);
  }

  /** Ends the current sheet, its autofilter over the header row and the rows written below it. */
  private commitSheet(): void {
    if (!this.sheet) return;
    this.sheet.autoFilter = {
      from: { row: 1, column: 1 },
      to: { row: this.rowsInSheet, column: XLSX_JOURNAL_COLUMNS.length },
    };
    this.sheet.commit();
  }

  private newSheet(): void {
    this.commitSheet();
    this.sheets += 1;
    const name = this.label('journal.sheet');
    const sheet = this.workbook.addWorksheet(this.sheets === 1 ? name : `${name} ${this.sheets}`, {
      views: [{ state: 'frozen', ySplit: 1 }],
    });
    sheet.columns = XLSX_JOURNAL_COLUMNS.map((key) => ({
      header: this.label(`journal.columns.${key}`),
      key,
      width: WIDTHS[key],
    }));
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).commit();
    this.sheet = sheet;
    this.rowsInSheet = 1;
  }
}
