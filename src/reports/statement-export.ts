import { formatDateVi } from '../common/clock';
import { excelJs } from '../documents/libraries';
import { Money } from '../common/money';
import { fill } from '../documents/layout-text';
import {
  StatementDocumentView,
  StatementText,
  statementFundText,
  statementText,
} from '../documents/statement.renderer';
import { DONOR_KINDS, FUND_LEVEL_KEYS, STATEMENT_PURPOSES } from './statement-figures';
import type { StatementReport } from './statement.service';
import type { Language } from '../common/i18n';
import { spreadsheetColumns } from '../documents/spreadsheet-text';

/**
 * The statement of receipts and disbursements in its other forms: the PDF's view model, an XLSX workbook and a
 * CSV file. All three are built from the JSON report itself, so every form shows the same figures.
 */

/** One line of the statement, in the order it is printed. */
export interface StatementLine {
  section:
    | 'opening_balance'
    | 'receipts'
    | 'receipts_by_level'
    | 'disbursements'
    | 'other_movements'
    | 'closing_balance'
    | 'fund_balance';
  key: string;
  label: string;
  amount: string;
  /** Disbursement lines only. */
  households: number | null;
  /** A total of its section (printed in bold). */
  total: boolean;
  /** The same line per year, when the statement has years. */
  years: string[];
}

export function statementFileName(report: StatementReport, extension: string): string {
  const code = report.fund.replace(/[^A-Za-z0-9_-]+/g, '-');
  const scope = report.consolidated ? '-tong-hop' : '';
  return `${statementText().fileName}-${code}${scope}-${report.from}-${report.to}.${extension}`;
}

/** What the PDF prints. The statement is dated (and its PDF created) on its `to` date. */
export function statementDocumentView(report: StatementReport): StatementDocumentView {
  const years = report.years ?? [
    {
      year: Number(report.from.slice(0, 4)),
      receipts: report.receipts.total,
      disbursements: report.disbursements.total,
      households: report.disbursements.households,
      closingBalance: report.closingBalance,
    },
  ];
  return {
    header: {
      unitName: report.unitName ?? report.fundName,
      fundName: report.fundName,
      fundCode: report.fund,
    },
    from: report.from,
    to: report.to,
    consolidated: report.consolidated,
    fundCount: report.funds.length,
    eliminated: report.eliminated
      ? { transfers: report.eliminated.transfers, amount: report.eliminated.receipts }
      : null,
    closingAddedBack:
      report.closingAddedBack.receipts !== '0' || report.closingAddedBack.disbursements !== '0',
    openingBalance: report.openingBalance,
    receipts: {
      total: report.receipts.total,
      byDonorKind: report.receipts.byDonorKind,
      byLevel: report.receipts.byLevel ?? null,
    },
    disbursements: {
      total: report.disbursements.total,
      households: report.disbursements.households,
      byPurpose: report.disbursements.byPurpose,
    },
    otherMovements: report.otherMovements,
    closingBalance: report.closingBalance,
    years: years.map((y) => ({
      year: y.year,
      receipts: y.receipts,
      disbursements: y.disbursements,
      households: y.households,
      closingBalance: y.closingBalance,
      carriedInto431: 'carriedInto431' in y ? y.carriedInto431 : undefined,
    })),
    issuedAt: report.to,
    fundBalance: {
      opening: report.fundBalance.opening,
      openingNotCarried: report.fundBalance.openingNotCarried,
      carriedBefore: report.fundBalance.carriedBefore,
      receipts: report.fundBalance.receipts,
      disbursements: report.fundBalance.disbursements,
      otherMovements: report.fundBalance.otherMovements,
      closing: report.fundBalance.closing,
      carriedInPeriod: report.fundBalance.carriedInPeriod,
      closingNotCarried: report.fundBalance.closingNotCarried,
    },
  };
}

