import * as fs from 'node:fs';
import * as path from 'node:path';
import { DATA_DIR } from '../common/paths';
import { foldVietnamese } from '../common/text';

/** A category of người có công (DESIGN.md §6), as data/beneficiary-categories.json lists it. */
export interface BeneficiaryCategory {
  code: string;
  nameVi: string;
  nameEn: string;
}

const CATEGORIES_FILE = path.join(DATA_DIR, 'beneficiary-categories.json');
const CODE = /^[a-z][a-z0-9_]{0,39}$/;

let cached: readonly BeneficiaryCategory[] | null = null;
let byKey: ReadonlyMap<string, BeneficiaryCategory> | null = null;

/** The categories of the reference data, read and checked once. */
export function beneficiaryCategories(): readonly BeneficiaryCategory[] {
  if (cached) return cached;
  const parsed = JSON.parse(fs.readFileSync(CATEGORIES_FILE, 'utf8')) as { categories?: unknown };
  if (!Array.isArray(parsed.categories) || parsed.categories.length === 0) {
    throw new Error(`${CATEGORIES_FILE}: no "categories" list`);
  }
  const categories = parsed.categories as BeneficiaryCategory[];
  const codes = new Set<string>();
  for (const category of categories) {
    if (
      !CODE.test(String(category.code)) ||
      typeof category.nameVi !== 'string' ||
      typeof category.nameEn !== 'string' ||
      codes.has(category.code)
    ) {
      throw new Error(`${CATEGORIES_FILE}: bad or repeated category ${JSON.stringify(category)}`);
    }
    codes.add(category.code);
  }
  cached = categories;
  return cached;
}

export function categoryCodes(): string[] {
  return beneficiaryCategories().map((c) => c.code);
}

export function categoryByCode(code: string): BeneficiaryCategory | undefined {
  return beneficiaryCategories().find((c) => c.code === code);
}

/** "Thương binh, người hưởng…", "thuong_binh", "War invalid" → one matching key. */
function categoryKey(text: string): string {
  return foldVietnamese(text)
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * The category a spreadsheet cell names: its code, its Vietnamese or English name, or the first clause of the
 * Vietnamese name ("Thương binh" for "Thương binh, người hưởng chính sách như thương binh") — with or without
 * diacritics, in any case.
 */
export function categoryFromText(text: string): BeneficiaryCategory | undefined {
  if (!byKey) {
    const map = new Map<string, BeneficiaryCategory>();
    for (const category of beneficiaryCategories()) {
      const firstClause = category.nameVi.split(',')[0];
      for (const name of [category.code, category.nameVi, category.nameEn, firstClause]) {
        const key = categoryKey(name);
        // The first category to claim a name keeps it, so a shared first clause never changes a match.
        if (key !== '' && !map.has(key)) map.set(key, category);
      }
    }
    byKey = map;
  }
  return byKey.get(categoryKey(text));
}
