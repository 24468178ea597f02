import { Injectable } from '@nestjs/common';
import { present } from '../common/assert';
import { EntityManager, In } from 'typeorm';
import {
  AlreadyReversedError,
  BusinessRuleError,
  InsufficientFundsError,
  InvalidRequestError,
  NotFoundError,
  PeriodLockedError,
} from '../common/errors';
import { Money } from '../common/money';
import { todayInVietnam } from '../common/clock';
import { EARLIEST_BOOK_DATE, isIsoDate } from '../common/validation';
import { nowIso } from '../common/clock';
import { sql } from '../database/sql';
import { Account, Book, JournalEntry, JournalLine } from './entities';
import { PostingAccount, postingRepository } from './posting.repository';
import { msg } from '../common/messages';
import { autoLockedThrough, autoLockRule } from './auto-lock';
import { entryHash } from './hash-chain';
import { EntryView, MAX_LINES_PER_ENTRY, PostingInput } from './ledger.types';

interface CheckedLine {
  lineNo: number;
  account: PostingAccount;
  debit: Money;
  credit: Money;
  memo: string | null;
}

/**
 * The one posting path (DESIGN.md §3–§4). Every write to the books — manual entries, contributions, payouts,
 * transfers, reversals, closings, imports — calls `post` inside a UnitOfWork transaction, together with the
 * caller's own rows. It enforces invariants 1–7 before it returns; a thrown error rolls the whole transaction back.
 */
@Injectable()
export class PostingService {
  async post(tx: EntityManager, input: PostingInput, reversalOfId: number | null = null): Promise<EntryView> {
    // The fund's books row, locked (PostgreSQL): its numbers and its hash chain are the fund's alone.
    const book = await postingRepository.bookByCode(tx, input.fundCode);
    if (!book) throw new InvalidRequestError(`fundCode ${input.fundCode} is not a known fund`);
    this.assertNotClosed(book);
    this.assertOpen(book, input.date);
    await this.assertFundExisted(tx, book, input.date);
    if (!(await this.computedFromBooks(tx, input, reversalOfId)))
      await this.assertNotAutoLocked(tx, book, input.date);
    const lines = await this.checkLines(tx, book, input);

    book.lastEntryNo += 1;
    const postedAt = nowIso();
    const sourceRef = input.sourceRef ?? null;
    const hash = entryHash(book.lastHash, {
      fundCode: book.fundCode,
      number: book.lastEntryNo,
      date: input.date,
      description: input.description,
      source: input.source,
      sourceRef,
      reversalOfId,
      postedBy: input.postedBy,
      postedAt,
      lines: lines.map((l) => ({
        lineNo: l.lineNo,
        account: l.account.code,
        debit: l.debit.toString(),
        credit: l.credit.toString(),
        memo: l.memo,
      })),
    });
    const entryId = await postingRepository.insertEntry(tx, {
      fundId: book.fundId,
      number: book.lastEntryNo,
      entryDate: input.date,
      description: input.description,
      source: input.source,
      sourceRef,
      reversalOfId,
      postedBy: input.postedBy,
      postedAt,
      prevHash: book.lastHash,
      hash,
    });
    await postingRepository.insertLines(
      tx,
      entryId,
      lines.map((l) => ({
        lineNo: l.lineNo,
        accountId: l.account.id,
        debit: l.debit.toString(),
        credit: l.credit.toString(),
        memo: l.memo,
      })),
    );
    await this.addToBalances(tx, book.fundId, input.date, lines);
    await this.assertNonNegative(tx, book.fundId, input.date, lines);
    await postingRepository.setBookHead(tx, book.fundId, book.lastEntryNo, hash);

    return {
      id: entryId,
      number: book.lastEntryNo,
      fundCode: book.fundCode,
      date: input.date,
      description: input.description,
      source: input.source,
      sourceRef,
      postedBy: input.postedBy,
      postedAt,
      hash,
      reversalOf: reversalOfId,
      reversedBy: null,
      lines: lines.map((l) => ({
        account: l.account.code,
        debit: l.debit.toString(),
        credit: l.credit.toString(),
        memo: l.memo,
      })),
    };
  }

  /**
   * Checks an entry as `post` would (fund open, date, accounts, balance, cash and bank not below zero), without
   * writing it: an entry that waits for approval is refused at once if it could not post now. It is checked
   * again, in full, when it posts.
   */
  async dryRun(tx: EntityManager, input: PostingInput): Promise<void> {
    const book = await postingRepository.bookByCode(tx, input.fundCode);
    if (!book) throw new InvalidRequestError(`fundCode ${input.fundCode} is not a known fund`);
    this.assertNotClosed(book);
    this.assertOpen(book, input.date);
    await this.assertFundExisted(tx, book, input.date);
    await this.assertNotAutoLocked(tx, book, input.date);
    const lines = await this.checkLines(tx, book, input);
    await this.assertNonNegative(tx, book.fundId, input.date, lines, true);
  }

