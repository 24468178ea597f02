import fc from 'fast-check';
import {
  AlreadyReversedError,
  DomainError,
  ForbiddenError,
  InsufficientFundsError,
  InvalidRequestError,
  PeriodLockedError,
} from '../../src/common/errors';
import { Money } from '../../src/common/money';
import type { EntityManager } from 'typeorm';
import type { EntryView } from '../../src/ledger/ledger.types';
import { DB_LABEL } from '../support/database';
import {
  CASH_ACCOUNTS,
  chainHead,
  createFund,
  Ledger,
  openLedger,
  post,
  query,
  reverse,
  rowCounts,
  SimpleLine,
  snapshot,
  tableInvariantProblems,
} from './harness';

/**
 * Model-based property test of the books (DESIGN.md §4, invariants 1–5 and 7). Random sequences of postings,
 * reversals and lock-date moves run against the real posting path on a real database, and against a small
 * model that predicts, independently of the code under test, whether each command must succeed or which
 * error must refuse it. After every command the tables, the model and VerifyService must agree.
 */

const ACCOUNTS = ['111', '112', '5111', '5114', '6111', '6113', '141'] as const;
const FUNDS = ['PA', 'PB'] as const;
const DAYS = 731; // 2023-01-01 … 2024-12-31
const DAY_MS = 86_400_000;
const START = Date.UTC(2023, 0, 1);

const dayToDate = (day: number) => new Date(START + day * DAY_MS).toISOString().slice(0, 10);
const dateToDay = (date: string) => Math.round((Date.parse(`${date}T00:00:00Z`) - START) / DAY_MS);

type Side = 'debit' | 'credit';
interface GenLine {
  account: string;
  side: Side;
  amount: bigint;
}
/** A date, chosen relative to the fund's state when the command runs. */
type DatePick =
  | { kind: 'day'; day: number }
  | { kind: 'atLock'; day: number }
  | { kind: 'beforeLock'; back: number; day: number };

interface ModelLine {
  account: string;
  debit: bigint;
  credit: bigint;
}
interface ModelEntry {
  id: number;
  fund: number;
  number: number;
  date: string;
  lines: ModelLine[];
  reversed: boolean;
}
interface FundModel {
  code: string;
  lockedThrough: string | null;
  lastNo: number;
}
interface Model {
  funds: FundModel[];
  entries: ModelEntry[];
}
interface Real {
  ledger: Ledger;
}

type Expected = { ok: true } | { ok: false; error: new (...args: never[]) => DomainError; reason: string };
const OK: Expected = { ok: true };

/** How often each outcome was predicted over the whole run: proves the generators reach every refusal. */
const outcomes = new Map<string, number>();

function resolveDate(pick: DatePick, fund: FundModel): string {
  if (pick.kind === 'day' || fund.lockedThrough === null) return dayToDate(pick.day);
  const lockDay = dateToDay(fund.lockedThrough);
  return dayToDate(pick.kind === 'atLock' ? lockDay : Math.max(0, lockDay - pick.back));
}

function toSimple(lines: ModelLine[]): SimpleLine[] {
  return lines.map((l) =>
    l.debit > 0n ? { account: l.account, debit: l.debit } : { account: l.account, credit: l.credit },
  );
}

/** The model's cash/bank balance of one account of a fund, over all dates. */
function cashTotal(model: Model, fund: number, account: string): bigint {
  let total = 0n;
  for (const e of model.entries) {
    if (e.fund !== fund) continue;
    for (const l of e.lines) if (l.account === account) total += l.debit - l.credit;
  }
  return total;
}

/** Invariant 5 in the model: with `extra` added, does any cash/bank account end any day below zero? */
function overdraws(model: Model, fund: number, extra: { date: string; lines: ModelLine[] }): string | null {
  for (const account of CASH_ACCOUNTS) {
    const perDay = new Map<string, bigint>();
    const add = (date: string, lines: ModelLine[]) => {
      for (const l of lines) {
        if (l.account === account) perDay.set(date, (perDay.get(date) ?? 0n) + l.debit - l.credit);
      }
    };
    for (const e of model.entries) if (e.fund === fund) add(e.date, e.lines);
    add(extra.date, extra.lines);
    let running = 0n;
    for (const day of [...perDay.keys()].sort()) {
      running += perDay.get(day) as bigint;
      if (running < 0n) return `${account} would end ${day} at ${running}`;
    }
  }
  return null;
}

