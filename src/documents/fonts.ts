import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEMPLATES_DIR } from '../common/paths';
import { pdfDocumentClass } from './libraries';

/**
 * The embedded fonts: DejaVu Sans TTF from templates/fonts (licence beside them). TTF, not woff2: fontkit's
 * subsetter crashes on Vietnamese in woff2 (DESIGN.md §2).
 *
 * The files are read once per process, and each font is parsed by fontkit once per process too: parsing the
 * fonts for every document makes a receipt four times slower (measured here: 48 ms against 12 ms).
 */
export const FONT_FILES = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  italic: 'DejaVuSans-Oblique.ttf',
} as const;

export type FontFace = keyof typeof FONT_FILES;

export const FONT_FACES = Object.keys(FONT_FILES) as FontFace[];
export const FONTS_DIR = path.join(TEMPLATES_DIR, 'fonts');

/** Name under which each face is registered in a document (also what `doc.font(name)` takes). */
export function fontName(face: FontFace): string {
  return `den-on-${face}`;
}

let fontBytes: ReadonlyMap<FontFace, Buffer> | null = null;

/** The TTF bytes of every face, read from disk on the first call only. */
export function loadFontBytes(): ReadonlyMap<FontFace, Buffer> {
  if (!fontBytes) {
    fontBytes = new Map(
      FONT_FACES.map((face) => [face, fs.readFileSync(path.join(FONTS_DIR, FONT_FILES[face]))]),
    );
  }
  return fontBytes;
}

/*
 * pdfkit has no public way to hand it an already parsed fontkit font: doc.font(buffer) parses the bytes again
 * for every document. Its EmbeddedFont, though, only wraps a fontkit font and makes a fresh subset per
 * document, so we build one per document around a font parsed once, and put it in the document's font table
 * under our name.
 *
 * One catch: fontkit caches glyph objects on the font, and a glyph remembers the code points it was first
 * looked up with, which pdfkit writes into the document's ToUnicode map. A glyph first met in another document
 * (say as an accent component while subsetting) would map to no text, or to another document's character:
 * text extraction breaks and the bytes depend on what was printed before. So each document starts with an
 * empty glyph cache (the costly parsed tables, cmap and layout engine stay), which makes its bytes exactly those
 * of a freshly parsed font (checked by the tests). A document holds the parsed fonts from its creation until
 * it has ended; drawing is synchronous, so documents never interleave, and if one ever did, it would get its
 * own freshly parsed fonts instead.
 *
 * Should a pdfkit or fontkit upgrade change these internals, the probe fails and we fall back to registering
 * the buffers, which is correct, only slower (the tests report which path is in use).
 */
interface PdfKitFontTable {
  _font: { font: FontkitFont; constructor: EmbeddedFontConstructor } | null;
  _fontFamilies: Record<string, unknown>;
  _fontCount: number;
}
interface FontkitFont {
  _glyphs: Record<number, unknown>;
}
type EmbeddedFontConstructor = new (doc: PDFKit.PDFDocument, font: FontkitFont, id: string) => object;

interface ParsedFonts {
  construct: EmbeddedFontConstructor;
  fonts: ReadonlyMap<FontFace, FontkitFont>;
}

let parsedFonts: ParsedFonts | null | undefined;
let parsedFontsInUse = false;

function fontTable(doc: PDFKit.PDFDocument): PdfKitFontTable | null {
  const table = doc as unknown as Partial<PdfKitFontTable>;
  if (typeof table._fontFamilies !== 'object' || table._fontFamilies === null) return null;
  if (typeof table._fontCount !== 'number') return null;
  return table as PdfKitFontTable;
}

/** Parses each face once (through a throw-away document), or returns null if the internals differ. */
function loadParsedFonts(): ParsedFonts | null {
  if (parsedFonts !== undefined) return parsedFonts;
  parsedFonts = null;
  const PDFDocument = pdfDocumentClass();
  const probe = new PDFDocument({ autoFirstPage: false });
  const table = fontTable(probe);
  if (!table) return null;
  let construct: EmbeddedFontConstructor | null = null;
  const fonts = new Map<FontFace, FontkitFont>();
  for (const [face, bytes] of loadFontBytes()) {
    probe.font(bytes);
    const embedded = table._font;
    if (!embedded || typeof embedded.font !== 'object' || typeof embedded.font._glyphs !== 'object')
      return null;
    construct = embedded.constructor;
    fonts.set(face, embedded.font);
  }
  if (!construct) return null;
  parsedFonts = { construct, fonts };
  return parsedFonts;
}

/** How fonts reach pdfkit in this process: 'parsed-once' (the fast path) or 'buffer' (the fallback). */
export function fontCacheMode(): 'parsed-once' | 'buffer' {
  return loadParsedFonts() ? 'parsed-once' : 'buffer';
}

/**
 * Makes every face available in `doc` under fontName(face), without reading a font file again. Call the
 * returned release function once the document has ended (or failed). `shared` false registers the bytes
 * instead of taking the parsed fonts, for a document that is written over a long time (a streamed book).
 */
export function installFonts(doc: PDFKit.PDFDocument, shared = true): () => void {
  const parsed = shared ? loadParsedFonts() : null;
  const table = fontTable(doc);
  if (parsed && table && !parsedFontsInUse) {
    parsedFontsInUse = true;
    for (const [face, font] of parsed.fonts) {
      font._glyphs = {};
      table._fontFamilies[fontName(face)] = new parsed.construct(doc, font, `F${++table._fontCount}`);
    }
    return () => {
      parsedFontsInUse = false;
    };
  }
  for (const [face, bytes] of loadFontBytes()) doc.registerFont(fontName(face), bytes);
  return () => undefined;
}
