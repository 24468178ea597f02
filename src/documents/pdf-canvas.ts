import PDFDocument from 'pdfkit';
import * as QRCode from 'qrcode';
import { FontFace, fontName, installFonts } from './fonts';

/**
 * The low-level drawing shared by every document: a pdfkit document with our fonts and a fixed creation date,
 * a cursor (`y`) that moves down the page, measured text, labelled fields, tables that continue on new pages,
 * signature blocks, stamps and a vector QR code.
 *
 * Everything is drawn at explicit positions after being measured, and every text call carries a height, so
 * pdfkit never breaks a page on its own: the layout decides where pages break, and nothing overlaps.
 */

export interface TextStyle {
  face?: FontFace;
  size: number;
  color?: string;
  align?: 'left' | 'center' | 'right' | 'justify';
  lineGap?: number;
}

export interface PageSetup {
  size: 'A4' | 'A5';
  layout: 'portrait' | 'landscape';
  margins: { top: number; bottom: number; left: number; right: number };
}

export interface DocumentMeta {
  title: string;
  author: string;
  /** The fixed creation and modification date: the same view model gives the same bytes. */
  issuedAt: Date;
}

export interface SignatureBlock {
  lines: string[];
  hint: string;
}

export interface TableColumn {
  header: string;
  width: number;
  align?: 'left' | 'center' | 'right';
}

export interface TableRow {
  cells: string[];
  face?: FontFace;
  color?: string;
  /** Merges this many leading columns into one cell, e.g. a "Tổng cộng" label; `cells` then has one
   * entry for the merged cell followed by one per remaining column. */
  mergeFirst?: number;
  /** Keeps this row on the same page as the next one (e.g. the last row before a total). */
  keepWithNext?: boolean;
}

export interface StampOptions {
  size: number;
  color: string;
  angleDeg: number;
  opacity?: number;
  boxed?: boolean;
  outlined?: boolean;
}

/** What stamp() uses of a fontkit font. */
interface OutlineFont {
  unitsPerEm: number;
  ascent: number;
  layout(text: string): {
    glyphs: { path: { toSVG(): string } }[];
    positions: { xAdvance: number; xOffset: number; yOffset: number }[];
  };
}

export const COLORS = {
  text: '#000000',
  muted: '#555555',
  rule: '#333333',
  headerFill: '#eeeeee',
  copy: '#1f4e99',
  void: '#c0392b',
} as const;

// Passed as the height of every text call: pdfkit only breaks pages itself when no height is given.
const NO_PAGE_BREAK_HEIGHT = 1e6;

export class PdfCanvas {
  readonly doc: PDFKit.PDFDocument;
  /** The next free vertical position on the current page. */
  y: number;
  private readonly result: Promise<Buffer>;
  private readonly releaseFonts: () => void;

  /**
   * Renders one document: `draw` lays it out, synchronously (so no other document can use the shared fonts
   * meanwhile), then the document ends and the promise resolves with its bytes.
   */
  static render(setup: PageSetup, meta: DocumentMeta, draw: (canvas: PdfCanvas) => void): Promise<Buffer> {
    const canvas = new PdfCanvas(setup, meta);
    try {
      draw(canvas);
      canvas.doc.end();
    } finally {
      canvas.releaseFonts();
    }
    return canvas.result;
  }

  private constructor(
    private readonly setup: PageSetup,
    meta: DocumentMeta,
  ) {
    this.doc = new PDFDocument({
      size: setup.size,
      layout: setup.layout,
      margins: setup.margins,
      bufferPages: true,
      lang: 'vi-VN',
      displayTitle: true,
      // pdfkit derives the file /ID from this info (an MD5 of it), so fixing the dates fixes the /ID too.
      info: {
        Title: meta.title,
        Author: meta.author,
        Creator: 'den-on-ledger',
        Producer: 'den-on-ledger (PDFKit)',
        CreationDate: meta.issuedAt,
        ModDate: meta.issuedAt,
      },
    });
    const chunks: Buffer[] = [];
    this.result = new Promise<Buffer>((resolve, reject) => {
      this.doc.on('data', (chunk: Buffer) => chunks.push(chunk));
      this.doc.on('end', () => resolve(Buffer.concat(chunks)));
      this.doc.on('error', reject);
    });
    this.releaseFonts = installFonts(this.doc);
    this.y = setup.margins.top;
  }

