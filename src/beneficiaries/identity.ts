import { foldVietnamese } from '../common/text';

/**
 * How a household is identified and matched: its citizen ID (DESIGN.md §5), and the keys the duplicate rules of
 * DESIGN.md §6 compare. Pure functions, shared by the API, the import and the duplicate checks.
 */

export type IdKind = 'cccd' | 'cmnd';

/** Earliest birth year accepted: the oldest pre-1945 revolutionaries were born in the 1880s. */
export const MIN_BIRTH_YEAR = 1880;

/** CCCD province codes run from 001 (Hà Nội) to 096 (Cà Mau); 010 is Lào Cai. */
const MIN_PROVINCE_CODE = 1;
const MAX_PROVINCE_CODE = 96;

/** The problem with a citizen ID, or null when it is a CCCD (12 digits) or a legacy CMND (9 digits). */
export function nationalIdProblem(id: string): string | null {
  if (/^\d{9}$/.test(id)) return null;
  if (!/^\d{12}$/.test(id)) return 'must be a 12-digit CCCD or a legacy 9-digit CMND';
  const province = Number(id.slice(0, 3));
  if (province < MIN_PROVINCE_CODE || province > MAX_PROVINCE_CODE) {
    return 'is not a CCCD: its first 3 digits must be a province code from 001 to 096';
  }
  return null;
}

/** A valid ID's kind: 9 digits are a legacy CMND, flagged so the CCCD can be recorded when the household renews. */
export function idKindOf(id: string): IdKind {
  return id.length === 9 ? 'cmnd' : 'cccd';
}

/** Built once: a DateTimeFormat costs far more than the row it would check (it held 800 MB over 25,000 rows). */
const VIETNAM_YEAR = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' });

/** The latest birth year accepted: this year in Vietnam (UTC+7). */
export function maxBirthYear(now = new Date()): number {
  return Number(VIETNAM_YEAR.format(now));
}

export function birthYearProblem(year: number, now = new Date()): string | null {
  if (!Number.isInteger(year)) return 'must be a whole year';
  if (year < MIN_BIRTH_YEAR || year > maxBirthYear(now)) {
    return `must be a year from ${MIN_BIRTH_YEAR} to ${maxBirthYear(now)}`;
  }
  return null;
}

/** The name as households are matched: "Nguyễn  Văn An" and "nguyen van an" are the same. */
export function nameKey(fullName: string): string {
  return foldVietnamese(fullName.normalize('NFC'));
}

const UNIT_PREFIX = /^(xã|phường|thị trấn)\s+/iu;

/**
 * The commune as households are matched: without diacritics or case, and without the unit word in front, so "Xã Tả
 * Van", "Tả Van" and "ta van" are one commune. Only the word with its diacritics is taken off ("Xà Phìn" and "Xá
 * Lượng" are names, not "xã" + a name).
 */
export function communeKey(commune: string): string {
  const text = commune.normalize('NFC').trim();
  const stripped = text.replace(UNIT_PREFIX, '');
  return foldVietnamese(stripped === '' ? text : stripped);
}

/** Why two households may be one. */
export type DuplicateRule = 'national_id' | 'name_birth_year_commune';

/** What a reason says, for people: "same CCCD", "same CMND", "same name, birth year and commune". */
export function reasonText(rule: DuplicateRule, idKind: IdKind | null = 'cccd'): string {
  if (rule === 'national_id') return idKind === 'cmnd' ? 'same CMND' : 'same CCCD';
  return 'same name, birth year and commune';
}

/** The fields the duplicate rules look at. */
export interface MatchFields {
  nationalId: string | null;
  nameFolded: string;
  birthYear: number | null;
  communeFolded: string;
}

/** The rules under which two households look like one (in rule order; empty when they do not). */
export function matchingRules(a: MatchFields, b: MatchFields): DuplicateRule[] {
  const rules: DuplicateRule[] = [];
  if (a.nationalId !== null && a.nationalId === b.nationalId) rules.push('national_id');
  if (
    a.birthYear !== null &&
    a.birthYear === b.birthYear &&
    a.nameFolded === b.nameFolded &&
    a.communeFolded === b.communeFolded
  ) {
    rules.push('name_birth_year_commune');
  }
  return rules;
}

/** The key of the name rule, or null when the birth year is unknown (the rule then cannot apply). */
export function nameRuleKey(fields: MatchFields): string | null {
  if (fields.birthYear === null) return null;
  return `${fields.nameFolded}\u001f${fields.birthYear}\u001f${fields.communeFolded}`;
}
