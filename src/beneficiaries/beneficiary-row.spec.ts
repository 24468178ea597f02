import { InvalidRequestError } from '../common/errors';
import type { CellValue } from '../imports/cells';
import {
  BENEFICIARY_COLUMNS,
  BeneficiaryColumn,
  BeneficiaryRow,
  BeneficiaryRowResult,
  beneficiaryFingerprint,
  parseBeneficiaryRow,
  parseBirthYear,
  parseNationalId,
  readBeneficiaryHeader,
} from './beneficiary-row';

const header = readBeneficiaryHeader([...BENEFICIARY_COLUMNS]);
const NOW = new Date('2025-06-01T00:00:00Z');

/** A good row, with some cells replaced. */
function row(changes: Partial<Record<BeneficiaryColumn, CellValue>> = {}): CellValue[] {
  const cells: Record<string, CellValue> = {
    full_name: 'Nguyễn Văn An',
    category: 'war_invalid',
    commune: 'Tả Van',
    national_id: '010050001234',
    birth_year: '1950',
    address: 'Thôn Lao Chải, xã Tả Van',
    record_no: 'LC-TB-00112',
    housing_condition: 'Nhà tạm',
    ...changes,
  };
  return BENEFICIARY_COLUMNS.map((column) => cells[column]);
}

const parse = (cells: CellValue[], line = 2) => parseBeneficiaryRow(line, cells, header, NOW);

function good(result: BeneficiaryRowResult): BeneficiaryRow {
  if (!result.ok) throw new Error(`expected a good row, got ${result.errors.join('; ')}`);
  return result.row;
}

function errorsOf(result: BeneficiaryRowResult): string[] {
  if (result.ok) throw new Error('expected a bad row');
  return result.errors;
}

function headerProblems(cells: CellValue[]): string[] {
  try {
    readBeneficiaryHeader(cells);
  } catch (error) {
    if (error instanceof InvalidRequestError) return error.messages;
    throw error;
  }
  throw new Error('expected the header to be refused');
}

describe('readBeneficiaryHeader', () => {
  it('maps the English columns in any order; only name, category and commune are required', () => {
    const map = readBeneficiaryHeader(['commune', 'full_name', '', 'category']);
    expect(map.positions.get('commune')).toBe(0);
    expect(map.positions.get('category')).toBe(3);
    expect(map.positions.has('national_id')).toBe(false);
    expect(map.width).toBe(4);
  });

  it('accepts Vietnamese headers, with or without diacritics, and ignores STT and Ghi chú', () => {
    const map = readBeneficiaryHeader([
      'STT',
      'Họ tên',
      'Đối tượng',
      'Xã',
      'CCCD',
      'Năm sinh',
      'Địa chỉ',
      'Số hồ sơ',
      'Tình trạng nhà ở',
      'Ghi chú',
    ]);
    expect([...map.positions.entries()]).toEqual([
      ['full_name', 1],
      ['category', 2],
      ['commune', 3],
      ['national_id', 4],
      ['birth_year', 5],
      ['address', 6],
      ['record_no', 7],
      ['housing_condition', 8],
    ]);
    expect(readBeneficiaryHeader(['ho_ten', 'doi_tuong', 'xa', 'so_cmnd']).positions.get('national_id')).toBe(
      3,
    );
  });

  it('reports every problem of a bad header at once', () => {
    expect(headerProblems(['ho_ten', 'ho_ten', 'gioi_tinh'])).toEqual([
      'line 1: column full_name appears twice',
      'line 1: column "gioi_tinh" is not a column of a beneficiaries import',
      'line 1: the header has no category column',
      'line 1: the header has no commune column',
      'the header must name the columns full_name,category,commune and optionally national_id,birth_year,address,record_no,housing_condition',
    ]);
  });
});

