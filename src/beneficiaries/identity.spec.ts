import {
  birthYearProblem,
  communeKey,
  idKindOf,
  matchingRules,
  MatchFields,
  maxBirthYear,
  nameKey,
  nameRuleKey,
  nationalIdProblem,
  reasonText,
} from './identity';

describe('nationalIdProblem and idKindOf', () => {
  it('accepts a 12-digit CCCD whose first 3 digits are a province code 001–096', () => {
    for (const id of ['010050001234', '001199000001', '096301123456']) {
      expect([id, nationalIdProblem(id)]).toEqual([id, null]);
      expect(idKindOf(id)).toBe('cccd');
    }
  });

  it('accepts a legacy 9-digit CMND, of kind cmnd (flagged)', () => {
    expect(nationalIdProblem('063120457')).toBeNull();
    expect(idKindOf('063120457')).toBe('cmnd');
  });

  it('refuses other lengths, non-digits, and a CCCD with no province code', () => {
    for (const id of [
      '',
      '12345',
      '0100500012345',
      '01005000123',
      '01005000123a',
      '０１００５０００１２３４',
    ]) {
      expect([id, nationalIdProblem(id)]).toEqual([id, 'must be a 12-digit CCCD or a legacy 9-digit CMND']);
    }
    for (const id of ['000050001234', '097050001234', '999050001234']) {
      expect(nationalIdProblem(id)).toMatch(/province code from 001 to 096/);
    }
  });
});

describe('birth years', () => {
  const now = new Date('2025-12-31T20:00:00Z'); // already 2026-01-01 in Vietnam

  it('runs from 1880 to this year in Vietnam', () => {
    expect(maxBirthYear(now)).toBe(2026);
    expect(birthYearProblem(1880, now)).toBeNull();
    expect(birthYearProblem(2026, now)).toBeNull();
    expect(birthYearProblem(1879, now)).toBe('must be a year from 1880 to 2026');
    expect(birthYearProblem(2027, now)).toBe('must be a year from 1880 to 2026');
    expect(birthYearProblem(1950.5, now)).toBe('must be a whole year');
  });
});

describe('match keys', () => {
  it('folds names: diacritics, case and spaces do not matter', () => {
    expect(nameKey('Nguyễn  Văn An')).toBe('nguyen van an');
    expect(nameKey('NGUYEN VAN AN')).toBe('nguyen van an');
    // Decomposed (NFD) input, as some keyboards send it, is the same name.
    expect(nameKey('Nguyễn Văn An'.normalize('NFD'))).toBe('nguyen van an');
  });

  it('folds communes and drops the unit word in front', () => {
    for (const commune of ['Tả Van', 'Xã Tả Van', 'xã  tả van', 'ta van', 'XÃ TẢ VAN']) {
      expect([commune, communeKey(commune)]).toEqual([commune, 'ta van']);
    }
    expect(communeKey('Phường Cốc Lếu')).toBe('coc leu');
    expect(communeKey('Thị trấn Mường Khương')).toBe('muong khuong');
    // Names that only look like the unit word keep it.
    expect(communeKey('Xà Phìn')).toBe('xa phin');
    expect(communeKey('Xá Lượng')).toBe('xa luong');
    expect(communeKey('Xã')).toBe('xa');
  });
});

describe('matchingRules', () => {
  const an: MatchFields = {
    nationalId: '010050001234',
    nameFolded: 'nguyen van an',
    birthYear: 1950,
    communeFolded: 'ta van',
  };

  it('finds the same CCCD, the same name + birth year + commune, or both', () => {
    expect(matchingRules(an, { ...an, nameFolded: 'nguyen van anh' })).toEqual(['national_id']);
    expect(matchingRules(an, { ...an, nationalId: null })).toEqual(['name_birth_year_commune']);
    expect(matchingRules(an, an)).toEqual(['national_id', 'name_birth_year_commune']);
  });

  it('needs a known birth year for the name rule, and a known ID for the ID rule', () => {
    const unknown = { ...an, nationalId: null, birthYear: null };
    expect(matchingRules(unknown, unknown)).toEqual([]);
    expect(nameRuleKey(unknown)).toBeNull();
    expect(matchingRules(an, { ...an, nationalId: null, birthYear: 1951 })).toEqual([]);
    expect(matchingRules(an, { ...an, nationalId: null, communeFolded: 'ban ho' })).toEqual([]);
  });

  it('says why, for people', () => {
    expect(reasonText('national_id', 'cccd')).toBe('same CCCD');
    expect(reasonText('national_id', 'cmnd')).toBe('same CMND');
    expect(reasonText('name_birth_year_commune')).toBe('same name, birth year and commune');
  });
});
