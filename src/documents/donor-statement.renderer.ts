import { Money } from '../common/money';
import { amountInWords } from '../common/number-words';
import { DonorStatementView } from './document.types';
import { DonorAddressee, DonorStatementText, donorStatementText, fill } from './layout-text';
import {
  SignatureRow,
  OfficialLetterheadLook,
  documentMeta,
  drawLetterhead,
  drawSignatureRow,
  officialLetterhead,
  pageNumbers,
  signatureRowHeight,
  SEAL_SPACE,
} from './document-blocks';
import { COLORS, PageSetup, PdfCanvas, TextStyle } from './pdf-canvas';
import { TableColumn, TableRow, drawTable } from './pdf-table';
import {
  DOCUMENT_LIMITS,
  DateParts,
  DocumentViewError,
  amountOf,
  checkCount,
  dateParts,
  formatDate,
  issuedAtDate,
  textOf,
} from './view-format';

/**
 * A donor's yearly thank-you letter (thư cảm ơn) on A4 portrait, laid out as a Vietnamese official letter:
 * the fund at the top left, the national title at the top right, then the letter, the year's receipts and
 * their total in figures and in words. Wording: templates/documents/donor-statement.vi.json.
 */

const PAGE: PageSetup = {
  size: 'A4',
  layout: 'portrait',
  margins: { top: 48, bottom: 48, left: 62, right: 48 },
};

const STYLE = {
  title: { size: 16, face: 'bold', align: 'center' },
  subtitle: { size: 10.5, face: 'italic', align: 'center' },
  label: { size: 11, lineGap: 1.5 },
  greeting: { size: 11, face: 'bold', lineGap: 1.5 },
  body: { size: 11, align: 'justify', lineGap: 2.5 },
  table: { size: 9.5 },
  note: { size: 9, face: 'italic', color: COLORS.muted },
  words: { size: 11, face: 'italic', lineGap: 1.5 },
  signature: { size: 10.5, face: 'bold', align: 'center', lineGap: 2 },
  signatureHint: { size: 9.5, face: 'italic', align: 'center' },
  recipientsLabel: { size: 9.5, face: 'bold' },
  recipients: { size: 8.5 },
  pageNumber: { size: 8, align: 'right', color: COLORS.muted },
} satisfies Record<string, TextStyle>;

const LEFT_COLUMN_WIDTH = 220;
const RIGHT_COLUMN_WIDTH = 260;
/** At least 3 cm to sign and seal (document-blocks.ts). */
const SIGNATURE_SPACE = SEAL_SPACE;

const LETTERHEAD: OfficialLetterheadLook = {
  sizes: { unit: 10, nationalTitle: 9.5, motto: 10.5, date: 10 },
  columns: [LEFT_COLUMN_WIDTH, RIGHT_COLUMN_WIDTH],
  spaces: { date: 8, below: 24 },
};

interface StatementContent {
  view: DonorStatementView;
  text: DonorStatementText;
  issued: DateParts;
  total: Money;
}

export async function renderDonorStatement(view: DonorStatementView): Promise<Buffer> {
  const content = prepare(view);
  const { text } = content;
  const meta = documentMeta(fill(text.documentTitle, { donorName: view.donorName, year: view.year }), view);
  return await PdfCanvas.render(PAGE, meta, (canvas) => {
    drawLetterhead(canvas, officialLetterhead(view.header, text, content.issued, LETTERHEAD, view.number));
    drawOpening(canvas, content);
    drawReceipts(canvas, content);
    drawClosing(canvas, content);
    pageNumbers(canvas, text.pageNumber, 30, STYLE.pageNumber);
  });
}

function prepare(view: DonorStatementView): StatementContent {
  const { shortTextChars, longTextChars } = DOCUMENT_LIMITS;
  textOf(view.header.unitName, 'header.unitName', shortTextChars);
  textOf(view.header.fundName, 'header.fundName', shortTextChars);
  textOf(view.donorName, 'donorName', shortTextChars);
  textOf(view.number ?? '', 'number', shortTextChars, false);
  textOf(view.donorAddress ?? '', 'donorAddress', longTextChars, false);
  if (!Number.isInteger(view.year) || view.year < 1900 || view.year > 9999) {
    throw new DocumentViewError(`year must be a four-digit year, got ${view.year}`);
  }
  checkCount(view.receipts.length, 'receipts', DOCUMENT_LIMITS.statementReceipts);
  const counted = view.receipts.map((receipt, index) => {
    textOf(receipt.number, `receipts[${index}].number`, shortTextChars);
    textOf(receipt.purpose ?? '', `receipts[${index}].purpose`, longTextChars, false);
    dateParts(receipt.date, `receipts[${index}].date`);
    const amount = amountOf(receipt.amount, `receipts[${index}].amount`);
    return receipt.voided ? Money.ZERO : amount;
  });
  // The letter states a total in words; it must be the sum of what it lists, never a figure from elsewhere.
  const total = amountOf(view.total, 'total');
  const sum = Money.sum(counted);
  if (!total.equals(sum)) {
    throw new DocumentViewError(
      `total ${view.total} is not the sum of the receipts that are not void (${sum.toString()})`,
    );
  }
  issuedAtDate(view.issuedAt);
  // The letter is dated with the calendar day written in issuedAt (in its own zone).
  return {
    view,
    text: donorStatementText(),
    issued: dateParts(view.issuedAt.slice(0, 10), 'issuedAt'),
    total,
  };
}