  get left(): number {
    return this.setup.margins.left;
  }

  get right(): number {
    return this.doc.page.width - this.setup.margins.right;
  }

  get width(): number {
    return this.right - this.left;
  }

  get top(): number {
    return this.setup.margins.top;
  }

  get bottom(): number {
    return this.doc.page.height - this.setup.margins.bottom;
  }

  get pageWidth(): number {
    return this.doc.page.width;
  }

  get pageHeight(): number {
    return this.doc.page.height;
  }

  private use(style: TextStyle): void {
    this.doc
      .font(fontName(style.face ?? 'regular'))
      .fontSize(style.size)
      .fillColor(style.color ?? COLORS.text);
  }

  /** Height the text takes when wrapped to `width`. */
  measure(text: string, width: number, style: TextStyle): number {
    this.use(style);
    return this.doc.heightOfString(text, { width, lineGap: style.lineGap ?? 0, align: style.align });
  }

  /** Width of the text on one line. */
  widthOf(text: string, style: TextStyle): number {
    this.use(style);
    return this.doc.widthOfString(text);
  }

  /** Draws wrapped text with its top-left at (x, y); returns its height. Does not move the cursor. */
  draw(text: string, x: number, y: number, width: number, style: TextStyle): number {
    const height = this.measure(text, width, style);
    this.doc.text(text, x, y, {
      width,
      height: NO_PAGE_BREAK_HEIGHT,
      align: style.align ?? 'left',
      lineGap: style.lineGap ?? 0,
    });
    return height;
  }

  /** Draws at the cursor across [x, x + width] and moves the cursor below it (plus `gap`). */
  paragraph(text: string, style: TextStyle, gap = 0, x = this.left, width = this.width): void {
    const height = this.measure(text, width, style);
    this.ensureSpace(height);
    this.y += this.draw(text, x, this.y, width, style) + gap;
  }

  /** Starts a new page when `height` no longer fits below the cursor; returns whether it did. */
  ensureSpace(height: number): boolean {
    if (this.y + height <= this.bottom || this.y === this.top) return false;
    this.addPage();
    return true;
  }

  addPage(): void {
    this.doc.addPage({ size: this.setup.size, layout: this.setup.layout, margins: this.setup.margins });
    this.y = this.top;
  }

  /**
   * "Label: value" with the value wrapped in its own column after the label, so a long name or address
   * never runs under the label. Moves the cursor below it (plus `gap`).
   */
  field(
    label: string,
    value: string,
    options: { labelStyle: TextStyle; valueStyle: TextStyle; x?: number; width?: number; gap?: number },
  ): void {
    const x = options.x ?? this.left;
    const width = options.width ?? this.width;
    const gap = options.gap ?? 0;
    const labelWidth = label === '' ? 0 : this.widthOf(label, options.labelStyle) + 4;
    if (labelWidth > width * 0.6) {
      // A label too wide to share the line: the value goes below it, at full width.
      this.paragraph(label, options.labelStyle, 0, x, width);
      this.paragraph(value, options.valueStyle, gap, x, width);
      return;
    }
    const valueWidth = width - labelWidth;
    const labelHeight = label === '' ? 0 : this.measure(label, labelWidth + 1, options.labelStyle);
    const height = Math.max(labelHeight, this.measure(value, valueWidth, options.valueStyle));
    this.ensureSpace(height);
    if (label !== '') this.draw(label, x, this.y, labelWidth + 1, options.labelStyle);
    this.draw(value, x + labelWidth, this.y, valueWidth, options.valueStyle);
    this.y += height + gap;
  }

  line(x1: number, y1: number, x2: number, y2: number, width = 0.5, color: string = COLORS.rule): void {
    this.doc.save().moveTo(x1, y1).lineTo(x2, y2).lineWidth(width).strokeColor(color).stroke().restore();
  }

