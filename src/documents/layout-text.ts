import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEMPLATES_DIR } from '../common/paths';
import type { VoucherKind } from './document.types';

/**
 * The wording printed on documents (labels, titles, form codes, signature titles, stamps) lives in
 * templates/documents/*.json, so an accountant can correct a label without touching code. Each file is read
 * and checked against its shape once per process. Placeholders are written {name} and filled by fill().
 */
export const DOCUMENT_TEMPLATES_DIR = path.join(TEMPLATES_DIR, 'documents');

export interface SignatureText {
  title: string;
  hint: string;
}

/**
 * templates/documents/receipt.vi.json and payment.vi.json (C40-BB / C41-BB), bank-receipt.vi.json (Giấy xác nhận
 * đóng góp) and bank-payment.vi.json (Ủy nhiệm chi). `formNote` names the circular with {circular}, the one in
 * force on the document's date (templates/documents/circulars.json).
 */
export interface VoucherText {
  documentTitle: string;
  formCode: string;
  formNote: string;
  unitLabel: string;
  fundCodeLabel: string;
  title: string;
  dateLine: string;
  bookNoLabel: string;
  numberLabel: string;
  debitLabel: string;
  creditLabel: string;
  partyNameLabel: string;
  partyAddressLabel: string;
  onBehalfLabel: string;
  reasonLabel: string;
  amountLabel: string;
  amountWordsLabel: string;
  attachmentsLabel: string;
  attachmentsLine: string;
  attachmentsDetailLine: string;
  blank: string;
  /** Bank documents' fields; an empty label leaves the field out. */
  bankLabels: Record<'payer' | 'payerAccount' | 'reference' | 'date' | 'payeeAccount' | 'payeeBank', string>;
  signatures: SignatureText[];
  receivedLine: string;
  qrCaption: string;
  copyStamp: string;
  voidStamp: string;
  voidNoteLabel: string;
  /** A late entry (ghi bổ sung): the line under the date, and the label of its reason and confirmation. */
  lateTitle: string;
  lateNoteLabel: string;
  annexTitle: string;
  annexSubtitle: string;
  annexColumns: { index: string; name: string; amount: string; note: string };
  annexTotal: string;
  pageNumber: string;
}

export type DonorAddressee = 'individual' | 'organisation' | 'agency';

/** templates/documents/donor-statement.vi.json (thư cảm ơn). */
export interface DonorStatementText {
  documentTitle: string;
  nationalTitle: string;
  nationalMotto: string;
  dateLine: string;
  /** "{place}, ngày …": the date line when the unit's place is known. */
  placeDateLine: string;
  numberLine: string;
  title: string;
  subtitle: string;
  greetingLabel: string;
  /** How the letter names the donor: Ông/Bà for an individual, the name for an agency or an organisation. */
  addressee: Record<DonorAddressee, string>;
  addressLabel: string;
  intro: string;
  /** Printed before the table, only when the year has receipts. */
  listIntro: string;
  columns: { index: string; number: string; date: string; purpose: string; amount: string; note: string };
  purposeNone: string;
  voidedNote: string;
  voidedExplanation: string;
  totalLabel: string;
  totalWordsLabel: string;
  noReceipts: string;
  /** An agency is thanked without wishes of health. */
  thanks: Record<DonorAddressee, string[]>;
  recipientsLabel: string;
  recipients: string[];
  signature: { lines: string[]; hint: string };
  pageNumber: string;
}

