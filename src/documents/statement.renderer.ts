import { Money } from '../common/money';
import { amountInWords } from '../common/number-words';
import type { FundHeader } from './document.types';
import {
  OfficialLetterheadLook,
  documentMeta,
  drawLetterhead,
  officialLetterhead,
  pageNumbers,
  signatureRow,
  SEAL_SPACE,
} from './document-blocks';
import { Shape, StatementText, fill, loadTemplate, statementText } from './layout-text';
import { COLORS, PageSetup, PdfCanvas, TextStyle } from './pdf-canvas';
import { TableColumn, TableRow, drawTable } from './pdf-table';
import { DateParts, DocumentViewError, dateParts, formatDate, issuedAtDate, textOf } from './view-format';

/**
 * The statement of receipts and disbursements of a fund (báo cáo thu chi, DESIGN.md §8) on A4 portrait: the
 * letterhead, the period, one table from the opening balance through receipts by donor kind and disbursements
 * by purpose (with households) to the closing balance, receipts by fund level when consolidated, the totals in
 * words, a bar chart of receipts and disbursements per year drawn as vector shapes, and the signatures.
 * Wording: templates/documents/statement.vi.json. Rendering is pure: the same view gives the same bytes.
 */

/** What the statement prints. Amounts are digit strings, signed where a period can net below zero. */
export interface StatementDocumentView {
  header: FundHeader;
  /** Số: the statement's number (e.g. "BC-2023-000001"); none when absent. */
  number?: string | null;
  from: string;
  to: string;
  consolidated: boolean;
  /** How many funds the figures cover. */
  fundCount: number;
  /** Transfers inside a consolidated group that were removed; null for one fund. */
  eliminated: { transfers: number; amount: string } | null;
  /** Whether closing entries were added back (prints a note). */
  closingAddedBack: boolean;
  openingBalance: string;
  receipts: {
    total: string;
    /** Keyed as templates' donorKinds, in their order. */
    byDonorKind: Record<string, string>;
    /** Keyed as templates' levels; null unless consolidated. */
    byLevel: Record<string, string> | null;
  };
  disbursements: {
    total: string;
    households: number;
    /** Keyed as templates' purposes; a purpose at zero with no household is left out. */
    byPurpose: Record<string, { amount: string; households: number }>;
  };
  otherMovements: string;
  closingBalance: string;
  /** One per calendar year of the period (at least one). */
  years: {
    year: number;
    receipts: string;
    disbursements: string;
    households: number;
    closingBalance: string;
    /** The result the year's closes carried into 431 (a column of the years table when any year has it). */
    carriedInto431?: string;
  }[];
  /** Fixes the PDF's creation date: the statement's `to` date. */
  issuedAt: string;
  /** The fund balance (TK 431) table; not printed when absent. */
  fundBalance?: StatementFundView | null;
}

/** A result carried into 431 by the closes dated in one year. */
export interface CarriedView {
  year: number;
  amount: string;
}

/**
 * The fund balance over the period (reports/statement.service.ts, FundBalanceReport): 431 plus the result not
 * yet carried into it, at the start and the end, with the closed years' results carried into 431.
 */
export interface StatementFundView {
  opening: string;
  openingNotCarried: string;
  /** Closes dated before the period, oldest first. */
  carriedBefore: CarriedView[];
  receipts: string;
  disbursements: string;
  otherMovements: string;
  closing: string;
  /** Closes dated inside the period. */
  carriedInPeriod: CarriedView[];
  closingNotCarried: string;
}

/** templates/documents/statement-fund.vi.json: the wording of the fund balance (TK 431) table. */
export interface StatementFundText {
  title: string;
  opening: string;
  carriedYear: string;
  carriedYears: string;
  notCarried: string;
  receipts: string;
  disbursements: string;
  otherMovements: string;
  closing: string;
  carriedInPeriod: string;
  carriedInPeriodYears: string;
  closingNotCarried: string;
  note: string;
  yearColumns: { fundOpening: string; carried: string; fundClosing: string };
}

const FUND_TEXT_SHAPE: Shape<StatementFundText> = {
  title: 'string',
  opening: 'string',
  carriedYear: 'string',
  carriedYears: 'string',
  notCarried: 'string',
  receipts: 'string',
  disbursements: 'string',
  otherMovements: 'string',
  closing: 'string',
  carriedInPeriod: 'string',
  carriedInPeriodYears: 'string',
  closingNotCarried: 'string',
  note: 'string',
  yearColumns: { fundOpening: 'string', carried: 'string', fundClosing: 'string' },
};