/** Every line of the statement with its label, in print order. */
export function statementLines(
  report: StatementReport,
  text: StatementText = statementText(),
): StatementLine[] {
  const years = report.years ?? [];
  const lines: StatementLine[] = [];
  const line = (
    section: StatementLine['section'],
    key: string,
    label: string,
    amount: string,
    perYear: (year: NonNullable<StatementReport['years']>[number]) => string,
    households: number | null = null,
    total = false,
  ) => lines.push({ section, key, label, amount, households, total, years: years.map(perYear) });

  line(
    'opening_balance',
    'opening_balance',
    text.sections.opening,
    report.openingBalance,
    (y) => y.openingBalance,
  );
  for (const kind of DONOR_KINDS) {
    line(
      'receipts',
      kind,
      text.donorKinds[kind],
      report.receipts.byDonorKind[kind],
      (y) => y.byDonorKind[kind],
    );
  }
  line('receipts', 'total', text.sections.receipts, report.receipts.total, (y) => y.receipts, null, true);
  const byLevel = report.receipts.byLevel;
  if (byLevel) {
    for (const level of FUND_LEVEL_KEYS) {
      lines.push({
        section: 'receipts_by_level',
        key: level,
        label: text.levels[level],
        amount: byLevel[level],
        households: null,
        total: false,
        years: years.map(() => ''),
      });
    }
  }
  for (const purpose of STATEMENT_PURPOSES) {
    const figure = report.disbursements.byPurpose[purpose];
    line(
      'disbursements',
      purpose,
      text.purposes[purpose],
      figure.amount,
      (y) => y.byPurpose[purpose].amount,
      figure.households,
    );
  }
  line(
    'disbursements',
    'total',
    text.sections.disbursements,
    report.disbursements.total,
    (y) => y.disbursements,
    report.disbursements.households,
    true,
  );
  line('other_movements', 'other_movements', text.sections.otherMovements, report.otherMovements, (y) =>
    Money.fromStored(y.closingBalance)
      .minus(Money.fromStored(y.openingBalance))
      .minus(Money.fromStored(y.receipts))
      .plus(Money.fromStored(y.disbursements))
      .toString(),
  );
  line(
    'closing_balance',
    'closing_balance',
    text.sections.closing,
    report.closingBalance,
    (y) => y.closingBalance,
  );
  fundLines(report, line);
  return lines;
}

/**
 * The fund balance (TK 431) lines: its opening, each result carried into it before the period, the period's
 * receipts and disbursements, other movements, its closing and the results carried into it inside the period.
 */
function fundLines(
  report: StatementReport,
  line: (
    section: StatementLine['section'],
    key: string,
    label: string,
    amount: string,
    perYear: (year: NonNullable<StatementReport['years']>[number]) => string,
    households?: number | null,
    total?: boolean,
  ) => void,
): void {
  const fund = report.fundBalance;
  const words = statementFundText();
  const none = () => '';
  const section = 'fund_balance';
  line(section, 'fund_opening', words.opening, fund.opening, (y) => y.fundOpening ?? '', null, true);
  line(section, 'fund_opening_431', `${words.opening} (TK 431)`, fund.opening431, none);
  for (const c of fund.carriedBefore) {
    line(section, `carried_${c.year}`, fill(words.carriedYear, { year: c.year }), c.amount, none);
  }
  line(section, 'fund_opening_not_carried', words.notCarried, fund.openingNotCarried, none);
  line(section, 'fund_receipts', words.receipts, fund.receipts, (y) => y.receipts);
  line(section, 'fund_disbursements', words.disbursements, fund.disbursements, (y) => y.disbursements);
  line(section, 'fund_other_movements', words.otherMovements, fund.otherMovements, none);
  line(section, 'fund_closing', words.closing, fund.closing, (y) => y.fundClosing ?? '', null, true);
  line(section, 'fund_closing_431', `${words.closing} (TK 431)`, fund.closing431, none);
  const inPeriod = new Map(fund.carriedInPeriod.map((c) => [c.year, c.amount]));
  for (const c of fund.carriedInPeriod) {
    line(
      section,
      `carried_in_period_${c.year}`,
      fill(words.carriedInPeriod, { year: c.year }),
      c.amount,
      (y) => (y.year === c.year ? (y.carriedInto431 ?? inPeriod.get(c.year) ?? '') : ''),
    );
  }
  line(section, 'fund_closing_not_carried', words.closingNotCarried, fund.closingNotCarried, none);
}