  /** Posts the mirror image of an entry (sides swapped), linked to it; an entry can be reversed once (invariant 2). */
  async reverse(
    tx: EntityManager,
    entryId: number,
    params: { date: string; reason: string; postedBy: string },
  ): Promise<EntryView> {
    const original = await tx.findOne(JournalEntry, { where: { id: entryId } });
    if (!original) throw new NotFoundError(`journal entry ${entryId} does not exist`);
    const existing = await tx.findOne(JournalEntry, { where: { reversalOfId: entryId } });
    if (existing) {
      throw new AlreadyReversedError(`journal entry ${entryId} was already reversed by entry ${existing.id}`);
    }
    if (params.date < original.entryDate) {
      throw new InvalidRequestError(
        `date must not be before the reversed entry's date ${original.entryDate}`,
      );
    }
    const book = await tx.findOneOrFail(Book, { where: { fundId: original.fundId } });
    const lines = await tx.find(JournalLine, { where: { entryId }, order: { lineNo: 'ASC' } });
    const accounts = await tx.find(Account, { where: { id: In(lines.map((l) => l.accountId)) } });
    const codeOf = new Map(accounts.map((a) => [a.id, a.code]));
    return this.post(
      tx,
      {
        fundCode: book.fundCode,
        date: params.date,
        description: `Đảo bút toán số ${original.number}: ${params.reason}`.slice(0, 500),
        source: 'reversal',
        sourceRef: original.sourceRef,
        postedBy: params.postedBy,
        lines: lines.map((l) => ({
          account: present(codeOf.get(l.accountId), `account ${l.accountId}`),
          debit: Money.fromStored(l.credit),
          credit: Money.fromStored(l.debit),
          memo: l.memo,
        })),
      },
      entryId,
    );
  }

  /** Closed books (a fund merged into its successor, DESIGN.md §7) take nothing more, on any date. */
  private assertNotClosed(book: Book): void {
    if (book.closedOn === null) return;
    throw new BusinessRuleError(
      `fund ${book.fundCode} is closed: ${book.closedNote ?? `since ${book.closedOn}`}; nothing more can be posted to it`,
    );
  }

  private assertOpen(book: Book, date: string): void {
    if (!isIsoDate(date)) throw new InvalidRequestError('date must be a date written YYYY-MM-DD');
    // The books record what happened: nothing dated after today (in Vietnam).
    if (date > todayInVietnam()) throw new InvalidRequestError(`date ${date} is in the future`);
    if (book.lockedThrough !== null && date <= book.lockedThrough) {
      throw new PeriodLockedError(
        `fund ${book.fundCode} is locked through ${book.lockedThrough}; post on a later date or ask an admin to reopen the period`,
      );
    }
  }

  /** Nothing is dated before the fund existed (its validFrom), nor ever before EARLIEST_BOOK_DATE. */
  private async assertFundExisted(tx: EntityManager, book: Book, date: string): Promise<void> {
    if (date < EARLIEST_BOOK_DATE)
      throw new InvalidRequestError(
        `date ${date} is before ${EARLIEST_BOOK_DATE}, the earliest date the books take`,
      );
    const validFrom = await postingRepository.fundValidFrom(tx, book.fundId);
    if (validFrom && date < validFrom)
      throw new InvalidRequestError(
        `date ${date} is before fund ${book.fundCode} existed (valid from ${validFrom})`,
      );
  }

  /**
   * The year-end closing entry and its reversal (reopening a year) are computed from the books alone, nothing a
   * user typed: the closing lifts the manual lock for them, and the automatic lock lets them through too.
   */
  private async computedFromBooks(
    tx: EntityManager,
    input: PostingInput,
    reversalOfId: number | null,
  ): Promise<boolean> {
    if (input.source === 'closing') return true;
    if (reversalOfId === null) return false;
    const original = await tx.findOne(JournalEntry, {
      select: { source: true },
      where: { id: reversalOfId },
    });
    return original?.source === 'closing';
  }

  /** A month locked by the automatic lock (auto-lock.ts) is refused as a manually locked one is (409). */
  private async assertNotAutoLocked(tx: EntityManager, book: Book, date: string): Promise<void> {
    const days = autoLockRule().daysAfterMonthEnd;
    if (days === null) return;
    // funds/ owns the table; ledger/ reads the one column it needs without importing that feature.
    const [fund] = await sql<{ created_at: string | null }>(tx, 'SELECT created_at FROM funds WHERE id = ?', [
      book.fundId,
    ]);
    const auto = fund?.created_at
      ? autoLockedThrough(todayInVietnam(), days, todayInVietnam(new Date(fund.created_at)))
      : null;
    if (auto !== null && date <= auto) {
      throw new PeriodLockedError(
        msg('lateEntries.autoLocked', { fundCode: book.fundCode, lockedThrough: auto, days }),
      );
    }
  }

