import { InvalidRequestError } from '../common/errors';
import type { CellValue } from '../imports/cells';
import {
  parseStatementRow,
  readStatementHeader,
  StatementRow,
  statementLineFingerprint,
} from './statement-row';

const TODAY = '2024-01-15';

function parse(header: string[], cells: CellValue[]) {
  return parseStatementRow(7, cells, readStatementHeader(header), TODAY);
}

function good(header: string[], cells: CellValue[]): StatementRow {
  const result = parse(header, cells);
  if (!result.ok) throw new Error(result.errors.join('; '));
  return result.row;
}

function errors(header: string[], cells: CellValue[]): string[] {
  const result = parse(header, cells);
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

const ENGLISH = ['date', 'amount', 'direction', 'reference', 'description'];
const VIETNAMESE = ['Ngày', 'Số tiền', 'Loại', 'Số tham chiếu', 'Diễn giải'];

describe('statement rows', () => {
  it('reads the English columns', () => {
    const row = good(ENGLISH, ['2023-07-03', '55500000', 'in', 'PT-2023-000001', 'Nộp tiền ủng hộ']);
    expect(row).toMatchObject({
      line: 7,
      date: '2023-07-03',
      direction: 'in',
      reference: 'PT-2023-000001',
      description: 'Nộp tiền ủng hộ',
    });
    expect(row.amount.toString()).toBe('55500000');
  });

  it('reads Vietnamese headers, DD/MM/YYYY dates and dotted amounts', () => {
    const row = good(VIETNAMESE, ['03/07/2023', '55.500.000', 'Thu', '', '']);
    expect(row).toMatchObject({ date: '2023-07-03', direction: 'in', reference: null, description: null });
    expect(row.amount.toString()).toBe('55500000');
    expect(good(['ngay', 'so_tien', 'loai'], ['31/7/2023', '22.000', 'chi']).direction).toBe('out');
  });

  it.each([
    ['in', 'in'],
    ['OUT', 'out'],
    ['credit', 'in'],
    ['Debit', 'out'],
    ['CR', 'in'],
    ['DR', 'out'],
    ['C', 'in'],
    ['D', 'out'],
    ['thu', 'in'],
    ['Chi', 'out'],
    ['Có', 'in'],
    ['Nợ', 'out'],
    ['Ghi có', 'in'],
    ['ghi nợ', 'out'],
    ['+', 'in'],
    ['-', 'out'],
  ])('takes direction %s as %s (the bank crediting the account is money in)', (written, direction) => {
    expect(good(ENGLISH, ['2023-07-03', '1000', written, '', '']).direction).toBe(direction);
  });

  it('reads separate money-in and money-out columns ("Ghi có" / "Ghi nợ")', () => {
    const header = ['Ngày giao dịch', 'Ghi nợ', 'Ghi có', 'Số dư', 'Nội dung'];
    const out = good(header, ['05/07/2023', '8.000.000', '', '100.000.000', 'Chi UNC-15']);
    expect(out).toMatchObject({ direction: 'out', description: 'Chi UNC-15' });
    expect(out.amount.toString()).toBe('8000000');
    expect(good(header, ['05/07/2023', '', '2000', '', '']).direction).toBe('in');
    expect(errors(header, ['05/07/2023', '1', '2', '', ''])).toEqual([
      'money_in and money_out are both filled; a line moves money one way',
    ]);
    expect(errors(header, ['05/07/2023', '', '', '', ''])).toEqual(['money_in or money_out is required']);
    expect(errors(header, ['05/07/2023', '1,5', '', '', ''])[0]).toMatch(
      /^money_out "1,5" must be whole đồng/,
    );
  });

  it('reports every problem of a row at once', () => {
    expect(errors(ENGLISH, ['31/02/2023', '-5', 'sideways', '', ''])).toEqual([
      'date 31/02/2023 is not a real calendar date',
      'amount must not be negative',
      'direction "sideways" is not one of in, out (or credit, debit; thu, chi; có, nợ)',
    ]);
    expect(errors(ENGLISH, ['', '12,5', '', '', ''])).toEqual([
      'date is required',
      'amount "12,5" must be whole đồng: digits, optionally grouped by dots (55.500.000), without a fraction',
      'direction is required (in or out)',
    ]);
    expect(errors(ENGLISH, ['2024-01-16', '0', 'in', 'x'.repeat(101), ''])).toEqual([
      'date 2024-01-16 is in the future',
      'amount must be a positive whole number of đồng',
      'reference must be at most 100 characters',
    ]);
    expect(errors(ENGLISH, ['2023-07-03', '1000', 'in', '', '', 'extra'])).toEqual([
      'row has 6 or more cells; the header names only 5',
    ]);
  });

  it('refuses a header without the columns a movement needs', () => {
    const problems = (header: string[]) => {
      try {
        readStatementHeader(header);
      } catch (error) {
        if (error instanceof InvalidRequestError) return error.messages;
      }
      throw new Error('expected a refused header');
    };
    expect(problems(['date', 'amount'])[0]).toBe(
      'line 1: the header has no direction column (in/out, credit/debit, thu/chi)',
    );
    expect(problems(['date', 'direction'])[0]).toBe('line 1: the header has no amount column');
    expect(problems(['amount', 'direction'])[0]).toBe('line 1: the header has no date column');
    expect(problems(['date', 'amount', 'direction', 'ghi_co'])[0]).toMatch(/either amount and direction/);
    expect(problems(['date', 'amount', 'direction', 'payee'])[0]).toBe(
      'line 1: column "payee" is not a column of a bank statement',
    );
  });

  it('fingerprints a line by fund, date, amount, direction and reference, not its description', () => {
    const a = good(ENGLISH, ['2023-07-03', '1000', 'in', 'R1', 'Nộp tiền']);
    const b = good(ENGLISH, ['03/07/2023', '1.000', 'credit', 'R1', 'NOP TIEN']);
    expect(statementLineFingerprint('LC', a)).toBe(statementLineFingerprint('LC', b));
    expect(statementLineFingerprint('LC', a)).not.toBe(statementLineFingerprint('YB', a));
    const c = good(ENGLISH, ['2023-07-03', '1000', 'in', 'R2', 'Nộp tiền']);
    expect(statementLineFingerprint('LC', a)).not.toBe(statementLineFingerprint('LC', c));
  });
});