/** CSV, UTF-8 with a BOM (so Excel reads the Vietnamese), one row per line item. */
export function statementCsv(report: StatementReport): Buffer {
  const rows = [['section', 'key', 'label', 'amount', 'households']];
  for (const line of statementLines(report)) {
    rows.push([
      line.section,
      line.key,
      line.label,
      line.amount,
      line.households === null ? '' : String(line.households),
    ]);
  }
  const text = statementText();
  for (const year of report.years ?? []) {
    const label = fill(text.yearColumn, { year: year.year });
    rows.push(['receipts_by_year', String(year.year), label, year.receipts, '']);
    rows.push([
      'disbursements_by_year',
      String(year.year),
      label,
      year.disbursements,
      String(year.households),
    ]);
  }
  const csv = rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv, 'utf8')]);
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const AMOUNT_FORMAT = '#,##0';

/**
 * XLSX: one tidy sheet, a row per line item with real number cells (format #,##0, which Excel shows with the
 * reader's own separators), a column per year when the statement spans several.
 */
export async function statementXlsx(report: StatementReport, lang: Language = 'vi'): Promise<Buffer> {
  const text = statementText();
  // The header row in the request's language (documents/spreadsheet-text.ts); the line items keep the form's.
  const headers = spreadsheetColumns(lang, 'statement', { ...text.columns, yearColumn: text.yearColumn });
  const workbook = new (excelJs().Workbook)();
  workbook.creator = report.fundName;
  workbook.created = new Date(`${report.to}T00:00:00Z`);
  workbook.modified = workbook.created;
  const sheet = workbook.addWorksheet(text.sheetName);
  const years = report.years ?? [];
  const columns = 4 + years.length;

  sheet.addRow([text.title]).font = { bold: true, size: 13 };
  sheet.addRow([report.fundName]).font = { bold: true };
  sheet.addRow([
    `${dmy(report.from)} – ${dmy(report.to)}${report.consolidated ? ` (${report.funds.length} quỹ: ${report.funds.join(', ')})` : ''}`,
  ]);
  sheet.addRow([text.unitNote]).font = { italic: true };
  sheet.addRow([]);
  const header = sheet.addRow([
    headers.index,
    headers.item,
    headers.households,
    headers.amount,
    ...years.map((y) => fill(headers.yearColumn, { year: y.year })),
  ]);
  header.font = { bold: true };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEEEEEE' } };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  });

  let lastSection = '';
  for (const line of statementLines(report, text)) {
    if (line.section === 'receipts_by_level' && lastSection !== line.section) {
      sheet.addRow(['', text.levelsTitle]).font = { bold: true, italic: true };
    }
    lastSection = line.section;
    const row = sheet.addRow([
      line.key,
      line.label,
      line.households,
      numberCell(line.amount),
      ...line.years.map((amount) => (amount === '' ? null : numberCell(amount))),
    ]);
    if (line.total || line.section === 'opening_balance' || line.section === 'closing_balance') {
      row.font = { bold: true };
    }
    for (let column = 4; column <= columns; column++) row.getCell(column).numFmt = AMOUNT_FORMAT;
  }
  sheet.getColumn(1).width = 16;
  sheet.getColumn(2).width = 52;
  sheet.getColumn(3).width = 10;
  for (let column = 4; column <= columns; column++) sheet.getColumn(column).width = 20;
  sheet.views = [{ state: 'frozen', ySplit: header.number, xSplit: 2 }];
  sheet.autoFilter = {
    from: { row: header.number, column: 1 },
    to: { row: sheet.rowCount, column: columns },
  };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A number cell when the amount fits a double exactly (every real amount does), else its digits as text. */
function numberCell(digits: string): number | string {
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : digits;
}

const dmy = formatDateVi;