function isLocked(fund: FundModel, date: string): boolean {
  return fund.lockedThrough !== null && date <= fund.lockedThrough;
}

async function attempt<T>(
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Runs one command against the real books and checks the outcome against the model's prediction: a refused
 * command must throw the predicted error and leave every table, the chain head and every balance as they were.
 */
async function expectOutcome<T>(
  real: Real,
  expected: Expected,
  fn: () => Promise<T>,
): Promise<T | undefined> {
  const manager = real.ledger.dataSource.manager;
  const before = await snapshot(manager);
  const result = await attempt(fn);
  const outcome = expected.ok ? 'ok' : expected.error.name;
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  if (expected.ok) {
    if (!result.ok) throw new Error(`expected success, got ${String(result.error)}`);
    return result.value;
  }
  if (result.ok)
    throw new Error(`expected ${expected.error.name} (${expected.reason}), but the command succeeded`);
  if (!(result.error instanceof expected.error)) {
    throw new Error(`expected ${expected.error.name} (${expected.reason}), got ${String(result.error)}`);
  }
  expect(await snapshot(manager)).toEqual(before);
  return undefined;
}

/** A successful posting: one more entry, one more audit row, and its fund's chain head moved onto the entry. */
async function checkPosted(
  model: Model,
  real: Real,
  fundIndex: number,
  view: EntryView,
  date: string,
  before: Record<string, number>,
) {
  const manager = real.ledger.dataSource.manager;
  const fund = model.funds[fundIndex];
  expect(view.fundCode).toBe(fund.code);
  expect(view.number).toBe(fund.lastNo + 1);
  expect(view.date).toBe(date);
  const after = await rowCounts(manager);
  expect(after.journal_entries).toBe(before.journal_entries + 1);
  expect(after.audit_log).toBe(before.audit_log + 1);
  const head = await chainHead(manager);
  expect(head).toMatchObject({ lastEntryId: view.id, entryCount: model.entries.length + 1 });
  await expectFundHead(manager, view);
}

/** Each fund has its own hash chain: its books row names the entry as its last, by number and hash. */
async function expectFundHead(manager: EntityManager, view: EntryView) {
  const [book] = await query<{ last_entry_no: number | string; last_hash: string }>(
    manager,
    'SELECT last_entry_no, last_hash FROM books WHERE fund_code = ?',
    [view.fundCode],
  );
  expect({ number: Number(book.last_entry_no), hash: book.last_hash }).toEqual({
    number: view.number,
    hash: view.hash,
  });
}

function record(
  model: Model,
  fundIndex: number,
  view: EntryView,
  date: string,
  lines: ModelLine[],
): ModelEntry {
  model.funds[fundIndex].lastNo = view.number;
  const entry: ModelEntry = {
    id: view.id,
    fund: fundIndex,
    number: view.number,
    date,
    lines,
    reversed: false,
  };
  model.entries.push(entry);
  return entry;
}

/** Invariants that must hold after every command, successful or refused. */
async function checkAll(model: Model, real: Real): Promise<void> {
  const { ledger } = real;
  const manager = ledger.dataSource.manager;
  expect(await tableInvariantProblems(manager)).toEqual([]);

  const report = await ledger.verifier.verify(manager);
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
  expect(report.entriesChecked).toBe(model.entries.length);

  // The stored balances, as the reports read them, equal the model's sums of what was posted.
  for (let f = 0; f < model.funds.length; f++) {
    const accounts = await ledger.books.accounts(manager, model.funds[f].code);
    for (const code of ACCOUNTS) {
      let debit = 0n;
      let credit = 0n;
      for (const e of model.entries) {
        if (e.fund !== f) continue;
        for (const l of e.lines) {
          if (l.account !== code) continue;
          debit += l.debit;
          credit += l.credit;
        }
      }
      const view = accounts.find((a) => a.code === code);
      expect({ fund: model.funds[f].code, code, debit: view?.debit, credit: view?.credit }).toEqual({
        fund: model.funds[f].code,
        code,
        debit: debit.toString(),
        credit: credit.toString(),
      });
    }
  }
  const books = await manager.query<
    { fund_code: string; locked_through: string | null; last_entry_no: number | string }[]
  >('SELECT fund_code, locked_through, last_entry_no FROM books ORDER BY fund_code');
  expect(
    books.map((b) => ({
      code: b.fund_code,
      lockedThrough: b.locked_through,
      lastNo: Number(b.last_entry_no),
    })),
  ).toEqual(model.funds);
}

// ---------------------------------------------------------------------------------------------- commands

class PostCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly fund: number,
    readonly datePick: DatePick,
    readonly lines: GenLine[],
    readonly balancingAccount: string,
    /** 0 for a balanced entry; otherwise how far the entry is off. */
    readonly unbalance: bigint,
  ) {}

  check = () => true;

  /** The generated lines plus, when needed, one line that balances them (or misses by `unbalance`). */
  buildLines(): ModelLine[] {
    const lines = this.lines.map((l) =>
      l.side === 'debit'
        ? { account: l.account, debit: l.amount, credit: 0n }
        : { account: l.account, debit: 0n, credit: l.amount },
    );
    const diff = lines.reduce((sum, l) => sum + l.debit - l.credit, 0n);
    if (diff > 0n) lines.push({ account: this.balancingAccount, debit: 0n, credit: diff + this.unbalance });
    else if (diff < 0n)
      lines.push({ account: this.balancingAccount, debit: -diff + this.unbalance, credit: 0n });
    else if (this.unbalance > 0n)
      lines.push({ account: this.balancingAccount, debit: this.unbalance, credit: 0n });
    return lines;
  }

  async run(model: Model, real: Real): Promise<void> {
    const fund = model.funds[this.fund];
    const date = resolveDate(this.datePick, fund);
    const lines = this.buildLines();
    const overdraft = overdraws(model, this.fund, { date, lines });
    let expected: Expected = OK;
    if (isLocked(fund, date))
      expected = { ok: false, error: PeriodLockedError, reason: `${date} ≤ lock ${fund.lockedThrough}` };
    else if (this.unbalance > 0n) expected = { ok: false, error: InvalidRequestError, reason: 'unbalanced' };
    else if (overdraft) expected = { ok: false, error: InsufficientFundsError, reason: overdraft };

    const before = await rowCounts(real.ledger.dataSource.manager);
    const view = await expectOutcome(real, expected, () =>
      post(real.ledger, fund.code, date, toSimple(lines)),
    );
    if (view) {
      await checkPosted(model, real, this.fund, view, date, before);
      expect(view.lines).toEqual(
        lines.map((l) => ({
          account: l.account,
          debit: l.debit.toString(),
          credit: l.credit.toString(),
          memo: null,
        })),
      );
      record(model, this.fund, view, date, lines);
    }
    await checkAll(model, real);
  }

  toString(): string {
    const lines = this.buildLines()
      .map((l) => `${l.account}:${l.debit > 0n ? `D${l.debit}` : `C${l.credit}`}`)
      .join(' ');
    return `post(${FUNDS[this.fund]}, ${JSON.stringify(this.datePick)}, ${lines})`;
  }
}

