import type { Writable } from 'node:stream';
import type { ExportFormat, ExportPlan } from '../export.types';
import { BeancountJournalWriter } from './beancount';
import { CsvJournalWriter } from './csv';
import { PlainTextJournalWriter } from './hledger';
import type { JournalWriter } from './journal-writer';
import { XlsxJournalWriter } from './xlsx';

export type { JournalWriter } from './journal-writer';

/** File name ending, MIME type, and writer of each format. */
export const FORMATS: Record<
  ExportFormat,
  { extension: string; contentType: string; writer: (plan: ExportPlan, out: Writable) => JournalWriter }
> = {
  csv: {
    extension: 'csv',
    contentType: 'text/csv; charset=utf-8',
    writer: (plan, out) => new CsvJournalWriter(plan, out),
  },
  xlsx: {
    extension: 'xlsx',
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    writer: (plan, out) => new XlsxJournalWriter(plan, out),
  },
  hledger: {
    extension: 'hledger',
    contentType: 'text/plain; charset=utf-8',
    writer: (plan, out) => new PlainTextJournalWriter(plan, out),
  },
  beancount: {
    extension: 'beancount',
    contentType: 'text/plain; charset=utf-8',
    writer: (plan, out) => new BeancountJournalWriter(plan, out),
  },
};
