import type { Language } from '../common/i18n';
import type { FundLevel } from '../funds/fund.entity';
import type { AccountType, EntrySource } from '../ledger/entities';
import type { TrialBalance } from '../ledger/journal-query.service';
import type { EliminatedRow } from '../reports/transfer-eliminations';

export const EXPORT_FORMATS = ['csv', 'xlsx', 'hledger', 'beancount'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What the caller asked for. */
export interface ExportParameters {
  /** The fund; null means every fund the caller can see. */
  fund: string | null;
  /** First entry date in the export; null means from the start of the books. */
  from: string | null;
  /** Last entry date in the export; null means the date of the last entry. */
  to: string | null;
  /** With a fund: the funds below it too. */
  consolidated: boolean;
}

export interface ExportFund {
  id: number;
  code: string;
  name: string;
  /** central, province, district or commune (a column of the XLSX journal). */
  level: FundLevel;
}

export interface ExportAccount {
  id: number;
  fund: ExportFund;
  code: string;
  name: string;
  type: AccountType;
}

export interface ExportLine {
  account: ExportAccount;
  /** Digit strings of whole đồng; one of the two is "0". */
  debit: string;
  credit: string;
  memo: string | null;
}

export interface ExportEntry {
  id: number;
  fund: ExportFund;
  number: number;
  date: string;
  description: string;
  source: EntrySource;
  /** The document behind the entry: a receipt (PT-…), voucher (PC-…) or transfer (CK-…) number. */
  sourceRef: string | null;
  /** The date of that document (Ngày chứng từ; books/book-queries.ts DOCUMENT_DATE_SQL). */
  documentDate: string;
  /** Who gave the money (a contribution, or the void of one), by name. */
  donor: string | null;
  /** The household or organisation a payout (or its reversal) went to, by name. */
  payee: string | null;
  reversalOf: number | null;
  hash: string;
  lines: ExportLine[];
}

/** One account's cumulative turnover up to a date, and its balance (debit − credit). */
export interface AccountBalanceRow {
  account: ExportAccount;
  debit: string;
  credit: string;
  balance: string;
}

export interface ChainHeadView {
  hash: string;
  entryCount: number;
  lastEntryId: number | null;
  /**
   * `global`: the chain's head when the snapshot was taken. `funds`: for a user limited to some funds, the head as
   * of the exported funds' last entry (hash and chain position of that entry): the global head would tell them of
   * other funds' activity.
   */
  scope?: 'global' | 'funds';
}

export interface FundTrialBalance extends TrialBalance {
  fund: string;
}

/** The trial balance shipped in the audit bundle: each fund's own, and the group's when consolidated. */
export interface BundleTrialBalance {
  asOf: string;
  funds: FundTrialBalance[];
  consolidated:
    (TrialBalance & { fund: string; eliminated: EliminatedRow[]; eliminatedTransfers: number }) | null;
}

/**
 * Everything an export needs besides the entries themselves, read in one consistent moment (behind the write
 * lock): the funds, the chain head that bounds the export, and the stored balances at both ends of the range.
 * The entries are then read page by page, only those up to the chain head's last entry, so an entry posted
 * while the export runs never half-appears in it.
 */
export interface ExportPlan {
  parameters: ExportParameters;
  /** The resolved range: `from` stays null for "from the start". */
  from: string | null;
  to: string;
  /** When the snapshot was taken (ISO 8601, UTC). */
  createdAt: string;
  generator: string;
  funds: ExportFund[];
  chainHead: ChainHeadView;
  /** Entries in the export (for progress). */
  entryCount: number;
  /** Earliest date anything in the export is dated (the opening transaction or the first entry). */
  firstDate: string;
  /** Balances before `from`, per account, non-zero only; empty when `from` is null. */
  opening: AccountBalanceRow[];
  /** Every account with turnover up to `to`, with its balance at the end of `to`. */
  closing: AccountBalanceRow[];
  trialBalance: BundleTrialBalance;
  /** Every account of the funds (lines name them by id). */
  accounts: ExportAccount[];
  /** Each fund's last entry number at the snapshot, by fund code: its entries are numbered 1 to this. */
  lastEntryNumbers: Record<string, number>;
  /** The language of a spreadsheet's header row (the request's Accept-Language); Vietnamese when absent. */
  language?: Language;
}
