import type { FundHeader } from './document.types';
import { DocumentViewError } from './view-format';

/**
 * The shape every book (sổ cái, sổ quỹ, sổ tiền gửi, sổ nhật ký chung) takes before it becomes a PDF, an XLSX or a
 * CSV: a titled table whose rows arrive as a stream of blocks. books.renderer.ts turns the books' view models
 * into this; the writers (book-pdf.writer.ts, book-xlsx.writer.ts, the CSV in books.renderer.ts) know no book.
 */

export type CellType = 'text' | 'date' | 'integer' | 'amount';

export interface BookColumn {
  header: string;
  type: CellType;
  align: 'left' | 'center' | 'right';
  /** Width on the printed page in points; 0 takes what the other columns leave. */
  pdfWidth: number;
  /** Width in an XLSX sheet, in characters. */
  xlsxWidth: number;
}

/**
 * One cell: text, a date YYYY-MM-DD, an entry number in digits, or an amount of đồng in signed digits ("-1500");
 * null leaves the cell empty.
 */
export type Cell = string | null;

export interface BookRow {
  cells: Cell[];
  face?: 'bold' | 'italic';
  /**
   * What the book carries to the next page if it breaks after this row ("Cộng chuyển sang trang sau"): cells
   * of the same columns, the label column left empty. Rows without it carry what the row before carried.
   */
  carry?: Cell[];
}

/** Rows a printed page keeps together when they fit on one page (an entry and its lines; the closing rows). */
export interface BookBlock {
  rows: BookRow[];
  /** The book's last rows (total, closing balance): printed on the page of the signatures that follow. */
  last?: boolean;
}

export interface SignatureLine {
  title: string;
  hint: string;
}

/** Printed wording around the table (templates/documents/books.vi.json), placeholders already filled. */
export interface BookLabels {
  /** "Đơn vị tính: đồng" */
  currencyNote: string;
  /** The line atop every page after the first: the title, the fund and the period. */
  runningHead: string;
  carriedForward: string;
  broughtForward: string;
  /** "Trang {page}": filled by the writer. */
  pageNumber: string;
  /** "Sổ này có {pages} trang…": filled by the writer once the count is known. */
  pageCount: string;
  /** "Ngày mở sổ: 01/01/2023" */
  opened: string;
  /** The date line above the signatures. */
  signatureDate: string;
}

export interface BookTable {
  /** Title of the PDF document (its metadata). */
  documentTitle: string;
  /** The heading, e.g. SỔ CÁI. */
  title: string;
  formCode: string;
  formNote: string;
  header: FundHeader;
  /** The top-left lines of the first page: "Đơn vị: …" and the fund with its code. */
  unitLine: string;
  fundLine: string;
  /** Lines printed under the title: the account, the period. */
  subtitles: string[];
  /** "Từ ngày 01/01/2023 đến ngày 31/12/2023" for the continuation pages' running head. */
  period: string;
  columns: BookColumn[];
  /** The column where the label of a carried-forward row goes (Diễn giải). */
  labelColumn: number;
  signatures: SignatureLine[];
  labels: BookLabels;
  sheetName: string;
  /** Fixes the PDF's (and the workbook's) dates, so the same book always has the same bytes. */
  issuedAt: Date;
}

const SIGNED_DIGITS = /^-?[0-9]+$/;
const DIGITS = /^[0-9]+$/;

/** Refuses a cell its column cannot print: a view model that does this is a bug in the feature behind it. */
export function checkCell(cell: Cell, column: BookColumn): void {
  if (cell === null) return;
  if (column.type === 'amount' && !SIGNED_DIGITS.test(cell)) {
    throw new DocumentViewError(`${column.header} must be whole đồng in digits, got "${cell}"`);
  }
  if (column.type === 'integer' && !DIGITS.test(cell)) {
    throw new DocumentViewError(`${column.header} must be digits, got "${cell}"`);
  }
}

/** "-1234567" → "-1.234.567": amounts in a book's columns, without the currency (the page says "đồng"). */
export function groupDigits(amount: string): string {
  const negative = amount.startsWith('-');
  const digits = negative ? amount.slice(1) : amount;
  return `${negative ? '-' : ''}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.')}`;
}
