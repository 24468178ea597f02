import { maskNationalId } from '../common/redact';
import { CellValue, cellText } from '../imports/cells';
import { ColumnMap, fingerprintOf, HeaderSpec, readHeaderOf, RowCells } from '../imports/import-table';
import { categoryCodes, categoryFromText } from './categories';
import {
  birthYearProblem,
  communeKey,
  IdKind,
  idKindOf,
  MatchFields,
  nameKey,
  nationalIdProblem,
} from './identity';

/**
 * The rows of a beneficiaries import file, whatever the file's format: one header row naming the columns, then
 * one household per row. Pure (no database); the duplicate checks are the import service's.
 */

export const BENEFICIARY_COLUMNS = [
  'full_name',
  'category',
  'commune',
  'national_id',
  'birth_year',
  'address',
  'record_no',
  'housing_condition',
] as const;
export type BeneficiaryColumn = (typeof BENEFICIARY_COLUMNS)[number];

export const REQUIRED_BENEFICIARY_COLUMNS: readonly BeneficiaryColumn[] = [
  'full_name',
  'category',
  'commune',
];

/** Vietnamese header names (normalised: no diacritics, words joined by "_") for each column; `null` = ignored. */
export const BENEFICIARY_HEADER_ALIASES: Readonly<Record<string, BeneficiaryColumn | null>> = {
  ho_ten: 'full_name',
  ho_va_ten: 'full_name',
  chu_ho: 'full_name',
  ho_ten_chu_ho: 'full_name',
  ten_chu_ho: 'full_name',
  doi_tuong: 'category',
  loai_doi_tuong: 'category',
  xa: 'commune',
  xa_phuong: 'commune',
  phuong_xa: 'commune',
  xa_phuong_thi_tran: 'commune',
  cccd: 'national_id',
  so_cccd: 'national_id',
  cmnd: 'national_id',
  so_cmnd: 'national_id',
  cccd_cmnd: 'national_id',
  so_cccd_cmnd: 'national_id',
  so_dinh_danh: 'national_id',
  nam_sinh: 'birth_year',
  dia_chi: 'address',
  so_ho_so: 'record_no',
  tinh_trang_nha_o: 'housing_condition',
  nha_o: 'housing_condition',
  // "Số thứ tự", the row counter most Vietnamese spreadsheets start with, and a free-text note.
  stt: null,
  ghi_chu: null,
};

const HEADER_SPEC: HeaderSpec<BeneficiaryColumn> = {
  what: 'beneficiaries import',
  columns: BENEFICIARY_COLUMNS,
  required: REQUIRED_BENEFICIARY_COLUMNS,
  aliases: BENEFICIARY_HEADER_ALIASES,
  hint:
    `the header must name the columns ${REQUIRED_BENEFICIARY_COLUMNS.join(',')} and optionally ` +
    BENEFICIARY_COLUMNS.filter((c) => !REQUIRED_BENEFICIARY_COLUMNS.includes(c)).join(','),
};

/** Longest text each column may hold, in characters: the database column widths. */
const MAX_LENGTH: Readonly<Record<BeneficiaryColumn, number>> = {
  full_name: 200,
  category: 200,
  commune: 200,
  national_id: 20,
  birth_year: 20,
  address: 500,
  record_no: 50,
  housing_condition: 300,
};

export type BeneficiaryHeader = ColumnMap<BeneficiaryColumn>;

export interface BeneficiaryRow extends MatchFields {
  /** The row's line in the file (the header is line 1). */
  line: number;
  fullName: string;
  idKind: IdKind | null;
  category: string;
  commune: string;
  address: string | null;
  recordNo: string | null;
  housingCondition: string | null;
}

export type BeneficiaryRowResult = { ok: true; row: BeneficiaryRow } | { ok: false; errors: string[] };

export function readBeneficiaryHeader(cells: readonly CellValue[]): BeneficiaryHeader {
  return readHeaderOf(cells, HEADER_SPEC);
}

