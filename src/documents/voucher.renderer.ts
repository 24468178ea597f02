import { Money } from '../common/money';
import { amountInWords } from '../common/number-words';
import { DocumentMark, VoucherView } from './document.types';
import { VoucherText, circularOn, fill, voucherText } from './layout-text';
import {
  SEAL_SPACE,
  documentMeta,
  keepPlacesWhole,
  drawLetterhead,
  pageNumbers,
  signatureRow,
} from './document-blocks';
import { COLORS, PageSetup, PdfCanvas, TextStyle } from './pdf-canvas';
import { TableColumn, TableRow, drawTable } from './pdf-table';
import {
  DOCUMENT_LIMITS,
  DateParts,
  amountOf,
  checkCount,
  dateParts,
  formatDate,
  textOf,
} from './view-format';

/**
 * C40-BB Phiếu thu and C41-BB Phiếu chi (DESIGN.md §5) on A5 landscape: half an A4 sheet, the usual size of
 * these forms, and wide enough for the five signature blocks side by side. Money through a bank or the Treasury
 * has no cash form: its receipt is a Giấy xác nhận đóng góp naming the bank's reference, its payment an Ủy nhiệm
 * chi with the payee's account, neither with a cashier. All four share this layout; only their wording
 * (templates/documents/receipt.vi.json, payment.vi.json, bank-receipt.vi.json, bank-payment.vi.json) differs.
 */

const PAGE: PageSetup = {
  size: 'A5',
  layout: 'landscape',
  margins: { top: 22, bottom: 24, left: 28, right: 28 },
};

const STYLE = {
  header: { size: 8.5 },
  headerBold: { size: 8.5, face: 'bold' },
  formCode: { size: 9.5, face: 'bold', align: 'center' },
  formNote: { size: 6.5, face: 'italic', align: 'center' },
  title: { size: 16, face: 'bold', align: 'center' },
  date: { size: 9, face: 'italic', align: 'center' },
  box: { size: 8.5 },
  boxBold: { size: 8.5, face: 'bold' },
  label: { size: 10, lineGap: 1 },
  value: { size: 10, lineGap: 1 },
  valueBold: { size: 10, face: 'bold', lineGap: 1 },
  words: { size: 10, face: 'italic', lineGap: 1 },
  voidNote: { size: 10, face: 'bold', color: COLORS.void, lineGap: 1 },
  lateTitle: { size: 9, face: 'bold', align: 'center' },
  lateNote: { size: 10, face: 'italic', lineGap: 1 },
  signatureTitle: { size: 7.5, face: 'bold' },
  signatureHint: { size: 7, face: 'italic' },
  receivedLine: { size: 9, face: 'italic' },
  qrCaption: { size: 6.5, face: 'italic', align: 'center' },
  qrUrl: { size: 5.5, align: 'center', color: COLORS.muted },
  annexTitle: { size: 10.5, face: 'bold', align: 'center' },
  annexSubtitle: { size: 8.5, face: 'italic', align: 'center' },
  table: { size: 8.5 },
  pageNumber: { size: 7, align: 'right', color: COLORS.muted },
} satisfies Record<string, TextStyle>;

const FIELD_GAP = 3.5;
const HEADER_COLUMN_WIDTH = 250;
const FORM_COLUMN_WIDTH = 230;
/** Quyển số / Số / Nợ / Có, at the right of the title. */
const BOX_WIDTH = 140;
/** Free band at the left of the title where stamps go (mirrored at its right on annex pages, narrower). */
const STAMP_BAND_WIDTH = 140;
const ANNEX_STAMP_BAND_WIDTH = 100;
const QR_COLUMN_WIDTH = 88;
const QR_SIZE = 70;

/** What the renderer prints, checked and formatted once. */
interface VoucherContent {
  view: VoucherView;
  text: VoucherText;
  date: DateParts;
  amount: Money;
  annexAmounts: Money[];
  annexTotal: Money;
}

export async function renderVoucher(view: VoucherView): Promise<Buffer> {
  const content = prepare(view);
  const { text } = content;
  const meta = documentMeta(fill(text.documentTitle, { number: view.number }), view);
  return await PdfCanvas.render(PAGE, meta, (canvas) => {
    drawHeader(canvas, content);
    const titleTop = canvas.y;
    drawTitleBlock(canvas, content);
    drawFields(canvas, content);
    drawSignatures(canvas, content);
    if (view.annex.length > 0) drawAnnex(canvas, content);
    drawMarksAndPageNumbers(canvas, content, titleTop);
  });
}