export function statementFundText(): StatementFundText {
  return loadTemplate<StatementFundText>('statement-fund.vi.json', FUND_TEXT_SHAPE);
}

// The statement's wording is loaded by layout-text.ts; the XLSX and CSV forms (reports/) take it from here.
export { statementText };
export type { StatementText };

const PAGE: PageSetup = {
  size: 'A4',
  layout: 'portrait',
  margins: { top: 42, bottom: 48, left: 56, right: 42 },
};

const LETTERHEAD: OfficialLetterheadLook = {
  sizes: { unit: 9.5, nationalTitle: 9, motto: 10, date: 10 },
  columns: [240, 250],
  spaces: { date: 6, below: 18 },
};

const STYLE = {
  title: { size: 14, face: 'bold', align: 'center' },
  period: { size: 10.5, face: 'italic', align: 'center' },
  label: { size: 10 },
  value: { size: 10, face: 'bold' },
  note: { size: 9, face: 'italic', color: COLORS.muted },
  unitNote: { size: 9, face: 'italic', align: 'right' },
  table: { size: 9.5 },
  heading: { size: 11, face: 'bold' },
  words: { size: 10, face: 'italic' },
  chartLabel: { size: 7.5, color: COLORS.muted },
  chartYear: { size: 7.5, align: 'center' },
  legend: { size: 8.5 },
  signature: { size: 9.5, face: 'bold' },
  signatureHint: { size: 8.5, face: 'italic' },
  pageNumber: { size: 8, align: 'right', color: COLORS.muted },
} satisfies Record<string, TextStyle>;

const CHART_COLORS = { receipts: '#2e6da4', disbursements: '#d9822b', grid: '#d0d0d0', axis: '#333333' };
/** At least 3 cm to sign and seal (document-blocks.ts). */
const SIGNATURE_SPACE = SEAL_SPACE;
/**
 * The purposes whose payouts go to households: only their households are counted on the statement. Memorials and
 * management pay organisations (payees), which are not households.
 */
const HOUSEHOLD_PURPOSES = new Set(['house_new', 'house_repair', 'visit_gift', 'hardship', 'savings_book']);
/** The signature row: titles, hints and the space to sign. */
const SIGNATURES_HEIGHT = SIGNATURE_SPACE + 32;
const CHART_HEIGHT = 150;
/** Closes inside the period printed one row each up to this many; more are summed in one row. */
const MAX_CARRIED_ROWS = 3;
const CHART_MIN_HEIGHT = 70;
const SIGNED = /^-?[0-9]+$/;

interface Content {
  view: StatementDocumentView;
  text: StatementText;
  issued: DateParts;
}

export async function renderStatement(view: StatementDocumentView): Promise<Buffer> {
  const text = statementText();
  check(view, text);
  const content: Content = { view, text, issued: dateParts(view.to, 'to') };
  const meta = documentMeta(
    fill(text.documentTitle, {
      fundName: view.header.fundName,
      from: formatDate(view.from, 'from'),
      to: formatDate(view.to, 'to'),
    }),
    view,
  );
  return await PdfCanvas.render(PAGE, meta, (canvas) => {
    drawLetterhead(
      canvas,
      officialLetterhead(view.header, text, content.issued, LETTERHEAD, view.number ?? null),
    );
    drawHeading(canvas, content);
    drawMainTable(canvas, content);
    drawFundBalance(canvas, content);
    drawLevels(canvas, content);
    drawWords(canvas, content);
    drawChart(canvas, content);
    drawYears(canvas, content);
    drawSignatures(canvas, content);
    pageNumbers(canvas, text.pageNumber, 30, STYLE.pageNumber);
  });
}

/** A signed amount of đồng as digits. */
function signedOf(amount: string, field: string): Money {
  if (!SIGNED.test(amount))
    throw new DocumentViewError(`${field} must be whole đồng in digits, got "${amount}"`);
  return Money.fromStored(amount);
}

