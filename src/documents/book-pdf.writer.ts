import { BookBlock, BookRow, BookTable, Cell, checkCell, groupDigits } from './book-table';
import {
  SignatureRow,
  drawLetterhead,
  drawSignatureRow,
  signatureRowHeight,
  SEAL_SPACE,
} from './document-blocks';
import { COLORS, PageSetup, PdfCanvas, TextStyle } from './pdf-canvas';
import { PdfTable, TableRow } from './pdf-table';
import { formatDate } from './view-format';

/**
 * A book as a PDF on A4 landscape, written as its rows arrive: each finished page leaves the canvas (a streamed
 * PdfCanvas) and is handed on, so a book of a million lines needs the memory of one page, not of the book.
 *
 * The first page carries the letterhead, the title and the period; every page repeats the table header and
 * numbers itself at the bottom; a page that continues ends with "Cộng chuyển sang trang sau" and the next one
 * starts with "Số trang trước chuyển sang", as the paper forms do. Since the number of pages is only known at the
 * end, pages say "Trang N" and the last one says how many there are.
 */

const PAGE: PageSetup = {
  size: 'A4',
  layout: 'landscape',
  margins: { top: 30, bottom: 40, left: 34, right: 34 },
};

const STYLE = {
  unit: { face: 'regular', size: 9 },
  unitBold: { face: 'bold', size: 9 },
  formCode: { face: 'bold', size: 9, align: 'center' },
  formNote: { face: 'italic', size: 7, align: 'center' },
  title: { face: 'bold', size: 15, align: 'center' },
  subtitle: { face: 'bold', size: 10, align: 'center' },
  period: { face: 'italic', size: 10, align: 'center' },
  note: { face: 'italic', size: 8, align: 'right' },
  runningHead: { face: 'italic', size: 8, color: COLORS.muted },
  cell: { face: 'regular', size: 8 },
  pageNumber: { face: 'regular', size: 8, color: COLORS.muted, align: 'right' },
  closing: { face: 'italic', size: 9 },
  signatureTitle: { face: 'bold', size: 9 },
  signatureHint: { face: 'italic', size: 8 },
} satisfies Record<string, TextStyle>;

const RUNNING_NOTE_WIDTH = 120;
const PAGE_NUMBER_FROM_BOTTOM = 26;
/** At least 3 cm to sign and seal (document-blocks.ts). */
const SIGNATURE_SPACE = SEAL_SPACE;
/** Pages between two emptyings of pdfkit's word layout cache (see PdfCanvas.trimLayoutCache). */
const LAYOUT_CACHE_PAGES = 10;

export class BookPdfWriter {
  private readonly canvas: PdfCanvas;
  private readonly grid: PdfTable;
  private page = 1;
  /** What the rows drawn so far carry to the next page. */
  private carry: Cell[] | null = null;
  private readonly signatures: SignatureRow;

  constructor(private readonly table: BookTable) {
    this.canvas = PdfCanvas.stream(PAGE, {
      title: table.documentTitle,
      author: table.header.fundName,
      issuedAt: table.issuedAt,
    });
    const fixed = table.columns.reduce((sum, column) => sum + column.pdfWidth, 0);
    const flexible = table.columns.filter((column) => column.pdfWidth === 0).length;
    const rest = Math.max(0, this.canvas.width - fixed) / Math.max(1, flexible);
    const columns = table.columns.map((column) => ({
      header: column.header,
      width: column.pdfWidth || rest,
      align: column.align,
    }));
    this.grid = new PdfTable(this.canvas, columns, STYLE.cell);
    this.signatures = {
      blocks: table.signatures.map((signature) => ({ lines: [signature.title], hint: signature.hint })),
      title: STYLE.signatureTitle,
      hint: STYLE.signatureHint,
      space: SIGNATURE_SPACE,
      date: { text: table.labels.signatureDate, style: STYLE.closing, gap: 2 },
    };
    this.drawFirstPageHead();
    this.drawPageNumber();
    this.grid.header();
  }

  /** The bytes written so far (whole pages), to pass on. */
  drain(): Generator<Buffer> {
    return this.canvas.drain();
  }

  /** Draws a block, on the current page if it fits, else on the next one (split only if no page can hold it). */
  add(block: BookBlock): void {
    block.rows.forEach((row) =>
      row.cells.forEach((cell, column) => checkCell(cell, this.table.columns[column])),
    );
    const rows = block.rows.map((row) => this.tableRow(row));
    const heights = rows.map((row) => this.grid.rowHeight(row));
    // The last rows bring the closing block (page count, signatures) along, so that it never stands alone on
    // a page, and need no room for a carried-forward row below them.
    const total = heights.reduce((sum, height) => sum + height, 0) + (block.last ? this.closingHeight() : 0);
    const limit = block.last ? this.canvas.bottom : this.rowsBottom;
    const { canvas } = this;
    if (canvas.y + total > limit && total <= this.pageCapacity()) this.nextPage();
    const whole = canvas.y + total <= limit;
    block.rows.forEach((row, index) => {
      if (!whole && canvas.y + heights[index] > this.rowsBottom) this.nextPage();
      this.grid.row(rows[index], heights[index]);
      if (row.carry) this.carry = row.carry;
    });
  }

