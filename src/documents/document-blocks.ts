import type { FundHeader } from './document.types';
import { fill } from './layout-text';
import { DocumentMeta, PdfCanvas, TextStyle } from './pdf-canvas';
import { DateParts, issuedAtDate } from './view-format';

/**
 * The blocks every document shares, on a PdfCanvas: the letterhead (the unit and the fund at the top left; the
 * form code, or the national title of an official letter, at the top right), the signature row (titles, hints
 * and room to sign, side by side) and the page numbers. The renderers say what goes in them and how large.
 */

/** Room to sign and seal under a signature title: at least 3 cm (85 pt), as a seal needs. */
export const SEAL_SPACE = 86;

/** A fund's document: its title, the fund as its author, and the creation date the view fixes. */
export function documentMeta(title: string, view: { header: FundHeader; issuedAt: string }): DocumentMeta {
  return { title, author: view.header.fundName, issuedAt: issuedAtDate(view.issuedAt) };
}

export interface LetterheadLine {
  text: string;
  style: TextStyle;
  /** Printed before the text, which wraps in its own column after it ("Đơn vị: UBND tỉnh …"). */
  label?: { text: string; style: TextStyle };
  /** Space below the line. */
  gap?: number;
  /** A short rule below the line (after its gap): under the middle of the column or under the text, then `space`. */
  rule?: { under: 'column' | 'text'; space: number };
}

export interface LetterheadColumn {
  width: number;
  lines: LetterheadLine[];
}

export interface Letterhead {
  left: LetterheadColumn;
  right: LetterheadColumn;
  /** Space between the taller column and what follows. */
  space: number;
}

/** The letterhead at the cursor: two columns at the page's left and right margins. Moves the cursor below. */
export function drawLetterhead(canvas: PdfCanvas, head: Letterhead): void {
  const top = canvas.y;
  const columns: [number, LetterheadColumn][] = [
    [canvas.left, head.left],
    [canvas.right - head.right.width, head.right],
  ];
  const bottoms = columns.map(([x, column]) => {
    canvas.y = top;
    for (const line of column.lines) {
      if (line.label) {
        canvas.field(line.label.text, line.text, {
          labelStyle: line.label.style,
          valueStyle: line.style,
          x,
          width: column.width,
          gap: line.gap,
        });
      } else {
        canvas.paragraph(line.text, line.style, line.gap ?? 0, x, column.width);
      }
      if (line.rule) {
        const width =
          line.rule.under === 'column' ? column.width * 0.4 : canvas.widthOf(line.text, line.style);
        const from = x + (column.width - width) / 2;
        canvas.line(from, canvas.y, from + width, canvas.y, 0.7);
        canvas.y += line.rule.space;
      }
    }
    return canvas.y;
  });
  canvas.y = Math.max(...bottoms) + head.space;
}

/** How an official letter's letterhead looks (the statement, the donor's letter of thanks). */
export interface OfficialLetterheadLook {
  /** Type sizes: the unit (and the fund under it, in bold), the national title, its motto, the date. */
  sizes: { unit: number; nationalTitle: number; motto: number; date: number };
  /** The unit's column at the left, the national title's at the right. */
  columns: [number, number];
  /** Between the motto's rule and the date; below the letterhead. */
  spaces: { date: number; below: number };
}

/**
 * The unit and the fund, centred and underlined, and the document's number at the left; the national title, its
 * motto underlined and "<place>, ngày … tháng … năm …" at the right, as a Vietnamese official letter has them.
 * A place's name is never split over two lines ("Lào / Cai").
 */
export function officialLetterhead(
  header: FundHeader,
  text: {
    nationalTitle: string;
    nationalMotto: string;
    dateLine: string;
    placeDateLine: string;
    numberLine: string;
  },
  issued: DateParts,
  look: OfficialLetterheadLook,
  number: string | null = null,
): Letterhead {
  const centred = (size: number, face: TextStyle['face']): TextStyle => ({ size, face, align: 'center' });
  const motto = centred(look.sizes.motto, 'bold');
  const dateLine = header.place
    ? fill(text.placeDateLine, { ...issued, place: header.place })
    : fill(text.dateLine, { ...issued });
  return {
    left: {
      width: look.columns[0],
      lines: [
        { text: keepPlacesWhole(header.unitName), style: centred(look.sizes.unit, 'regular'), gap: 1 },
        {
          text: keepPlacesWhole(header.fundName),
          style: centred(look.sizes.unit, 'bold'),
          gap: 3,
          rule: { under: 'column', space: number === null ? 0 : 4 },
        },
        ...(number === null
          ? []
          : [{ text: fill(text.numberLine, { number }), style: centred(look.sizes.unit, 'regular') }]),
      ],
    },
    right: {
      width: look.columns[1],
      lines: [
        { text: text.nationalTitle, style: centred(look.sizes.nationalTitle, 'bold'), gap: 1 },
        { text: text.nationalMotto, style: motto, gap: 2, rule: { under: 'text', space: look.spaces.date } },
        { text: dateLine, style: centred(look.sizes.date, 'italic') },
      ],
    },
    space: look.spaces.below,
  };
}