/**
 * Several entries posted through PostingService.postMany in one write (the import's bulk path): all of them, or
 * none. Each entry is checked as `post` checks it: the checks that need no writing (lock, balance) for the whole
 * batch first, then cash and bank (invariant 5) entry by entry, each against the entries before it.
 */
class PostManyCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly posts: PostCommand[]) {}

  check = () => true;

  async run(model: Model, real: Real): Promise<void> {
    const planned = this.posts.map((post) => {
      const fund = model.funds[post.fund];
      return { post, fund, date: resolveDate(post.datePick, fund), lines: post.buildLines() };
    });
    let expected: Expected = OK;
    const refused = planned.find((p) => isLocked(p.fund, p.date) || p.post.unbalance > 0n);
    if (refused && isLocked(refused.fund, refused.date)) {
      expected = {
        ok: false,
        error: PeriodLockedError,
        reason: `${refused.date} ≤ lock ${refused.fund.lockedThrough}`,
      };
    } else if (refused) {
      expected = { ok: false, error: InvalidRequestError, reason: 'unbalanced' };
    } else {
      const scratch: Model = { funds: model.funds, entries: [...model.entries] };
      for (const p of planned) {
        const overdraft = overdraws(scratch, p.post.fund, p);
        if (overdraft) {
          expected = { ok: false, error: InsufficientFundsError, reason: overdraft };
          break;
        }
        scratch.entries.push({
          id: 0,
          fund: p.post.fund,
          number: 0,
          date: p.date,
          lines: p.lines,
          reversed: false,
        });
      }
    }

    const manager = real.ledger.dataSource.manager;
    const before = await rowCounts(manager);
    const views = await expectOutcome(real, expected, () =>
      real.ledger.uow.write((tx) =>
        real.ledger.posting.postMany(
          tx,
          planned.map((p) => ({
            fundCode: p.fund.code,
            date: p.date,
            description: 'Bút toán kiểm thử (postMany)',
            source: 'manual',
            postedBy: 'reliability',
            lines: toSimple(p.lines).map((l) => ({
              account: l.account,
              debit: l.debit === undefined ? undefined : Money.fromStored(l.debit),
              credit: l.credit === undefined ? undefined : Money.fromStored(l.credit),
            })),
          })),
        ),
      ),
    );
    if (views) {
      expect(views).toHaveLength(planned.length);
      planned.forEach((p, i) => {
        expect(views[i]).toMatchObject({ fundCode: p.fund.code, number: p.fund.lastNo + 1, date: p.date });
        record(model, p.post.fund, views[i], p.date, p.lines);
      });
      const after = await rowCounts(manager);
      expect(after.journal_entries).toBe(before.journal_entries + planned.length);
      expect(after.audit_log).toBe(before.audit_log + 1);
      const last = views[views.length - 1];
      expect(await chainHead(manager)).toMatchObject({
        lastEntryId: last.id,
        entryCount: model.entries.length,
      });
      const lastOfFund = new Map(views.map((view) => [view.fundCode, view]));
      for (const view of lastOfFund.values()) await expectFundHead(manager, view);
    }
    await checkAll(model, real);
  }

  toString(): string {
    return `postMany(${this.posts.map((post) => post.toString()).join(', ')})`;
  }
}

