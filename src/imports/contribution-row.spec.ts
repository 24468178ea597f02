import { InvalidRequestError } from '../common/errors';
import { Money } from '../common/money';
import { CellValue, parseAmount, parseDate } from './cells';
import {
  ContributionRow,
  IMPORT_COLUMNS,
  parseContributionRow,
  readHeader,
  RowResult,
  rowFingerprint,
} from './contribution-row';
import { importKey, normalizeHeader } from './import-table';

const header = readHeader([...IMPORT_COLUMNS]);

/** A good row, with some cells replaced. */
function row(changes: Partial<Record<(typeof IMPORT_COLUMNS)[number], CellValue>> = {}): CellValue[] {
  const cells: Record<string, CellValue> = {
    fund_code: 'LC',
    date: '2023-07-20',
    donor_name: 'Nguyễn Văn Hùng',
    donor_kind: 'individual',
    amount: '2000000',
    method: 'cash',
    campaign: '',
    purpose: '',
    donor_address: '',
    donor_email: '',
    donor_tax_code: '',
    reference: '',
    original_no: '',
    ...changes,
  };
  return IMPORT_COLUMNS.map((column) => cells[column]);
}

function good(result: RowResult): ContributionRow {
  if (!result.ok) throw new Error(`expected a good row, got ${result.errors.join('; ')}`);
  return result.row;
}

function errorsOf(result: RowResult): string[] {
  if (result.ok) throw new Error('expected a bad row');
  return result.errors;
}

describe('readHeader', () => {
  it('maps the English columns in any order, and ignores blank header cells', () => {
    const map = readHeader(['amount', 'date', 'fund_code', '', 'donor_kind', 'method', 'donor_name']);
    expect(map.positions.get('amount')).toBe(0);
    expect(map.positions.get('donor_name')).toBe(6);
    expect(map.width).toBe(7);
  });

  it('accepts Vietnamese headers with diacritics, and ignores an STT column', () => {
    const map = readHeader([
      'STT',
      'Mã quỹ',
      'Ngày',
      'Tên người nộp',
      'Loại',
      'Số tiền (đồng)',
      'Hình thức',
      'Mã số thuế',
    ]);
    expect([...map.positions.keys()]).toEqual([
      'fund_code',
      'date',
      'donor_name',
      'donor_kind',
      'amount',
      'method',
      'donor_tax_code',
    ]);
    expect(normalizeHeader(' Số chứng từ ')).toBe('so_chung_tu');
  });

  it('refuses an unknown, duplicated or missing column with every problem at once', () => {
    let caught: unknown;
    try {
      readHeader(['fund_code', 'date', 'date', 'donor_name', 'ammount', 'method']);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidRequestError);
    const messages = (caught as InvalidRequestError).messages;
    expect(messages).toEqual(
      expect.arrayContaining([
        'line 1: column date appears twice',
        'line 1: column "ammount" is not a column of a contributions import',
        'line 1: the header has no donor_kind column',
        'line 1: the header has no amount column',
      ]),
    );
  });
});