/** templates/documents/statement.vi.json (báo cáo thu chi; its labels also head the XLSX and CSV forms). */
export interface StatementText {
  documentTitle: string;
  fileName: string;
  nationalTitle: string;
  nationalMotto: string;
  placeDateLine: string;
  numberLine: string;
  title: string;
  period: string;
  fundLabel: string;
  scopeLabel: string;
  scopeOwn: string;
  scopeConsolidated: string;
  eliminatedNote: string;
  closingNote: string;
  unitNote: string;
  columns: { index: string; item: string; households: string; amount: string };
  sections: {
    opening: string;
    receipts: string;
    disbursements: string;
    otherMovements: string;
    closing: string;
    receiptsByLevel: string;
    years: string;
  };
  /** Keyed as the statement view's byDonorKind, byPurpose and byLevel, in the order they are printed. */
  donorKinds: Record<string, string>;
  purposes: Record<string, string>;
  levels: Record<string, string>;
  levelsTitle: string;
  levelColumns: { index: string; level: string; amount: string };
  receiptsWords: string;
  disbursementsWords: string;
  closingWords: string;
  negativeWords: string;
  chartTitle: string;
  chartReceipts: string;
  chartDisbursements: string;
  chartUnit: string;
  chartUnits: { billion: string; million: string; dong: string };
  yearsTitle: string;
  yearColumns: {
    year: string;
    receipts: string;
    disbursements: string;
    households: string;
    closingBalance: string;
  };
  yearColumn: string;
  sheetName: string;
  dateLine: string;
  signatures: SignatureText[];
  pageNumber: string;
}

export type BookKind = 'general' | 'cash' | 'bank' | 'journal';

/** The wording of one book in templates/documents/books.vi.json. */
export interface BookWording {
  title: string;
  documentTitle: string;
  fileName: string;
  sheetName: string;
  formCode: string;
  formNote: string;
  signatures: SignatureText[];
}

/** templates/documents/books.vi.json (sổ cái, sổ quỹ tiền mặt, sổ tiền gửi, sổ nhật ký chung). */
export interface BooksText {
  books: Record<BookKind, BookWording>;
  unitLabel: string;
  fundLine: string;
  accountLine: string;
  periodLine: string;
  currencyNote: string;
  continuationHeader: string;
  columns: Record<
    | 'date'
    | 'documentDate'
    | 'entryNo'
    | 'reference'
    | 'receiptNo'
    | 'paymentNo'
    | 'description'
    | 'counterAccounts'
    | 'account'
    | 'memo'
    | 'debit'
    | 'credit'
    | 'balanceDebit'
    | 'balanceCredit'
    | 'receipt'
    | 'payment'
    | 'cashBalance',
    string
  >;
  openingRow: string;
  monthRow: string;
  totalRow: string;
  closingRow: string;
  carriedForward: string;
  broughtForward: string;
  noEntries: string;
  pageCountLine: string;
  openedLine: string;
  signatureDateLine: string;
  pageNumber: string;
}

/** The expected shape of a template, derived from its interface so the two cannot drift apart. */
export type Shape<T> = T extends string
  ? 'string'
  : T extends (infer Item)[]
    ? [Shape<Item>]
    : { [Key in keyof T]: Shape<T[Key]> };

const SIGNATURE: Shape<SignatureText> = { title: 'string', hint: 'string' };

const VOUCHER_SHAPE: Shape<VoucherText> = {
  documentTitle: 'string',
  formCode: 'string',
  formNote: 'string',
  unitLabel: 'string',
  fundCodeLabel: 'string',
  title: 'string',
  dateLine: 'string',
  bookNoLabel: 'string',
  numberLabel: 'string',
  debitLabel: 'string',
  creditLabel: 'string',
  partyNameLabel: 'string',
  partyAddressLabel: 'string',
  onBehalfLabel: 'string',
  reasonLabel: 'string',
  amountLabel: 'string',
  amountWordsLabel: 'string',
  attachmentsLabel: 'string',
  attachmentsLine: 'string',
  attachmentsDetailLine: 'string',
  blank: 'string',
  bankLabels: {
    payer: 'string',
    payerAccount: 'string',
    reference: 'string',
    date: 'string',
    payeeAccount: 'string',
    payeeBank: 'string',
  },
  signatures: [SIGNATURE],
  receivedLine: 'string',
  qrCaption: 'string',
  copyStamp: 'string',
  voidStamp: 'string',
  voidNoteLabel: 'string',
  lateTitle: 'string',
  lateNoteLabel: 'string',
  annexTitle: 'string',
  annexSubtitle: 'string',
  annexColumns: { index: 'string', name: 'string', amount: 'string', note: 'string' },
  annexTotal: 'string',
  pageNumber: 'string',
};