describe('parseBeneficiaryRow', () => {
  it('reads a good row: folded keys for matching, the ID kind, trimmed text', () => {
    expect(good(parse(row({ full_name: '  Nguyễn  Văn An ', commune: 'Xã Tả Van' })))).toEqual({
      line: 2,
      fullName: 'Nguyễn Văn An',
      nameFolded: 'nguyen van an',
      nationalId: '010050001234',
      idKind: 'cccd',
      birthYear: 1950,
      category: 'war_invalid',
      commune: 'Xã Tả Van',
      communeFolded: 'ta van',
      address: 'Thôn Lao Chải, xã Tả Van',
      recordNo: 'LC-TB-00112',
      housingCondition: 'Nhà tạm',
    });
  });

  it('takes a category by its Vietnamese name, and leaves the optional cells blank', () => {
    const r = good(
      parse(
        row({
          category: 'Bà mẹ Việt Nam anh hùng',
          national_id: '',
          birth_year: null,
          address: ' ',
          record_no: null,
          housing_condition: '',
        }),
      ),
    );
    expect(r).toMatchObject({
      category: 'heroic_mother',
      nationalId: null,
      idKind: null,
      birthYear: null,
      address: null,
      recordNo: null,
      housingCondition: null,
    });
  });

  it('flags a 9-digit CMND as legacy', () => {
    expect(good(parse(row({ national_id: '063120457' })))).toMatchObject({
      nationalId: '063120457',
      idKind: 'cmnd',
    });
  });

  it('reports every problem of a bad row, and never repeats a whole ID', () => {
    expect(
      errorsOf(
        parse(
          row({
            full_name: ' ',
            category: 'cựu chiến binh',
            commune: null,
            national_id: '01005000123',
            birth_year: '1870',
            record_no: 'x'.repeat(51),
          }),
        ),
      ),
    ).toEqual([
      'full_name is required',
      expect.stringMatching(
        /^category "cựu chiến binh" is not one of heroic_mother, martyr_relative, .*, other \(or their names in data\/beneficiary-categories.json\)$/,
      ),
      'commune is required',
      'national_id 01*******23 must be a 12-digit CCCD or a legacy 9-digit CMND',
      'birth_year 1870 must be a year from 1880 to 2025',
      'record_no must be at most 50 characters',
    ]);
    expect(errorsOf(parse(row({ national_id: '999050001234' })))).toEqual([
      'national_id 9990******34 is not a CCCD: its first 3 digits must be a province code from 001 to 096',
    ]);
    expect(errorsOf(parse(row({ national_id: 'CCCD 0100' })))).toEqual([
      'national_id (not digits) must be a 12-digit CCCD or a legacy 9-digit CMND',
    ]);
  });

  it('refuses a row wider than the header, and spreadsheet error cells', () => {
    expect(errorsOf(parse([...row(), 'extra']))).toEqual([
      'row has 9 or more cells; the header names only 8',
    ]);
    expect(errorsOf(parse(row({ full_name: { error: '#REF!' } })))).toEqual([
      'full_name holds the spreadsheet error #REF!',
    ]);
  });
});

describe('parseNationalId', () => {
  it('gives a number cell back the leading zeros Excel took', () => {
    expect(parseNationalId(10050001234)).toBe('010050001234');
    expect(parseNationalId(1199000001)).toBe('001199000001');
    expect(parseNationalId(63120457)).toBe('063120457');
    expect(parseNationalId(123456789)).toBe('123456789');
    expect(parseNationalId(1234567)).toEqual({
      error: 'national_id 12***67 must be a 12-digit CCCD or a legacy 9-digit CMND',
    });
    expect(parseNationalId(1.5)).toEqual({ error: 'national_id must be digits' });
  });
});

describe('parseBirthYear', () => {
  it('takes a year, a number cell, or the year of a date of birth', () => {
    expect(parseBirthYear('1950', NOW)).toBe(1950);
    expect(parseBirthYear(1950, NOW)).toBe(1950);
    expect(parseBirthYear('15/03/1950', NOW)).toBe(1950);
    expect(parseBirthYear('1950-03-15', NOW)).toBe(1950);
    expect(parseBirthYear(new Date(Date.UTC(1950, 2, 15)), NOW)).toBe(1950);
    expect(parseBirthYear(null, NOW)).toBeNull();
    expect(parseBirthYear(' ', NOW)).toBeNull();
  });

  it('refuses anything else', () => {
    expect(parseBirthYear('năm 1950', NOW)).toEqual({
      error: 'birth_year "năm 1950" must be a year (1950) or a date of birth (15/03/1950)',
    });
    expect(parseBirthYear(1950.5, NOW)).toEqual({ error: 'birth_year 1950.5 must be a whole year' });
    expect(parseBirthYear('2030', NOW)).toEqual({
      error: 'birth_year 2030 must be a year from 1880 to 2025',
    });
  });
});

describe('beneficiaryFingerprint', () => {
  const base = good(parse(row()));

  it('ignores diacritics, the "xã" word, the address and the housing condition', () => {
    const same = good(
      parse(
        row({
          full_name: 'NGUYEN VAN AN',
          commune: 'xã Tả Van',
          address: 'khác',
          housing_condition: 'Nhà mới',
        }),
      ),
    );
    expect(beneficiaryFingerprint(same)).toBe(beneficiaryFingerprint(base));
  });

  it('changes with the ID, birth year, commune, category or record number', () => {
    const changes: Partial<Record<BeneficiaryColumn, CellValue>>[] = [
      { national_id: '010050001235' },
      { birth_year: '1951' },
      { commune: 'Bản Hồ' },
      { category: 'sick_soldier' },
      { record_no: 'LC-TB-00113' },
    ];
    for (const change of changes) {
      expect(beneficiaryFingerprint(good(parse(row(change))))).not.toBe(beneficiaryFingerprint(base));
    }
  });
});
