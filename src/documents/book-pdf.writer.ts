import PDFDocument from 'pdfkit';
import { BookBlock, BookRow, BookTable, Cell, checkCell, groupDigits } from './book-table';
import { FontFace, fontName, loadFontBytes } from './fonts';
import { COLORS } from './pdf-canvas';
import { formatDate } from './view-format';

/**
 * A book as a PDF on A4 landscape, written as its rows arrive: each finished page leaves pdfkit (bufferPages off)
 * and is handed on, so a book of a million lines needs the memory of one page, not of the book.
 *
 * The first page carries the fund, the title and the period; every page repeats the table header and numbers
 * itself at the bottom; a page that continues ends with "Cộng chuyển sang trang sau" and the next one starts
 * with "Số trang trước chuyển sang", as the paper forms do. Since the number of pages is only known at the end,
 * pages say "Trang N" and the last one says how many there are.
 *
 * Like PdfCanvas, every text call is measured first and carries a height, so pdfkit never breaks a page itself.
 * The fonts are registered from their bytes for each book (not the parsed-once cache of fonts.ts): a book can
 * take seconds to stream, and receipts rendered meanwhile keep the fast path.
 */

interface Style {
  face: FontFace;
  size: number;
  color?: string;
  align?: 'left' | 'center' | 'right';
}

const PAGE = {
  size: 'A4',
  layout: 'landscape',
  margins: { top: 30, bottom: 40, left: 34, right: 34 },
} as const;

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
  signatureTitle: { face: 'bold', size: 9, align: 'center' },
  signatureHint: { face: 'italic', size: 8, align: 'center' },
} satisfies Record<string, Style>;

const PAD_X = 3;
const PAD_Y = 2.5;
const HEADER_COLUMN_WIDTH = 330;
const FORM_COLUMN_WIDTH = 250;
const SIGNATURE_SPACE = 56;
const NO_PAGE_BREAK_HEIGHT = 1e6;
/** Pages between two emptyings of pdfkit's word layout cache (see trimLayoutCache). */
const LAYOUT_CACHE_PAGES = 10;
/** Rows drawn between two turns of the event loop. */
const BREATH_ROWS = 100;

export class BookPdfWriter {
  private readonly doc: PDFKit.PDFDocument;
  private readonly widths: number[];
  private y: number = PAGE.margins.top;
  private page = 1;
  /** What the rows drawn so far carry to the next page. */
  private carry: Cell[] | null = null;
  private readonly singleLineHeight = new Map<string, number>();
  private readonly tableWidth: number;
  /** Where the table on this page starts, while it is open. */
  private tableTop: number | null = null;
  /** The font, size and colour in use, so that use() sets them only when they change. */
  private style = '';

  constructor(private readonly table: BookTable) {
    this.doc = new PDFDocument({
      size: PAGE.size,
      layout: PAGE.layout,
      margins: PAGE.margins,
      bufferPages: false,
      lang: 'vi-VN',
      displayTitle: true,
      // pdfkit derives the file /ID from this info, so fixed dates fix the whole file.
      info: {
        Title: table.documentTitle,
        Author: table.header.fundName,
        Creator: 'den-on-ledger',
        Producer: 'den-on-ledger (PDFKit)',
        CreationDate: table.issuedAt,
        ModDate: table.issuedAt,
      },
    });
    for (const [face, bytes] of loadFontBytes()) this.doc.registerFont(fontName(face), bytes);
    const fixed = table.columns.reduce((sum, column) => sum + column.pdfWidth, 0);
    const flexible = table.columns.filter((column) => column.pdfWidth === 0).length;
    const rest = Math.max(0, this.contentWidth - fixed) / Math.max(1, flexible);
    this.widths = table.columns.map((column) => column.pdfWidth || rest);
    this.tableWidth = this.widths.reduce((sum, width) => sum + width, 0);
    this.drawFirstPageHead();
    this.drawPageNumber();
    this.drawRow(this.headerRow(), true);
  }

  /** The bytes pdfkit has written so far (whole pages), to pass on. */
  *drain(): Generator<Buffer> {
    for (
      let chunk = this.doc.read() as Buffer | null;
      chunk !== null;
      chunk = this.doc.read() as Buffer | null
    )
      yield chunk;
  }