  /** Signature blocks side by side in equal columns, each with room left below for the signature. */
  signatureRow(
    blocks: SignatureBlock[],
    styles: { title: TextStyle; hint: TextStyle },
    signatureSpace: number,
    x = this.left,
    width = this.width,
  ): void {
    if (blocks.length === 0) return;
    const columnWidth = width / blocks.length;
    const inner = columnWidth - 4;
    const titleText = (block: SignatureBlock) => block.lines.join('\n');
    const titleHeight = Math.max(
      ...blocks.map((block) => this.measure(titleText(block), inner, styles.title)),
    );
    const hintHeight = Math.max(...blocks.map((block) => this.measure(block.hint, inner, styles.hint)));
    this.ensureSpace(titleHeight + hintHeight + signatureSpace);
    blocks.forEach((block, index) => {
      const left = x + index * columnWidth + 2;
      this.draw(titleText(block), left, this.y, inner, { ...styles.title, align: 'center' });
      this.draw(block.hint, left, this.y + titleHeight, inner, { ...styles.hint, align: 'center' });
    });
    this.y += titleHeight + hintHeight + signatureSpace;
  }

  /**
   * A table with a shaded header row repeated on every page, wrapped cells, and grid lines.
   * `onNewPage` draws whatever repeats above the table on a continuation page.
   */
  table(columns: TableColumn[], rows: TableRow[], style: TextStyle, onNewPage?: () => void): void {
    const padX = 3;
    const padY = 2.5;
    const header: TableRow = { cells: columns.map((column) => column.header), face: 'bold' };
    const cellsOf = (row: TableRow) => {
      const merge = Math.max(1, row.mergeFirst ?? 1);
      const mergedWidth = columns.slice(0, merge).reduce((sum, column) => sum + column.width, 0);
      const cells = [
        { text: row.cells[0] ?? '', width: mergedWidth, align: merge > 1 ? 'center' : columns[0].align },
      ];
      columns.slice(merge).forEach((column, index) => {
        cells.push({ text: row.cells[1 + index] ?? '', width: column.width, align: column.align });
      });
      return cells;
    };
    const rowHeight = (row: TableRow) =>
      Math.max(
        ...cellsOf(row).map((cell) =>
          this.measure(cell.text, cell.width - 2 * padX, { ...style, face: row.face }),
        ),
      ) +
      2 * padY;
    const drawRow = (row: TableRow, isHeader: boolean) => {
      const height = rowHeight(row);
      let cellX = this.left;
      if (isHeader) {
        this.doc.save().rect(this.left, this.y, this.width, height).fill(COLORS.headerFill).restore();
      }
      for (const cell of cellsOf(row)) {
        this.draw(cell.text, cellX + padX, this.y + padY, cell.width - 2 * padX, {
          ...style,
          face: row.face ?? style.face,
          color: row.color ?? style.color,
          align: isHeader ? 'center' : cell.align,
        });
        this.line(cellX, this.y, cellX, this.y + height);
        cellX += cell.width;
      }
      this.line(cellX, this.y, cellX, this.y + height);
      this.line(this.left, this.y, cellX, this.y);
      this.line(this.left, this.y + height, cellX, this.y + height);
      this.y += height;
    };
    const headerHeight = rowHeight(header);
    if (this.ensureSpace(headerHeight + (rows[0] ? rowHeight(rows[0]) : 0))) onNewPage?.();
    drawRow(header, true);
    rows.forEach((row, index) => {
      const next = row.keepWithNext ? rows[index + 1] : undefined;
      if (this.ensureSpace(rowHeight(row) + (next ? rowHeight(next) : 0))) {
        onNewPage?.();
        drawRow(header, true);
      }
      drawRow(row, false);
    });
  }

