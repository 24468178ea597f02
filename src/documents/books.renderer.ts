import { Readable } from 'node:stream';
import type { Language } from '../common/i18n';
import { Money } from '../common/money';
import { bookPdf } from './book-pdf.writer';
import { BookBlock, BookColumn, BookRow, BookTable, Cell, checkCell } from './book-table';
import { bookXlsx } from './book-xlsx.writer';
import type { FundHeader } from './document.types';
import { BookKind, BooksText, booksText, circularOn, fill } from './layout-text';
import { spreadsheetColumns } from './spreadsheet-text';
import { DOCUMENT_LIMITS, formatDate, issuedAtDate, textOf } from './view-format';

/**
 * The books (DESIGN.md §8) as files: the general ledger of an account (SỔ CÁI), the cash book (SỔ QUỸ TIỀN MẶT,
 * 111), the bank book (SỔ TIỀN GỬI NGÂN HÀNG, KHO BẠC, 112) and the journal (SỔ NHẬT KÝ CHUNG), each as a PDF
 * (A4 landscape), an XLSX workbook or a CSV (UTF-8 with a BOM, so Excel shows Vietnamese).
 *
 * The books feature hands over a head and a stream of rows it reads page by page from the database; every file
 * is written as the rows arrive and streams out, so its memory does not grow with the book. Wording:
 * templates/documents/books.vi.json.
 */

export type LedgerBookKind = Exclude<BookKind, 'journal'>;
// The books' wording is loaded by layout-text.ts.
export { booksText };
export type { BookKind, BooksText };
export type BookFormat = 'pdf' | 'xlsx' | 'csv';

export interface LedgerBookHead {
  kind: LedgerBookKind;
  header: FundHeader;
  account: string;
  accountName: string;
  from: string;
  to: string;
}

/** Amounts are digit strings of whole đồng; balances (debit − credit) may carry a minus. */
export type LedgerBookRow =
  | { kind: 'opening'; balance: string }
  | {
      kind: 'line';
      /** Ngày ghi sổ. */
      date: string;
      /** Ngày chứng từ: the date of the document the line's number names. */
      documentDate: string;
      number: number;
      reference: string | null;
      /** Số phiếu thu / Số phiếu chi (cash and bank books). */
      receiptNo: string | null;
      paymentNo: string | null;
      description: string;
      counterAccounts: string[];
      debit: string;
      credit: string;
      /** The running balance after this line. */
      balance: string;
      /** Debit and credit of the period up to and including this line (carried from page to page). */
      periodDebit: string;
      periodCredit: string;
    }
  | { kind: 'month'; month: string; debit: string; credit: string; balance: string }
  | { kind: 'total'; debit: string; credit: string }
  | { kind: 'closing'; balance: string };

export interface JournalBookHead {
  header: FundHeader;
  from: string;
  to: string;
}

export type JournalBookRow =
  | {
      kind: 'entry';
      date: string;
      documentDate: string;
      number: number;
      reference: string | null;
      description: string;
      lines: { account: string; memo: string | null; debit: string; credit: string }[];
      /** Debit and credit of the period before this entry. */
      periodDebit: string;
      periodCredit: string;
    }
  | { kind: 'total'; debit: string; credit: string; entries: number };

export interface RenderedBook {
  fileName: string;
  contentType: string;
  /** 'inline' for a PDF (shown in the browser), 'attachment' for the spreadsheets. */
  disposition: 'inline' | 'attachment';
  stream: Readable;
}

export function renderLedgerBook(
  head: LedgerBookHead,
  rows: AsyncIterable<LedgerBookRow>,
  format: BookFormat,
  lang: Language = 'vi',
): RenderedBook {
  const text = textFor(format, lang);
  const table = ledgerTable(head, text);
  const blocks = ledgerBlocks(head, rows, text, format === 'csv');
  return render(table, blocks, format, fileName(text.books[head.kind].fileName, head, format));
}

export function renderJournalBook(
  head: JournalBookHead,
  rows: AsyncIterable<JournalBookRow>,
  format: BookFormat,
  lang: Language = 'vi',
): RenderedBook {
  const text = textFor(format, lang);
  // Printed, an entry's date, number and description head its first line; in a spreadsheet every line repeats
  // them (so the sheet can be filtered and sorted) and its memo gets a column.
  const table = journalTable(head, text, format === 'pdf');
  const blocks = journalBlocks(rows, text, format === 'pdf');
  return render(table, blocks, format, fileName(text.books.journal.fileName, head, format));
}

/** The books' wording; a spreadsheet's header row in the request's language (documents/spreadsheet-text.ts). */
function textFor(format: BookFormat, lang: Language): BooksText {
  const text = booksText();
  return format === 'xlsx' ? { ...text, columns: spreadsheetColumns(lang, 'books', text.columns) } : text;
}