  /** Draws a block, on the current page if it fits, else on the next one (split only if no page can hold it). */
  add(block: BookBlock): void {
    block.rows.forEach((row) =>
      row.cells.forEach((cell, column) => checkCell(cell, this.table.columns[column])),
    );
    const heights = block.rows.map((row) => this.rowHeight(row));
    // The last rows bring the closing block (page count, signatures) along, so that it never stands alone on
    // a page, and need no room for a carried-forward row below them.
    const total = heights.reduce((sum, height) => sum + height, 0) + (block.last ? this.closingHeight() : 0);
    const limit = block.last ? this.bottom : this.rowsBottom;
    if (this.y + total > limit && total <= this.pageCapacity()) this.nextPage();
    const whole = this.y + total <= limit;
    block.rows.forEach((row, index) => {
      if (!whole && this.y + heights[index] > this.rowsBottom) this.nextPage();
      this.drawRow(row, false, heights[index]);
      if (row.carry) this.carry = row.carry;
    });
  }

  /** The page count, the opening date and the signatures, then the end of the document. */
  finish(): void {
    const text = this.table.labels;
    const signatureWidth = this.signatureWidth;
    this.closeTable();
    if (this.y + this.closingHeight() > this.bottom) this.nextPage(false);
    // The page count is final only now that the closing block has its page.
    this.y += 8;
    const pages = this.page.toString().padStart(2, '0');
    this.y += this.text(
      text.pageCount.replace(/\{pages\}/g, pages),
      this.left,
      this.y,
      this.contentWidth,
      STYLE.closing,
    );
    this.y += this.text(text.opened, this.left, this.y, this.contentWidth, STYLE.closing) + 4;
    const count = this.table.signatures.length;
    if (count > 0) {
      const lastX = this.left + (count - 1) * signatureWidth;
      this.y +=
        this.text(text.signatureDate, lastX, this.y, signatureWidth, { ...STYLE.closing, align: 'center' }) +
        2;
      const top = this.y;
      let lowest = top;
      this.table.signatures.forEach((signature, index) => {
        const x = this.left + index * signatureWidth + 2;
        let y = top + this.text(signature.title, x, top, signatureWidth - 4, STYLE.signatureTitle);
        y += this.text(signature.hint, x, y, signatureWidth - 4, STYLE.signatureHint);
        lowest = Math.max(lowest, y);
      });
      this.y = lowest + SIGNATURE_SPACE;
    }
    this.doc.end();
  }

  private get signatureWidth(): number {
    return this.contentWidth / Math.max(1, this.table.signatures.length);
  }

  /** Height of what finish() draws below the table. */
  private closingHeight(): number {
    const text = this.table.labels;
    const width = this.signatureWidth - 4;
    const signatures = this.table.signatures.map(
      (s) =>
        this.textHeight(s.title, width, STYLE.signatureTitle) +
        this.textHeight(s.hint, width, STYLE.signatureHint),
    );
    return (
      8 +
      2 * this.textHeight('X', this.contentWidth, STYLE.closing) +
      4 +
      this.textHeight(text.signatureDate, this.signatureWidth, STYLE.closing) +
      2 +
      Math.max(0, ...signatures) +
      SIGNATURE_SPACE
    );
  }

  private get left(): number {
    return PAGE.margins.left;
  }

  private get contentWidth(): number {
    return this.doc.page.width - PAGE.margins.left - PAGE.margins.right;
  }

  private get bottom(): number {
    return this.doc.page.height - PAGE.margins.bottom;
  }

  /** Rows stop here, leaving room for the carried-forward row. */
  private get rowsBottom(): number {
    return this.bottom - this.carryRowHeight();
  }

  private use(style: Style): void {
    // Setting the same font and colour again costs a lot over a long book; the PDF keeps them between texts.
    const key = `${style.face}/${style.size}/${style.color ?? COLORS.text}`;
    if (key === this.style) return;
    this.style = key;
    this.doc
      .font(fontName(style.face))
      .fontSize(style.size)
      .fillColor(style.color ?? COLORS.text);
  }

