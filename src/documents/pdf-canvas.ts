import { FontFace, fontName, installFonts } from './fonts';
import { pdfDocumentClass, qrCodeEncoder } from './libraries';

/**
 * The one drawing layer under every document: a pdfkit document with our fonts and a fixed creation date, a
 * cursor (`y`) that moves down the page, measured text, labelled fields, rules and filled boxes, stamps and a
 * vector QR code. Tables (pdf-table.ts) and the letterhead and signature blocks (document-blocks.ts) are built
 * on it; the renderers only place what they print.
 *
 * Everything is drawn at explicit positions after being measured, and every text call carries a height, so
 * pdfkit never breaks a page on its own: the layout decides where pages break, and nothing overlaps.
 *
 * A canvas either keeps its pages (`render`: receipts, vouchers, letters, statements, which number and stamp
 * their pages once laid out) or streams them (`stream`: the books, whose finished pages leave as they are
 * written, so a book of a million lines needs the memory of one page).
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

/** pdfkit's fonts as it keeps them per document (see trimLayoutCache). */
type FontFamilies = Record<string, { layoutCache?: object }>;

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
  /** The font, size and colour in use, so that use() sets them only when they change. */
  private style = '';
  private readonly lineHeights = new Map<string, number>();
  private readonly result: Promise<Buffer> | null;
  private readonly releaseFonts: () => void;

  /**
   * Renders one document that keeps its pages: `draw` lays it out, synchronously (so no other document can use
   * the shared fonts meanwhile), then the document ends and the promise resolves with its bytes.
   */
  static render(setup: PageSetup, meta: DocumentMeta, draw: (canvas: PdfCanvas) => void): Promise<Buffer> {
    const canvas = new PdfCanvas(setup, meta, true);
    try {
      draw(canvas);
      canvas.doc.end();
    } finally {
      canvas.releaseFonts();
    }
    return canvas.result as Promise<Buffer>;
  }

  /**
   * Opens a document whose finished pages are handed on as they are written: take them with drain(), and call
   * end() after the last page. Its fonts are registered from their bytes rather than taken from the parsed-once
   * cache of fonts.ts: a stream can take seconds, and receipts rendered meanwhile keep the fast path.
   */
  static stream(setup: PageSetup, meta: DocumentMeta): PdfCanvas {
    return new PdfCanvas(setup, meta, false);
  }

  private constructor(
    private readonly setup: PageSetup,
    meta: DocumentMeta,
    keepPages: boolean,
  ) {
    const PDFDocument = pdfDocumentClass();
    this.doc = new PDFDocument({
      // No default font: pdfkit would parse Helvetica's metrics for every document (a tenth of a receipt's time),
      // and every text here names one of our fonts.
      font: '',
      size: setup.size,
      layout: setup.layout,
      margins: setup.margins,
      bufferPages: keepPages,
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
    if (keepPages) {
      const chunks: Buffer[] = [];
      this.result = new Promise<Buffer>((resolve, reject) => {
        this.doc.on('data', (chunk: Buffer) => chunks.push(chunk));
        this.doc.on('end', () => resolve(Buffer.concat(chunks)));
        this.doc.on('error', reject);
      });
    } else {
      this.result = null;
    }
    this.releaseFonts = installFonts(this.doc, keepPages);
    this.y = setup.margins.top;
  }

  /** The bytes written so far (whole pages, on a streamed canvas), to pass on. */
  *drain(): Generator<Buffer> {
    for (
      let chunk = this.doc.read() as Buffer | null;
      chunk !== null;
      chunk = this.doc.read() as Buffer | null
    )
      yield chunk;
  }

  /** Ends a streamed document: drain() then yields the rest. */
  end(): void {
    this.doc.end();
    this.releaseFonts();
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
    // Setting the same font and colour again costs a lot over a long book; the PDF keeps them between texts.
    const face = style.face ?? 'regular';
    const color = style.color ?? COLORS.text;
    const key = `${face}/${style.size}/${color}`;
    if (key === this.style) return;
    this.style = key;
    this.doc.font(fontName(face)).fontSize(style.size).fillColor(color);
  }

  /** Height the text takes when wrapped to `width`. */
  measure(text: string, width: number, style: TextStyle): number {
    if (text === '') return 0;
    this.use(style);
    // Most texts fit on one line, whose height depends on the font and size only: no need to wrap them.
    if (!text.includes('\n') && this.doc.widthOfString(text) <= width) return this.lineHeight(style);
    return this.doc.heightOfString(text, { width, lineGap: style.lineGap ?? 0, align: style.align });
  }

  /** Height of one line of text in this style. */
  lineHeight(style: TextStyle): number {
    const key = `${style.face ?? 'regular'}/${style.size}/${style.lineGap ?? 0}`;
    let height = this.lineHeights.get(key);
    if (height === undefined) {
      this.use(style);
      height = this.doc.currentLineHeight(true) + (style.lineGap ?? 0);
      this.lineHeights.set(key, height);
    }
    return height;
  }

  /** Width of the text on one line. */
  widthOf(text: string, style: TextStyle): number {
    this.use(style);
    return this.doc.widthOfString(text);
  }

  /** Draws wrapped text with its top-left at (x, y); returns its height. Does not move the cursor. */
  draw(text: string, x: number, y: number, width: number, style: TextStyle): number {
    const height = this.measure(text, width, style);
    this.put(text, x, y, width, style);
    return height;
  }

  /** Draws text already measured (a table's cells, measured for the row's height). */
  put(text: string, x: number, y: number, width: number, style: TextStyle): void {
    if (text === '') return;
    this.use(style);
    this.doc.text(text, x, y, {
      width,
      height: NO_PAGE_BREAK_HEIGHT,
      align: style.align ?? 'left',
      lineGap: style.lineGap ?? 0,
    });
  }

  /** Draws at the cursor across [x, x + width] and moves the cursor below it (plus `gap`). */
  paragraph(text: string, style: TextStyle, gap = 0, x = this.left, width = this.width): void {
    const height = this.measure(text, width, style);
    this.ensureSpace(height);
    this.put(text, x, this.y, width, style);
    this.y += height + gap;
  }

  /** Whether `height` fits below the cursor; anything fits at the top of a page, which cannot do better. */
  fits(height: number): boolean {
    return this.y + height <= this.bottom || this.y === this.top;
  }

  /** Starts a new page when `height` no longer fits below the cursor; returns whether it did. */
  ensureSpace(height: number): boolean {
    if (this.fits(height)) return false;
    this.addPage();
    return true;
  }

  addPage(): void {
    this.doc.addPage({ size: this.setup.size, layout: this.setup.layout, margins: this.setup.margins });
    this.style = ''; // a new page starts with the default font and colour
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
    const labelHeight = this.measure(label, labelWidth + 1, options.labelStyle);
    const height = Math.max(labelHeight, this.measure(value, valueWidth, options.valueStyle));
    this.ensureSpace(height);
    this.put(label, x, this.y, labelWidth + 1, options.labelStyle);
    this.put(value, x + labelWidth, this.y, valueWidth, options.valueStyle);
    this.y += height + gap;
  }

  line(x1: number, y1: number, x2: number, y2: number, width = 0.5, color: string = COLORS.rule): void {
    this.doc.save().moveTo(x1, y1).lineTo(x2, y2).lineWidth(width).strokeColor(color).stroke().restore();
  }

  /** A filled box without a border (a shaded table header, a bar of a chart). */
  box(x: number, y: number, width: number, height: number, color: string): void {
    this.doc.save().rect(x, y, width, height).fill(color).restore();
  }

  /** One line of text near the foot of the page (a page number), `fromBottom` above the paper's edge. */
  footer(text: string, fromBottom: number, style: TextStyle): void {
    this.draw(text, this.left, this.pageHeight - fromBottom, this.width, style);
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
    this.style = ''; // the restore took back the stamp's colour
  }

  /**
   * The fontkit font behind a face, to draw glyph outlines. pdfkit does not expose it, so this reads its
   * internals; should they change, stamps fall back to text.
   */
  private outlineFont(face: FontFace): OutlineFont | null {
    this.doc.font(fontName(face));
    this.style = '';
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
    const modules = qrCodeEncoder().create(text, { errorCorrectionLevel: 'M' }).modules;
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
      this.style = ''; // each page's drawing continues from its own last colour
      draw(index, range.count);
    }
  }

  get pageCount(): number {
    return this.doc.bufferedPageRange().count;
  }

  /**
   * pdfkit keeps the layout of every distinct word it has set, for as long as the document lives. A book's
   * amounts, numbers and dates are nearly all distinct, so over a long book that cache grows without end (about
   * 100 kB a page); emptying it now and then keeps the memory flat, while the words that do repeat are laid out
   * again only once per round. The cache is pdfkit's own (EmbeddedFont.layoutCache), so this reaches inside;
   * should it move, nothing breaks but the memory bound, which books.renderer.spec.ts checks.
   */
  trimLayoutCache(): void {
    for (const font of Object.values(this.fontFamilies())) {
      if (font.layoutCache) font.layoutCache = Object.create(null) as object;
    }
  }

  /** Words in pdfkit's layout cache now, over every font (what trimLayoutCache keeps bounded). */
  layoutCacheSize(): number {
    return Object.values(this.fontFamilies()).reduce(
      (sum, font) => sum + Object.keys(font.layoutCache ?? {}).length,
      0,
    );
  }

  private fontFamilies(): FontFamilies {
    return (this.doc as unknown as { _fontFamilies?: FontFamilies })._fontFamilies ?? {};
  }
}
