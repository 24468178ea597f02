import { isEmail } from 'class-validator';
import { Money } from '../common/money';
import { foldVietnamese } from '../common/text';
import { DonorKind, PaymentMethod } from '../contributions/entities';
import { aliasKey, CellValue, parseAmount, parseDate } from './cells';
import { ColumnMap, fingerprintOf, HeaderSpec, readHeaderOf, RowCells } from './import-table';

/**
 * The rows of a contributions import file, whatever the file's format: one header row naming the columns, then
 * one contribution per row. Everything here is pure (no database); the rules that need the books are in
 * import-reference.ts.
 */

export const IMPORT_COLUMNS = [
  'fund_code',
  'date',
  'donor_name',
  'donor_kind',
  'amount',
  'method',
  'campaign',
  'purpose',
  'donor_address',
  'donor_email',
  'donor_tax_code',
  'reference',
  'original_no',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

export const REQUIRED_COLUMNS: readonly ImportColumn[] = [
  'fund_code',
  'date',
  'donor_name',
  'donor_kind',
  'amount',
  'method',
];

/** Vietnamese header names (folded: no diacritics, words joined by "_") for each column; `null` = ignored. */
export const HEADER_ALIASES: Readonly<Record<string, ImportColumn | null>> = {
  ma_quy: 'fund_code',
  ngay: 'date',
  ngay_nop: 'date',
  ten_nguoi_nop: 'donor_name',
  nguoi_nop: 'donor_name',
  loai: 'donor_kind',
  loai_nguoi_nop: 'donor_kind',
  so_tien: 'amount',
  hinh_thuc: 'method',
  hinh_thuc_nop: 'method',
  dot_van_dong: 'campaign',
  muc_dich: 'purpose',
  dia_chi: 'donor_address',
  email: 'donor_email',
  ma_so_thue: 'donor_tax_code',
  mst: 'donor_tax_code',
  so_chung_tu: 'reference',
  so_phieu: 'reference',
  // The paper document's own number ("Số phiếu gốc"), printed where the number is (issue 10 item 3).
  so_goc: 'original_no',
  so_phieu_goc: 'original_no',
  so_chung_tu_goc: 'original_no',
  // "Số thứ tự", the row counter most Vietnamese spreadsheets start with.
  stt: null,
};

const KIND_ALIASES: Readonly<Record<string, DonorKind>> = {
  agency: 'agency',
  'co-quan': 'agency',
  'co-quan-don-vi': 'agency',
  enterprise: 'enterprise',
  'doanh-nghiep': 'enterprise',
  organization: 'organization',
  'to-chuc': 'organization',
  individual: 'individual',
  'ca-nhan': 'individual',
};

const METHOD_ALIASES: Readonly<Record<string, PaymentMethod>> = {
  cash: 'cash',
  'tien-mat': 'cash',
  bank: 'bank',
  'chuyen-khoan': 'bank',
  'ngan-hang': 'bank',
};

/** Longest text each column may hold, in characters: the database column widths. */
const MAX_LENGTH: Readonly<Record<ImportColumn, number>> = {
  fund_code: 32,
  date: 10,
  donor_name: 300,
  donor_kind: 32,
  amount: 32,
  method: 32,
  campaign: 32,
  purpose: 300,
  donor_address: 500,
  donor_email: 200,
  donor_tax_code: 14,
  reference: 100,
  original_no: 40,
};

/** Which cell of a row holds which column (0-based positions). */
export type HeaderMap = ColumnMap<ImportColumn>;

const HEADER_SPEC: HeaderSpec<ImportColumn> = {
  what: 'contributions import',
  columns: IMPORT_COLUMNS,
  required: REQUIRED_COLUMNS,
  aliases: HEADER_ALIASES,
  hint: `the header must name the columns ${IMPORT_COLUMNS.join(',')} (the last seven are optional)`,
};

export interface ContributionRow {
  /** The row's line in the file (the header is line 1). */
  line: number;
  fundCode: string;
  date: string;
  donorName: string;
  /** The name without diacritics or case, as donors are matched (`Donor.nameFolded`). */
  donorNameFolded: string;
  donorKind: DonorKind;
  amount: Money;
  method: PaymentMethod;
  campaign: string | null;
  purpose: string | null;
  donorAddress: string | null;
  donorEmail: string | null;
  donorTaxCode: string | null;
  reference: string | null;
  /** The old paper document's number, kept and printed where the number is; null when the file gives none. */
  originalNo: string | null;
}

/** The fields a row is checked against the books by, as far as they could be read. */
export interface RowKeys {
  fundCode: string | null;
  date: string | null;
  campaign: string | null;
}

/** A good row, or its problems (with what could be read of it, so the books' checks can add theirs). */
export type RowResult = { ok: true; row: ContributionRow } | { ok: false; errors: string[]; keys: RowKeys };

/** Donor names and their folded forms met so far: a file's rows name the same donors again and again. */
const FOLDED_NAMES = new Map<string, string>();
const MAX_REMEMBERED_NAMES = 20_000;

function foldedName(name: string): string {
  let folded = FOLDED_NAMES.get(name);
  if (folded === undefined) {
    folded = foldVietnamese(name);
    if (FOLDED_NAMES.size >= MAX_REMEMBERED_NAMES) FOLDED_NAMES.clear();
    FOLDED_NAMES.set(name, folded);
  }
  return folded;
}

/** Reads the header row; every problem with it is reported at once (400: no row can be read without it). */
export function readHeader(cells: readonly CellValue[]): HeaderMap {
  return readHeaderOf(cells, HEADER_SPEC);
}

/** Parses and checks one data row on its own; every problem is reported, not just the first. */
export function parseContributionRow(
  line: number,
  cells: readonly CellValue[],
  header: HeaderMap,
): RowResult {
  const row = new RowCells(cells, header, MAX_LENGTH);
  const { errors } = row;
  const cell = (column: ImportColumn) => row.cell(column);
  const text = (column: ImportColumn) => row.text(column);
  const required = (column: ImportColumn) => row.required(column);

  const fundCode = required('fund_code');
  const date = parseDate(cell('date'));
  if (typeof date !== 'string') errors.push(date.error);
  const donorName = required('donor_name');
  const kindText = required('donor_kind');
  const donorKind = kindText === null ? null : KIND_ALIASES[aliasKey(kindText)];
  if (kindText !== null && !donorKind) {
    errors.push(
      `donor_kind "${kindText}" is not one of agency, enterprise, organization, individual ` +
        '(or cơ quan, doanh nghiệp, tổ chức, cá nhân)',
    );
  }
  const amount = parseAmount(cell('amount'));
  if (!(amount instanceof Money)) errors.push(amount.error);
  const methodText = required('method');
  const method = methodText === null ? null : METHOD_ALIASES[aliasKey(methodText)];
  if (methodText !== null && !method) {
    errors.push(`method "${methodText}" is not one of cash, bank (or tiền mặt, chuyển khoản)`);
  }
  const campaign = text('campaign');
  const purpose = text('purpose');
  const donorAddress = text('donor_address');
  const donorEmail = text('donor_email');
  if (donorEmail !== null && !isEmail(donorEmail))
    errors.push(`donor_email "${donorEmail}" is not an e-mail address`);
  const donorTaxCode = text('donor_tax_code');
  if (donorTaxCode !== null && !/^\d{10}(-\d{3})?$/.test(donorTaxCode)) {
    errors.push(`donor_tax_code "${donorTaxCode}" must be 10 digits, or 10 digits, a dash and 3 digits`);
  }
  const reference = text('reference');
  const originalNo = text('original_no');

  if (
    errors.length > 0 ||
    fundCode === null ||
    typeof date !== 'string' ||
    donorName === null ||
    !donorKind ||
    !(amount instanceof Money) ||
    !method
  ) {
    return { ok: false, errors, keys: { fundCode, date: typeof date === 'string' ? date : null, campaign } };
  }
  return {
    ok: true,
    row: {
      line,
      fundCode,
      date,
      donorName,
      donorNameFolded: foldedName(donorName),
      donorKind,
      amount,
      method,
      campaign,
      purpose,
      donorAddress,
      donorEmail,
      donorTaxCode,
      reference,
      originalNo,
    },
  };
}

/**
 * SHA-256 of what makes a row the gift it is: fund, date, donor (diacritics-insensitive) and kind, amount,
 * method and the original document number. Two rows with the same fingerprint are told apart by the order in
 * which they occur in the file (see `importKey`).
 */
export function rowFingerprint(row: ContributionRow): string {
  const parts = [
    row.fundCode,
    row.date,
    row.donorNameFolded,
    row.donorKind,
    row.amount.toString(),
    row.method,
    row.reference ?? '',
    // Only when given, so a file imported before the column existed keeps its rows' keys.
    ...(row.originalNo === null ? [] : [`original_no=${row.originalNo}`]),
  ];
  return fingerprintOf(parts);
}