  private textHeight(text: string, width: number, style: Style): number {
    if (text === '') return 0;
    this.use(style);
    if (this.doc.widthOfString(text) <= width && !text.includes('\n')) {
      const key = `${style.face}/${style.size}`;
      let height = this.singleLineHeight.get(key);
      if (height === undefined) {
        height = this.doc.heightOfString('Ấy', { width: 1000 });
        this.singleLineHeight.set(key, height);
      }
      return height;
    }
    return this.doc.heightOfString(text, { width });
  }

  /** Draws wrapped text with its top-left at (x, y) and returns its height. */
  private text(text: string, x: number, y: number, width: number, style: Style): number {
    if (text === '') return 0;
    const height = this.textHeight(text, width, style);
    this.use(style);
    this.doc.text(text, x, y, { width, height: NO_PAGE_BREAK_HEIGHT, align: style.align ?? 'left' });
    return height;
  }

  private drawFirstPageHead(): void {
    const { unitLine, fundLine, formCode, formNote } = this.table;
    const top = this.y;
    let leftY = top + this.text(unitLine, this.left, top, HEADER_COLUMN_WIDTH, STYLE.unit);
    leftY += this.text(fundLine, this.left, leftY, HEADER_COLUMN_WIDTH, STYLE.unitBold);
    const formX = this.left + this.contentWidth - FORM_COLUMN_WIDTH;
    let rightY = top + this.text(formCode, formX, top, FORM_COLUMN_WIDTH, STYLE.formCode);
    rightY += this.text(formNote, formX, rightY, FORM_COLUMN_WIDTH, STYLE.formNote);
    this.y = Math.max(leftY, rightY) + 10;
    this.y += this.text(this.table.title, this.left, this.y, this.contentWidth, STYLE.title) + 3;
    for (const subtitle of this.table.subtitles) {
      this.y += this.text(subtitle, this.left, this.y, this.contentWidth, STYLE.subtitle) + 1;
    }
    this.y += this.text(this.table.period, this.left, this.y, this.contentWidth, STYLE.period);
    this.y += this.text(this.currencyNote, this.left, this.y, this.contentWidth, STYLE.note) + 3;
  }

  private get currencyNote(): string {
    return this.table.labels.currencyNote;
  }

  private drawRunningHead(): void {
    const noteWidth = 120;
    this.text(
      this.table.labels.runningHead,
      this.left,
      this.y,
      this.contentWidth - noteWidth,
      STYLE.runningHead,
    );
    this.y += this.text(this.currencyNote, this.left, this.y, this.contentWidth, STYLE.note) + 3;
  }

  private drawPageNumber(): void {
    const label = this.table.labels.pageNumber.replace(/\{page\}/g, String(this.page));
    this.text(label, this.left, this.doc.page.height - 26, this.contentWidth, STYLE.pageNumber);
  }

  /** Ends the page (with the carried-forward row when `carryRows`) and starts the next one. */
  private nextPage(carryRows = true): void {
    const carry = carryRows ? this.carry : null;
    if (carry) this.drawRow(this.carryRow(this.table.labels.carriedForward, carry), false);
    this.closeTable();
    this.doc.addPage({ size: PAGE.size, layout: PAGE.layout, margins: PAGE.margins });
    this.style = ''; // a new page starts with the default colour
    this.page += 1;
    if (this.page % LAYOUT_CACHE_PAGES === 0) this.trimLayoutCache();
    this.y = PAGE.margins.top;
    this.drawRunningHead();
    this.drawPageNumber();
    if (!carryRows) return;
    this.drawRow(this.headerRow(), true);
    if (carry) this.drawRow(this.carryRow(this.table.labels.broughtForward, carry), false);
  }

  /**
   * pdfkit keeps the layout of every distinct word it has set, for as long as the document lives. A book's
   * amounts, numbers and dates are nearly all distinct, so over a long book that cache grows without end (about
   * 100 kB a page); emptying it now and then keeps the memory flat, while the words that do repeat are laid out
   * again only once per round. The cache is pdfkit's own (EmbeddedFont.layoutCache), so this reaches inside;
   * should it move, nothing breaks but the memory bound, which books.renderer.spec.ts checks.
   */
  private trimLayoutCache(): void {
    const fonts = (this.doc as unknown as { _fontFamilies?: Record<string, { layoutCache?: object }> })
      ._fontFamilies;
    for (const font of Object.values(fonts ?? {})) {
      if (font.layoutCache) font.layoutCache = Object.create(null) as object;
    }
  }