function prepare(view: VoucherView): VoucherContent {
  const { shortTextChars, longTextChars } = DOCUMENT_LIMITS;
  textOf(view.header.unitName, 'header.unitName', shortTextChars);
  textOf(view.header.fundName, 'header.fundName', shortTextChars);
  textOf(view.header.fundCode, 'header.fundCode', shortTextChars);
  textOf(view.bookNo, 'bookNo', shortTextChars);
  textOf(view.number, 'number', shortTextChars);
  textOf(view.partyName, 'partyName', shortTextChars);
  textOf(view.partyAddress ?? '', 'partyAddress', longTextChars, false);
  textOf(view.onBehalfOf ?? '', 'onBehalfOf', shortTextChars, false);
  if (view.bank) {
    for (const key of ['reference', 'payerAccount', 'payeeAccount', 'payeeBank'] as const)
      textOf(view.bank[key] ?? '', `bank.${key}`, shortTextChars, false);
    if (view.bank.date !== null) dateParts(view.bank.date, 'bank.date');
  }
  textOf(view.reason, 'reason', longTextChars);
  if (view.attachments) {
    checkCount(view.attachments.count, 'attachments.count', DOCUMENT_LIMITS.annexRows);
    textOf(view.attachments.detail ?? '', 'attachments.detail', longTextChars, false);
  }
  textOf(view.voidNote ?? '', 'voidNote', longTextChars, false);
  textOf(view.lateNote ?? '', 'lateNote', longTextChars, false);
  textOf(view.verifyUrl ?? '', 'verifyUrl', DOCUMENT_LIMITS.verifyUrlChars, false);
  checkCount(view.debitAccounts.length, 'debitAccounts', DOCUMENT_LIMITS.accounts);
  checkCount(view.creditAccounts.length, 'creditAccounts', DOCUMENT_LIMITS.accounts);
  [...view.debitAccounts, ...view.creditAccounts].forEach((code) => textOf(code, 'account', shortTextChars));
  checkCount(view.notes.length, 'notes', DOCUMENT_LIMITS.noteLines);
  view.notes.forEach((note, index) => textOf(note, `notes[${index}]`, longTextChars));
  checkCount(view.annex.length, 'annex', DOCUMENT_LIMITS.annexRows);
  const annexAmounts = view.annex.map((item, index) => {
    textOf(item.name, `annex[${index}].name`, shortTextChars);
    textOf(item.note ?? '', `annex[${index}].note`, longTextChars, false);
    return amountOf(item.amount, `annex[${index}].amount`);
  });
  return {
    view,
    text: voucherText(view.kind),
    date: dateParts(view.date, 'date'),
    amount: amountOf(view.amount, 'amount'),
    annexAmounts,
    annexTotal: Money.sum(annexAmounts),
  };
}

/** Top left: the unit and the fund; top right: the form code and the circular that defines it. */
function drawHeader(canvas: PdfCanvas, { view, text }: VoucherContent): void {
  drawLetterhead(canvas, {
    left: {
      width: HEADER_COLUMN_WIDTH,
      lines: [
        {
          label: { text: text.unitLabel, style: STYLE.header },
          text: keepPlacesWhole(view.header.unitName),
          style: STYLE.headerBold,
        },
        { text: keepPlacesWhole(view.header.fundName), style: STYLE.headerBold },
        {
          label: { text: text.fundCodeLabel, style: STYLE.header },
          text: view.header.fundCode,
          style: STYLE.header,
        },
      ],
    },
    right: {
      width: FORM_COLUMN_WIDTH,
      // The circular in force on the document's date, whenever it is printed; bank documents cite none.
      lines: [
        { text: text.formCode, style: STYLE.formCode, gap: 1 },
        { text: fill(text.formNote, { circular: circularOn(view.date) }), style: STYLE.formNote },
      ].filter((line) => line.text !== ''),
    },
    space: 8,
  });
}