function check(view: StatementDocumentView, text: StatementText): void {
  textOf(view.header.unitName, 'header.unitName', 300);
  textOf(view.header.fundName, 'header.fundName', 300);
  dateParts(view.from, 'from');
  dateParts(view.to, 'to');
  if (view.from > view.to) throw new DocumentViewError('from must not be after to');
  for (const [field, amount] of [
    ['openingBalance', view.openingBalance],
    ['closingBalance', view.closingBalance],
    ['otherMovements', view.otherMovements],
    ['receipts.total', view.receipts.total],
    ['disbursements.total', view.disbursements.total],
  ] as const) {
    signedOf(amount, field);
  }
  const checkKeys = (values: Record<string, unknown>, labels: Record<string, string>, field: string) => {
    for (const key of Object.keys(values)) {
      if (labels[key] === undefined)
        throw new DocumentViewError(`${field}.${key} has no label in the template`);
    }
  };
  checkKeys(view.receipts.byDonorKind, text.donorKinds, 'receipts.byDonorKind');
  checkKeys(view.disbursements.byPurpose, text.purposes, 'disbursements.byPurpose');
  if (view.receipts.byLevel) checkKeys(view.receipts.byLevel, text.levels, 'receipts.byLevel');
  // The printed totals are the sums of the printed lines, never figures from elsewhere.
  const sumOf = (amounts: string[], field: string) => Money.sum(amounts.map((a) => signedOf(a, field)));
  const receipts = sumOf(Object.values(view.receipts.byDonorKind), 'receipts.byDonorKind');
  if (!receipts.equals(signedOf(view.receipts.total, 'receipts.total'))) {
    throw new DocumentViewError('receipts.total is not the sum of receipts.byDonorKind');
  }
  if (view.receipts.byLevel) {
    const byLevel = sumOf(Object.values(view.receipts.byLevel), 'receipts.byLevel');
    if (!byLevel.equals(receipts))
      throw new DocumentViewError('receipts.byLevel does not add up to receipts.total');
  }
  const disbursements = sumOf(
    Object.values(view.disbursements.byPurpose).map((p) => p.amount),
    'disbursements.byPurpose',
  );
  if (!disbursements.equals(signedOf(view.disbursements.total, 'disbursements.total'))) {
    throw new DocumentViewError('disbursements.total is not the sum of disbursements.byPurpose');
  }
  const closing = signedOf(view.openingBalance, 'openingBalance')
    .plus(receipts)
    .minus(disbursements)
    .plus(signedOf(view.otherMovements, 'otherMovements'));
  if (!closing.equals(signedOf(view.closingBalance, 'closingBalance'))) {
    throw new DocumentViewError('closingBalance is not opening + receipts − disbursements + other movements');
  }
  if (view.years.length === 0 || view.years.length > 100) {
    throw new DocumentViewError('years must hold from 1 to 100 years');
  }
  if (view.fundBalance) checkFund(view.fundBalance, receipts, disbursements);
  view.years.forEach((year, index) => {
    signedOf(year.receipts, `years[${index}].receipts`);
    signedOf(year.disbursements, `years[${index}].disbursements`);
    signedOf(year.closingBalance, `years[${index}].closingBalance`);
  });
  issuedAtDate(view.issuedAt);
}

/** The fund table's figures: the period's own totals, and opening + receipts − disbursements + other = closing. */
function checkFund(fund: StatementFundView, receipts: Money, disbursements: Money): void {
  const amount = (digits: string, field: string) => signedOf(digits, `fundBalance.${field}`);
  if (
    !amount(fund.receipts, 'receipts').equals(receipts) ||
    !amount(fund.disbursements, 'disbursements').equals(disbursements)
  ) {
    throw new DocumentViewError("fundBalance's receipts and disbursements are not the statement's totals");
  }
  const closing = amount(fund.opening, 'opening')
    .plus(receipts)
    .minus(disbursements)
    .plus(amount(fund.otherMovements, 'otherMovements'));
  if (!closing.equals(amount(fund.closing, 'closing'))) {
    throw new DocumentViewError(
      'fundBalance.closing is not opening + receipts − disbursements + other movements',
    );
  }
  amount(fund.openingNotCarried, 'openingNotCarried');
  amount(fund.closingNotCarried, 'closingNotCarried');
  for (const [field, list] of [
    ['carriedBefore', fund.carriedBefore],
    ['carriedInPeriod', fund.carriedInPeriod],
  ] as const) {
    list.forEach((c, index) => {
      if (!Number.isInteger(c.year))
        throw new DocumentViewError(`fundBalance.${field}[${index}].year must be a year`);
      amount(c.amount, `${field}[${index}].amount`);
    });
  }
}

