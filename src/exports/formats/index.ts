import type { Writable } from 'node:stream';
import type { ExportFormat, ExportPlan } from '../export.types';
import { BeancountJournalWriter } from './beancount';
import { CsvJournalWriter } from './csv';
import { PlainTextJournalWriter } from './hledger';
import type { JournalWriter } from './journal-writer';
import { XlsxJournalWriter } from './xlsx';

export type { JournalWriter } from './journal-writer';

/** File name ending, MIME type, and writer of each format; `parties`: it shows each entry's donor and payee. */
export const FORMATS: Record<
  ExportFormat,
  {
    extension: string;
    contentType: string;
    parties: boolean;
    writer: (plan: ExportPlan, out: Writable) => JournalWriter;
  }
> = {
  csv: {
    extension: 'csv',
    parties: false,
    contentType: 'text/csv; charset=utf-8',
    writer: (plan, out) => new CsvJournalWriter(plan, out),
  },
  xlsx: {
    extension: 'xlsx',
    parties: true,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    writer: (plan, out) => new XlsxJournalWriter(plan, out),
  },
  hledger: {
    extension: 'hledger',
    parties: false,
    contentType: 'text/plain; charset=utf-8',
    writer: (plan, out) => new PlainTextJournalWriter(plan, out),
  },
  beancount: {
    extension: 'beancount',
    parties: false,
    contentType: 'text/plain; charset=utf-8',
    writer: (plan, out) => new BeancountJournalWriter(plan, out),
  },
};