const DONOR_STATEMENT_SHAPE: Shape<DonorStatementText> = {
  documentTitle: 'string',
  nationalTitle: 'string',
  nationalMotto: 'string',
  dateLine: 'string',
  placeDateLine: 'string',
  numberLine: 'string',
  title: 'string',
  subtitle: 'string',
  greetingLabel: 'string',
  addressee: { individual: 'string', organisation: 'string', agency: 'string' },
  addressLabel: 'string',
  intro: 'string',
  listIntro: 'string',
  columns: {
    index: 'string',
    number: 'string',
    date: 'string',
    purpose: 'string',
    amount: 'string',
    note: 'string',
  },
  purposeNone: 'string',
  voidedNote: 'string',
  voidedExplanation: 'string',
  totalLabel: 'string',
  totalWordsLabel: 'string',
  noReceipts: 'string',
  thanks: { individual: ['string'], organisation: ['string'], agency: ['string'] },
  recipientsLabel: 'string',
  recipients: ['string'],
  signature: { lines: ['string'], hint: 'string' },
  pageNumber: 'string',
};

/** Every label of a map, by key: a key the template lacks, or one it adds, is refused. */
function labelsOf<Key extends string>(keys: readonly Key[]): Record<Key, 'string'> {
  return Object.fromEntries(keys.map((key) => [key, 'string'])) as Record<Key, 'string'>;
}

const STATEMENT_SHAPE: Shape<StatementText> = {
  ...labelsOf([
    'documentTitle',
    'fileName',
    'nationalTitle',
    'nationalMotto',
    'placeDateLine',
    'numberLine',
    'title',
    'period',
    'fundLabel',
    'scopeLabel',
    'scopeOwn',
    'scopeConsolidated',
    'eliminatedNote',
    'closingNote',
    'unitNote',
    'levelsTitle',
    'receiptsWords',
    'disbursementsWords',
    'closingWords',
    'negativeWords',
    'chartTitle',
    'chartReceipts',
    'chartDisbursements',
    'chartUnit',
    'yearsTitle',
    'yearColumn',
    'sheetName',
    'dateLine',
    'pageNumber',
  ]),
  columns: labelsOf(['index', 'item', 'households', 'amount']),
  sections: labelsOf([
    'opening',
    'receipts',
    'disbursements',
    'otherMovements',
    'closing',
    'receiptsByLevel',
    'years',
  ]),
  donorKinds: labelsOf(['agency', 'enterprise', 'organization', 'individual', 'other']),
  purposes: labelsOf([
    'house_new',
    'house_repair',
    'visit_gift',
    'hardship',
    'savings_book',
    'memorial',
    'management',
    'transfer',
    'other',
  ]),
  levels: labelsOf(['central', 'province', 'district', 'commune']),
  levelColumns: labelsOf(['index', 'level', 'amount']),
  chartUnits: labelsOf(['billion', 'million', 'dong']),
  yearColumns: labelsOf(['year', 'receipts', 'disbursements', 'households', 'closingBalance']),
  signatures: [SIGNATURE],
};

const BOOK_WORDING: Shape<BookWording> = {
  ...labelsOf(['title', 'documentTitle', 'fileName', 'sheetName', 'formCode', 'formNote']),
  signatures: [SIGNATURE],
};