/** Any BookTable as a file: the Bảng cân đối tài khoản (reports/) uses the books' writers this way. */
export function renderBookTable(
  table: BookTable,
  blocks: AsyncIterable<BookBlock>,
  format: BookFormat,
  name: string,
): RenderedBook {
  return render(table, blocks, format, name);
}

function render(table: BookTable, blocks: AsyncIterable<BookBlock>, format: BookFormat, name: string) {
  if (format === 'pdf') {
    return {
      fileName: name,
      contentType: 'application/pdf',
      disposition: 'inline' as const,
      stream: Readable.from(bookPdf(table, blocks), { objectMode: false }),
    };
  }
  if (format === 'xlsx') {
    return {
      fileName: name,
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      disposition: 'attachment' as const,
      stream: bookXlsx(table, blocks),
    };
  }
  return {
    fileName: name,
    contentType: 'text/csv; charset=utf-8',
    disposition: 'attachment' as const,
    stream: Readable.from(bookCsv(table, blocks), { objectMode: false }),
  };
}

/** so-cai_LC_112_2023-01-01_2023-12-31.pdf: ASCII only, safe in a Content-Disposition header. */
function fileName(base: string, head: { header: FundHeader; from: string; to: string }, format: BookFormat) {
  const account = 'account' in head ? `_${String(head.account)}` : '';
  const raw = `${base}_${head.header.fundCode}${account}_${head.from}_${head.to}.${format}`;
  return raw.replace(/[^A-Za-z0-9._-]/g, '-');
}

// ---------------------------------------------------------------------------------------------------------------
// The ledger books (general, cash, bank)

const amount = (header: string, pdfWidth = 78): BookColumn => ({
  header,
  type: 'amount',
  align: 'right',
  pdfWidth,
  xlsxWidth: 17,
});

/** The table a ledger book prints: its columns, head and wording. */
export function ledgerTable(head: LedgerBookHead, text: BooksText = booksText()): BookTable {
  checkHead(head);
  textOf(head.account, 'account', DOCUMENT_LIMITS.shortTextChars);
  textOf(head.accountName, 'accountName', DOCUMENT_LIMITS.shortTextChars);
  const c = text.columns;
  const date: BookColumn = { header: c.date, type: 'date', align: 'center', pdfWidth: 56, xlsxWidth: 12 };
  const documentDate: BookColumn = {
    header: c.documentDate,
    type: 'date',
    align: 'center',
    pdfWidth: 56,
    xlsxWidth: 12,
  };
  const entryNo: BookColumn = {
    header: c.entryNo,
    type: 'integer',
    align: 'center',
    pdfWidth: 40,
    xlsxWidth: 9,
  };
  const description: BookColumn = {
    header: c.description,
    type: 'text',
    align: 'left',
    pdfWidth: 0,
    xlsxWidth: 50,
  };
  const counter: BookColumn = {
    header: c.counterAccounts,
    type: 'text',
    align: 'center',
    pdfWidth: 56,
    xlsxWidth: 12,
  };
  const columns: BookColumn[] =
    head.kind === 'general'
      ? [
          date,
          documentDate,
          entryNo,
          { header: c.reference, type: 'text', align: 'left', pdfWidth: 86, xlsxWidth: 18 },
          description,
          counter,
          amount(c.debit),
          amount(c.credit),
          amount(c.balanceDebit),
          amount(c.balanceCredit),
        ]
      : [
          date,
          documentDate,
          entryNo,
          { header: c.receiptNo, type: 'text', align: 'left', pdfWidth: 82, xlsxWidth: 18 },
          { header: c.paymentNo, type: 'text', align: 'left', pdfWidth: 82, xlsxWidth: 18 },
          description,
          counter,
          amount(c.receipt),
          amount(c.payment),
          amount(c.cashBalance, 84),
        ];
  const subtitle = fill(text.accountLine, { account: head.account, accountName: head.accountName });
  return tableOf(head, text, head.kind, columns, [subtitle], ledgerLead(head.kind));
}

/**
 * Columns before the description: the two dates (ghi sổ, chứng từ), the entry number, and the reference (general)
 * or the two voucher numbers.
 */
function ledgerLead(kind: LedgerBookKind): number {
  return kind === 'general' ? 4 : 5;
}

/** The general ledger shows a balance as Số dư Nợ or Số dư Có; the cash and bank books as Tồn, signed. */
function balanceCells(kind: LedgerBookKind, balance: string): Cell[] {
  if (kind !== 'general') return [balance];
  return balance.startsWith('-') ? [null, balance.slice(1)] : [balance, null];
}