/** PHIẾU THU / PHIẾU CHI and its date in the middle; Quyển số, Số, Nợ, Có at the right. */
function drawTitleBlock(canvas: PdfCanvas, { view, text, date }: VoucherContent): void {
  const top = canvas.y;
  const boxX = canvas.right - BOX_WIDTH;
  const boxFields: [string, string, TextStyle][] = [
    [text.bookNoLabel, view.bookNo, STYLE.box],
    [text.numberLabel, view.number, STYLE.boxBold],
    [text.debitLabel, view.debitAccounts.join(', '), STYLE.boxBold],
    [text.creditLabel, view.creditAccounts.join(', '), STYLE.boxBold],
  ];
  for (const [label, value, valueStyle] of boxFields) {
    canvas.field(label, value, { labelStyle: STYLE.box, valueStyle, x: boxX, width: BOX_WIDTH, gap: 1.5 });
  }
  const boxBottom = canvas.y;
  // The title is centred on the page, between the stamp band and the box.
  const titleX = canvas.left + STAMP_BAND_WIDTH;
  const titleWidth = boxX - titleX - 8;
  let titleY = top + 2;
  titleY += canvas.draw(text.title, titleX, titleY, titleWidth, STYLE.title) + 2;
  titleY += canvas.draw(fill(text.dateLine, { ...date }), titleX, titleY, titleWidth, STYLE.date);
  if (view.lateNote)
    titleY += canvas.draw(text.lateTitle, titleX, titleY + 1, titleWidth, STYLE.lateTitle) + 1;
  canvas.y = Math.max(boxBottom, titleY) + 8;
}

/** The body: who, where, why, how much (in figures and in words), attachments; the QR code at the right. */
function drawFields(canvas: PdfCanvas, { view, text, amount }: VoucherContent): void {
  const top = canvas.y;
  const startPage = canvas.pageCount;
  const qrBottom = view.verifyUrl ? drawQr(canvas, view.verifyUrl, text, top) : top;
  const width = canvas.width - (view.verifyUrl ? QR_COLUMN_WIDTH + 10 : 0);
  const field = (label: string, value: string, valueStyle: TextStyle) =>
    canvas.field(label, value, { labelStyle: STYLE.label, valueStyle, width, gap: FIELD_GAP });

  field(text.partyNameLabel, view.partyName, STYLE.valueBold);
  if (view.onBehalfOf) field(text.onBehalfLabel, view.onBehalfOf, STYLE.value);
  field(text.partyAddressLabel, view.partyAddress ?? text.blank, STYLE.value);
  if (view.bank) {
    const labels = text.bankLabels;
    const bank = view.bank;
    // [label, value, printed blank when unknown]: the accounts are filled in by hand if missing; the bank's
    // reference and date appear once the bank has given them. An empty label leaves the field out.
    const bankFields: [string, string | null, boolean][] = [
      [labels.payeeAccount, bank.payeeAccount, true],
      [labels.payeeBank, bank.payeeBank, true],
      [labels.payer, view.header.fundName, true],
      [labels.payerAccount, bank.payerAccount, true],
      [labels.reference, bank.reference, view.kind === 'bank-receipt'],
      [
        labels.date,
        bank.date === null ? null : formatDate(bank.date, 'bank.date'),
        view.kind === 'bank-receipt',
      ],
    ];
    for (const [label, value, always] of bankFields) {
      if (label !== '' && (value !== null || always)) field(label, value ?? text.blank, STYLE.value);
    }
  }
  field(text.reasonLabel, view.reason, STYLE.value);
  // Notes continue the reason, aligned under its value.
  const noteIndent = canvas.widthOf(text.reasonLabel, STYLE.label) + 4;
  for (const note of view.notes) {
    canvas.paragraph(note, STYLE.value, FIELD_GAP, canvas.left + noteIndent, width - noteIndent);
  }
  field(text.amountLabel, amount.format(), STYLE.valueBold);
  field(text.amountWordsLabel, `${amountInWords(amount.toString())}.`, STYLE.words);
  const attached = view.attachments;
  const count = attached ? String(attached.count).padStart(2, '0') : text.blank;
  field(
    text.attachmentsLabel,
    attached?.detail
      ? fill(text.attachmentsDetailLine, { count, detail: attached.detail })
      : fill(text.attachmentsLine, { count }),
    STYLE.value,
  );
  if (view.lateNote) field(text.lateNoteLabel, view.lateNote, STYLE.lateNote);
  if (view.mark === 'void' && view.voidNote) field(text.voidNoteLabel, view.voidNote, STYLE.voidNote);
  // Fields that ran onto a new page have left the QR code behind on the first one.
  if (canvas.pageCount === startPage) canvas.y = Math.max(canvas.y, qrBottom);
  canvas.y += 6;
}