/** A payment out of cash or bank sized from its current balance: exactly it, a little more, or half of it. */
class CashOutCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly fund: number,
    readonly datePick: DatePick,
    readonly account: '111' | '112',
    readonly expense: string,
    readonly size: 'all' | 'half' | { beyond: bigint },
  ) {}

  check = () => true;

  async run(model: Model, real: Real): Promise<void> {
    const fund = model.funds[this.fund];
    const date = resolveDate(this.datePick, fund);
    const balance = cashTotal(model, this.fund, this.account);
    let amount =
      this.size === 'all' ? balance : this.size === 'half' ? balance / 2n : balance + this.size.beyond;
    if (amount <= 0n) amount = 1n;
    const lines: ModelLine[] = [
      { account: this.expense, debit: amount, credit: 0n },
      { account: this.account, debit: 0n, credit: amount },
    ];
    const overdraft = overdraws(model, this.fund, { date, lines });
    let expected: Expected = OK;
    if (isLocked(fund, date))
      expected = { ok: false, error: PeriodLockedError, reason: `${date} ≤ lock ${fund.lockedThrough}` };
    else if (overdraft) expected = { ok: false, error: InsufficientFundsError, reason: overdraft };
    if (amount > balance) expect(expected.ok).toBe(false); // the model itself: paying more than the balance never fits

    const before = await rowCounts(real.ledger.dataSource.manager);
    const view = await expectOutcome(real, expected, () =>
      post(real.ledger, fund.code, date, toSimple(lines)),
    );
    if (view) {
      await checkPosted(model, real, this.fund, view, date, before);
      record(model, this.fund, view, date, lines);
    }
    await checkAll(model, real);
  }

  toString(): string {
    return `cashOut(${FUNDS[this.fund]}, ${JSON.stringify(this.datePick)}, ${this.account}→${this.expense}, ${typeof this.size === 'string' ? this.size : `beyond+${this.size.beyond}`})`;
  }
}