  /** Words in pdfkit's layout cache now, over every font (what trimLayoutCache keeps bounded). */
  layoutCacheSize(): number {
    const fonts = (this.doc as unknown as { _fontFamilies?: Record<string, { layoutCache?: object }> })
      ._fontFamilies;
    return Object.values(fonts ?? {}).reduce(
      (sum, font) => sum + Object.keys(font.layoutCache ?? {}).length,
      0,
    );
  }

  /** Room for rows on a continuation page, below its head, table header and brought-forward row. */
  private pageCapacity(): number {
    const head = this.textHeight('X', this.contentWidth, STYLE.runningHead) + 3;
    return (
      this.rowsBottom -
      PAGE.margins.top -
      head -
      this.rowHeight(this.headerRow(), true) -
      this.carryRowHeight()
    );
  }

  private headerRow(): BookRow {
    return { cells: this.table.columns.map((column) => column.header), face: 'bold' };
  }

  private carryRow(label: string, carry: Cell[]): BookRow {
    const cells = carry.map((cell, index) => (index === this.table.labelColumn ? label : cell));
    return { cells, face: 'italic' };
  }

  private carryRowHeight(): number {
    return this.textHeight('X', 100, { ...STYLE.cell, face: 'italic' }) + 2 * PAD_Y;
  }

  private display(cell: Cell, column: number, isHeader: boolean): string {
    if (cell === null) return '';
    if (isHeader) return cell;
    const type = this.table.columns[column].type;
    if (type === 'amount') return groupDigits(cell);
    if (type === 'date') return formatDate(cell, this.table.columns[column].header);
    return cell;
  }

  private rowHeight(row: BookRow, isHeader = false): number {
    const style = { ...STYLE.cell, face: row.face ?? STYLE.cell.face };
    const heights = row.cells.map((cell, index) =>
      this.textHeight(this.display(cell, index, isHeader), this.widths[index] - 2 * PAD_X, style),
    );
    return Math.max(this.textHeight('X', 100, style), ...heights) + 2 * PAD_Y;
  }

  private drawRow(row: BookRow, isHeader: boolean, knownHeight?: number): void {
    const height = knownHeight ?? this.rowHeight(row, isHeader);
    const style: Style = { ...STYLE.cell, face: row.face ?? STYLE.cell.face };
    if (isHeader) {
      this.doc.save().rect(this.left, this.y, this.tableWidth, height).fill(COLORS.headerFill).restore();
    }
    if (this.tableTop === null) {
      this.tableTop = this.y;
      this.rule(this.left, this.y, this.left + this.tableWidth, this.y);
    }
    let x = this.left;
    row.cells.forEach((cell, index) => {
      const width = this.widths[index];
      const text = this.display(cell, index, isHeader);
      if (text !== '') {
        // Measured already (rowHeight): drawn without measuring again, the costly part of a long book.
        this.use(style);
        this.doc.text(text, x + PAD_X, this.y + PAD_Y, {
          width: width - 2 * PAD_X,
          height: NO_PAGE_BREAK_HEIGHT,
          align: isHeader ? 'center' : this.table.columns[index].align,
        });
      }
      x += width;
    });
    this.y += height;
    this.rule(this.left, this.y, this.left + this.tableWidth, this.y);
  }

  /** The column rules of the page's table, drawn once from its top to its last row (not per cell). */
  private closeTable(): void {
    if (this.tableTop === null) return;
    let x = this.left;
    for (const width of [0, ...this.widths]) {
      x += width;
      this.rule(x, this.tableTop, x, this.y);
    }
    this.tableTop = null;
  }

  private rule(x1: number, y1: number, x2: number, y2: number): void {
    this.doc.save().moveTo(x1, y1).lineTo(x2, y2).lineWidth(0.5).strokeColor(COLORS.rule).stroke().restore();
  }
}

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