const PLACE =
  /((?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn) )((?:\p{Lu}|\d)[^\s,;()]*(?: (?:\p{Lu}|\d)[^\s,;()]*)*)$/u;

/** Joins the words of the place a unit's name ends with ("tỉnh Lào Cai") by no-break spaces: it wraps whole. */
export function keepPlacesWhole(name: string): string {
  return name.replace(PLACE, (_all, level: string, place: string) => (level + place).replace(/ /g, '\u00a0'));
}

export interface SignatureBlock {
  /** The title, on one line or more ("TM. BAN QUẢN LÝ QUỸ", "TRƯỞNG BAN"). */
  lines: string[];
  /** "(Ký, họ tên, đóng dấu)" */
  hint: string;
}

export interface SignatureRow {
  blocks: SignatureBlock[];
  title: TextStyle;
  hint: TextStyle;
  /** Room left below the blocks to sign in. */
  space: number;
  /** A line above the last block ("Ngày ..... tháng ..... năm ....."). */
  date?: { text: string; style: TextStyle; gap: number };
  /** The span the blocks share in equal columns; the page's width by default. */
  x?: number;
  width?: number;
}

function signatureColumns(canvas: PdfCanvas, row: SignatureRow) {
  const x = row.x ?? canvas.left;
  const columnWidth = (row.width ?? canvas.width) / Math.max(1, row.blocks.length);
  const inner = columnWidth - 4;
  const titles = row.blocks.map((block) => block.lines.join('\n'));
  const titleHeight = Math.max(0, ...titles.map((title) => canvas.measure(title, inner, row.title)));
  const hintHeight = Math.max(0, ...row.blocks.map((block) => canvas.measure(block.hint, inner, row.hint)));
  const dateHeight =
    row.date && row.blocks.length > 0
      ? canvas.measure(row.date.text, inner, row.date.style) + row.date.gap
      : 0;
  const columnX = (index: number) => x + index * columnWidth + 2;
  return { inner, titles, titleHeight, hintHeight, dateHeight, columnX };
}

/** The height of the signature row, room to sign included. */
export function signatureRowHeight(canvas: PdfCanvas, row: SignatureRow): number {
  if (row.blocks.length === 0) return 0;
  const { titleHeight, hintHeight, dateHeight } = signatureColumns(canvas, row);
  return dateHeight + titleHeight + hintHeight + row.space;
}

/** Draws the signature row at the cursor, where it stands (no page break), and moves the cursor below it. */
export function drawSignatureRow(canvas: PdfCanvas, row: SignatureRow): void {
  if (row.blocks.length === 0) return;
  const { inner, titles, titleHeight, hintHeight, dateHeight, columnX } = signatureColumns(canvas, row);
  if (row.date) {
    const last = columnX(row.blocks.length - 1);
    canvas.draw(row.date.text, last, canvas.y, inner, { ...row.date.style, align: 'center' });
  }
  const top = canvas.y + dateHeight;
  row.blocks.forEach((block, index) => {
    canvas.draw(titles[index], columnX(index), top, inner, { ...row.title, align: 'center' });
    canvas.draw(block.hint, columnX(index), top + titleHeight, inner, { ...row.hint, align: 'center' });
  });
  canvas.y = top + titleHeight + hintHeight + row.space;
}

/** The signature row at the cursor, on the next page if it does not fit on this one. */
export function signatureRow(canvas: PdfCanvas, row: SignatureRow): void {
  canvas.ensureSpace(signatureRowHeight(canvas, row));
  drawSignatureRow(canvas, row);
}

/** "Trang 2/5" at the foot of every page of a document that has more than one. */
export function pageNumbers(canvas: PdfCanvas, template: string, fromBottom: number, style: TextStyle): void {
  canvas.forEachPage((index, count) => {
    if (count > 1) canvas.footer(fill(template, { page: index + 1, pages: count }), fromBottom, style);
  });
}