/** "Năm mươi lăm tỷ đồng", or "Âm năm triệu đồng" below zero. */
function inWords(amount: Money, text: StatementText): string {
  if (!amount.isNegative()) return amountInWords(amount.toString());
  const words = amountInWords(amount.negated().toString());
  return fill(text.negativeWords, { words: words.charAt(0).toLowerCase() + words.slice(1) });
}

function drawHeading(canvas: PdfCanvas, { view, text }: Content): void {
  canvas.paragraph(text.title, STYLE.title, 3);
  const period = fill(text.period, { from: formatDate(view.from, 'from'), to: formatDate(view.to, 'to') });
  canvas.paragraph(period, STYLE.period, 12);
  const field = (label: string, value: string) =>
    canvas.field(label, value, { labelStyle: STYLE.label, valueStyle: STYLE.value, gap: 2 });
  field(text.fundLabel, view.header.fundName);
  const scope = view.consolidated
    ? fill(text.scopeConsolidated, { count: view.fundCount, fundCode: view.header.fundCode })
    : fill(text.scopeOwn, { fundCode: view.header.fundCode });
  canvas.field(text.scopeLabel, scope, { labelStyle: STYLE.label, valueStyle: STYLE.label, gap: 2 });
  if (view.eliminated && view.eliminated.transfers > 0) {
    const amount = signedOf(view.eliminated.amount, 'eliminated.amount').format();
    canvas.paragraph(
      fill(text.eliminatedNote, { transfers: view.eliminated.transfers, amount }),
      STYLE.note,
      2,
    );
  }
  if (view.closingAddedBack) canvas.paragraph(text.closingNote, STYLE.note, 2);
  canvas.y += 4;
  canvas.paragraph(text.unitNote, STYLE.unitNote, 2);
}

function drawMainTable(canvas: PdfCanvas, { view, text }: Content): void {
  const fixed = { index: 34, households: 56, amount: 118 };
  const columns: TableColumn[] = [
    { header: text.columns.index, width: fixed.index, align: 'center' },
    { header: text.columns.item, width: canvas.width - fixed.index - fixed.households - fixed.amount },
    { header: text.columns.households, width: fixed.households, align: 'right' },
    { header: text.columns.amount, width: fixed.amount, align: 'right' },
  ];
  const amount = (digits: string, field: string) => groupDigits(signedOf(digits, field));
  const section = (
    index: string,
    label: string,
    households: string,
    digits: string,
    field: string,
  ): TableRow => ({
    cells: [index, label, households, amount(digits, field)],
    face: 'bold',
  });
  const rows: TableRow[] = [section('I', text.sections.opening, '', view.openingBalance, 'openingBalance')];
  rows.push(section('II', text.sections.receipts, '', view.receipts.total, 'receipts.total'));
  Object.keys(text.donorKinds)
    .filter((kind) => view.receipts.byDonorKind[kind] !== undefined)
    .forEach((kind, index) => {
      rows.push({
        cells: [String(index + 1), text.donorKinds[kind], '', amount(view.receipts.byDonorKind[kind], kind)],
      });
    });
  rows.push(
    section(
      'III',
      text.sections.disbursements,
      String(view.disbursements.households),
      view.disbursements.total,
      'disbursements.total',
    ),
  );
  Object.keys(text.purposes)
    .filter((purpose) => {
      const figure = view.disbursements.byPurpose[purpose];
      return (
        figure !== undefined && (figure.amount !== '0' || figure.households !== 0 || purpose !== 'other')
      );
    })
    .forEach((purpose, index) => {
      const figure = view.disbursements.byPurpose[purpose];
      // Costs that reach no household (management, transfers, other) leave the households column blank.
      const households = HOUSEHOLD_PURPOSES.has(purpose) ? String(figure.households) : '';
      rows.push({
        cells: [String(index + 1), text.purposes[purpose], households, amount(figure.amount, purpose)],
      });
    });
  let next = 4;
  if (view.otherMovements !== '0') {
    rows.push(
      section(roman(next++), text.sections.otherMovements, '', view.otherMovements, 'otherMovements'),
    );
  }
  rows[rows.length - 1].keepWithNext = true;
  rows.push(section(roman(next), text.sections.closing, '', view.closingBalance, 'closingBalance'));
  drawTable(canvas, columns, rows, STYLE.table);
  canvas.y += 10;
}

