import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, assertFundInScope } from '../common/actor';
import { BusinessRuleError, ConflictError } from '../common/errors';
import { Money } from '../common/money';
import { sql } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { Fund } from '../funds/fund.entity';
import { FundsService } from '../funds/funds.service';
import { BalancesService } from '../ledger/balances.service';
import { JournalEntry } from '../ledger/entities';
import { JournalQueryService } from '../ledger/journal-query.service';
import { PostingService } from '../ledger/posting.service';
import { closingLines, FUND_BALANCE_ACCOUNT } from './closing-lines';
import { YearClosing } from './entities';
import { fundTurnover } from './fund-turnover';

export interface YearClosingView {
  id: number;
  fund: string;
  year: number;
  status: 'closed' | 'reopened';
  /** The closing entry; null when the year had nothing to close. */
  entryId: number | null;
  /** The reversal posted when the year was reopened. */
  reversalEntryId: number | null;
  closedBy: string;
  closedAt: string;
  reopenedBy: string | null;
  reopenedAt: string | null;
  reason: string | null;
}

export interface CloseYearResult extends YearClosingView {
  /** Net receipts and disbursements moved into 431 (cumulative balances of 51xx and 61xx as of 31 December). */
  receipts: string;
  disbursements: string;
  /** receipts − disbursements, on whichever side it falls (the other is "0"). */
  surplus: string;
  deficit: string;
  lockedThrough: string;
}

export interface ReopenYearResult extends YearClosingView {
  lockedThrough: string | null;
}

export interface OpeningBalanceRow {
  account: string;
  name: string;
  type: string;
  /** The opening balance on its side (số dư Nợ / Có); the other side is "0". */
  debit: string;
  credit: string;
}

export interface OpeningBalances {
  fund: string;
  year: number;
  /** 31 December of the year before: the opening balances are the trial balance on that day. */
  asOf: string;
  /** Whether the year before was closed (otherwise receipts and disbursements accounts still carry balances). */
  previousYearClosed: boolean;
  rows: OpeningBalanceRow[];
  totalDebit: string;
  totalCredit: string;
  /** 111 + 112. */
  cashAndBank: string;
  /** 431 on its normal (credit) side; negative only for a fund that spent more than it had. */
  fundBalance: string;
}

/** Accounts every opening-balance list shows, even at zero: cash, bank and the fund balance. */
const ALWAYS_SHOWN = ['111', '112', FUND_BALANCE_ACCOUNT];

/** dd/mm/yyyy, as Vietnamese documents write dates. */

/**
 * Year-end close and reopening (DESIGN.md §7). Closing a year posts one entry dated 31 December through the one
 * posting path — every receipts and disbursements account to zero, the difference into 431 — records the close,
 * and locks the fund through that day, in one transaction. Reopening is an admin's audited action that reverses
 * the entry and moves the lock date back.
 */