  /** Invariant 1 and the shape of lines: every problem is reported at once, by line number. */
  private async checkLines(tx: EntityManager, book: Book, input: PostingInput): Promise<CheckedLine[]> {
    const problems: string[] = [];
    if (!input.description.trim()) problems.push('description must not be blank');
    if (input.lines.length < 2) problems.push('an entry needs at least two lines');
    if (input.lines.length > MAX_LINES_PER_ENTRY)
      problems.push(`an entry has at most ${MAX_LINES_PER_ENTRY} lines`);

    const codes = [...new Set(input.lines.map((l) => l.account))];
    const accounts = await postingRepository.accounts(tx, book.fundId, codes);
    const byCode = new Map(accounts.map((a) => [a.code, a]));

    const checked: CheckedLine[] = [];
    input.lines.forEach((line, index) => {
      const label = `lines.${index}`;
      const debit = line.debit ?? Money.ZERO;
      const credit = line.credit ?? Money.ZERO;
      const account = byCode.get(line.account);
      if (!account)
        problems.push(`${label}.account ${line.account} is not an account of fund ${book.fundCode}`);
      if (debit.isNegative() || credit.isNegative()) problems.push(`${label} amounts must not be negative`);
      if (debit.isPositive() === credit.isPositive()) {
        problems.push(
          `${label} must have either a positive debit or a positive credit, not both and not neither`,
        );
      }
      if (account) checked.push({ lineNo: index + 1, account, debit, credit, memo: line.memo ?? null });
    });

    const debits = Money.sum(input.lines.map((l) => l.debit ?? Money.ZERO));
    const credits = Money.sum(input.lines.map((l) => l.credit ?? Money.ZERO));
    if (!debits.equals(credits)) {
      problems.push(`entry does not balance: debits ${debits.format()} ≠ credits ${credits.format()}`);
    }
    if (problems.length > 0) throw new InvalidRequestError(problems);
    return checked;
  }

  /** Invariant 4: the monthly turnover rows move in the same transaction as the lines. */
  private async addToBalances(
    tx: EntityManager,
    fundId: number,
    date: string,
    lines: CheckedLine[],
  ): Promise<void> {
    const period = date.slice(0, 7);
    const perAccount = new Map<number, { debit: Money; credit: Money }>();
    for (const line of lines) {
      const sum = perAccount.get(line.account.id) ?? { debit: Money.ZERO, credit: Money.ZERO };
      perAccount.set(line.account.id, {
        debit: sum.debit.plus(line.debit),
        credit: sum.credit.plus(line.credit),
      });
    }
    for (const [accountId, sum] of perAccount) {
      // Added in SQL (an upsert): better-sqlite3 hands an INTEGER above 2^53 to JavaScript as a rounded number,
      // so a read-modify-write would lose đồng once a monthly turnover passes ~9×10^15.
      await postingRepository.addToBalance(tx, {
        accountId,
        period,
        fundId,
        debit: sum.debit.toString(),
        credit: sum.credit.toString(),
      });
    }
  }

  /**
   * Invariant 5: cash and bank never go below zero — not now, and not at the end of any day from the entry's
   * date on (a back-dated payment must not overdraw a day that later receipts covered).
   */
  private async assertNonNegative(
    tx: EntityManager,
    fundId: number,
    date: string,
    lines: CheckedLine[],
    unposted = false,
  ): Promise<void> {
    const decreased = new Map<number, PostingAccount>();
    for (const line of lines) {
      if (line.account.nonNegative && line.credit.isPositive()) decreased.set(line.account.id, line.account);
    }
    for (const account of decreased.values()) {
      const total = await postingRepository.accountTotal(tx, account.id);
      const days = await postingRepository.accountDaysFrom(tx, fundId, date, account.id);
      if (unposted) {
        // A dry run: the lines are not in the tables yet, so add them to their day as if they were.
        const own = lines.filter((l) => l.account.id === account.id);
        const delta = Money.sum(own.map((l) => l.debit.minus(l.credit)));
        const first = days[0]?.day === date ? days[0] : null;
        const moved = (d: { debit: string; credit: string }) => ({
          debit: Money.fromStored(d.debit)
            .plus(Money.sum(own.map((l) => l.debit)))
            .toString(),
          credit: Money.fromStored(d.credit)
            .plus(Money.sum(own.map((l) => l.credit)))
            .toString(),
        });
        if (first) days[0] = { day: date, ...moved(first) };
        else days.unshift({ day: date, ...moved({ debit: '0', credit: '0' }) });
        total.debit = Money.fromStored(total.debit)
          .plus(delta.isNegative() ? Money.ZERO : delta)
          .toString();
        total.credit = Money.fromStored(total.credit)
          .plus(delta.isNegative() ? delta.negated() : Money.ZERO)
          .toString();
      }
      const later = Money.sum(days.map((d) => Money.fromStored(d.debit).minus(Money.fromStored(d.credit))));
      let running = Money.fromStored(total.debit).minus(Money.fromStored(total.credit)).minus(later);
      for (const day of days) {
        running = running.plus(Money.fromStored(day.debit)).minus(Money.fromStored(day.credit));
        if (running.isNegative()) {
          throw new InsufficientFundsError(
            `account ${account.code} (${account.nameVi}) of this fund would be ${running.format()} at the end of ${day.day}; ` +
              'cash and bank may not go below zero',
          );
        }
      }
    }
  }
}