/** Parses and checks one data row on its own; every problem is reported, not just the first. */
export function parseBeneficiaryRow(
  line: number,
  cells: readonly CellValue[],
  header: BeneficiaryHeader,
  now = new Date(),
): BeneficiaryRowResult {
  const row = new RowCells(cells, header, MAX_LENGTH, true);
  const { errors } = row;
  const cell = (column: BeneficiaryColumn) => row.cell(column);
  const text = (column: BeneficiaryColumn) => row.text(column);
  const required = (column: BeneficiaryColumn) => row.required(column);

  const fullName = required('full_name');
  const categoryText = required('category');
  const category = categoryText === null ? undefined : categoryFromText(categoryText);
  if (categoryText !== null && !category) {
    errors.push(
      `category "${categoryText}" is not one of ${categoryCodes().join(', ')} ` +
        '(or their names in data/beneficiary-categories.json)',
    );
  }
  const commune = required('commune');
  const nationalId = parseNationalId(cell('national_id'));
  if (typeof nationalId === 'object' && nationalId !== null) errors.push(nationalId.error);
  const birthYear = parseBirthYear(cell('birth_year'), now);
  if (typeof birthYear === 'object' && birthYear !== null) errors.push(birthYear.error);
  const address = text('address');
  const recordNo = text('record_no');
  const housingCondition = text('housing_condition');

  if (
    errors.length > 0 ||
    fullName === null ||
    !category ||
    commune === null ||
    (typeof nationalId === 'object' && nationalId !== null) ||
    (typeof birthYear === 'object' && birthYear !== null)
  ) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    row: {
      line,
      fullName,
      nameFolded: nameKey(fullName),
      nationalId,
      idKind: nationalId === null ? null : idKindOf(nationalId),
      birthYear,
      category: category.code,
      commune,
      communeFolded: communeKey(commune),
      address,
      recordNo,
      housingCondition,
    },
  };
}

/**
 * A citizen ID cell: digits as text (format the column as Text in Excel). A number cell has lost its leading
 * zeros — every CCCD starts with 0 — so 10 or 11 digits are taken back to a 12-digit CCCD, and 8 to a 9-digit
 * CMND. The value is masked in messages: they reach terminals and answers.
 */
export function parseNationalId(cell: CellValue): string | null | { error: string } {
  let id: string;
  if (typeof cell === 'number') {
    if (!Number.isSafeInteger(cell) || cell <= 0) return { error: 'national_id must be digits' };
    id = String(cell);
    if (id.length === 10 || id.length === 11) id = id.padStart(12, '0');
    else if (id.length === 8) id = id.padStart(9, '0');
  } else {
    const text = cellText(cell, 'national_id');
    if (text === null) return null;
    if (typeof text === 'object') return text;
    id = text;
  }
  const problem = nationalIdProblem(id);
  if (problem === null) return id;
  return { error: `national_id ${/^\d+$/.test(id) ? maskNationalId(id) : '(not digits)'} ${problem}` };
}

const DATE_TEXT = /^(?:\d{1,2}[/.-]\d{1,2}[/.-](\d{4})|(\d{4})-\d{2}-\d{2})$/;

/** A birth year: `1950`, a number cell, or a date of birth (`15/03/1950`, `1950-03-15`, a date cell) of which the year is kept. */
export function parseBirthYear(cell: CellValue, now = new Date()): number | null | { error: string } {
  let year: number;
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return { error: 'birth_year is not a valid date' };
    year = cell.getUTCFullYear();
  } else if (typeof cell === 'number') {
    year = cell;
  } else {
    const text = cellText(cell, 'birth_year');
    if (text === null) return null;
    if (typeof text === 'object') return text;
    const date = DATE_TEXT.exec(text);
    if (!/^\d{4}$/.test(text) && !date) {
      return { error: `birth_year "${text}" must be a year (1950) or a date of birth (15/03/1950)` };
    }
    year = Number(date ? (date[1] ?? date[2]) : text);
  }
  const problem = birthYearProblem(year, now);
  return problem === null ? year : { error: `birth_year ${year} ${problem}` };
}

/**
 * SHA-256 of what makes a row the household it is: name (diacritics-insensitive), citizen ID, birth year, commune,
 * category and record number. Address and housing condition describe the household and may change; a file that
 * only updates them adds nothing. Identical rows are told apart by their order in the file (ImportKeys).
 */
export function beneficiaryFingerprint(row: BeneficiaryRow): string {
  return fingerprintOf([
    row.nameFolded,
    row.nationalId ?? '',
    row.birthYear === null ? '' : String(row.birthYear),
    row.communeFolded,
    row.category,
    row.recordNo ?? '',
  ]);
}