function nonZero(amount: string): Cell {
  return /^-?0+$/.test(amount) ? null : amount;
}

async function* ledgerBlocks(
  head: LedgerBookHead,
  rows: AsyncIterable<LedgerBookRow>,
  text: BooksText,
  forData: boolean,
): AsyncGenerator<BookBlock> {
  const general = head.kind === 'general';
  const lead = ledgerLead(head.kind);
  const labelRow = (label: string, amounts: Cell[], carry?: Cell[]): BookRow => ({
    cells: [...Array<Cell>(lead).fill(null), label, null, ...amounts],
    face: 'bold',
    carry,
  });
  const carryOf = (debit: string, credit: string, balance: string) => [
    ...Array<Cell>(lead + 2).fill(null),
    debit,
    credit,
    ...balanceCells(head.kind, balance),
  ];
  let closing: BookRow[] = [];
  for await (const row of rows) {
    switch (row.kind) {
      case 'opening':
        yield {
          rows: [
            labelRow(
              text.openingRow,
              [null, null, ...balanceCells(head.kind, row.balance)],
              carryOf('0', '0', row.balance),
            ),
          ],
        };
        break;
      case 'line': {
        const documents = general ? [row.reference] : [row.receiptNo, row.paymentNo];
        yield {
          rows: [
            {
              cells: [
                row.date,
                row.documentDate,
                String(row.number),
                ...documents,
                textOf(row.description, 'description', DOCUMENT_LIMITS.longTextChars),
                row.counterAccounts.join(', '),
                nonZero(row.debit),
                nonZero(row.credit),
                ...balanceCells(head.kind, row.balance),
              ],
              carry: carryOf(row.periodDebit, row.periodCredit, row.balance),
            },
          ],
        };
        break;
      }
      case 'month':
        // A month's subtotal is a printed aid; in CSV data it would be counted twice by anyone summing a column.
        if (!forData) {
          const month = `${row.month.slice(5, 7)}/${row.month.slice(0, 4)}`;
          yield {
            rows: [
              {
                ...labelRow(fill(text.monthRow, { month }), [
                  row.debit,
                  row.credit,
                  ...balanceCells(head.kind, row.balance),
                ]),
                face: 'italic',
              },
            ],
          };
        }
        break;
      case 'total':
        closing = [
          labelRow(text.totalRow, [row.debit, row.credit, ...balanceCells(head.kind, '0').map(() => null)]),
        ];
        break;
      case 'closing':
        // The total and the closing balance stay together on the last page.
        yield {
          rows: [
            ...closing,
            labelRow(text.closingRow, [null, null, ...balanceCells(head.kind, row.balance)]),
          ],
          last: true,
        };
        closing = [];
        break;
    }
  }
  if (closing.length) yield { rows: closing, last: true };
}

// ---------------------------------------------------------------------------------------------------------------
// The journal

const JOURNAL_DESCRIPTION_COLUMN = 4;

function journalTable(head: JournalBookHead, text: BooksText, printed: boolean): BookTable {
  checkHead(head);
  const c = text.columns;
  const columns: BookColumn[] = [
    { header: c.date, type: 'date', align: 'center', pdfWidth: 56, xlsxWidth: 12 },
    { header: c.documentDate, type: 'date', align: 'center', pdfWidth: 56, xlsxWidth: 12 },
    { header: c.entryNo, type: 'integer', align: 'center', pdfWidth: 40, xlsxWidth: 9 },
    { header: c.reference, type: 'text', align: 'left', pdfWidth: 90, xlsxWidth: 18 },
    { header: c.description, type: 'text', align: 'left', pdfWidth: 0, xlsxWidth: 50 },
    { header: c.account, type: 'text', align: 'center', pdfWidth: 54, xlsxWidth: 10 },
    ...(printed
      ? []
      : [{ header: c.memo, type: 'text', align: 'left', pdfWidth: 0, xlsxWidth: 30 } as BookColumn]),
    amount(c.debit, 92),
    amount(c.credit, 92),
  ];
  return tableOf(head, text, 'journal', columns, [], JOURNAL_DESCRIPTION_COLUMN);
}