const BOOKS_SHAPE: Shape<BooksText> = {
  books: { general: BOOK_WORDING, cash: BOOK_WORDING, bank: BOOK_WORDING, journal: BOOK_WORDING },
  ...labelsOf([
    'unitLabel',
    'fundLine',
    'accountLine',
    'periodLine',
    'currencyNote',
    'continuationHeader',
    'openingRow',
    'monthRow',
    'totalRow',
    'closingRow',
    'carriedForward',
    'broughtForward',
    'noEntries',
    'pageCountLine',
    'openedLine',
    'signatureDateLine',
    'pageNumber',
  ]),
  columns: labelsOf([
    'date',
    'documentDate',
    'entryNo',
    'reference',
    'receiptNo',
    'paymentNo',
    'description',
    'counterAccounts',
    'account',
    'memo',
    'debit',
    'credit',
    'balanceDebit',
    'balanceCredit',
    'receipt',
    'payment',
    'cashBalance',
  ]),
};

export class TemplateError extends Error {}

const cache = new Map<string, unknown>();

/**
 * The one loader of templates/documents/*.json: reads `file` once per process and checks it against `shape`
 * (every label present and a string, no unknown label), so a template error shows on the first document, with
 * the path of the label at fault.
 */
export function loadTemplate<T>(file: string, shape: Shape<T>): T {
  const cached = cache.get(file);
  if (cached !== undefined) return cached as T;
  const fullPath = path.join(DOCUMENT_TEMPLATES_DIR, file);
  const parsed: unknown = JSON.parse(fs.readFileSync(fullPath, 'utf8'));
  check(parsed, shape, file);
  cache.set(file, parsed);
  return parsed as T;
}

type ShapeNode = 'string' | [ShapeNode] | { [key: string]: ShapeNode };

function check(value: unknown, shape: ShapeNode, where: string): void {
  if (shape === 'string') {
    if (typeof value !== 'string') throw new TemplateError(`${where} must be a string`);
    return;
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) throw new TemplateError(`${where} must be a list`);
    value.forEach((item, index) => check(item, shape[0], `${where}[${index}]`));
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TemplateError(`${where} must be an object`);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(shape)) check(record[key], shape[key], `${where}.${key}`);
  for (const key of Object.keys(record)) {
    if (!(key in shape)) throw new TemplateError(`${where}.${key} is not a known label`);
  }
}

export function voucherText(kind: VoucherKind): VoucherText {
  return loadTemplate<VoucherText>(`${kind}.vi.json`, VOUCHER_SHAPE);
}

/** templates/documents/circulars.json: the circular forms cite, each from the day it applies. */
export interface CircularsText {
  citations: { from: string; citation: string }[];
}

const CIRCULARS_SHAPE: Shape<CircularsText> = { citations: [{ from: 'string', citation: 'string' }] };

/**
 * The circular in force on a document's `date` (never the printing date): the last whose `from` is that day or
 * before; a date before the first `from` takes the first, the oldest regime the fund keeps books under.
 */
export function circularOn(date: string): string {
  const { citations } = loadTemplate<CircularsText>('circulars.json', CIRCULARS_SHAPE);
  if (citations.length === 0) throw new TemplateError('circulars.json.citations must not be empty');
  citations.forEach((entry, index) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(entry.from) || (index > 0 && entry.from <= citations[index - 1].from))
      throw new TemplateError(`circulars.json.citations[${index}].from must be a date after the one before`);
  });
  let chosen = citations[0];
  for (const entry of citations) if (entry.from <= date) chosen = entry;
  return chosen.citation;
}

export function statementText(): StatementText {
  return loadTemplate<StatementText>('statement.vi.json', STATEMENT_SHAPE);
}

export function booksText(): BooksText {
  return loadTemplate<BooksText>('books.vi.json', BOOKS_SHAPE);
}

export function donorStatementText(): DonorStatementText {
  return loadTemplate<DonorStatementText>('donor-statement.vi.json', DONOR_STATEMENT_SHAPE);
}

/** Fills {name} placeholders; a placeholder with no value is a template error, never printed as is. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new TemplateError(`no value for {${key}} in "${template}"`);
    return String(value);
  });
}
