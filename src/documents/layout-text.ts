import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEMPLATES_DIR } from '../common/paths';

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

/** templates/documents/receipt.vi.json and payment.vi.json (C40-BB / C41-BB). */
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
  reasonLabel: string;
  amountLabel: string;
  amountWordsLabel: string;
  attachmentsLabel: string;
  attachmentsLine: string;
  blank: string;
  signatures: SignatureText[];
  receivedLine: string;
  qrCaption: string;
  copyStamp: string;
  voidStamp: string;
  voidNoteLabel: string;
  annexTitle: string;
  annexSubtitle: string;
  annexColumns: { index: string; name: string; amount: string; note: string };
  annexTotal: string;
  pageNumber: string;
}

/** templates/documents/donor-statement.vi.json (thư cảm ơn). */
export interface DonorStatementText {
  documentTitle: string;
  nationalTitle: string;
  nationalMotto: string;
  dateLine: string;
  title: string;
  subtitle: string;
  greetingLabel: string;
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
  thanks: string[];
  recipientsLabel: string;
  recipients: string[];
  signature: { lines: string[]; hint: string };
  pageNumber: string;
}

/** The expected shape of a template, derived from its interface so the two cannot drift apart. */
type Shape<T> = T extends string
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
  reasonLabel: 'string',
  amountLabel: 'string',
  amountWordsLabel: 'string',
  attachmentsLabel: 'string',
  attachmentsLine: 'string',
  blank: 'string',
  signatures: [SIGNATURE],
  receivedLine: 'string',
  qrCaption: 'string',
  copyStamp: 'string',
  voidStamp: 'string',
  voidNoteLabel: 'string',
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
  title: 'string',
  subtitle: 'string',
  greetingLabel: 'string',
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
  thanks: ['string'],
  recipientsLabel: 'string',
  recipients: ['string'],
  signature: { lines: ['string'], hint: 'string' },
  pageNumber: 'string',
};

export class TemplateError extends Error {}

const cache = new Map<string, unknown>();

function load<T>(file: string, shape: Shape<T>): T {
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

export function voucherText(kind: 'receipt' | 'payment'): VoucherText {
  return load<VoucherText>(`${kind}.vi.json`, VOUCHER_SHAPE);
}

export function donorStatementText(): DonorStatementText {
  return load<DonorStatementText>('donor-statement.vi.json', DONOR_STATEMENT_SHAPE);
}

/** Fills {name} placeholders; a placeholder with no value is a template error, never printed as is. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new TemplateError(`no value for {${key}} in "${template}"`);
    return String(value);
  });
}
