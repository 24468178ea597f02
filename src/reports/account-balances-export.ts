import type { BookBlock, BookColumn, BookRow, BookTable, Cell } from '../documents/book-table';
import { type BookFormat, booksText, renderBookTable, type RenderedBook } from '../documents/books.renderer';
import { circularOn, fill, loadTemplate, type Shape } from '../documents/layout-text';
import { spreadsheetColumns } from '../documents/spreadsheet-text';
import { formatDate, issuedAtDate } from '../documents/view-format';
import type { Language } from '../common/i18n';
import type { AccountBalancesReport } from './account-balances.service';

/**
 * The Bảng cân đối tài khoản as PDF, XLSX or CSV, through the books' writers (documents/book-*.writer.ts): each
 * balance split into its Nợ and Có column, as the printed form has it. Wording and the form code:
 * templates/documents/account-balances.vi.json (form S05-H, the circulars' Bảng cân đối số phát sinh, by default;
 * docs/books.md says what the defaults follow).
 */

interface AccountBalancesText {
  title: string;
  documentTitle: string;
  fileName: string;
  sheetName: string;
  formCode: string;
  formNote: string;
  consolidatedLine: string;
  columns: {
    account: string;
    name: string;
    openingDebit: string;
    openingCredit: string;
    debit: string;
    credit: string;
    closingDebit: string;
    closingCredit: string;
  };
  totalRow: string;
  signatures: { title: string; hint: string }[];
}

const SHAPE: Shape<AccountBalancesText> = {
  title: 'string',
  documentTitle: 'string',
  fileName: 'string',
  sheetName: 'string',
  formCode: 'string',
  formNote: 'string',
  consolidatedLine: 'string',
  columns: {
    account: 'string',
    name: 'string',
    openingDebit: 'string',
    openingCredit: 'string',
    debit: 'string',
    credit: 'string',
    closingDebit: 'string',
    closingCredit: 'string',
  },
  totalRow: 'string',
  signatures: [{ title: 'string', hint: 'string' }],
};

export function accountBalancesText(): AccountBalancesText {
  return loadTemplate<AccountBalancesText>('account-balances.vi.json', SHAPE);
}

const amount = (header: string): BookColumn => ({
  header,
  type: 'amount',
  align: 'right',
  pdfWidth: 82,
  xlsxWidth: 17,
});

export function accountBalancesFile(
  report: AccountBalancesReport,
  format: BookFormat,
  lang: Language = 'vi',
): RenderedBook {
  const text = accountBalancesText();
  const books = booksText();
  // A spreadsheet's header row in the request's language; the printed form stays Vietnamese.
  const c = format === 'xlsx' ? spreadsheetColumns(lang, 'accountBalances', text.columns) : text.columns;
  const from = formatDate(report.from, 'from');
  const to = formatDate(report.to, 'to');
  const period = fill(books.periodLine, { from, to });
  const values = { fundCode: report.fund, from, to };
  const header = report.header;
  const table: BookTable = {
    documentTitle: fill(text.documentTitle, values),
    title: text.title,
    formCode: text.formCode,
    formNote: fill(text.formNote, { circular: circularOn(report.to) }),
    header,
    unitLine: fill(books.unitLabel, { unitName: header.unitName }),
    fundLine: fill(books.fundLine, { fundName: header.fundName, fundCode: header.fundCode }),
    // The period is printed under these by the writer (table.period): listed here too, it came out twice.
    subtitles: report.consolidated ? [fill(text.consolidatedLine, { count: report.funds.length })] : [],
    period,
    columns: [
      { header: c.account, type: 'text', align: 'center', pdfWidth: 54, xlsxWidth: 10 },
      { header: c.name, type: 'text', align: 'left', pdfWidth: 0, xlsxWidth: 40 },
      amount(c.openingDebit),
      amount(c.openingCredit),
      amount(c.debit),
      amount(c.credit),
      amount(c.closingDebit),
      amount(c.closingCredit),
    ],
    labelColumn: 1,
    signatures: text.signatures,
    labels: {
      currencyNote: books.currencyNote,
      runningHead: fill(books.continuationHeader, {
        title: text.title,
        fundName: header.fundName,
        fundCode: header.fundCode,
        period,
      }),
      carriedForward: books.carriedForward,
      broughtForward: books.broughtForward,
      pageNumber: books.pageNumber,
      pageCount: books.pageCountLine,
      opened: fill(books.openedLine, { date: from }),
      signatureDate: books.signatureDateLine,
    },
    sheetName: text.sheetName,
    issuedAt: issuedAtDate(report.to),
  };
  const scope = report.consolidated ? '-tong-hop' : '';
  const name = `${text.fileName}_${report.fund}${scope}_${report.from}_${report.to}.${format}`.replace(
    /[^A-Za-z0-9._-]/g,
    '-',
  );
  return renderBookTable(table, blocks(report, text), format, name);
}

/** A signed balance in its Nợ or its Có column (the other left empty). */
function sides(balance: string): Cell[] {
  if (/^-?0+$/.test(balance)) return [null, null];
  return balance.startsWith('-') ? [null, balance.slice(1)] : [balance, null];
}

async function* blocks(report: AccountBalancesReport, text: AccountBalancesText): AsyncGenerator<BookBlock> {
  await Promise.resolve();
  const rows: BookRow[] = report.rows.map((r) => ({
    cells: [r.account, r.name, ...sides(r.opening), r.debit, r.credit, ...sides(r.closing)],
  }));
  if (rows.length > 0) yield { rows };
  // Opening and closing totals are shown per side, as the form has them: each side summed over the accounts.
  const sideTotal = (key: 'opening' | 'closing', debit: boolean) =>
    report.rows
      .map((r) => r[key])
      .filter((v) => (debit ? !v.startsWith('-') : v.startsWith('-')))
      .reduce((sum, v) => sum + BigInt(v.replace('-', '')), 0n)
      .toString();
  yield {
    last: true,
    rows: [
      {
        face: 'bold',
        cells: [
          null,
          text.totalRow,
          sideTotal('opening', true),
          sideTotal('opening', false),
          report.totals.debit,
          report.totals.credit,
          sideTotal('closing', true),
          sideTotal('closing', false),
        ],
      },
    ],
  };
}
