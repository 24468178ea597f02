import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Actor, assertFundInScope } from '../common/actor';
import { InvalidRequestError } from '../common/errors';
import type { Language } from '../common/i18n';
import { Money } from '../common/money';
import {
  JournalBookRow,
  LedgerBookKind,
  RenderedBook,
  renderJournalBook,
  renderLedgerBook,
  type BookFormat,
} from '../documents/books.renderer';
import { UnitOfWork } from '../database/unit-of-work';
import type { Fund } from '../funds/fund.entity';
import { fundHeader } from '../funds/fund-header';
import { FundsService } from '../funds/funds.service';
import { Account } from '../ledger/entities';
import type { EntrySource } from '../ledger/entities';
import { JournalQueryService } from '../ledger/journal-query.service';
import {
  JournalEntryRecord,
  JournalScope,
  accountLinesOf,
  LedgerScope,
  counterAccounts,
  journalEntriesAfter,
  journalLines,
  journalPage,
  journalTotals,
  lastEntryId,
  ledgerPage,
  ledgerTotals,
  ledgerTurnoverBefore,
  turnoverAfterSnapshot,
} from './book-queries';
import {
  BookLineInput,
  ledgerBookRows,
  pageStartBalance,
  pagedLines,
  voucherNumbers,
  withRunningBalance,
} from './running-balance';

/** The account each special book is kept on (DESIGN.md §4). */
export const BOOK_ACCOUNT: Record<Exclude<LedgerBookKind, 'general'>, string> = { cash: '111', bank: '112' };

/** Rows read per query while a file streams: a few hundred keep both the queries and the memory small. */
const FILE_PAGE_SIZE = 500;

export interface BookRange {
  fund: string;
  from: string;
  to: string;
}

export interface PageParams {
  page: number;
  pageSize: number;
}

export interface LedgerBookLine {
  /** Ngày ghi sổ: the day the entry is booked on. */
  date: string;
  /** Ngày chứng từ: the date of the document in `reference` (a reversal's is the reversed document's). */
  documentDate: string;
  entryId: number;
  number: number;
  reference: string | null;
  /** Cash and bank books: the PT / PC number (Số phiếu thu / chi). */
  receiptNo?: string | null;
  paymentNo?: string | null;
  description: string;
  counterAccounts: string[];
  debit: string;
  credit: string;
  balance: string;
}

export interface LedgerBook {
  book: LedgerBookKind;
  fund: string;
  account: string;
  name: string;
  from: string;
  to: string;
  /** debit − credit of the account before `from`. */
  openingBalance: string;
  /** The balance before this page's first line. */
  pageOpeningBalance: string;
  lines: LedgerBookLine[];
  /** Over the whole range, not only this page. */
  totalDebit: string;
  totalCredit: string;
  closingBalance: string;
  page: number;
  pageSize: number;
  /** Lines in the range. */
  total: number;
}

export interface JournalBookEntry {
  entryId: number;
  number: number;
  date: string;
  documentDate: string;
  reference: string | null;
  description: string;
  source: EntrySource;
  reversalOf: number | null;
  lines: { account: string; name: string; debit: string; credit: string; memo: string | null }[];
}

export interface JournalBook {
  book: 'journal';
  fund: string;
  from: string;
  to: string;
  entries: JournalBookEntry[];
  /** Over the whole range. */
  totalDebit: string;
  totalCredit: string;
  page: number;
  pageSize: number;
  /** Entries in the range. */
  total: number;
}

interface OpenLedger {
  fund: Fund;
  account: Account;
  scope: LedgerScope;
  opening: Money;
}

/**
 * The books of a fund over a date range (DESIGN.md §8): the general ledger of an account with its running
 * balance, the cash book (111), the bank book (112) and the journal. JSON answers one page at a time; files
 * (PDF, XLSX, CSV) stream the whole range, reading it page by page. Nothing here writes.
 */
