import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Actor, assertFundInScope } from '../common/actor';
import { ConflictError, InvalidRequestError, NotFoundError } from '../common/errors';
import { Money } from '../common/money';
import { todayInVietnam } from '../common/clock';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { Fund } from '../funds/fund.entity';
import { FundsService } from '../funds/funds.service';
import { JournalQueryService } from '../ledger/journal-query.service';
import { JournalLine } from '../ledger/entities';
import { BankAdvicesService, type BankAdviceView } from '../bank-advices/bank-advices.service';
import { MatchDto, ReconciliationQuery, UndoMatchDto } from './dto';
import {
  BankMatch,
  BankMatchItem,
  BankStatement,
  BankStatementLine,
  Direction,
  liveKeyOf,
  MatchKind,
  MatchStatus,
} from './entities';
import { MatchConfidence, matchConfidence, matchSignature, proposeMatches, shiftDays } from './matcher';
import {
  JournalLineView,
  journalLines,
  StatementLineView,
  statementLines,
  toBookItem,
  toStatementItem,
} from './reconciliation-queries';
import { assertHasBankAccount, BANK_ACCOUNT } from './statement-import.service';

export const DEFAULT_WINDOW_DAYS = 3;
/** Lines one matching run or one report may take on each side: past it, ask for a shorter range. */
export const MAX_LINES_PER_SIDE = 20_000;
/** Lines and matches listed in a report, per list; all of them are counted and totalled. */
export const MAX_LISTED = 2_000;
/** Ids sent in one IN (…) list. */
const IDS_PER_QUERY = 500;

export interface MatchView {
  id: number;
  fundCode: string;
  kind: MatchKind;
  status: MatchStatus;
  basis: string;
  /** How sure the matcher is of it, from its basis (matcher.ts, matchConfidence). */
  confidence: MatchConfidence;
  direction: Direction;
  amount: string;
  statementLines: StatementLineView[];
  journalLines: JournalLineView[];
  proposedBy: string;
  proposedAt: string;
  confirmedBy: string | null;
  confirmedAt: string | null;
  undoneBy: string | null;
  undoneAt: string | null;
  undoReason: string | null;
}

export interface MatchRunReport {
  fundCode: string;
  from: string | null;
  to: string | null;
  windowDays: number;
  /** Unmatched lines the run looked at, on each side. */
  statementLinesConsidered: number;
  journalLinesConsidered: number;
  proposed: number;
  matches: MatchView[];
}

export interface ReconciliationReport {
  fund: string;
  from: string | null;
  to: string;
  account: string;
  /** Money in less money out over the imported statement lines dated in the range. */
  statementBalance: string;
  /** The balance of 112 in the books at `to` (trial balance). */
  booksBalance: string;
  /** Confirmed matches with a line in the range (the first MAX_LISTED). */
  matched: MatchView[];
  proposed: MatchView[];
  unmatchedStatementLines: StatementLineView[];
  unmatchedJournalLines: JournalLineView[];
  /** How many of each there are, listed or not. */
  counts: Record<
    | 'statementLines'
    | 'journalLines'
    | 'matched'
    | 'proposed'
    | 'unmatchedStatementLines'
    | 'unmatchedJournalLines',
    number
  >;
  /**
   * Signed whole đồng. `movement` = statement net − book net over the range; `explained` = what the unmatched
   * lines account for (their statement net − their book net); `unexplained` = movement − explained, zero unless a
   * match has a line dated outside the range; `balance` = statementBalance − booksBalance, meaningful when the
   * statements cover the account since it opened.
   */
  differences: Record<
    | 'statementIn'
    | 'statementOut'
    | 'booksDebit'
    | 'booksCredit'
    | 'movement'
    | 'unmatchedStatementIn'
    | 'unmatchedStatementOut'
    | 'unmatchedBooksDebit'
    | 'unmatchedBooksCredit'
    | 'explained'
    | 'unexplained'
    | 'balance',
    string
  >;
}

/**
 * Bank/Treasury reconciliation of account 112 (DESIGN.md §8): proposes matches between statement lines and 112
 * journal lines, lets an accountant confirm or undo them, and reports what is left on each side. Matches are
 * annotations: nothing here posts to, or changes, the books.
 */