  /**
   * A boxed stamp over the finished content, rotated about its centre. An `outlined` stamp draws its letters
   * as vector shapes rather than text: text extraction (search, copy, pdftotext) does not see it, so a large
   * slanted mark cannot scramble the words it lies across. Keep a text stamp upright: rotated text comes out
   * of text extraction in pieces.
   */
  stamp(text: string, centerX: number, centerY: number, options: StampOptions): void {
    const style: TextStyle = { face: 'bold', size: options.size, color: options.color };
    const textWidth = this.widthOf(text, style);
    const textHeight = this.doc.currentLineHeight();
    const outline = options.outlined ? this.outlineFont('bold') : null;
    const doc = this.doc.save();
    doc.rotate(options.angleDeg, { origin: [centerX, centerY] });
    doc.fillOpacity(options.opacity ?? 1).strokeOpacity(options.opacity ?? 1);
    const lineTop = centerY - textHeight / 2;
    if (options.boxed) {
      const padX = options.size * 0.6;
      const padY = options.size * 0.35;
      const boxX = centerX - textWidth / 2 - padX;
      const boxY = lineTop - padY;
      const boxWidth = textWidth + 2 * padX;
      const boxHeight = textHeight + 2 * padY;
      const inset = Math.max(2, options.size * 0.16);
      doc
        .lineWidth(Math.max(1.5, options.size * 0.12))
        .rect(boxX, boxY, boxWidth, boxHeight)
        .stroke(options.color);
      doc
        .lineWidth(Math.max(0.5, options.size * 0.04))
        .rect(boxX + inset, boxY + inset, boxWidth - 2 * inset, boxHeight - 2 * inset)
        .stroke(options.color);
    }
    if (outline) {
      const scale = options.size / outline.unitsPerEm;
      const run = outline.layout(text);
      const baseline = lineTop + outline.ascent * scale;
      let penX = centerX - textWidth / 2;
      run.glyphs.forEach((glyph, index) => {
        const position = run.positions[index];
        doc
          .save()
          .translate(penX + position.xOffset * scale, baseline - position.yOffset * scale)
          .scale(scale, -scale)
          .path(glyph.path.toSVG())
          .fill(options.color)
          .restore();
        penX += position.xAdvance * scale;
      });
    } else {
      this.use(style);
      // No width: one line, no wrapping, so pdfkit cannot break the page.
      doc.text(text, centerX - textWidth / 2, lineTop, { lineBreak: false });
    }
    doc.restore();
  }

  /**
   * The fontkit font behind a face, to draw glyph outlines. pdfkit does not expose it, so this reads its
   * internals; should they change, stamps fall back to text.
   */
  private outlineFont(face: FontFace): OutlineFont | null {
    this.doc.font(fontName(face));
    const font = (this.doc as unknown as { _font?: { font?: Partial<OutlineFont> } })._font?.font;
    if (!font || typeof font.layout !== 'function') return null;
    if (typeof font.unitsPerEm !== 'number' || typeof font.ascent !== 'number') return null;
    return font as OutlineFont;
  }

  /**
   * A QR code drawn as vector squares (no bitmap), error correction M, with a 2-module quiet zone inside
   * `size`. Runs of dark modules in a row are one rectangle, so no hairline gaps show between them.
   */
  qrCode(text: string, x: number, y: number, size: number): void {
    const modules = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
    const quiet = 2;
    const cell = size / (modules.size + 2 * quiet);
    const doc = this.doc.save();
    for (let row = 0; row < modules.size; row++) {
      let col = 0;
      while (col < modules.size) {
        if (!modules.get(row, col)) {
          col++;
          continue;
        }
        const start = col;
        while (col < modules.size && modules.get(row, col)) col++;
        doc.rect(x + (quiet + start) * cell, y + (quiet + row) * cell, (col - start) * cell, cell);
      }
    }
    doc.fill(COLORS.text).restore();
  }

  /** Calls `draw` on every page, e.g. for page numbers and stamps, once the content is laid out. */
  forEachPage(draw: (pageIndex: number, pageCount: number) => void): void {
    const range = this.doc.bufferedPageRange();
    for (let index = 0; index < range.count; index++) {
      this.doc.switchToPage(range.start + index);
      draw(index, range.count);
    }
  }

  get pageCount(): number {
    return this.doc.bufferedPageRange().count;
  }
}