@Injectable()
export class YearEndService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly funds: FundsService,
    private readonly books: BalancesService,
    private readonly posting: PostingService,
    private readonly journal: JournalQueryService,
  ) {}

  async close(
    actor: Actor,
    code: string,
    year: number,
    today = nowIso().slice(0, 10),
  ): Promise<CloseYearResult> {
    assertFundInScope(actor, code);
    return this.uow.write((tx) => this.closeIn(tx, actor, code, year, today));
  }

  /**
   * Closes, in one transaction (one audited request), every year of the fund that has entries and is still open,
   * oldest first, and then `year` itself: the "close up to" of a fund whose books were never closed. Each year
   * gets its own closing entry and YearClosing row, exactly as if it had been closed on its own; any refusal
   * (a year not ended, a later year already closed) writes nothing at all.
   */
  async closeThrough(
    actor: Actor,
    code: string,
    year: number,
    today = nowIso().slice(0, 10),
  ): Promise<CloseYearResult & { years: CloseYearResult[] }> {
    assertFundInScope(actor, code);
    return this.uow.write(async (tx) => {
      const fund = await this.funds.byCode(tx, code);
      const open = await this.openYearsBefore(tx, fund, year);
      const years: CloseYearResult[] = [];
      for (const y of [...open, year]) years.push(await this.closeIn(tx, actor, code, y, today));
      return { ...years[years.length - 1], years };
    });
  }

  private async closeIn(
    tx: EntityManager,
    actor: Actor,
    code: string,
    year: number,
    today: string,
  ): Promise<CloseYearResult> {
    const yearEnd = `${year}-12-31`;
    const fund = await this.funds.byCode(tx, code);
    assertActive(fund);
    if (yearEnd >= today)
      throw new BusinessRuleError(`year ${year} has not ended yet; close it from ${year + 1}-01-01 on`);
    await this.assertClosable(tx, fund, year);
    const turnover = await fundTurnover(tx, this.journal, fund.id, yearEnd);
    const closing = closingLines(turnover);
    const book = await this.books.book(tx, code);
    const lockedBefore = book.lockedThrough;
    let entryId: number | null = null;
    if (closing.lines.length > 0) {
      // An approver may already have locked the year (the usual order: check the year, lock it, then close).
      // The closing entry is computed from the books alone — nothing a user typed — so this transaction lifts
      // the lock to 30 December just for it; nothing else can post in between (the write lock), and the lock
      // ends where it was or on 31 December, whichever is later.
      if (lockedBefore !== null && lockedBefore >= yearEnd)
        await this.books.lock(tx, code, `${year}-12-30`, true);
      const entry = await this.posting.post(tx, {
        fundCode: code,
        date: yearEnd,
        description: `Kết chuyển thu, chi năm ${year} vào Quỹ (TK ${FUND_BALANCE_ACCOUNT})`,
        source: 'closing',
        sourceRef: `KC-${year}`,
        postedBy: actor.username,
        lines: closing.lines,
      });
      entryId = entry.id;
    }
    const lockedThrough = lockedBefore !== null && lockedBefore > yearEnd ? lockedBefore : yearEnd;
    await this.books.lock(tx, code, lockedThrough, false);

    const row = await tx.save(
      tx.create(YearClosing, {
        fundId: fund.id,
        year,
        entryId,
        status: 'closed',
        closedBy: actor.username,
        closedAt: nowIso(),
        reopenedBy: null,
        reopenedAt: null,
        reason: null,
        reversalEntryId: null,
      }),
    );
    const result = closing.receipts.minus(closing.disbursements);
    return {
      ...view(row, code),
      receipts: closing.receipts.toString(),
      disbursements: closing.disbursements.toString(),
      surplus: result.isPositive() ? result.toString() : '0',
      deficit: result.isNegative() ? result.negated().toString() : '0',
      lockedThrough,
    };
  }

  async reopen(actor: Actor, code: string, year: number, reason: string): Promise<ReopenYearResult> {
    assertFundInScope(actor, code);
    return this.uow.write(async (tx) => {
      const fund = await this.funds.byCode(tx, code);
      assertActive(fund);
      const closed = await tx.find(YearClosing, { where: { fundId: fund.id, status: 'closed' } });
      const closing = closed.find((c) => c.year === year);
      if (!closing) throw new ConflictError(`year ${year} of fund ${code} is not closed`);
      const latest = Math.max(...closed.map((c) => c.year));
      if (latest !== year) {
        throw new ConflictError(
          `only the most recent closed year of fund ${code}, ${latest}, can be reopened; reopen ${latest} first`,
        );
      }

      // The lock goes back to the end of the year before, so the whole year takes postings again.
      const target = `${year - 1}-12-31`;
      const book = await this.books.book(tx, code);
      if (book.lockedThrough !== null && book.lockedThrough > target) {
        await this.books.lock(tx, code, target, true);
      }
      let reversalEntryId: number | null = null;
      if (closing.entryId !== null) {
        // Someone may have reversed the closing entry by hand (a journal reversal): the books already undid it.
        const existing = await tx.findOne(JournalEntry, { where: { reversalOfId: closing.entryId } });
        reversalEntryId =
          existing?.id ??
          (
            await this.posting.reverse(tx, closing.entryId, {
              date: `${year}-12-31`,
              reason: `mở lại sổ năm ${year}: ${reason}`,
              postedBy: actor.username,
            })
          ).id;
      }
      const reopened = {
        status: 'reopened' as const,
        reopenedBy: actor.username,
        reopenedAt: nowIso(),
        reason,
        reversalEntryId,
      };
      await tx.update(YearClosing, { id: closing.id }, reopened);
      const lockedThrough = (await this.books.book(tx, code)).lockedThrough;
      return { ...view({ ...closing, ...reopened }, code), lockedThrough };
    });
  }

  /** Every close of the fund, oldest first. */
  async list(actor: Actor, code: string): Promise<YearClosingView[]> {
    assertFundInScope(actor, code);
    const fund = await this.funds.byCode(this.uow.manager, code);
    const rows = await this.uow.manager.find(YearClosing, {
      where: { fundId: fund.id },
      order: { year: 'ASC', id: 'ASC' },
    });
    return rows.map((r) => view(r, code));
  }

  /** The balances a year opens with: the trial balance of 31 December of the year before. */
  async openingBalances(actor: Actor, code: string, year: number): Promise<OpeningBalances> {
    assertFundInScope(actor, code);
    const manager = this.uow.manager;
    const fund = await this.funds.byCode(manager, code);
    const asOf = `${year - 1}-12-31`;
    const turnover = await fundTurnover(manager, this.journal, fund.id, asOf);
    const previous = await manager.findOne(YearClosing, {
      where: { fundId: fund.id, year: year - 1, status: 'closed' },
    });
    const rows: OpeningBalanceRow[] = [];
    for (const t of turnover) {
      const balance = t.debit.minus(t.credit);
      if (balance.isZero() && !ALWAYS_SHOWN.includes(t.account)) continue;
      rows.push({
        account: t.account,
        name: t.name,
        type: t.type,
        debit: balance.isPositive() ? balance.toString() : '0',
        credit: balance.isNegative() ? balance.negated().toString() : '0',
      });
    }
    const net = (codes: string[]) =>
      Money.sum(turnover.filter((t) => codes.includes(t.account)).map((t) => t.debit.minus(t.credit)));
    return {
      fund: code,
      year,
      asOf,
      previousYearClosed: previous !== null,
      rows,
      totalDebit: Money.sum(rows.map((r) => Money.fromStored(r.debit))).toString(),
      totalCredit: Money.sum(rows.map((r) => Money.fromStored(r.credit))).toString(),
      cashAndBank: net(['111', '112']).toString(),
      fundBalance: net([FUND_BALANCE_ACCOUNT]).negated().toString(),
    };
  }

  /** Years before `year` with entries and no standing close, oldest first. */
  private async openYearsBefore(tx: EntityManager, fund: Fund, year: number): Promise<number[]> {
    const closed = await tx.find(YearClosing, { where: { fundId: fund.id, status: 'closed' } });
    const closedYears = new Set(closed.map((c) => c.year));
    const active = await sql<{ y: string }>(
      tx,
      'SELECT DISTINCT SUBSTR(period, 1, 4) AS y FROM account_balances WHERE fund_id = ? AND period < ? ORDER BY y',
      [fund.id, `${year}-01`],
    );
    return active.map((r) => Number(r.y)).filter((y) => !closedYears.has(y));
  }

  /**
   * Years close once and in order: not twice, not after a later year was closed, and not while an earlier year
   * with entries is still open (its receipts would be swept into this year's closing entry).
   */
  private async assertClosable(tx: EntityManager, fund: Fund, year: number): Promise<void> {
    const closed = await tx.find(YearClosing, { where: { fundId: fund.id, status: 'closed' } });
    const same = closed.find((c) => c.year === year);
    if (same) {
      throw new ConflictError(
        `year ${year} of fund ${fund.code} is already closed (by ${same.closedBy} at ${same.closedAt}); an admin may reopen it`,
      );
    }
    const later = closed.filter((c) => c.year > year).map((c) => c.year);
    if (later.length) {
      throw new ConflictError(
        `fund ${fund.code} has already closed ${Math.max(...later)}; years close in order, so reopen the later years first`,
      );
    }
    // Years with postings, from the stored monthly balances (a handful of rows per month, not per entry).
    const active = await sql<{ y: string }>(
      tx,
      'SELECT DISTINCT SUBSTR(period, 1, 4) AS y FROM account_balances WHERE fund_id = ? AND period < ? ORDER BY y',
      [fund.id, `${year}-01`],
    );
    const closedYears = new Set(closed.map((c) => c.year));
    const open = active.map((r) => Number(r.y)).filter((y) => !closedYears.has(y));
    if (open.length) {
      throw new ConflictError(
        `fund ${fund.code} has entries in ${open.join(', ')}, not yet closed; years close in order, so close ${open.join(', ')} first`,
      );
    }
  }
}

function assertActive(fund: Fund): void {
  if (fund.status !== 'active') {
    throw new BusinessRuleError(
      `fund ${fund.code} is closed${fund.validTo ? ` since ${fund.validTo}` : ''}; its books take no closing or reopening`,
    );
  }
}

function view(row: YearClosing, fund: string): YearClosingView {
  return {
    id: row.id,
    fund,
    year: row.year,
    status: row.status,
    entryId: row.entryId,
    reversalEntryId: row.reversalEntryId,
    closedBy: row.closedBy,
    closedAt: row.closedAt,
    reopenedBy: row.reopenedBy,
    reopenedAt: row.reopenedAt,
    reason: row.reason,
  };
}
