import type { ExportEntry } from '../export.types';
import { TextJournalWriter } from './journal-writer';

/** The columns of the CSV and XLSX journals: one row per journal line. */
export const JOURNAL_COLUMNS = [
  'entry_id',
  'fund',
  'number',
  'date',
  'source',
  'reference',
  'description',
  'account',
  'account_name',
  'debit',
  'credit',
  'memo',
  'entry_hash',
  'reversal_of',
] as const;

const BOM = '\uFEFF';
const EOL = '\r\n';

/** RFC 4180: a field with a comma, quote or line break (or edge spaces) is quoted, its quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Free text (descriptions, memos, names). A spreadsheet would run a cell that starts with = + - @ (or a tab or
 * carriage return) as a formula, so such text gets a leading apostrophe, which spreadsheets show as text.
 */
export function csvText(value: string | null): string {
  if (value === null) return '';
  return csvField(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
}

/** UTF-8 with a byte-order mark (so Excel reads Vietnamese), CRLF line ends, amounts as plain digits. */
export class CsvJournalWriter extends TextJournalWriter {
  protected header(): string {
    return BOM + JOURNAL_COLUMNS.join(',') + EOL;
  }

  protected entry(e: ExportEntry): string {
    return e.lines
      .map(
        (l) =>
          [
            String(e.id),
            csvField(e.fund.code),
            String(e.number),
            e.date,
            e.source,
            csvText(e.sourceRef),
            csvText(e.description),
            csvField(l.account.code),
            csvText(l.account.name),
            l.debit,
            l.credit,
            csvText(l.memo),
            e.hash,
            e.reversalOf === null ? '' : String(e.reversalOf),
          ].join(',') + EOL,
      )
      .join('');
  }

  protected footer(): string {
    return '';
  }
}