describe('parseContributionRow', () => {
  it('keeps an old paper number from original_no ("Số phiếu gốc"), and tells rows apart by it', () => {
    const vi = readHeader([
      'Mã quỹ',
      'Ngày',
      'Tên người nộp',
      'Loại',
      'Số tiền',
      'Hình thức',
      'Số phiếu gốc',
    ]);
    const parsed = good(
      parseContributionRow(
        2,
        ['LC', '02/01/2015', 'Lò Văn Sáng', 'cá nhân', '500.000', 'tiền mặt', '03/012'],
        vi,
      ),
    );
    expect(parsed.originalNo).toBe('03/012');
    const plain = good(parseContributionRow(2, row(), header));
    expect(plain.originalNo).toBeNull();
    expect(rowFingerprint(good(parseContributionRow(2, row({ original_no: '12' }), header)))).not.toBe(
      rowFingerprint(plain),
    );
    expect(errorsOf(parseContributionRow(2, row({ original_no: 'x'.repeat(41) }), header))).toEqual([
      expect.stringMatching(/^original_no /),
    ]);
  });

  it('reads a good row and canonicalizes it', () => {
    const parsed = good(
      parseContributionRow(
        7,
        row({
          date: '05/7/2023',
          donor_name: '  Công ty CP Xây dựng Hoàng Liên ',
          donor_kind: 'Doanh nghiệp',
          amount: '55.500.000',
          method: 'Chuyển khoản',
          donor_email: 'ketoan@hoanglien-xd.vn',
          donor_tax_code: '5300123456-001',
          reference: 'PT-2023-0042',
        }),
        header,
      ),
    );
    expect(parsed).toMatchObject({
      line: 7,
      fundCode: 'LC',
      date: '2023-07-05',
      donorName: 'Công ty CP Xây dựng Hoàng Liên',
      donorKind: 'enterprise',
      method: 'bank',
      campaign: null,
      purpose: null,
      donorTaxCode: '5300123456-001',
      reference: 'PT-2023-0042',
    });
    expect(parsed.amount.toString()).toBe('55500000');
  });

  it.each([
    ['cơ quan', 'agency'],
    ['co_quan', 'agency'],
    ['TỔ CHỨC', 'organization'],
    ['ca-nhan', 'individual'],
    ['enterprise', 'enterprise'],
  ])('takes donor kind %s as %s', (kind, expected) => {
    expect(good(parseContributionRow(2, row({ donor_kind: kind }), header)).donorKind).toBe(expected);
  });

  it.each([
    ['Tiền mặt', 'cash'],
    ['bank', 'bank'],
    ['ngan hang', 'bank'],
  ])('takes method %s as %s', (method, expected) => {
    expect(good(parseContributionRow(2, row({ method }), header)).method).toBe(expected);
  });

  it('names every problem of a bad row', () => {
    const errors = errorsOf(
      parseContributionRow(
        9,
        row({
          fund_code: '',
          date: '2023-02-30',
          donor_name: ' ',
          donor_kind: 'company',
          amount: '-500000',
          method: 'cheque',
          donor_email: 'not-mail',
          donor_tax_code: '12',
        }),
        header,
      ),
    );
    expect(errors).toEqual([
      'fund_code is required',
      'date 2023-02-30 is not a real calendar date',
      'donor_name is required',
      'donor_kind "company" is not one of agency, enterprise, organization, individual (or cơ quan, doanh nghiệp, tổ chức, cá nhân)',
      'amount must not be negative',
      'method "cheque" is not one of cash, bank (or tiền mặt, chuyển khoản)',
      'donor_email "not-mail" is not an e-mail address',
      'donor_tax_code "12" must be 10 digits, or 10 digits, a dash and 3 digits',
    ]);
  });

  it('keeps what could be read of a bad row, for the checks against the books', () => {
    const result = parseContributionRow(4, row({ amount: 'abc', campaign: 'T7-2023' }), header);
    expect(result).toMatchObject({
      ok: false,
      keys: { fundCode: 'LC', date: '2023-07-20', campaign: 'T7-2023' },
    });
  });

  it('refuses a name over 300 characters and cells beyond the header', () => {
    expect(errorsOf(parseContributionRow(3, row({ donor_name: 'Ă'.repeat(301) }), header))).toEqual([
      'donor_name must be at most 300 characters',
    ]);
    expect(
      good(parseContributionRow(3, row({ donor_name: 'Ă'.repeat(300) }), header)).donorName,
    ).toHaveLength(300);
    expect(errorsOf(parseContributionRow(3, [...row(), 'thừa'], header))).toEqual([
      'row has 14 or more cells; the header names only 13',
    ]);
  });

  it('stores names in NFC, whatever form the file used', () => {
    const decomposed = 'Nguyễn Văn Hùng'.normalize('NFD');
    expect(good(parseContributionRow(2, row({ donor_name: decomposed }), header)).donorName).toBe(
      'Nguyễn Văn Hùng'.normalize('NFC'),
    );
  });

  it('reads spreadsheet cells: numbers, dates, and error cells', () => {
    const parsed = good(
      parseContributionRow(
        2,
        row({ date: new Date(Date.UTC(2019, 6, 16)), amount: 3000000, donor_tax_code: 5300345678 }),
        header,
      ),
    );
    expect(parsed.date).toBe('2019-07-16');
    expect(parsed.amount.toString()).toBe('3000000');
    expect(parsed.donorTaxCode).toBe('5300345678');
    expect(errorsOf(parseContributionRow(2, row({ donor_name: { error: '#N/A' } }), header))).toEqual([
      'donor_name holds the spreadsheet error #N/A',
    ]);
  });
});