type ReverseDate = { kind: 'sameDay' } | { kind: 'later'; days: number } | { kind: 'pick'; pick: DatePick };

class ReverseCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly when: ReverseDate,
  ) {}

  check = (model: Readonly<Model>) => model.entries.length > 0;

  async run(model: Model, real: Real): Promise<void> {
    const original = model.entries[this.pick % model.entries.length];
    const fund = model.funds[original.fund];
    const date =
      this.when.kind === 'sameDay'
        ? original.date
        : this.when.kind === 'later'
          ? dayToDate(Math.min(DAYS - 1, dateToDay(original.date) + this.when.days))
          : resolveDate(this.when.pick, fund);
    const lines = original.lines.map((l) => ({ account: l.account, debit: l.credit, credit: l.debit }));
    let expected: Expected = OK;
    if (original.reversed)
      expected = { ok: false, error: AlreadyReversedError, reason: `entry ${original.id} already reversed` };
    else if (date < original.date)
      expected = { ok: false, error: InvalidRequestError, reason: `${date} before ${original.date}` };
    else if (isLocked(fund, date))
      expected = { ok: false, error: PeriodLockedError, reason: `${date} ≤ lock ${fund.lockedThrough}` };
    else {
      const overdraft = overdraws(model, original.fund, { date, lines });
      if (overdraft) expected = { ok: false, error: InsufficientFundsError, reason: overdraft };
    }

    const before = await rowCounts(real.ledger.dataSource.manager);
    const view = await expectOutcome(real, expected, () => reverse(real.ledger, original.id, date));
    if (view) {
      await checkPosted(model, real, original.fund, view, date, before);
      expect(view.reversalOf).toBe(original.id);
      expect(view.source).toBe('reversal');
      record(model, original.fund, view, date, lines);
      original.reversed = true;
      const linked = await real.ledger.query.get(real.ledger.dataSource.manager, original.id);
      expect(linked.reversedBy).toBe(view.id);
    }
    await checkAll(model, real);
  }

  toString(): string {
    return `reverse(#${this.pick}, ${JSON.stringify(this.when)})`;
  }
}

/** Reversing an entry that was already reversed: always AlreadyReversedError, whatever the date. */
class ReverseAgainCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}

  check = (model: Readonly<Model>) => model.entries.some((e) => e.reversed);

  async run(model: Model, real: Real): Promise<void> {
    const reversed = model.entries.filter((e) => e.reversed);
    const original = reversed[this.pick % reversed.length];
    const fund = model.funds[original.fund];
    // A date that would otherwise be acceptable: not before the entry, after the lock.
    const lockDay = fund.lockedThrough === null ? -1 : dateToDay(fund.lockedThrough);
    const date = dayToDate(Math.max(dateToDay(original.date), lockDay + 1));
    await expectOutcome(
      real,
      { ok: false, error: AlreadyReversedError, reason: `entry ${original.id} already reversed` },
      () => reverse(real.ledger, original.id, date),
    );
    await checkAll(model, real);
  }

  toString(): string {
    return `reverseAgain(#${this.pick})`;
  }
}

/** Moves a fund's lock date: forward by some days, or to a random date (refused when that is backwards). */
class LockCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly fund: number,
    readonly move: { kind: 'forward'; days: number } | { kind: 'to'; day: number },
  ) {}

  check = () => true;

  async run(model: Model, real: Real): Promise<void> {
    const fund = model.funds[this.fund];
    const through =
      this.move.kind === 'to'
        ? dayToDate(this.move.day)
        : dayToDate((fund.lockedThrough === null ? -1 : dateToDay(fund.lockedThrough)) + this.move.days);
    const expected: Expected =
      fund.lockedThrough !== null && through < fund.lockedThrough
        ? { ok: false, error: ForbiddenError, reason: `${through} is before the lock ${fund.lockedThrough}` }
        : OK;
    const { uow, books } = real.ledger;
    const result = await expectOutcome(real, expected, () =>
      uow.write((tx) => books.lock(tx, fund.code, through, false)),
    );
    if (result) {
      expect(result).toEqual({ code: fund.code, lockedThrough: through });
      fund.lockedThrough = through;
    }
    await checkAll(model, real);
  }

  toString(): string {
    return `lock(${FUNDS[this.fund]}, ${JSON.stringify(this.move)})`;
  }
}