@Injectable()
export class BankReconciliationService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly funds: FundsService,
    private readonly journal: JournalQueryService,
    private readonly advices: BankAdvicesService,
  ) {}

  /**
   * Books an unmatched statement line the bank made on its own — interest credited (money in) or a fee charged
   * (money out) — through the bank-advice service (its one posting, Nợ 112 / Có 5115 or Nợ 6117 / Có 112, its
   * limits), with the line's reference as the advice's, then records the line and the new entry's 112 line as a
   * confirmed match. Two writes: if the second fails, the entry stands and the matcher proposes the pair later by
   * its shared reference.
   */
  async bookLine(
    actor: Actor,
    lineId: number,
    kind: 'interest' | 'fee',
  ): Promise<{ advice: BankAdviceView; match: MatchView }> {
    const manager = this.uow.manager;
    const line = await manager.findOne(BankStatementLine, { where: { id: lineId } });
    if (!line) throw new NotFoundError(`bank statement line ${lineId} does not exist`);
    const statement = await manager.findOneByOrFail(BankStatement, { id: line.statementId });
    const fund = await manager.findOneByOrFail(Fund, { id: statement.fundId });
    assertFundInScope(actor, fund.code);
    if (line.status !== 'unmatched')
      throw new ConflictError(`bank statement line ${lineId} is ${line.status}, not unmatched`);
    const expected: Direction = kind === 'interest' ? 'in' : 'out';
    if (line.direction !== expected) {
      throw new InvalidRequestError(
        `bank statement line ${lineId} is money ${line.direction}; ${kind} is booked from money ${expected}`,
      );
    }
    const advice = await this.advices.create(actor, {
      fundCode: fund.code,
      kind,
      date: line.lineDate,
      amount: line.amount,
      bankRef: line.reference ?? `SK-${statement.id}-${line.lineNo}`,
      description: line.description?.slice(0, 300) || undefined,
    });
    const match = await this.uow.write(async (tx) => {
      const account = await assertHasBankAccount(tx, fund);
      const bookLine = await tx.findOneOrFail(JournalLine, {
        where: { entryId: advice.entryId, accountId: account.id },
      });
      const inserted = await tx.insert(BankMatch, {
        fundId: fund.id,
        kind: 'one_to_one',
        status: 'confirmed',
        basis: `same reference ${advice.bankRef}; same day`.slice(0, 200),
        proposedBy: actor.username,
        proposedAt: nowIso(),
        confirmedBy: actor.username,
        confirmedAt: nowIso(),
      });
      const matchId = (inserted.identifiers[0] as { id: number }).id;
      await tx.insert(BankMatchItem, [
        { matchId, statementLineId: line.id, journalLineId: null, liveKey: liveKeyOf('statement', line.id) },
        {
          matchId,
          statementLineId: null,
          journalLineId: bookLine.id,
          liveKey: liveKeyOf('journal', bookLine.id),
        },
      ]);
      await this.setStatementStatus(tx, [line.id], 'unmatched', 'matched');
      return this.viewOf(tx, fund, matchId);
    });
    return { advice, match };
  }

  match(actor: Actor, fundCode: string, dto: MatchDto): Promise<MatchRunReport> {
    assertFundInScope(actor, fundCode);
    const from = dto.from ?? null;
    const to = dto.to ?? null;
    assertRange(from, to);
    const windowDays = dto.windowDays ?? DEFAULT_WINDOW_DAYS;
    return this.uow.write(async (tx) => {
      const fund = await this.funds.byCode(tx, fundCode);
      const account = await assertHasBankAccount(tx, fund);
      const statement = await statementLines(tx, fund.id, { from, to, freeOnly: true });
      // A journal line may lie up to the window outside the range and still match a line inside it.
      const books = await journalLines(tx, account.id, {
        from: from && shiftDays(from, -windowDays),
        to: to && shiftDays(to, windowDays),
        freeOnly: true,
      });
      if (statement.length > MAX_LINES_PER_SIDE || books.length > MAX_LINES_PER_SIDE) {
        throw new InvalidRequestError(
          `more than ${MAX_LINES_PER_SIDE} unmatched lines on one side; match a shorter range (from, to)`,
        );
      }
      const proposals = proposeMatches(statement.map(toStatementItem), books.map(toBookItem), {
        windowDays,
        excluded: await rejectedSignatures(tx, fund.id),
      });

      const at = nowIso();
      const ids: number[] = [];
      for (const proposal of proposals) {
        const inserted = await tx.insert(BankMatch, {
          fundId: fund.id,
          kind: proposal.kind,
          status: 'proposed',
          basis: proposal.basis.slice(0, 200),
          proposedBy: actor.username,
          proposedAt: at,
        });
        const matchId = (inserted.identifiers[0] as { id: number }).id;
        ids.push(matchId);
        await tx.insert(BankMatchItem, [
          ...proposal.statementLineIds.map((id) => ({
            matchId,
            statementLineId: id,
            journalLineId: null,
            liveKey: liveKeyOf('statement', id),
          })),
          ...proposal.journalLineIds.map((id) => ({
            matchId,
            statementLineId: null,
            journalLineId: id,
            liveKey: liveKeyOf('journal', id),
          })),
        ]);
      }
      await this.setStatementStatus(
        tx,
        proposals.flatMap((p) => p.statementLineIds),
        'unmatched',
        'matched',
      );
      return {
        fundCode,
        from,
        to,
        windowDays,
        statementLinesConsidered: statement.length,
        journalLinesConsidered: books.length,
        proposed: ids.length,
        matches: await this.views(tx, fund, account.id, ids),
      };
    });
  }

  /** A proposed match becomes confirmed: the accountant agrees the lines are one movement of money. */
  confirm(actor: Actor, id: number): Promise<MatchView> {
    return this.uow.write(async (tx) => {
      const { match, fund } = await this.load(tx, actor, id);
      if (match.status !== 'proposed')
        throw new ConflictError(`match ${id} is ${match.status}, not proposed`);
      await tx.update(
        BankMatch,
        { id },
        { status: 'confirmed', confirmedBy: actor.username, confirmedAt: nowIso() },
      );
      return this.viewOf(tx, fund, id);
    });
  }

  /**
   * Undoes a proposed or confirmed match and frees its lines on both sides. Every undo is a rejection: the matcher
   * never proposes the same lines together again, whether the match was only proposed or already confirmed.
   */
  undo(actor: Actor, id: number, dto: UndoMatchDto): Promise<MatchView> {
    return this.uow.write(async (tx) => {
      const { match, fund } = await this.load(tx, actor, id);
      if (match.status === 'undone') throw new ConflictError(`match ${id} is already undone`);
      const items = await tx.find(BankMatchItem, { where: { matchId: id } });
      await tx.update(BankMatchItem, { matchId: id }, { liveKey: null });
      const statementIds = items.flatMap((i) => (i.statementLineId === null ? [] : [i.statementLineId]));
      await this.setStatementStatus(tx, statementIds, 'matched', 'unmatched');
      await tx.update(
        BankMatch,
        { id },
        { status: 'undone', undoneBy: actor.username, undoneAt: nowIso(), undoReason: dto.reason ?? null },
      );
      return this.viewOf(tx, fund, id);
    });
  }

  /** What is matched, proposed and left on each side over a range, with the balances and their differences. */
  async report(actor: Actor, fundCode: string, query: ReconciliationQuery): Promise<ReconciliationReport> {
    assertFundInScope(actor, fundCode);
    const from = query.from ?? null;
    const to = query.to ?? todayInVietnam();
    assertRange(from, to);
    const manager = this.uow.manager;
    const fund = await this.funds.byCode(manager, fundCode);
    const account = await assertHasBankAccount(manager, fund);
    const statement = await statementLines(manager, fund.id, { from, to });
    const books = await journalLines(manager, account.id, { from, to });
    if (statement.length > MAX_LINES_PER_SIDE || books.length > MAX_LINES_PER_SIDE) {
      throw new InvalidRequestError(
        `more than ${MAX_LINES_PER_SIDE} lines on one side in this range; ask for a shorter range (from, to)`,
      );
    }
    const balance = await this.journal.trialBalance(manager, [fund.id], to);
    const booksBalance = Money.fromStored(
      balance.rows.find((r) => r.account === BANK_ACCOUNT)?.balance ?? '0',
    );

    const matchIds = [
      ...new Set([...statement, ...books].flatMap((l) => (l.matchId === null ? [] : [l.matchId]))),
    ].sort((a, b) => a - b);
    const statuses = await matchStatuses(manager, matchIds);
    const confirmedIds = matchIds.filter((id) => statuses.get(id) === 'confirmed');
    const proposedIds = matchIds.filter((id) => statuses.get(id) === 'proposed');
    const unmatchedStatement = statement.filter((l) => l.matchId === null);
    const unmatchedBooks = books.filter((l) => l.matchId === null);

    const statementNet = net(statement);
    const booksNet = net(books);
    const unmatchedStatementNet = net(unmatchedStatement);
    const unmatchedBooksNet = net(unmatchedBooks);
    const movementDifference = statementNet.minus(booksNet);
    return {
      fund: fundCode,
      from,
      to,
      account: BANK_ACCOUNT,
      statementBalance: statementNet.toString(),
      booksBalance: booksBalance.toString(),
      matched: await this.views(manager, fund, account.id, confirmedIds.slice(0, MAX_LISTED)),
      proposed: await this.views(manager, fund, account.id, proposedIds.slice(0, MAX_LISTED)),
      unmatchedStatementLines: unmatchedStatement.slice(0, MAX_LISTED),
      unmatchedJournalLines: unmatchedBooks.slice(0, MAX_LISTED),
      counts: {
        statementLines: statement.length,
        journalLines: books.length,
        matched: confirmedIds.length,
        proposed: proposedIds.length,
        unmatchedStatementLines: unmatchedStatement.length,
        unmatchedJournalLines: unmatchedBooks.length,
      },
      differences: {
        statementIn: total(statement, 'in').toString(),
        statementOut: total(statement, 'out').toString(),
        booksDebit: total(books, 'in').toString(),
        booksCredit: total(books, 'out').toString(),
        movement: movementDifference.toString(),
        unmatchedStatementIn: total(unmatchedStatement, 'in').toString(),
        unmatchedStatementOut: total(unmatchedStatement, 'out').toString(),
        unmatchedBooksDebit: total(unmatchedBooks, 'in').toString(),
        unmatchedBooksCredit: total(unmatchedBooks, 'out').toString(),
        explained: unmatchedStatementNet.minus(unmatchedBooksNet).toString(),
        unexplained: movementDifference.minus(unmatchedStatementNet.minus(unmatchedBooksNet)).toString(),
        balance: statementNet.minus(booksBalance).toString(),
      },
    };
  }

  private async load(tx: EntityManager, actor: Actor, id: number): Promise<{ match: BankMatch; fund: Fund }> {
    const match = await tx.findOne(BankMatch, { where: { id } });
    if (!match) throw new NotFoundError(`bank match ${id} does not exist`);
    const fund = await tx.findOneByOrFail(Fund, { id: match.fundId });
    assertFundInScope(actor, fund.code);
    return { match, fund };
  }

  private async viewOf(tx: EntityManager, fund: Fund, id: number): Promise<MatchView> {
    const account = await assertHasBankAccount(tx, fund);
    const [view] = await this.views(tx, fund, account.id, [id]);
    return view;
  }

  /** The matches with their lines on both sides, in the order of `ids`. */
  private async views(
    manager: EntityManager,
    fund: Fund,
    accountId: number,
    ids: number[],
  ): Promise<MatchView[]> {
    if (ids.length === 0) return [];
    const matches: BankMatch[] = [];
    const items: BankMatchItem[] = [];
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
      const slice = ids.slice(i, i + IDS_PER_QUERY);
      matches.push(...(await manager.find(BankMatch, { where: { id: In(slice) } })));
      items.push(
        ...(await manager.find(BankMatchItem, { where: { matchId: In(slice) }, order: { id: 'ASC' } })),
      );
    }
    const statement = await statementLines(manager, fund.id, {
      ids: items.flatMap((i) => (i.statementLineId === null ? [] : [i.statementLineId])),
    });
    const books = await journalLines(manager, accountId, {
      ids: items.flatMap((i) => (i.journalLineId === null ? [] : [i.journalLineId])),
    });
    const statementById = new Map(statement.map((l) => [l.id, l]));
    const bookById = new Map(books.map((l) => [l.id, l]));
    const byId = new Map(matches.map((m) => [m.id, m]));
    const itemsOf = groupBy(items, (i) => i.matchId);
    return ids.map((id) => {
      const match = byId.get(id) as BankMatch;
      const own = itemsOf.get(id) ?? [];
      const statementSide = own.flatMap((i) =>
        i.statementLineId === null ? [] : [statementById.get(i.statementLineId) as StatementLineView],
      );
      const bookSide = own.flatMap((i) =>
        i.journalLineId === null ? [] : [bookById.get(i.journalLineId) as JournalLineView],
      );
      return {
        id,
        fundCode: fund.code,
        kind: match.kind,
        status: match.status,
        basis: match.basis,
        confidence: matchConfidence(match.kind, match.basis),
        direction: statementSide[0]?.direction ?? bookSide[0]?.direction,
        amount: Money.sum(statementSide.map((l) => Money.fromStored(l.amount))).toString(),
        statementLines: statementSide,
        journalLines: bookSide,
        proposedBy: match.proposedBy,
        proposedAt: match.proposedAt,
        confirmedBy: match.confirmedBy,
        confirmedAt: match.confirmedAt,
        undoneBy: match.undoneBy,
        undoneAt: match.undoneAt,
        undoReason: match.undoReason,
      };
    });
  }

  /** Moves statement lines between statuses; a line not in the expected status means two writers disagree. */
  private async setStatementStatus(
    tx: EntityManager,
    ids: number[],
    expected: 'matched' | 'unmatched',
    status: 'matched' | 'unmatched',
  ): Promise<void> {
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
      const slice = ids.slice(i, i + IDS_PER_QUERY);
      const result = await tx.update(BankStatementLine, { id: In(slice), status: expected }, { status });
      if (result.affected !== undefined && result.affected !== slice.length) {
        throw new ConflictError(`a statement line of the match is not ${expected}; nothing was written`);
      }
    }
  }
}