/** An individual is Ông/Bà; an agency, an enterprise or an organisation is named as it is. */
function addresseeKind(view: DonorStatementView): DonorAddressee {
  if (view.donorKind === 'individual') return 'individual';
  return view.donorKind === 'agency' ? 'agency' : 'organisation';
}

function addressee(view: DonorStatementView, text: DonorStatementText): string {
  return fill(text.addressee[addresseeKind(view)], { donorName: view.donorName });
}

function drawOpening(canvas: PdfCanvas, { view, text }: StatementContent): void {
  canvas.paragraph(text.title, STYLE.title, 3);
  const subtitle = fill(text.subtitle, { fundName: view.header.fundName, year: view.year });
  canvas.paragraph(subtitle, STYLE.subtitle, 18, canvas.left + 40, canvas.width - 80);
  const indent = 40;
  const field = (label: string, value: string, valueStyle: TextStyle) =>
    canvas.field(label, value, {
      labelStyle: STYLE.label,
      valueStyle,
      x: canvas.left + indent,
      width: canvas.width - indent,
      gap: 2,
    });
  field(text.greetingLabel, addressee(view, text), STYLE.greeting);
  if (view.donorAddress) field(text.addressLabel, view.donorAddress, STYLE.label);
  canvas.y += 12;
  const values = { fundName: view.header.fundName, addressee: addressee(view, text), year: view.year };
  const intro = fill(text.intro, values);
  canvas.paragraph(view.receipts.length > 0 ? `${intro} ${text.listIntro}` : intro, STYLE.body, 10);
}

function drawReceipts(canvas: PdfCanvas, { view, text, total }: StatementContent): void {
  if (view.receipts.length === 0) {
    canvas.paragraph(fill(text.noReceipts, { year: view.year }), STYLE.body, 10);
  } else {
    const fixed = { index: 30, number: 94, date: 66, amount: 102, note: 50 };
    const columns: TableColumn[] = [
      { header: text.columns.index, width: fixed.index, align: 'center' },
      { header: text.columns.number, width: fixed.number },
      { header: text.columns.date, width: fixed.date, align: 'center' },
      {
        header: text.columns.purpose,
        width: canvas.width - fixed.index - fixed.number - fixed.date - fixed.amount - fixed.note,
      },
      { header: text.columns.amount, width: fixed.amount, align: 'right' },
      { header: text.columns.note, width: fixed.note, align: 'center' },
    ];
    const rows: TableRow[] = view.receipts.map((receipt, index) => ({
      cells: [
        String(index + 1),
        receipt.number,
        formatDate(receipt.date, 'receipts.date'),
        receipt.purpose ?? text.purposeNone,
        amountOf(receipt.amount, 'receipts.amount').format(),
        receipt.voided ? text.voidedNote : '',
      ],
      color: receipt.voided ? COLORS.void : undefined,
    }));
    rows[rows.length - 1].keepWithNext = true;
    rows.push({ cells: [text.totalLabel, total.format(), ''], face: 'bold', mergeFirst: 4 });
    drawTable(canvas, columns, rows, STYLE.table);
    canvas.y += 4;
    if (view.receipts.some((receipt) => receipt.voided)) canvas.paragraph(text.voidedExplanation, STYLE.note);
    canvas.y += 6;
  }
  canvas.field(text.totalWordsLabel, amountInWords(total.toString()), {
    labelStyle: STYLE.label,
    valueStyle: { ...STYLE.words, face: 'bold' },
    gap: 12,
  });
}

function drawClosing(canvas: PdfCanvas, { view, text }: StatementContent): void {
  const values = { fundName: view.header.fundName, addressee: addressee(view, text), year: view.year };
  for (const paragraph of text.thanks[addresseeKind(view)])
    canvas.paragraph(fill(paragraph, values), STYLE.body, 8);
  canvas.y += 10;

  // Recipients at the left and the signature at the right start on the same line, on the same page.
  const recipients = text.recipients.join('\n');
  const recipientsHeight =
    canvas.measure(text.recipientsLabel, LEFT_COLUMN_WIDTH, STYLE.recipientsLabel) +
    canvas.measure(recipients, LEFT_COLUMN_WIDTH, STYLE.recipients);
  const signature: SignatureRow = {
    blocks: [text.signature],
    title: STYLE.signature,
    hint: STYLE.signatureHint,
    space: SIGNATURE_SPACE,
    x: canvas.right - RIGHT_COLUMN_WIDTH,
    width: RIGHT_COLUMN_WIDTH,
  };
  canvas.ensureSpace(Math.max(recipientsHeight, signatureRowHeight(canvas, signature)));
  const top = canvas.y;
  let leftY =
    top + canvas.draw(text.recipientsLabel, canvas.left, top, LEFT_COLUMN_WIDTH, STYLE.recipientsLabel);
  leftY += canvas.draw(recipients, canvas.left, leftY, LEFT_COLUMN_WIDTH, STYLE.recipients);
  drawSignatureRow(canvas, signature);
  canvas.y = Math.max(leftY, canvas.y);
}
