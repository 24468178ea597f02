import { ownStatementView } from '../../test/support/document-views';
import { pdfText } from '../../test/support/pdf';
import { StatementDocumentView, renderStatement } from './statement.renderer';
import { DocumentViewError } from './view-format';

/** The fund balance (TK 431) table of the statement (issue 10, item 5). */
describe('statement: the fund balance (TK 431)', () => {
  const withFund = (
    fund: Partial<NonNullable<StatementDocumentView['fundBalance']>>,
  ): StatementDocumentView => {
    const view = ownStatementView();
    return {
      ...view,
      fundBalance: { ...(view.fundBalance as NonNullable<typeof view.fundBalance>), ...fund },
    };
  };
  const text = async (view: StatementDocumentView) =>
    pdfText(await renderStatement(view)).replace(/\s+/g, ' ');

  it('prints the opening with each closed year carried into 431, and the closing', async () => {
    const printed = await text(ownStatementView());
    expect(printed).toContain('Quỹ Đền ơn đáp nghĩa (TK 431)');
    expect(printed).toContain('I Số dư Quỹ đầu kỳ 500.000.000');
    expect(printed).toContain('Trong đó: kết quả năm 2022 đã kết chuyển vào TK 431 180.000.000');
    expect(printed).toContain('IV Số dư Quỹ cuối kỳ 1.150.000.000');
    expect(printed).toContain('Trong đó: kết quả năm 2023 kết chuyển vào TK 431 trong kỳ 650.000.000');
  });

  it('sums the earlier years before the last one, and more than three closes inside the period, in one row', async () => {
    const printed = await text(
      withFund({
        carriedBefore: [
          { year: 2019, amount: '100000000' },
          { year: 2020, amount: '200000000' },
          { year: 2021, amount: '-20000000' },
          { year: 2022, amount: '180000000' },
        ],
        carriedInPeriod: [
          { year: 2020, amount: '1' },
          { year: 2021, amount: '2' },
          { year: 2022, amount: '3' },
          { year: 2023, amount: '650000000' },
        ],
      }),
    );
    expect(printed).toContain('kết quả các năm 2019–2021 đã kết chuyển vào TK 431 280.000.000');
    expect(printed).toContain('kết quả năm 2022 đã kết chuyển vào TK 431 180.000.000');
    expect(printed).toContain('kết quả các năm 2020–2023 kết chuyển vào TK 431');
    expect(printed).toContain('650.000.006');
  });

  it('prints no 431 table without the figures', async () => {
    expect(await text({ ...ownStatementView(), fundBalance: null })).not.toContain('TK 431');
  });

  it('refuses figures that do not add up: opening + receipts − disbursements + other ≠ closing', async () => {
    await expect(renderStatement(withFund({ closing: '1150000001' }))).rejects.toThrow(DocumentViewError);
    await expect(renderStatement(withFund({ receipts: '1' }))).rejects.toThrow(/statement's totals/);
  });
});