/**
 * The fund balance (TK 431): its opening with the closed years' results carried into it, the period's receipts
 * and disbursements, and its closing, so that a reader sees a closed year's result move into 431.
 */
function drawFundBalance(canvas: PdfCanvas, { view, text }: Content): void {
  const fund = view.fundBalance;
  if (!fund) return;
  const words = statementFundText();
  canvas.ensureSpace(120);
  canvas.paragraph(words.title, STYLE.heading, 4);
  const fixed = { index: 34, amount: 118 };
  const columns: TableColumn[] = [
    { header: text.columns.index, width: fixed.index, align: 'center' },
    { header: text.columns.item, width: canvas.width - fixed.index - fixed.amount },
    { header: text.columns.amount, width: fixed.amount, align: 'right' },
  ];
  const amount = (digits: string, field: string) => groupDigits(signedOf(digits, `fundBalance.${field}`));
  const rows: TableRow[] = [];
  const section = (index: string, label: string, digits: string, field: string) =>
    rows.push({ cells: [index, label, amount(digits, field)], face: 'bold' });
  const detail = (label: string, digits: string, field: string) =>
    rows.push({ cells: ['', label, amount(digits, field)] });

  section('I', words.opening, fund.opening, 'opening');
  const before = fund.carriedBefore;
  if (before.length > 0) {
    const last = before[before.length - 1];
    const earlier = before.slice(0, -1);
    if (earlier.length > 0) {
      const sum = Money.sum(earlier.map((c, i) => signedOf(c.amount, `fundBalance.carriedBefore[${i}]`)));
      const label =
        earlier.length === 1
          ? fill(words.carriedYear, { year: earlier[0].year })
          : fill(words.carriedYears, { first: earlier[0].year, last: earlier[earlier.length - 1].year });
      detail(label, sum.toString(), 'carriedBefore');
    }
    detail(fill(words.carriedYear, { year: last.year }), last.amount, 'carriedBefore');
  }
  if (fund.openingNotCarried !== '0') detail(words.notCarried, fund.openingNotCarried, 'openingNotCarried');
  section('II', words.receipts, fund.receipts, 'receipts');
  section('III', words.disbursements, fund.disbursements, 'disbursements');
  let next = 4;
  if (fund.otherMovements !== '0')
    section(roman(next++), words.otherMovements, fund.otherMovements, 'otherMovements');
  rows[rows.length - 1].keepWithNext = true;
  section(roman(next), words.closing, fund.closing, 'closing');
  const inPeriod = fund.carriedInPeriod;
  if (inPeriod.length > MAX_CARRIED_ROWS) {
    // A long range closes many years: one row here, each year in the table of years.
    const sum = Money.sum(inPeriod.map((c, i) => signedOf(c.amount, `fundBalance.carriedInPeriod[${i}]`)));
    const label = fill(words.carriedInPeriodYears, {
      first: inPeriod[0].year,
      last: inPeriod[inPeriod.length - 1].year,
    });
    detail(label, sum.toString(), 'carriedInPeriod');
  } else {
    for (const c of inPeriod)
      detail(fill(words.carriedInPeriod, { year: c.year }), c.amount, 'carriedInPeriod');
  }
  if (fund.closingNotCarried !== '0')
    detail(words.closingNotCarried, fund.closingNotCarried, 'closingNotCarried');
  drawTable(canvas, columns, rows, STYLE.table);
  canvas.y += 2;
  canvas.paragraph(words.note, STYLE.note, 2);
  canvas.y += 8;
}