/**
 * Pairings an accountant undid in the fund: a proposal rejected before any confirmation, and a confirmed match
 * taken back later alike. Either way a person has said these lines do not belong together.
 */
async function rejectedSignatures(tx: EntityManager, fundId: number): Promise<Set<string>> {
  const rejected = await tx.find(BankMatch, { select: { id: true }, where: { fundId, status: 'undone' } });
  const signatures = new Set<string>();
  for (let i = 0; i < rejected.length; i += IDS_PER_QUERY) {
    const ids = rejected.slice(i, i + IDS_PER_QUERY).map((m) => m.id);
    const items = groupBy(await tx.find(BankMatchItem, { where: { matchId: In(ids) } }), (i) => i.matchId);
    for (const id of ids) {
      const own = items.get(id) ?? [];
      signatures.add(
        matchSignature(
          own.flatMap((item) => (item.statementLineId === null ? [] : [item.statementLineId])),
          own.flatMap((item) => (item.journalLineId === null ? [] : [item.journalLineId])),
        ),
      );
    }
  }
  return signatures;
}

/** The status of each match, by id. */
async function matchStatuses(manager: EntityManager, ids: number[]): Promise<Map<number, MatchStatus>> {
  const statuses = new Map<number, MatchStatus>();
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    const found = await manager.find(BankMatch, {
      select: { id: true, status: true },
      where: { id: In(ids.slice(i, i + IDS_PER_QUERY)) },
    });
    for (const match of found) statuses.set(match.id, match.status);
  }
  return statuses;
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

function assertRange(from: string | null, to: string | null): void {
  if (from !== null && to !== null && from > to) {
    throw new InvalidRequestError(`from ${from} must not be after to ${to}`);
  }
}

function total(lines: readonly { direction: Direction; amount: string }[], direction: Direction): Money {
  return Money.sum(lines.filter((l) => l.direction === direction).map((l) => Money.fromStored(l.amount)));
}

/** Money in less money out (for journal lines: debit 112 less credit 112). */
function net(lines: readonly { direction: Direction; amount: string }[]): Money {
  return total(lines, 'in').minus(total(lines, 'out'));
}