describe('parseAmount', () => {
  it.each([
    ['2000000', '2000000'],
    [' 55.500.000 ', '55500000'],
    ['1.000', '1000'],
    [7200000, '7200000'],
  ])('reads %p as %s đồng', (input, expected) => {
    const amount = parseAmount(input);
    expect(amount instanceof Money ? amount.toString() : amount).toBe(expected);
  });

  it.each([
    ['-500000', 'amount must not be negative'],
    ['-5.000.000', 'amount must not be negative'],
    ['0', 'amount must be a positive whole number of đồng'],
    [
      '1.5',
      'amount "1.5" must be whole đồng: digits, optionally grouped by dots (55.500.000), without a fraction',
    ],
    [
      '1,500,000',
      'amount "1,500,000" must be whole đồng: digits, optionally grouped by dots (55.500.000), without a fraction',
    ],
    [
      '12.34.567',
      'amount "12.34.567" must be whole đồng: digits, optionally grouped by dots (55.500.000), without a fraction',
    ],
    ['1e6', 'amount must be written in digits, not in exponent form'],
    [1500000.5, 'amount must be a whole number of đồng, without a fraction'],
    [-3, 'amount must not be negative'],
    ['2000000000000000', 'amount must not exceed 1000000000000000 đồng'],
    ['', 'amount is required'],
    [null, 'amount is required'],
    [new Date(0), 'amount must be a number of đồng'],
  ])('refuses %p: %s', (input, message) => {
    expect(parseAmount(input)).toEqual({ error: message });
  });
});

describe('parseDate', () => {
  it.each([
    ['2023-07-20', '2023-07-20'],
    ['20/07/2023', '2023-07-20'],
    ['5/7/2015', '2015-07-05'],
    ['29.02.2016', '2016-02-29'],
    ['31-12-2020', '2020-12-31'],
    [45127, '2023-07-20'],
  ])('reads %p as %s', (input, expected) => {
    expect(parseDate(input)).toBe(expected);
  });

  it('reads a date cell as its UTC calendar day', () => {
    expect(parseDate(new Date('2023-07-20T00:00:00Z'))).toBe('2023-07-20');
    expect(parseDate(new Date('2023-07-20T18:30:00Z'))).toBe('2023-07-20');
  });

  it.each([
    ['2023-02-29', 'date 2023-02-29 is not a real calendar date'],
    ['31/04/2020', 'date 31/04/2020 is not a real calendar date'],
    ['07/20/2023', 'date 07/20/2023 is not a real calendar date'],
    ['20-7-23', 'date "20-7-23" must be written YYYY-MM-DD or DD/MM/YYYY'],
    ['hôm qua', 'date "hôm qua" must be written YYYY-MM-DD or DD/MM/YYYY'],
    [2023, 'date 2023 is a number, not a date; write YYYY-MM-DD or DD/MM/YYYY'],
    ['', 'date is required'],
  ])('refuses %p', (input, message) => {
    expect(parseDate(input)).toEqual({ error: message });
  });
});

describe('import keys', () => {
  const base = good(parseContributionRow(2, row({ reference: 'PT-1' }), header));

  it('are the same for the same gift however it is written', () => {
    const same = good(
      parseContributionRow(
        40,
        row({
          date: '20/07/2023',
          donor_name: 'NGUYEN VAN  HUNG',
          donor_kind: 'cá nhân',
          amount: '2.000.000',
          method: 'tiền mặt',
          reference: 'PT-1',
          purpose: 'a purpose is not part of it',
        }),
        header,
      ),
    );
    expect(rowFingerprint(same)).toBe(rowFingerprint(base));
  });

  it('differ when any identifying field differs', () => {
    const variants = [
      row({ fund_code: 'LC-BT', reference: 'PT-1' }),
      row({ date: '2023-07-21', reference: 'PT-1' }),
      row({ donor_name: 'Nguyễn Văn Hưng Thịnh', reference: 'PT-1' }),
      row({ donor_kind: 'agency', reference: 'PT-1' }),
      row({ amount: '2000001', reference: 'PT-1' }),
      row({ method: 'bank', reference: 'PT-1' }),
      row({ reference: 'PT-2' }),
    ].map((cells) => rowFingerprint(good(parseContributionRow(2, cells, header))));
    expect(new Set([...variants, rowFingerprint(base)]).size).toBe(variants.length + 1);
  });

  it('tell identical rows apart by their occurrence, and are 64 hex digits', () => {
    const fingerprint = rowFingerprint(base);
    expect(importKey(fingerprint, 0)).not.toBe(importKey(fingerprint, 1));
    expect(importKey(fingerprint, 0)).toBe(importKey(fingerprint, 0));
    expect(importKey(fingerprint, 0)).toMatch(/^[0-9a-f]{64}$/);
  });
});