  /** The page count, the opening date and the signatures, then the end of the document. */
  finish(): void {
    const { canvas } = this;
    const labels = this.table.labels;
    this.grid.close();
    if (canvas.y + this.closingHeight() > canvas.bottom) this.nextPage(false);
    // The page count is final only now that the closing block has its page.
    canvas.y += 8;
    const pages = this.page.toString().padStart(2, '0');
    canvas.paragraph(labels.pageCount.replace(/\{pages\}/g, pages), STYLE.closing);
    canvas.paragraph(labels.opened, STYLE.closing, 4);
    drawSignatureRow(canvas, this.signatures);
    canvas.end();
  }

  /** Words in pdfkit's layout cache now (what the writer keeps bounded over a long book). */
  layoutCacheSize(): number {
    return this.canvas.layoutCacheSize();
  }

  /** Height of what finish() draws below the table. */
  private closingHeight(): number {
    const line = this.canvas.lineHeight(STYLE.closing);
    return 8 + 2 * line + 4 + signatureRowHeight(this.canvas, this.signatures);
  }

  /** Rows stop here, leaving room for the carried-forward row. */
  private get rowsBottom(): number {
    return this.canvas.bottom - this.carryRowHeight();
  }

  private drawFirstPageHead(): void {
    const { canvas, table } = this;
    drawLetterhead(canvas, {
      left: {
        width: 330,
        lines: [
          { text: table.unitLine, style: STYLE.unit },
          { text: table.fundLine, style: STYLE.unitBold },
        ],
      },
      right: {
        width: 250,
        lines: [
          { text: table.formCode, style: STYLE.formCode },
          { text: table.formNote, style: STYLE.formNote },
        ],
      },
      space: 10,
    });
    canvas.paragraph(table.title, STYLE.title, 3);
    for (const subtitle of table.subtitles) canvas.paragraph(subtitle, STYLE.subtitle, 1);
    canvas.paragraph(table.period, STYLE.period);
    canvas.paragraph(table.labels.currencyNote, STYLE.note, 3);
  }

  private drawRunningHead(): void {
    const { canvas } = this;
    canvas.draw(
      this.table.labels.runningHead,
      canvas.left,
      canvas.y,
      canvas.width - RUNNING_NOTE_WIDTH,
      STYLE.runningHead,
    );
    canvas.paragraph(this.table.labels.currencyNote, STYLE.note, 3);
  }

  private drawPageNumber(): void {
    const label = this.table.labels.pageNumber.replace(/\{page\}/g, String(this.page));
    this.canvas.footer(label, PAGE_NUMBER_FROM_BOTTOM, STYLE.pageNumber);
  }

  /** Ends the page (with the carried-forward row when `carryRows`) and starts the next one. */
  private nextPage(carryRows = true): void {
    const carry = carryRows ? this.carry : null;
    if (carry) this.grid.row(this.carryRow(this.table.labels.carriedForward, carry));
    this.grid.close();
    this.canvas.addPage();
    this.page += 1;
    if (this.page % LAYOUT_CACHE_PAGES === 0) this.canvas.trimLayoutCache();
    this.drawRunningHead();
    this.drawPageNumber();
    if (!carryRows) return;
    this.grid.header();
    if (carry) this.grid.row(this.carryRow(this.table.labels.broughtForward, carry));
  }

  /** Room for rows on a continuation page, below its head, table header and brought-forward row. */
  private pageCapacity(): number {
    const head = this.canvas.lineHeight(STYLE.runningHead) + 3;
    return (
      this.rowsBottom -
      this.canvas.top -
      head -
      this.grid.rowHeight(this.grid.headerRow) -
      this.carryRowHeight()
    );
  }

  private carryRow(label: string, carry: Cell[]): TableRow {
    const cells = carry.map((cell, index) => (index === this.table.labelColumn ? label : cell));
    return this.tableRow({ cells, face: 'italic' });
  }

  private carryRowHeight(): number {
    return this.grid.rowHeight({ cells: [], face: 'italic' });
  }

  /** The row as printed: amounts grouped, dates as dd/mm/yyyy, empty cells blank. */
  private tableRow(row: BookRow): TableRow {
    const cells = row.cells.map((cell, column) => {
      if (cell === null) return '';
      const type = this.table.columns[column].type;
      if (type === 'amount') return groupDigits(cell);
      if (type === 'date') return formatDate(cell, this.table.columns[column].header);
      return cell;
    });
    return { cells, face: row.face };
  }
}

/** Rows drawn between two turns of the event loop. */
const BREATH_ROWS = 100;

/** The PDF's bytes as the blocks arrive. */
export async function* bookPdf(table: BookTable, blocks: AsyncIterable<BookBlock>): AsyncGenerator<Buffer> {
  const writer = new BookPdfWriter(table);
  let drawn = 0;
  for await (const block of blocks) {
    writer.add(block);
    yield* writer.drain();
    // Drawing is synchronous: give other requests a turn now and then during a long book.
    if ((drawn += block.rows.length) >= BREATH_ROWS) {
      drawn = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  writer.finish();
  yield* writer.drain();
}