// -------------------------------------------------------------------------------------------- arbitraries

const fundArb = fc.integer({ min: 0, max: FUNDS.length - 1 });
const accountArb = fc.constantFrom(...ACCOUNTS);
const amountArb = fc.oneof(
  { weight: 4, arbitrary: fc.bigInt(1n, 10n ** 6n) },
  { weight: 3, arbitrary: fc.bigInt(1n, 10n ** 9n) },
  { weight: 2, arbitrary: fc.bigInt(1n, 10n ** 15n) },
  { weight: 1, arbitrary: fc.constantFrom(10n ** 15n, 10n ** 15n - 1n, 1n) },
);
const dayArb = fc.integer({ min: 0, max: DAYS - 1 });
/** A few days that sequences keep coming back to: same-day and same-month postings, back-dated payments. */
const hotDayArb = fc.constantFrom(0, 1, 30, 45, 59, 365, 366, 400, 730);
const datePickArb: fc.Arbitrary<DatePick> = fc.oneof(
  { weight: 3, arbitrary: dayArb.map((day): DatePick => ({ kind: 'day', day })) },
  { weight: 3, arbitrary: hotDayArb.map((day): DatePick => ({ kind: 'day', day })) },
  { weight: 1, arbitrary: dayArb.map((day): DatePick => ({ kind: 'atLock', day })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ back: fc.integer({ min: 1, max: 90 }), day: dayArb })
      .map((r): DatePick => ({ kind: 'beforeLock', ...r })),
  },
);
const lineArb: fc.Arbitrary<GenLine> = fc.record({
  account: accountArb,
  side: fc.constantFrom<Side>('debit', 'credit'),
  amount: amountArb,
});

const postArb = fc
  .record({
    fund: fundArb,
    date: datePickArb,
    lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }),
    balancing: accountArb,
    unbalance: fc.oneof(
      { weight: 5, arbitrary: fc.constant(0n) },
      { weight: 1, arbitrary: fc.bigInt(1n, 10n ** 9n) },
    ),
  })
  .map((r) => new PostCommand(r.fund, r.date, r.lines, r.balancing, r.unbalance));

/** Receipts into cash or bank, so that payments have something to pay from. */
const receiptArb = fc
  .record({
    fund: fundArb,
    date: datePickArb,
    cash: fc.constantFrom('111', '112'),
    income: fc.constantFrom('5111', '5114'),
    amount: amountArb,
  })
  .map(
    (r) =>
      new PostCommand(r.fund, r.date, [{ account: r.cash, side: 'debit', amount: r.amount }], r.income, 0n),
  );

/** A batch through postMany: entries of any kind, receipts among them, so that some batches credit cash. */
const postManyArb = fc
  .array(fc.oneof(postArb, receiptArb), { minLength: 1, maxLength: 4 })
  .map((posts) => new PostManyCommand(posts));

const cashOutArb = fc
  .record({
    fund: fundArb,
    date: datePickArb,
    account: fc.constantFrom<'111' | '112'>('111', '112'),
    expense: fc.constantFrom('6111', '6113', '141'),
    size: fc.oneof(
      fc.constantFrom<'all' | 'half'>('all', 'half'),
      fc.oneof(fc.constant(1n), fc.bigInt(1n, 10n ** 12n)).map((beyond) => ({ beyond })),
    ),
  })
  .map((r) => new CashOutCommand(r.fund, r.date, r.account, r.expense, r.size));

const reverseArb = fc
  .record({
    pick: fc.nat(),
    when: fc.oneof(
      fc.constant<ReverseDate>({ kind: 'sameDay' }),
      fc.integer({ min: 1, max: 120 }).map((days): ReverseDate => ({ kind: 'later', days })),
      datePickArb.map((pick): ReverseDate => ({ kind: 'pick', pick })),
    ),
  })
  .map((r) => new ReverseCommand(r.pick, r.when));

