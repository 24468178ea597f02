import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beneficiaryCategories, categoryByCode, categoryCodes, categoryFromText } from './categories';

describe('beneficiary categories (data/beneficiary-categories.json)', () => {
  it('are exactly the codes CONTRACT.md promises for POST /api/beneficiaries', () => {
    expect(categoryCodes()).toEqual([
      'heroic_mother',
      'martyr_relative',
      'war_invalid',
      'sick_soldier',
      'pre_1945_revolutionary',
      'pre_uprising_revolutionary',
      'armed_forces_hero',
      'labour_hero',
      'toxic_chemical_victim',
      'imprisoned',
      'resistance_participant',
      'revolution_helper',
      'other',
    ]);
  });

  it('are read from the data file, each with a Vietnamese and an English name', () => {
    const file = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'data', 'beneficiary-categories.json'), 'utf8'),
    ) as { categories: unknown[] };
    expect(beneficiaryCategories()).toEqual(file.categories);
    for (const category of beneficiaryCategories()) {
      expect(category.nameVi.trim()).not.toBe('');
      expect(category.nameEn.trim()).not.toBe('');
    }
    expect(categoryByCode('heroic_mother')?.nameVi).toBe('Bà mẹ Việt Nam anh hùng');
    expect(categoryByCode('nope')).toBeUndefined();
  });

  it('are recognised from a spreadsheet cell by code or name, with or without diacritics', () => {
    const cases: [string, string][] = [
      ['war_invalid', 'war_invalid'],
      ['WAR-INVALID', 'war_invalid'],
      ['Thương binh, người hưởng chính sách như thương binh', 'war_invalid'],
      ['Thương binh', 'war_invalid'],
      ['thuong binh', 'war_invalid'],
      ['Bệnh binh', 'sick_soldier'],
      ['Bà mẹ Việt Nam anh hùng', 'heroic_mother'],
      ['BA ME VIET NAM ANH HUNG', 'heroic_mother'],
      ["Martyr's relative", 'martyr_relative'],
      ['Thân nhân liệt sĩ', 'martyr_relative'],
      ['Người hoạt động kháng chiến bị nhiễm chất độc hóa học', 'toxic_chemical_victim'],
    ];
    for (const [text, code] of cases) expect([text, categoryFromText(text)?.code]).toEqual([text, code]);
    for (const text of ['', 'Thương', 'veteran', 'liệt sĩ']) expect(categoryFromText(text)).toBeUndefined();
  });
});