/** The QR code of the verification address, its caption and the address itself; returns the bottom. */
function drawQr(canvas: PdfCanvas, url: string, text: VoucherText, top: number): number {
  const x = canvas.right - QR_COLUMN_WIDTH;
  canvas.qrCode(url, x + (QR_COLUMN_WIDTH - QR_SIZE) / 2, top, QR_SIZE);
  let y = top + QR_SIZE + 1;
  y += canvas.draw(text.qrCaption, x, y, QR_COLUMN_WIDTH, STYLE.qrCaption) + 1;
  y += canvas.draw(url, x, y, QR_COLUMN_WIDTH, STYLE.qrUrl);
  return y;
}

function drawSignatures(canvas: PdfCanvas, { text }: VoucherContent): void {
  signatureRow(canvas, {
    blocks: text.signatures.map((signature) => ({ lines: [signature.title], hint: signature.hint })),
    title: STYLE.signatureTitle,
    hint: STYLE.signatureHint,
    space: SEAL_SPACE,
  });
  if (text.receivedLine !== '') {
    const style = STYLE.receivedLine;
    canvas.field(text.receivedLine, text.blank.repeat(4), { labelStyle: style, valueStyle: style });
  }
}

/** Bảng kê: the names a batch was given on behalf of, with a total, continued over as many pages as needed. */
function drawAnnex(canvas: PdfCanvas, { view, text, annexAmounts, annexTotal }: VoucherContent): void {
  canvas.addPage();
  const heading = () => {
    const x = canvas.left + ANNEX_STAMP_BAND_WIDTH;
    const width = canvas.width - 2 * ANNEX_STAMP_BAND_WIDTH;
    canvas.paragraph(fill(text.annexTitle, { number: view.number }), STYLE.annexTitle, 2, x, width);
    const subtitle = fill(text.annexSubtitle, {
      date: formatDate(view.date, 'date'),
      partyName: view.partyName,
    });
    canvas.paragraph(subtitle, STYLE.annexSubtitle, 8, x, width);
  };
  heading();
  const amountWidth = 110;
  const indexWidth = 32;
  const noteWidth = 150;
  const columns: TableColumn[] = [
    { header: text.annexColumns.index, width: indexWidth, align: 'center' },
    { header: text.annexColumns.name, width: canvas.width - indexWidth - amountWidth - noteWidth },
    { header: text.annexColumns.amount, width: amountWidth, align: 'right' },
    { header: text.annexColumns.note, width: noteWidth },
  ];
  const rows: TableRow[] = view.annex.map((item, index) => ({
    cells: [String(index + 1), item.name, annexAmounts[index].format(), item.note ?? ''],
  }));
  rows[rows.length - 1].keepWithNext = true;
  rows.push({ cells: [text.annexTotal, annexTotal.format(), ''], face: 'bold', mergeFirst: 2 });
  drawTable(canvas, columns, rows, STYLE.table, heading);
}

/** Stamps go over the finished content of every page; page numbers only when there is more than one page. */
function drawMarksAndPageNumbers(canvas: PdfCanvas, { text, view }: VoucherContent, titleTop: number): void {
  canvas.forEachPage((index) => {
    // Page 1: left of the title; further pages: a smaller stamp left of the annex heading.
    const first = index === 0;
    const stampX = canvas.left + (first ? STAMP_BAND_WIDTH : ANNEX_STAMP_BAND_WIDTH) / 2;
    const stampY = first ? titleTop + 22 : canvas.top + 12;
    drawMark(canvas, view.mark, text, stampX, stampY, first ? 14 : 11);
  });
  pageNumbers(canvas, text.pageNumber, 16, STYLE.pageNumber);
}

function drawMark(
  canvas: PdfCanvas,
  mark: DocumentMark,
  text: VoucherText,
  x: number,
  y: number,
  size: number,
): void {
  if (mark === 'copy') {
    canvas.stamp(text.copyStamp, x, y, { size, color: COLORS.copy, angleDeg: 0, boxed: true });
  } else if (mark === 'void') {
    canvas.stamp(text.voidStamp, x, y, { size, color: COLORS.void, angleDeg: 0, boxed: true });
    // The large slanted mark is drawn as shapes, so it does not get into the document's text.
    canvas.stamp(text.voidStamp, canvas.pageWidth / 2, canvas.pageHeight / 2 + 20, {
      size: 60,
      color: COLORS.void,
      angleDeg: -18,
      opacity: 0.28,
      boxed: true,
      outlined: true,
    });
  }
}