@Injectable()
export class BookReportsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly funds: FundsService,
    private readonly journal: JournalQueryService,
  ) {}

  async ledger(
    actor: Actor,
    kind: LedgerBookKind,
    range: BookRange & { account?: string },
    paging: PageParams,
  ): Promise<LedgerBook> {
    const manager = this.uow.manager;
    const { account, scope, opening } = await this.openLedger(manager, actor, kind, range);
    const offset = (paging.page - 1) * paging.pageSize;
    const totals = await ledgerTotals(manager, scope);
    const before = await ledgerTurnoverBefore(manager, scope, Math.min(offset, totals.count));
    const start = pageStartBalance(opening, before);
    const records = await ledgerPage(manager, scope, offset, paging.pageSize);
    const counters = await counterAccounts(
      manager,
      records.map((r) => r.entryId),
      account.id,
    );
    const lines = withRunningBalance(start, records).map((line): LedgerBookLine => ({
      date: line.date,
      documentDate: line.documentDate,
      entryId: line.entryId,
      number: line.number,
      reference: line.sourceRef,
      ...(kind === 'general' ? {} : voucherNumbers(line.sourceRef, line.debit)),
      description: line.description,
      counterAccounts: counters.get(line.entryId) ?? [],
      debit: line.debit.toString(),
      credit: line.credit.toString(),
      balance: line.balance.toString(),
    }));
    return {
      book: kind,
      fund: range.fund,
      account: account.code,
      name: account.nameVi,
      from: range.from,
      to: range.to,
      openingBalance: opening.toString(),
      pageOpeningBalance: start.toString(),
      lines,
      totalDebit: totals.debit.toString(),
      totalCredit: totals.credit.toString(),
      closingBalance: opening.plus(totals.debit).minus(totals.credit).toString(),
      page: paging.page,
      pageSize: paging.pageSize,
      total: totals.count,
    };
  }

  /** The whole range as a file; the rows are read while the file streams out. */
  async ledgerFile(
    actor: Actor,
    kind: LedgerBookKind,
    range: BookRange & { account?: string },
    format: BookFormat,
    lang: Language = 'vi',
  ): Promise<RenderedBook> {
    const manager = this.uow.manager;
    const { fund, account, scope, opening } = await this.openLedger(manager, actor, kind, range);
    const months = range.from.slice(0, 7) !== range.to.slice(0, 7);
    const lines = this.streamLedgerLines(manager, scope, account.code);
    const rows = ledgerBookRows(opening, lines, { months });
    const head = {
      kind,
      header: fundHeader(fund),
      account: account.code,
      accountName: account.nameVi,
      from: range.from,
      to: range.to,
    };
    return renderLedgerBook(head, rows, format, lang);
  }

  async journalBook(actor: Actor, range: BookRange, paging: PageParams): Promise<JournalBook> {
    const manager = this.uow.manager;
    const { scope } = await this.openJournal(manager, actor, range);
    const totals = await journalTotals(manager, scope);
    const entries = await journalPage(manager, scope, (paging.page - 1) * paging.pageSize, paging.pageSize);
    const lines = await journalLines(
      manager,
      entries.map((e) => e.id),
    );
    return {
      book: 'journal',
      fund: range.fund,
      from: range.from,
      to: range.to,
      entries: entries.map((entry) => ({
        entryId: entry.id,
        number: entry.number,
        date: entry.date,
        documentDate: entry.documentDate,
        reference: entry.sourceRef,
        description: entry.description,
        source: entry.source,
        reversalOf: entry.reversalOf,
        lines: (lines.get(entry.id) ?? []).map((line) => ({
          account: line.account,
          name: line.accountName,
          debit: line.debit.toString(),
          credit: line.credit.toString(),
          memo: line.memo,
        })),
      })),
      totalDebit: totals.debit.toString(),
      totalCredit: totals.credit.toString(),
      page: paging.page,
      pageSize: paging.pageSize,
      total: totals.count,
    };
  }

  async journalFile(
    actor: Actor,
    range: BookRange,
    format: BookFormat,
    lang: Language = 'vi',
  ): Promise<RenderedBook> {
    const manager = this.uow.manager;
    const { fund, scope } = await this.openJournal(manager, actor, range);
    const head = { header: fundHeader(fund), from: range.from, to: range.to };
    return renderJournalBook(head, this.streamJournalRows(manager, scope), format, lang);
  }

  // --- opening a book: scope, fund, range, account, snapshot, opening balance ----------------------------------

  private async openLedger(
    manager: EntityManager,
    actor: Actor,
    kind: LedgerBookKind,
    range: BookRange & { account?: string },
  ): Promise<OpenLedger> {
    assertFundInScope(actor, range.fund);
    const fund = await this.funds.byCode(manager, range.fund);
    const code = kind === 'general' ? (range.account ?? '') : BOOK_ACCOUNT[kind];
    const problems = rangeProblems(range);
    const account = await manager.findOne(Account, { where: { fundId: fund.id, code } });
    if (!account) problems.push(`account ${code} is not an account of fund ${fund.code}`);
    if (problems.length || !account) throw new InvalidRequestError(problems);

    // The snapshot first, then the stored balances, less whatever was posted in between.
    const last = await lastEntryId(manager);
    const scope: LedgerScope = {
      fundId: fund.id,
      accountId: account.id,
      from: range.from,
      to: range.to,
      lastEntryId: last,
    };
    const before = await this.journal.trialBalance(manager, [fund.id], dayBefore(range.from));
    const stored = before.rows.find((row) => row.account === account.code);
    const late = await turnoverAfterSnapshot(manager, scope, range.from);
    const opening = Money.fromStored(stored?.balance ?? '0')
      .minus(late.debit)
      .plus(late.credit);
    return { fund, account, scope, opening };
  }

  private async openJournal(
    manager: EntityManager,
    actor: Actor,
    range: BookRange,
  ): Promise<{ fund: Fund; scope: JournalScope }> {
    assertFundInScope(actor, range.fund);
    const fund = await this.funds.byCode(manager, range.fund);
    const problems = rangeProblems(range);
    if (problems.length) throw new InvalidRequestError(problems);
    const last = await lastEntryId(manager);
    return { fund, scope: { fundId: fund.id, from: range.from, to: range.to, lastEntryId: last } };
  }

  // --- the files' row streams ------------------------------------------------------------------------------

  private async *streamLedgerLines(
    manager: EntityManager,
    scope: LedgerScope,
    accountCode: string,
  ): AsyncGenerator<BookLineInput> {
    for await (const entries of this.entryPages(manager, scope)) {
      const lines = await journalLines(
        manager,
        entries.map((entry) => entry.id),
      );
      yield* accountLinesOf(entries, lines, accountCode);
    }
  }

  /** The range's entries, a keyset page at a time, in the books' order. */
  private entryPages(manager: EntityManager, scope: JournalScope): AsyncGenerator<JournalEntryRecord[]> {
    return pagedLines(
      (cursor: { date: string; entryId: number } | null) =>
        journalEntriesAfter(manager, scope, cursor, FILE_PAGE_SIZE),
      (last) => ({ date: last.date, entryId: last.id }),
      FILE_PAGE_SIZE,
    );
  }

  private async *streamJournalRows(
    manager: EntityManager,
    scope: JournalScope,
  ): AsyncGenerator<JournalBookRow> {
    let debit = Money.ZERO;
    let credit = Money.ZERO;
    let entries = 0;
    for await (const page of this.entryPages(manager, scope)) {
      const lines = await journalLines(
        manager,
        page.map((entry) => entry.id),
      );
      for (const entry of page) {
        const entryLines = lines.get(entry.id) ?? [];
        yield {
          kind: 'entry',
          date: entry.date,
          documentDate: entry.documentDate,
          number: entry.number,
          reference: entry.sourceRef,
          description: entry.description,
          lines: entryLines.map((line) => ({
            account: line.account,
            memo: line.memo,
            debit: line.debit.toString(),
            credit: line.credit.toString(),
          })),
          periodDebit: debit.toString(),
          periodCredit: credit.toString(),
        };
        entries += 1;
        for (const line of entryLines) {
          debit = debit.plus(line.debit);
          credit = credit.plus(line.credit);
        }
      }
    }
    yield { kind: 'total', debit: debit.toString(), credit: credit.toString(), entries };
  }
}

function rangeProblems(range: BookRange): string[] {
  return range.from > range.to ? [`from (${range.from}) must not be after to (${range.to})`] : [];
}

/** "2023-03-01" → "2023-02-28", in UTC (dates are calendar days, never times). */
export function dayBefore(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}