function drawLevels(canvas: PdfCanvas, { view, text }: Content): void {
  const byLevel = view.receipts.byLevel;
  if (!byLevel) return;
  canvas.ensureSpace(80);
  canvas.paragraph(text.levelsTitle, STYLE.heading, 4);
  const fixed = { index: 34, amount: 118 };
  const columns: TableColumn[] = [
    { header: text.levelColumns.index, width: fixed.index, align: 'center' },
    { header: text.levelColumns.level, width: canvas.width - fixed.index - fixed.amount },
    { header: text.levelColumns.amount, width: fixed.amount, align: 'right' },
  ];
  const rows: TableRow[] = Object.keys(text.levels)
    .filter((level) => byLevel[level] !== undefined)
    .map((level, index) => ({
      cells: [String(index + 1), text.levels[level], groupDigits(signedOf(byLevel[level], level))],
    }));
  rows[rows.length - 1].keepWithNext = true;
  rows.push({
    cells: [text.sections.receipts, groupDigits(signedOf(view.receipts.total, 'receipts.total'))],
    face: 'bold',
    mergeFirst: 2,
  });
  drawTable(canvas, columns, rows, STYLE.table);
  canvas.y += 10;
}

function drawWords(canvas: PdfCanvas, { view, text }: Content): void {
  const line = (label: string, amount: string, field: string) =>
    canvas.field(label, inWords(signedOf(amount, field), text), {
      labelStyle: STYLE.label,
      valueStyle: STYLE.words,
      gap: 3,
    });
  line(text.receiptsWords, view.receipts.total, 'receipts.total');
  line(text.disbursementsWords, view.disbursements.total, 'disbursements.total');
  line(text.closingWords, view.closingBalance, 'closingBalance');
  canvas.y += 10;
}

/**
 * Receipts and disbursements per year as paired vertical bars on a scale of round steps, in tỷ or triệu đồng.
 * Geometry only uses floating point; every printed figure elsewhere is exact.
 */
function drawChart(canvas: PdfCanvas, { view, text }: Content): void {
  const gutter = 44;
  const titleHeight = canvas.measure(text.chartTitle, canvas.width, STYLE.heading) + 4;
  // A lower chart rather than a page of its own, or the signatures alone on the next page (a statement of one
  // year ends with the chart).
  const after = view.years.length < 2 ? SIGNATURES_HEIGHT : 0;
  const room = canvas.bottom - canvas.y - titleHeight - 40 - after;
  const plotHeight = room >= CHART_MIN_HEIGHT ? Math.min(CHART_HEIGHT, room) : CHART_HEIGHT;
  canvas.ensureSpace(titleHeight + 20 + plotHeight + 20);
  canvas.paragraph(text.chartTitle, STYLE.heading, 4);

  const values = view.years.flatMap((y) => [Number(y.receipts), Number(y.disbursements)]);
  const max = Math.max(1, ...values);
  const unit = max >= 1e9 ? 'billion' : max >= 1e6 ? 'million' : 'dong';
  const divisor = unit === 'billion' ? 1e9 : unit === 'million' ? 1e6 : 1;
  const { step, top: scaleTop, decimals } = niceScale(max / divisor);

  // Legend and unit on one line above the plot.
  const legendY = canvas.y;
  canvas.draw(
    fill(text.chartUnit, { unit: text.chartUnits[unit] }),
    canvas.left,
    legendY,
    200,
    STYLE.chartLabel,
  );
  let legendX = canvas.right;
  for (const [label, color] of [
    [text.chartDisbursements, CHART_COLORS.disbursements],
    [text.chartReceipts, CHART_COLORS.receipts],
  ] as const) {
    const width = canvas.widthOf(label, STYLE.legend);
    legendX -= width;
    canvas.draw(label, legendX, legendY, width + 1, STYLE.legend);
    legendX -= 12;
    canvas.box(legendX, legendY + 1.5, 8, 8, color);
    legendX -= 14;
  }
  const plotTop = legendY + 18;
  const plotBottom = plotTop + plotHeight;
  const plotLeft = canvas.left + gutter;
  const plotRight = canvas.right;
  const yOf = (scaled: number) => plotBottom - (Math.max(0, scaled) / scaleTop) * plotHeight;

  for (let tick = 0; tick <= scaleTop + step / 1000; tick += step) {
    const y = yOf(tick);
    canvas.line(plotLeft, y, plotRight, y, 0.4, CHART_COLORS.grid);
    const label = formatScale(tick, decimals);
    canvas.draw(label, canvas.left, y - 4, gutter - 4, { ...STYLE.chartLabel, align: 'right' });
  }
  canvas.line(plotLeft, plotTop, plotLeft, plotBottom, 0.7, CHART_COLORS.axis);
  canvas.line(plotLeft, plotBottom, plotRight, plotBottom, 0.7, CHART_COLORS.axis);

  const groupWidth = (plotRight - plotLeft) / view.years.length;
  const barWidth = Math.min(22, groupWidth * 0.34);
  const labelEvery = Math.ceil(view.years.length / 20);
  view.years.forEach((year, index) => {
    const center = plotLeft + groupWidth * (index + 0.5);
    const bars = [
      [Number(year.receipts) / divisor, CHART_COLORS.receipts, center - barWidth - 0.75],
      [Number(year.disbursements) / divisor, CHART_COLORS.disbursements, center + 0.75],
    ] as const;
    for (const [scaled, color, x] of bars) {
      const y = yOf(scaled);
      if (plotBottom - y > 0.05) canvas.box(x, y, barWidth, plotBottom - y, color);
    }
    if (index % labelEvery === 0) {
      canvas.draw(String(year.year), center - 20, plotBottom + 3, 40, STYLE.chartYear);
    }
  });
  canvas.y = plotBottom + 18;
}

