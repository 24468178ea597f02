import { holdFunds } from '../database/unit-of-work';
import { Injectable } from '@nestjs/common';
import { assert, present } from '../common/assert';
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
import { Account, Book, JournalEntry, JournalLine } from './entities';
import {
  BalanceDelta,
  FundDates,
  NewEntryRow,
  PostingAccount,
  postingRepository,
  RowsOfEntries,
} from './posting.repository';
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
    const {
      views: [entry],
    } = await this.postAll(tx, [{ input, reversalOfId }]);
    return entry;
  }

  /**
   * Posts entries in order as `post` would one after the other: each entry is checked by the same rules with the
   * same errors — the checks that need no writing (fund, dates, lock, accounts, balance) for every entry first,
   * then cash and bank (invariant 5) entry by entry against the entries before it — and the first refusal throws
   * (the caller's transaction rolls back). The fund's book (its chain head), dates and accounts are read once and
   * its head moved once, and entries, lines and balances written in bulk (one statement per table on PostgreSQL). An
   * import posts each chunk of rows through it.
   */
  async postMany(tx: EntityManager, inputs: PostingInput[]): Promise<EntryView[]> {
    return (
      await this.postAll(
        tx,
        inputs.map((input) => ({ input, reversalOfId: null })),
      )
    ).views;
  }

  /**
   * postMany, and on PostgreSQL `also`'s rows (one per entry, e.g. the contributions) written in the same statement
   * as the entries, each with its entry's id (issue 13): their ids come back in `rowIds`. `rowIds` is null when
   * they were not written (SQLite, or a batch posted entry by entry): the caller then writes them itself.
   */
  postManyWith(
    tx: EntityManager,
    inputs: PostingInput[],
    also: RowsOfEntries,
  ): Promise<{ views: EntryView[]; rowIds: number[] | null }> {
    return this.postAll(
      tx,
      inputs.map((input) => ({ input, reversalOfId: null })),
      also,
    );
  }

  /** The one posting path: `post` is a batch of one. */
  private async postAll(
    tx: EntityManager,
    items: { input: PostingInput; reversalOfId: number | null }[],
    also: RowsOfEntries | null = null,
  ): Promise<{ views: EntryView[]; rowIds: number[] | null }> {
    if (items.length === 0) return { views: [], rowIds: null };
    // A write confined to its funds holds them from here at the latest (if numbering has not already).
    await holdFunds(tx);
    const reads = new BookReads(tx);
    // What the checks read (each fund's book, dates and accounts) is read first, once; the checks themselves are
    // then plain calls, entry by entry in order, the first refusal thrown.
    await reads.load(items.map((item) => item.input));
    const checked: CheckedEntry[] = [];
    for (const { input, reversalOfId } of items) {
      const book = reads.loadedBook(input.fundCode);
      if (!book) throw new InvalidRequestError(`fundCode ${input.fundCode} is not a known fund`);
      this.assertNotClosed(book);
      this.assertOpen(book, input.date, reads.today);
      this.assertFundExisted(reads, book, input.date);
      const computed =
        input.source === 'closing' ||
        (reversalOfId !== null && (await this.computedFromBooks(tx, input, reversalOfId)));
      if (!computed) this.assertNotAutoLocked(reads, book, input.date);
      checked.push({ input, reversalOfId, book, lines: this.checkLines(reads, book, input) });
    }
    // A credit to cash or bank is checked against the books as they stand just after its own entry (invariant 5):
    // a batch with one posts its entries one at a time.
    if (checked.length > 1 && checked.some((entry) => entry.lines.some(decreasesNonNegative))) {
      const views: EntryView[] = [];
      for (const item of items) views.push(...(await this.postAll(tx, [item])).views);
      return { views, rowIds: null };
    }

    const postedAt = nowIso();
    // Each fund has its own chain (chain-head.ts): an entry follows its fund's previous entry.
    const rows: NewEntryRow[] = checked.map(({ input, reversalOfId, book, lines }) => {
      book.lastEntryNo += 1;
      const prevHash = book.lastHash;
      const hash = entryHash(prevHash, {
        fundCode: book.fundCode,
        number: book.lastEntryNo,
        date: input.date,
        description: input.description,
        source: input.source,
        sourceRef: input.sourceRef ?? null,
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
      book.lastHash = hash;
      return {
        fundId: book.fundId,
        number: book.lastEntryNo,
        entryDate: input.date,
        description: input.description,
        source: input.source,
        sourceRef: input.sourceRef ?? null,
        reversalOfId,
        postedBy: input.postedBy,
        postedAt,
        prevHash,
        hash,
      };
    });
    const books = [...new Set(checked.map((entry) => entry.book))];
    // Each line names its entry by (fund, number) for PostgreSQL's one statement, and by its place in `rows`.
    const lines = checked.flatMap((entry, i) =>
      entry.lines.map((l) => ({
        entry: i,
        fundId: rows[i].fundId,
        number: rows[i].number,
        lineNo: l.lineNo,
        accountId: l.account.id,
        debit: l.debit.toString(),
        credit: l.credit.toString(),
        memo: l.memo,
      })),
    );
    const balances = balanceDeltas(checked);
    let ids: number[];
    let rowIds: number[] | null = null;
    if (tx.connection.options.type === 'postgres') {
      // One round trip for entries, lines, turnovers and heads (issue 13).
      ({ ids, rowIds } = await postingRepository.writePostedPg(
        tx,
        rows,
        lines,
        balances,
        books.map((book) => ({
          fundId: book.fundId,
          lastEntryNo: book.lastEntryNo,
          lastHash: book.lastHash,
        })),
        also,
      ));
    } else {
      ids = await postingRepository.insertEntries(tx, rows);
      await postingRepository.insertLines(tx, lines, ids);
      await postingRepository.addToBalances(tx, balances);
      // Each fund's head moves once, past its last entry here.
      for (const book of books)
        await postingRepository.setBookHead(tx, book.fundId, book.lastEntryNo, book.lastHash);
    }
    // Invariant 5 is checked on the books as written (a refusal rolls the whole transaction back, head and all).
    for (const { book, input, lines } of checked)
      if (lines.some(decreasesNonNegative)) await this.assertNonNegative(tx, book.fundId, input.date, lines);

    const views = checked.map(({ input, book, lines }, i) => ({
      id: ids[i],
      number: rows[i].number,
      fundCode: book.fundCode,
      date: input.date,
      description: input.description,
      source: input.source,
      sourceRef: rows[i].sourceRef,
      postedBy: input.postedBy,
      postedAt,
      hash: rows[i].hash,
      reversalOf: rows[i].reversalOfId,
      reversedBy: null,
      lines: lines.map((l) => ({
        account: l.account.code,
        debit: l.debit.toString(),
        credit: l.credit.toString(),
        memo: l.memo,
      })),
    }));
    return { views, rowIds };
  }

  /**
   * Checks an entry as `post` would (fund open, date, accounts, balance, cash and bank not below zero), without
   * writing it: an entry that waits for approval is refused at once if it could not post now. It is checked
   * again, in full, when it posts.
   */
  async dryRun(tx: EntityManager, input: PostingInput): Promise<void> {
    const reads = new BookReads(tx);
    await reads.load([input]);
    const book = reads.loadedBook(input.fundCode);
    if (!book) throw new InvalidRequestError(`fundCode ${input.fundCode} is not a known fund`);
    this.assertNotClosed(book);
    this.assertOpen(book, input.date, reads.today);
    this.assertFundExisted(reads, book, input.date);
    this.assertNotAutoLocked(reads, book, input.date);
    const lines = this.checkLines(reads, book, input);
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

  private assertOpen(book: Book, date: string, today: string): void {
    if (!isRealDate(date)) throw new InvalidRequestError('date must be a date written YYYY-MM-DD');
    // The books record what happened: nothing dated after today (in Vietnam).
    if (date > today) throw new InvalidRequestError(`date ${date} is in the future`);
    if (book.lockedThrough !== null && date <= book.lockedThrough) {
      throw new PeriodLockedError(
        `fund ${book.fundCode} is locked through ${book.lockedThrough}; post on a later date or ask an admin to reopen the period`,
      );
    }
  }

  /** Nothing is dated before the fund existed (its validFrom), nor ever before EARLIEST_BOOK_DATE. */
  private assertFundExisted(reads: BookReads, book: Book, date: string): void {
    if (date < EARLIEST_BOOK_DATE)
      throw new InvalidRequestError(
        `date ${date} is before ${EARLIEST_BOOK_DATE}, the earliest date the books take`,
      );
    const validFrom = reads.loadedDates(book.fundId).validFrom;
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
  private assertNotAutoLocked(reads: BookReads, book: Book, date: string): void {
    const days = autoLockRule().daysAfterMonthEnd;
    if (days === null) return;
    const auto = reads.autoLockedThrough(book.fundId, days);
    if (auto !== null && date <= auto) {
      throw new PeriodLockedError(
        msg('lateEntries.autoLocked', { fundCode: book.fundCode, lockedThrough: auto, days }),
      );
    }
  }

  /** Invariant 1 and the shape of lines: every problem is reported at once, by line number. */
  private checkLines(reads: BookReads, book: Book, input: PostingInput): CheckedLine[] {
    const problems: string[] = [];
    if (!input.description.trim()) problems.push('description must not be blank');
    if (input.lines.length < 2) problems.push('an entry needs at least two lines');
    if (input.lines.length > MAX_LINES_PER_ENTRY)
      problems.push(`an entry has at most ${MAX_LINES_PER_ENTRY} lines`);

    const byCode = reads.loadedAccounts(book.fundId);

    const checked: CheckedLine[] = [];
    input.lines.forEach((line, index) => {
      const label = `lines.${index}`;
      const debit = line.debit ?? Money.ZERO;
      const credit = line.credit ?? Money.ZERO;
      const account = byCode.get(line.account) ?? undefined;
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

/** Real calendar dates met so far: a chunk's entries share a few days, and isIsoDate builds a Date each time. */
const REAL_DATES = new Set<string>();

function isRealDate(date: string): boolean {
  if (REAL_DATES.has(date)) return true;
  if (!isIsoDate(date)) return false;
  if (REAL_DATES.size >= 100_000) REAL_DATES.clear();
  REAL_DATES.add(date);
  return true;
}

interface CheckedEntry {
  input: PostingInput;
  reversalOfId: number | null;
  book: Book;
  lines: CheckedLine[];
}

const decreasesNonNegative = (line: CheckedLine) => line.account.nonNegative && line.credit.isPositive();

/**
 * Invariant 4: the monthly turnover rows move in the same transaction as the lines, one upsert per account and
 * month. Added in SQL: better-sqlite3 hands an INTEGER above 2^53 to JavaScript as a rounded number, so a
 * read-modify-write would lose đồng once a monthly turnover passes ~9×10^15.
 */
function balanceDeltas(entries: CheckedEntry[]): BalanceDelta[] {
  const sums = new Map<
    string,
    { accountId: number; period: string; fundId: number; debit: Money; credit: Money }
  >();
  for (const { book, input, lines } of entries) {
    const period = input.date.slice(0, 7);
    for (const line of lines) {
      const key = `${line.account.id}:${period}`;
      const sum = sums.get(key) ?? {
        accountId: line.account.id,
        period,
        fundId: book.fundId,
        debit: Money.ZERO,
        credit: Money.ZERO,
      };
      sum.debit = sum.debit.plus(line.debit);
      sum.credit = sum.credit.plus(line.credit);
      sums.set(key, sum);
    }
  }
  return [...sums.values()].map((sum) => ({
    ...sum,
    debit: sum.debit.toString(),
    credit: sum.credit.toString(),
  }));
}

/**
 * What posting reads of a fund, read once per call however many entries it posts: its book, first day, creation
 * time and accounts. Today (in Vietnam) is taken once too.
 */
class BookReads {
  readonly today = todayInVietnam();
  private readonly books = new Map<string, Book | null>();
  private readonly dates = new Map<number, FundDates>();
  /** Per fund, account code → account (null: no such account). */
  private readonly accountsOf = new Map<number, Map<string, PostingAccount | null>>();
  private readonly autoLocks = new Map<string, string | null>();

  constructor(private readonly tx: EntityManager) {}

  /**
   * Reads, once, what checking these entries needs: each named fund's book and, for a fund that exists, its dates
   * and the accounts its entries name. Reading has no effect, so reading ahead of a refused entry changes nothing.
   */
  async load(inputs: readonly PostingInput[]): Promise<void> {
    const codesOf = new Map<string, Set<string>>();
    for (const input of inputs) {
      let codes = codesOf.get(input.fundCode);
      if (!codes) codesOf.set(input.fundCode, (codes = new Set()));
      for (const line of input.lines) codes.add(line.account);
    }
    for (const [fundCode, codes] of codesOf) {
      if (!this.books.has(fundCode) && this.tx.connection.options.type === 'postgres') {
        // PostgreSQL: the book (locked), its dates and its accounts in one round trip (issue 13).
        const read = await postingRepository.fundReadsPg(this.tx, fundCode, [...codes]);
        this.books.set(fundCode, read?.book ?? null);
        if (read) {
          this.dates.set(read.book.fundId, read.dates);
          const known = new Map<string, PostingAccount | null>();
          for (const code of codes) known.set(code, read.accounts.find((a) => a.code === code) ?? null);
          this.accountsOf.set(read.book.fundId, known);
        }
      }
      if (!this.books.has(fundCode))
        this.books.set(fundCode, await postingRepository.bookByCode(this.tx, fundCode));
      const book = this.books.get(fundCode);
      if (!book) continue;
      if (!this.dates.has(book.fundId))
        this.dates.set(book.fundId, await postingRepository.fundDates(this.tx, book.fundId));
      let known = this.accountsOf.get(book.fundId);
      if (!known) this.accountsOf.set(book.fundId, (known = new Map<string, PostingAccount | null>()));
      const missing = [...codes].filter((code) => !known.has(code));
      if (missing.length > 0) {
        const found = await postingRepository.accounts(this.tx, book.fundId, missing);
        for (const code of missing) known.set(code, found.find((a) => a.code === code) ?? null);
      }
    }
  }

  /** The fund's book (load first); null when there is no such fund. */
  loadedBook(fundCode: string): Book | null {
    const book = this.books.get(fundCode);
    assert(book !== undefined, `books of ${fundCode} not loaded`);
    return book;
  }

  /** Both of a loaded fund's dates. */
  loadedDates(fundId: number): FundDates {
    return present(this.dates.get(fundId), `dates of fund ${fundId} not loaded`);
  }

  /** A loaded fund's accounts by code (null: the fund has no such account). */
  loadedAccounts(fundId: number): ReadonlyMap<string, PostingAccount | null> {
    return present(this.accountsOf.get(fundId), `accounts of fund ${fundId} not loaded`);
  }

  /** The last day the automatic lock has locked in a loaded fund (auto-lock.ts), worked out once per fund and rule. */
  autoLockedThrough(fundId: number, days: number): string | null {
    const key = `${fundId}:${days}`;
    if (!this.autoLocks.has(key)) {
      const createdAt = this.loadedDates(fundId).createdAt;
      this.autoLocks.set(
        key,
        createdAt ? autoLockedThrough(this.today, days, todayInVietnam(new Date(createdAt))) : null,
      );
    }
    return this.autoLocks.get(key) ?? null;
  }
}
