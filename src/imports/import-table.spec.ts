import { InvalidRequestError } from '../common/errors';
import { aliasKey } from './cells';
import {
  extraCellsProblem,
  fingerprintOf,
  HeaderSpec,
  importKey,
  ImportKeys,
  readHeaderOf,
} from './import-table';

type Column = 'name' | 'year' | 'note';
const SPEC: HeaderSpec<Column> = {
  what: 'test import',
  columns: ['name', 'year', 'note'],
  required: ['name', 'year'],
  aliases: { ho_ten: 'name', nam: 'year', stt: null },
  hint: 'name the columns name,year and optionally note',
};

describe('readHeaderOf', () => {
  it('maps columns and their aliases, and skips ignored and blank header cells', () => {
    const map = readHeaderOf(['STT', 'Họ tên', '', 'Năm (bắt buộc)'], SPEC);
    expect([...map.positions.entries()]).toEqual([
      ['name', 1],
      ['year', 3],
    ]);
    expect(map.width).toBe(4);
  });

  it('reports every problem, then the hint', () => {
    let messages: string[] = [];
    try {
      readHeaderOf(['note', 'note', 'Tuổi'], SPEC);
    } catch (error) {
      if (!(error instanceof InvalidRequestError)) throw error;
      messages = error.messages;
    }
    expect(messages).toEqual([
      'line 1: column note appears twice',
      'line 1: column "Tuổi" is not a column of a test import',
      'line 1: the header has no name column',
      'line 1: the header has no year column',
      'name the columns name,year and optionally note',
    ]);
  });
});

describe('row helpers', () => {
  it('counts the non-blank cells past the header', () => {
    expect(extraCellsProblem(['a', 'b', '', null], 2)).toBeNull();
    expect(extraCellsProblem(['a', 'b', 'c', ' ', 'd'], 2)).toBe(
      'row has 4 or more cells; the header names only 2',
    );
  });

  it('matches list values without diacritics, case or separators', () => {
    expect(aliasKey('Chuyển  khoản')).toBe('chuyen-khoan');
    expect(aliasKey('CHUYEN_KHOAN')).toBe('chuyen-khoan');
  });
});

describe('ImportKeys', () => {
  it('gives identical rows different keys by occurrence, and the same keys to the same file', () => {
    const a = fingerprintOf(['x', '1']);
    const b = fingerprintOf(['x', '2']);
    const first = new ImportKeys();
    const keys = [first.next(a), first.next(b), first.next(a)];
    expect(keys).toEqual([importKey(a, 0), importKey(b, 0), importKey(a, 1)]);
    expect(new Set(keys).size).toBe(3);
    const again = new ImportKeys();
    expect([again.next(a), again.next(b), again.next(a)]).toEqual(keys);
    expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['past its table growing', 0],
    ['sized for the rows at once', 5_000],
    ['sized for fewer rows than come', 1_500],
  ])('counts occurrences exactly %s, as a map of every content would', (_, expected) => {
    const keys = new ImportKeys(expected);
    const counted = new Map<string, number>();
    for (let i = 0; i < 5_000; i++) {
      // Every third row repeats an earlier content, some of them many times.
      const fingerprint = fingerprintOf(['row', String(i % 3 === 0 ? i % 97 : i)]);
      const occurrence = counted.get(fingerprint) ?? 0;
      counted.set(fingerprint, occurrence + 1);
      expect(keys.next(fingerprint)).toBe(importKey(fingerprint, occurrence));
    }
  });
});