const reverseAgainArb = fc.nat().map((pick) => new ReverseAgainCommand(pick));

const lockArb = fc
  .record({
    fund: fundArb,
    move: fc.oneof(
      {
        weight: 2,
        arbitrary: fc.integer({ min: 1, max: 60 }).map((days) => ({ kind: 'forward' as const, days })),
      },
      { weight: 1, arbitrary: dayArb.map((day) => ({ kind: 'to' as const, day })) },
    ),
  })
  .map((r) => new LockCommand(r.fund, r.move));

const commandsArb = fc.commands(
  [
    postArb,
    postArb,
    receiptArb,
    receiptArb,
    receiptArb,
    postManyArb,
    postManyArb,
    cashOutArb,
    cashOutArb,
    reverseArb,
    reverseArb,
    reverseAgainArb,
    reverseAgainArb,
    lockArb,
    lockArb,
  ],
  { maxCommands: 25, size: 'max' },
);

// ---------------------------------------------------------------------------------------------------- test

describe(`books invariants under random command sequences (${DB_LABEL})`, () => {
  it('hold after every posting, reversal and lock move, on two funds', async () => {
    await fc.assert(
      fc.asyncProperty(commandsArb, async (cmds) => {
        const ledger = await openLedger();
        try {
          for (const code of FUNDS) await createFund(ledger, code);
          const model: Model = {
            funds: FUNDS.map((code) => ({ code, lockedThrough: null, lastNo: 0 })),
            entries: [],
          };
          await fc.asyncModelRun(() => ({ model, real: { ledger } }), cmds);
        } finally {
          await ledger.close();
        }
      }),
      { numRuns: 40 },
    );
    // Not a vacuous pass: the sequences reached every kind of outcome.
    const seen = Object.fromEntries(outcomes);
    for (const outcome of [
      'ok',
      'PeriodLockedError',
      'InvalidRequestError',
      'InsufficientFundsError',
      'AlreadyReversedError',
    ]) {
      expect({ outcome, seen: (seen[outcome] ?? 0) > 0 }).toEqual({ outcome, seen: true });
    }
  }, 300_000);

  it('keep monthly balances exact beyond 2^53 đồng, where a JavaScript number would round', async () => {
    const ledger = await openLedger();
    try {
      await createFund(ledger, 'BIG');
      const max = 10n ** 15n;
      // Ten receipts of the largest request amount take the month's turnover of 111 past 2^53 ≈ 9.007×10^15.
      for (let i = 0; i < 10; i++) {
        await post(ledger, 'BIG', '2024-01-05', [
          { account: '111', debit: max },
          { account: '5111', credit: max },
        ]);
      }
      for (let i = 0; i < 3; i++) {
        await post(ledger, 'BIG', '2024-01-06', [
          { account: '111', debit: 1n },
          { account: '5111', credit: 1n },
        ]);
      }
      // Pay all of it but 1 đồng out, in lines that each stay below 2^53.
      const half = 5n * max + 1n;
      await post(ledger, 'BIG', '2024-01-07', [
        { account: '6113', debit: half },
        { account: '6113', debit: half },
        { account: '111', credit: half },
        { account: '111', credit: half },
      ]);
      const manager = ledger.dataSource.manager;
      expect(await tableInvariantProblems(manager)).toEqual([]);
      const cash = (await ledger.books.accounts(manager, 'BIG')).find((a) => a.code === '111');
      expect(cash).toMatchObject({ debit: '10000000000000003', credit: '10000000000000002', balance: '1' });
      const report = await ledger.verifier.verify(manager);
      expect(report.problems).toEqual([]);
      // One đồng more than there is: still refused, to the đồng.
      await expect(
        post(ledger, 'BIG', '2024-01-08', [
          { account: '6113', debit: 2n },
          { account: '111', credit: 2n },
        ]),
      ).rejects.toBeInstanceOf(InsufficientFundsError);
    } finally {
      await ledger.close();
    }
  });
});
