import { accountBalancesText } from '../reports/account-balances-export';
import { XLSX_JOURNAL_COLUMNS } from '../exports/formats/xlsx';
import { FUND_LEVELS } from '../funds/fund.entity';
import { booksText } from './books.renderer';
import { statementText } from './statement.renderer';
import { spreadsheetColumns, spreadsheetLabel } from './spreadsheet-text';
import { TemplateError } from './layout-text';

// templates/i18n/spreadsheets.{vi,en}.json: every header a spreadsheet asks for exists in both languages, so an
// XLSX never fails half-way for want of a label.
describe('spreadsheet headers', () => {
  it('name every column of the XLSX journal and every fund level in Vietnamese and English', () => {
    for (const lang of ['vi', 'en'] as const) {
      const labels = XLSX_JOURNAL_COLUMNS.map((key) => spreadsheetLabel(lang, `journal.columns.${key}`));
      expect(new Set(labels).size).toBe(XLSX_JOURNAL_COLUMNS.length);
      for (const level of FUND_LEVELS) expect(spreadsheetLabel(lang, `levels.${level}`)).not.toBe('');
    }
    expect(spreadsheetLabel('vi', 'journal.columns.document_date')).toBe('Ngày chứng từ');
    expect(spreadsheetLabel('en', 'journal.columns.document_date')).toBe('Document date');
  });

  it("translate every column of the books, the Bảng cân đối tài khoản and the statement, and keep the form's in Vietnamese", () => {
    const books = booksText().columns;
    expect(spreadsheetColumns('vi', 'books', books)).toBe(books);
    const english = spreadsheetColumns('en', 'books', books);
    expect(Object.keys(english)).toEqual(Object.keys(books));
    expect(english.documentDate).toBe('Document date');
    expect(
      Object.values(spreadsheetColumns('en', 'accountBalances', accountBalancesText().columns)),
    ).not.toContain('');
    const statement = statementText();
    expect(
      spreadsheetColumns('en', 'statement', { ...statement.columns, yearColumn: statement.yearColumn })
        .yearColumn,
    ).toBe('Year {year}');
  });

  it('refuses a header the catalogue lacks rather than print another language', () => {
    expect(() => spreadsheetLabel('en', 'journal.columns.nothing')).toThrow(TemplateError);
  });
});
