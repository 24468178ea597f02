import type * as ExcelJS from 'exceljs';
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { BookBlock, BookColumn, BookRow, BookTable, Cell, checkCell } from './book-table';
import { excelJs } from './libraries';

/**
 * A book as an XLSX workbook through exceljs's streaming writer: each row is committed as it arrives and the zip
 * streams out, so the sheet is never held whole. Amounts are numeric cells shown `#,##0`, dates are date cells,
 * entry numbers are numbers; the head (fund, title, period) sits above the table, whose header row is frozen and
 * carries an autofilter.
 */

const AMOUNT_FORMAT = '#,##0';
const DATE_FORMAT = 'dd/mm/yyyy';
/** Excel refuses these in a sheet name, and names longer than 31 characters. */
const SHEET_NAME_FORBIDDEN = /[:\\/?*[\]]/g;
/** Rows written between two turns of the event loop. */
const BREATH_ROWS = 500;

export function bookXlsx(table: BookTable, blocks: AsyncIterable<BookBlock>): Readable {
  const out = new PassThrough();
  write(table, blocks, out).catch((error: Error) => out.destroy(error));
  return out;
}

async function write(table: BookTable, blocks: AsyncIterable<BookBlock>, out: PassThrough): Promise<void> {
  const workbook = new (excelJs().stream.xlsx.WorkbookWriter)({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = 'den-on-ledger';
  workbook.title = table.documentTitle;
  workbook.created = table.issuedAt;
  workbook.modified = table.issuedAt;

  const width = table.columns.length;
  const head: { text: string; font: Partial<ExcelJS.Font>; align?: 'center' | 'right' }[] = [
    { text: table.unitLine, font: {} },
    { text: table.fundLine, font: { bold: true } },
    ...(table.formCode ? [{ text: table.formCode, font: { bold: true } }] : []),
    { text: table.title, font: { bold: true, size: 14 }, align: 'center' as const },
    ...table.subtitles.map((text) => ({ text, font: { bold: true }, align: 'center' as const })),
    { text: table.period, font: { italic: true }, align: 'center' as const },
    { text: table.labels.currencyNote, font: { italic: true }, align: 'right' as const },
  ];
  const headerRowNumber = head.length + 1;
  const sheet = workbook.addWorksheet(
    table.sheetName.replace(SHEET_NAME_FORBIDDEN, ' ').slice(0, 31).trim() || 'Sheet1',
    {
      views: [{ state: 'frozen', xSplit: 0, ySplit: headerRowNumber }],
      pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    },
  );
  // Formats and alignment live on the columns, which their cells inherit: styling each of a million cells
  // would cost more than writing it. Excel's own grid stands in for the printed rules.
  sheet.columns = table.columns.map((column) => ({ width: column.xlsxWidth, style: columnStyle(column) }));

  head.forEach((line, index) => {
    const row = sheet.getRow(index + 1);
    row.getCell(1).value = line.text;
    row.getCell(1).font = line.font;
    if (line.align) {
      sheet.mergeCells(index + 1, 1, index + 1, width);
      row.getCell(1).alignment = { horizontal: line.align };
    }
    row.commit();
  });
  const header = sheet.getRow(headerRowNumber);
  table.columns.forEach((column, index) => {
    const cell = header.getCell(index + 1);
    cell.value = column.header;
    cell.font = { bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEEEEEE' } };
    cell.border = BORDER;
  });
  header.commit();

  let rowNumber = headerRowNumber;
  let sinceBreath = 0;
  for await (const block of blocks) {
    for (const bookRow of block.rows) {
      writeRow(sheet.getRow(++rowNumber), bookRow, table.columns);
    }
    if (out.destroyed) return;
    // exceljs hands rows to its zip without backpressure, and compression runs on the thread pool: let it
    // catch up now and then, or a book read from SQLite (no real I/O between rows) would pile up in memory.
    if ((sinceBreath += block.rows.length) >= BREATH_ROWS) {
      sinceBreath = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Backpressure: let the client take what is written before reading more rows.
    if (out.writableNeedDrain) await Promise.race([once(out, 'drain'), once(out, 'close')]);
  }
  // A filter on the header row over the rows below it, so that the sheet can be filtered and sorted at once.
  sheet.autoFilter = {
    from: { row: headerRowNumber, column: 1 },
    to: { row: Math.max(rowNumber, headerRowNumber), column: width },
  };
  sheet.commit();
  await workbook.commit();
}

const THIN = { style: 'thin' as const };
const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };

function columnStyle(column: BookColumn): Partial<ExcelJS.Style> {
  const alignment: Partial<ExcelJS.Alignment> = {
    horizontal: column.align,
    vertical: 'top',
    wrapText: column.type === 'text',
  };
  if (column.type === 'amount') return { numFmt: AMOUNT_FORMAT, alignment };
  if (column.type === 'date') return { numFmt: DATE_FORMAT, alignment };
  return { alignment };
}

function writeRow(row: ExcelJS.Row, bookRow: BookRow, columns: BookColumn[]): void {
  bookRow.cells.forEach((cell, index) => {
    const column = columns[index];
    checkCell(cell, column);
    const target = row.getCell(index + 1);
    target.value = valueOf(cell, column);
    if (bookRow.face) target.font = bookRow.face === 'bold' ? { bold: true } : { italic: true };
  });
  row.commit();
}

function valueOf(cell: Cell, column: BookColumn): ExcelJS.CellValue {
  if (cell === null) return null;
  if (column.type === 'date') return new Date(`${cell}T00:00:00Z`);
  if (column.type === 'amount' || column.type === 'integer') {
    const value = Number(cell);
    // Past 2^53 a number would lose đồng: such an amount stays exact, as text.
    return Number.isSafeInteger(value) ? value : cell;
  }
  return cell;
}