/** A scale from 0 with 3–6 steps of 1, 2, 2.5 or 5 × 10^k. */
function niceScale(max: number): { step: number; top: number; decimals: number } {
  const raw = max / 5;
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const multiplier = [1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10;
  const step = multiplier * magnitude;
  const top = Math.ceil(max / step - 1e-9) * step;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + (multiplier === 2.5 ? 1 : 0));
  return { step, top: top > 0 ? top : step, decimals: Math.min(decimals, 3) };
}

/** A scale label the Vietnamese way: "1.500", "2,5". */
function formatScale(value: number, decimals: number): string {
  const [whole, fraction] = value.toFixed(decimals).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return fraction ? `${grouped},${fraction}` : grouped;
}

function drawYears(canvas: PdfCanvas, { view, text }: Content): void {
  if (view.years.length < 2) return;
  canvas.ensureSpace(70);
  canvas.paragraph(text.yearsTitle, STYLE.heading, 4);
  const fixed = { year: 50, households: 74 };
  // The result each year's close carried into 431, when the view has it (a statement with a fund balance).
  const carried = view.years.some((year) => year.carriedInto431 !== undefined);
  const amountWidth = (canvas.width - fixed.year - fixed.households) / (carried ? 4 : 3);
  const columns: TableColumn[] = [
    { header: text.yearColumns.year, width: fixed.year, align: 'center' },
    { header: text.yearColumns.receipts, width: amountWidth, align: 'right' },
    { header: text.yearColumns.disbursements, width: amountWidth, align: 'right' },
    { header: text.yearColumns.households, width: fixed.households, align: 'right' },
    ...(carried
      ? [{ header: statementFundText().yearColumns.carried, width: amountWidth, align: 'right' as const }]
      : []),
    { header: text.yearColumns.closingBalance, width: amountWidth, align: 'right' },
  ];
  const rows: TableRow[] = view.years.map((year, index) => ({
    cells: [
      String(year.year),
      groupDigits(signedOf(year.receipts, `years[${index}].receipts`)),
      groupDigits(signedOf(year.disbursements, `years[${index}].disbursements`)),
      String(year.households),
      ...(carried
        ? [groupDigits(signedOf(year.carriedInto431 ?? '0', `years[${index}].carriedInto431`))]
        : []),
      groupDigits(signedOf(year.closingBalance, `years[${index}].closingBalance`)),
    ],
  }));
  drawTable(canvas, columns, rows, STYLE.table);
  canvas.y += 10;
}

function drawSignatures(canvas: PdfCanvas, { text }: Content): void {
  canvas.y += 6;
  signatureRow(canvas, {
    blocks: text.signatures.map((s) => ({ lines: [s.title], hint: s.hint })),
    title: STYLE.signature,
    hint: STYLE.signatureHint,
    space: SIGNATURE_SPACE,
  });
}

/** "55.500.000.000" (without the đ: the table's unit is stated above it). */
function groupDigits(amount: Money): string {
  return amount.format().replace(/ đ$/, '');
}

function roman(n: number): string {
  return ['I', 'II', 'III', 'IV', 'V', 'VI'][n - 1] ?? String(n);
}