async function* journalBlocks(
  rows: AsyncIterable<JournalBookRow>,
  text: BooksText,
  printed: boolean,
): AsyncGenerator<BookBlock> {
  const lead = printed ? 5 : 6;
  let entries = 0;
  for await (const row of rows) {
    if (row.kind === 'total') {
      const blank = [...Array<Cell>(lead + 1).fill(null)];
      const rows: BookRow[] = [];
      if (entries === 0 && printed) {
        const empty = [...blank, null, null];
        empty[JOURNAL_DESCRIPTION_COLUMN] = text.noEntries;
        rows.push({ cells: empty, face: 'italic' });
      }
      const total = [...blank, row.debit, row.credit];
      total[JOURNAL_DESCRIPTION_COLUMN] = text.totalRow;
      rows.push({ cells: total, face: 'bold' });
      yield { rows, last: true };
      continue;
    }
    entries += 1;
    textOf(row.description, 'description', DOCUMENT_LIMITS.longTextChars);
    let debit = Money.fromStored(row.periodDebit);
    let credit = Money.fromStored(row.periodCredit);
    const blockRows = row.lines.map((line, index): BookRow => {
      debit = debit.plus(Money.fromStored(line.debit));
      credit = credit.plus(Money.fromStored(line.credit));
      const carry = [...Array<Cell>(lead + 1).fill(null), debit.toString(), credit.toString()];
      const first = index === 0;
      const cells: Cell[] = printed
        ? [
            first ? row.date : null,
            first ? row.documentDate : null,
            first ? String(row.number) : null,
            first ? row.reference : null,
            first ? row.description : line.memo,
            line.account,
            nonZero(line.debit),
            nonZero(line.credit),
          ]
        : [
            row.date,
            row.documentDate,
            String(row.number),
            row.reference,
            row.description,
            line.account,
            line.memo,
            nonZero(line.debit),
            nonZero(line.credit),
          ];
      return { cells, carry };
    });
    yield { rows: blockRows };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Shared

function checkHead(head: { header: FundHeader; from: string; to: string }): void {
  textOf(head.header.unitName, 'header.unitName', DOCUMENT_LIMITS.shortTextChars);
  textOf(head.header.fundName, 'header.fundName', DOCUMENT_LIMITS.shortTextChars);
  textOf(head.header.fundCode, 'header.fundCode', DOCUMENT_LIMITS.shortTextChars);
  formatDate(head.from, 'from');
  formatDate(head.to, 'to');
}

function tableOf(
  head: { header: FundHeader; from: string; to: string; account?: string },
  text: BooksText,
  kind: BookKind,
  columns: BookColumn[],
  subtitles: string[],
  labelColumn: number,
): BookTable {
  const wording = text.books[kind];
  const from = formatDate(head.from, 'from');
  const to = formatDate(head.to, 'to');
  const values = { fundCode: head.header.fundCode, account: head.account ?? '', from, to };
  const period = fill(text.periodLine, { from, to });
  return {
    documentTitle: fill(wording.documentTitle, values),
    title: wording.title,
    formCode: wording.formCode,
    // The circular in force on the book's last day, the day it is dated (as a voucher is by its own date).
    formNote: fill(wording.formNote, { circular: circularOn(head.to) }),
    header: head.header,
    unitLine: fill(text.unitLabel, { unitName: head.header.unitName }),
    fundLine: fill(text.fundLine, { fundName: head.header.fundName, fundCode: head.header.fundCode }),
    subtitles,
    period,
    columns,
    labelColumn,
    signatures: wording.signatures,
    labels: {
      currencyNote: text.currencyNote,
      runningHead: fill(text.continuationHeader, {
        title: wording.title,
        fundName: head.header.fundName,
        fundCode: head.header.fundCode,
        period,
      }),
      carriedForward: text.carriedForward,
      broughtForward: text.broughtForward,
      pageNumber: text.pageNumber,
      pageCount: text.pageCountLine,
      opened: fill(text.openedLine, { date: from }),
      signatureDate: text.signatureDateLine,
    },
    sheetName: fill(wording.sheetName, values),
    // The book is dated by its last day: the same range of the same books gives the same bytes.
    issuedAt: issuedAtDate(head.to),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// CSV

const BOM = '\uFEFF';
const CSV_CHUNK_CHARS = 64 * 1024;

/** RFC 4180 with CRLF, a BOM for Excel, and text that could start a formula defused with a leading apostrophe. */
async function* bookCsv(table: BookTable, blocks: AsyncIterable<BookBlock>): AsyncGenerator<Buffer> {
  let pending = BOM + csvLine(table.columns.map((column) => column.header));
  for await (const block of blocks) {
    for (const row of block.rows) {
      pending += csvLine(
        row.cells.map((cell, index) => {
          const column = table.columns[index];
          checkCell(cell, column);
          if (cell === null) return '';
          return column.type === 'text' && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
        }),
      );
    }
    // Whole chunks rather than a write per row.
    if (pending.length >= CSV_CHUNK_CHARS) {
      yield Buffer.from(pending, 'utf8');
      pending = '';
    }
  }
  yield Buffer.from(pending, 'utf8');
}

function csvLine(fields: string[]): string {
  return `${fields.map((field) => (/[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field)).join(',')}\r\n`;
}
