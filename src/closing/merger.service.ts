import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Actor, assertFundInScope } from '../common/actor';
import { BusinessRuleError, ConflictError, InvalidRequestError, PeriodLockedError } from '../common/errors';
import { Money } from '../common/money';
import { sql } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { Fund, FundLevel } from '../funds/fund.entity';
import { FundsService } from '../funds/funds.service';
import { BalancesService } from '../ledger/balances.service';
import { Account } from '../ledger/entities';
import { JournalQueryService } from '../ledger/journal-query.service';
import { PostingService } from '../ledger/posting.service';
import { closingLines, FUND_BALANCE_ACCOUNT, handoverLines } from './closing-lines';
import { FundMerger } from './entities';
import { fundTurnover } from './fund-turnover';
import { formatDateVi } from '../common/clock';

/** What any way of merging (the API, the demo) hands to `record`. */
export interface MergeInput {
  predecessor: string;
  successor: string;
  /** The predecessor's last day (YYYY-MM-DD). */
  cutoff: string;
  note: string;
  reparentChildren: boolean;
  mergedBy: string;
  /** Given only to merge outside the fund's own line (issue 15): an admin's reason. */
  crossHierarchyReason?: string | null;
}

/** A merger outside the predecessor's own line, and what it does to the consolidations above the two funds. */
export interface CrossHierarchy {
  reason: string;
  /** The nearest fund above both: its consolidated figures, and those of every fund above it, do not change. */
  commonAncestor: string;
  /** Consolidations that hold the predecessor but not the successor: the handed-over balances leave them. */
  leaves: string[];
  /** Consolidations that hold the successor but not the predecessor: the handed-over balances enter them. */
  enters: string[];
}

export interface MergerView {
  id: number;
  predecessor: string;
  successor: string;
  cutoff: string;
  note: string;
  /** In the predecessor: receipts and disbursements into 431 (null when there was nothing to close). */
  closingEntryId: number | null;
  /** In the predecessor: every balance out (null when it held nothing). */
  handoverEntryId: number | null;
  /** In the successor: the same balances in. */
  openingEntryId: number | null;
  /** The balances handed over, per account, on their side. */
  balances: { account: string; debit: string; credit: string }[];
  /** Funds moved from below the predecessor to below the successor. */
  childrenMoved: string[];
  /** Null for a merger into the parent or the parent's successor. */
  crossHierarchy: CrossHierarchy | null;
  mergedBy: string;
  mergedAt: string;
}

/** A merger as the API and the web admin ask for it. */
export interface MergeRequest {
  into: string;
  cutoff: string;
  note: string;
  reparentChildren?: boolean;
  crossHierarchyReason?: string;
}

function mergeInput(actor: Actor, code: string, dto: MergeRequest): MergeInput {
  if (dto.into === code)
    throw new InvalidRequestError(
      `into must be another fund than ${code}: a fund cannot be merged into itself`,
    );
  assertFundInScope(actor, code);
  assertFundInScope(actor, dto.into);
  return {
    predecessor: code,
    successor: dto.into,
    cutoff: dto.cutoff,
    note: dto.note.trim(),
    reparentChildren: dto.reparentChildren === true,
    mergedBy: actor.username,
    crossHierarchyReason: dto.crossHierarchyReason?.trim() || null,
  };
}

/** Carries a preview's result out of the transaction it rolls back. */
class MergerPreviewRollback extends Error {
  constructor(readonly view: MergerView) {
    super('merger preview: rolled back');
  }
}

/** At most this many open payout requests are named in a refusal (the count is always given). */
const MAX_LISTED = 50;

/** central > province > district > commune, as in funds/: a fund sits below a fund of a higher level. */
const LEVEL_RANK: Record<FundLevel, number> = { central: 4, province: 3, district: 2, commune: 1 };

/**
 * Fund mergers (DESIGN.md §7; the 1 July 2025 reform abolished district funds). In one transaction: the
 * predecessor's receipts and disbursements are closed into 431 at the cutoff, its remaining balance sheet is
 * handed over to the successor by a pair of entries dated the cutoff (out of the predecessor, source `closing`;
 * into the successor, source `opening`), and the predecessor is closed — status, validity, successor, lock date,
 * closed books — keeping its code, name, entries, voucher series and reports. Consolidated reports over a group
 * holding both funds eliminate the handover pair (reports/merger-eliminations.ts).
 */
@Injectable()
export class MergerService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly funds: FundsService,
    private readonly books: BalancesService,
    private readonly posting: PostingService,
    private readonly journal: JournalQueryService,
  ) {}

  async merge(actor: Actor, code: string, dto: MergeRequest): Promise<MergerView> {
    const input = mergeInput(actor, code, dto);
    return this.uow.write((tx) => this.record(tx, input));
  }

  /**
   * What `merge` would do, without doing it: the very same checks and entries, in a transaction that is rolled
   * back (no audit row, no entry, no change of status). The web admin shows it before the admin confirms, so the
   * balances it shows moving are the ones the merger will move, and a merger that would be refused is refused here.
   */
  async preview(actor: Actor, code: string, dto: MergeRequest): Promise<MergerView> {
    const input = mergeInput(actor, code, dto);
    try {
      await this.uow.write(async (tx) => {
        throw new MergerPreviewRollback(await this.record(tx, input));
      });
    } catch (error) {
      if (error instanceof MergerPreviewRollback) return error.view;
      throw error;
    }
    throw new Error('a merger preview must roll back');
  }

  /** Merges inside the caller's transaction; every refusal comes before anything is written. */
  async record(tx: EntityManager, input: MergeInput): Promise<MergerView> {
    const { cutoff } = input;
    const pred = await this.funds.byCode(tx, input.predecessor);
    const succ = await tx.findOne(Fund, { where: { code: input.successor } });
    if (!succ) throw new InvalidRequestError(`into ${input.successor} is not a known fund`);
    if (succ.id === pred.id) throw new InvalidRequestError(`a fund cannot be merged into itself`);
    if (pred.status !== 'active') {
      const merger = await tx.findOne(FundMerger, { where: { predecessorId: pred.id } });
      throw new ConflictError(
        `fund ${pred.code} is already closed${merger ? `: merged on ${merger.cutoff}` : ''}; a fund is merged once`,
      );
    }
    if (succ.status !== 'active') {
      throw new BusinessRuleError(`fund ${succ.code} is closed; merge into its successor instead`);
    }
    const predBook = await this.books.book(tx, pred.code);
    const succBook = await this.books.book(tx, succ.code);
    for (const book of [predBook, succBook]) {
      if (book.lockedThrough !== null && cutoff <= book.lockedThrough) {
        throw new PeriodLockedError(
          `fund ${book.fundCode} is locked through ${book.lockedThrough}; the merger's entries are dated the cutoff ${cutoff}, so it must be after the lock date`,
        );
      }
    }

    const problems: string[] = [];
    const descendants = await this.funds.withDescendants(tx, pred.code);
    if (descendants.some((f) => f.id === succ.id)) {
      problems.push(`fund ${succ.code} sits below ${pred.code}; merge into a fund outside its own hierarchy`);
    }
    const line = await this.line(tx, pred, succ, input.crossHierarchyReason ?? null);
    problems.push(...line.problems);
    const children = descendants.filter((f) => f.parentId === pred.id);
    if (input.reparentChildren) {
      for (const child of children) {
        if (LEVEL_RANK[child.level] >= LEVEL_RANK[succ.level]) {
          problems.push(
            `the ${child.level} fund ${child.code} cannot sit below the ${succ.level} fund ${succ.code}`,
          );
        }
      }
    }
    problems.push(...(await this.laterEntries(tx, pred, cutoff)));
    problems.push(...(await this.openPayouts(tx, pred)));

    const before = await fundTurnover(tx, this.journal, pred.id, cutoff);
    const succAccounts = new Set((await tx.find(Account, { where: { fundId: succ.id } })).map((a) => a.code));
    const missing = before.filter(
      (a) =>
        a.type !== 'receipts' &&
        a.type !== 'disbursements' &&
        !succAccounts.has(a.account) &&
        (a.account === FUND_BALANCE_ACCOUNT || !a.debit.minus(a.credit).isZero()),
    );
    for (const a of missing) {
      problems.push(
        `fund ${succ.code} has no account ${a.account} (${a.name}) to take the balance over; add it first`,
      );
    }
    if (problems.length) throw new BusinessRuleError(problems);

    const ref = `HN-${pred.code}`;
    const when = formatDateVi(cutoff);
    // (1) Close the predecessor's receipts and disbursements into 431, as a year-end close would.
    const closing = closingLines(before);
    const closingEntry = closing.lines.length
      ? await this.posting.post(tx, {
          fundCode: pred.code,
          date: cutoff,
          description: `Kết chuyển thu, chi đến ngày ${when} vào Quỹ (TK ${FUND_BALANCE_ACCOUNT}) khi hợp nhất vào ${succ.code}`,
          source: 'closing',
          sourceRef: ref,
          postedBy: input.mergedBy,
          lines: closing.lines,
        })
      : null;

    // (2) and (3) What is left is the balance sheet: out of the predecessor, into the successor, same day.
    const after = await fundTurnover(tx, this.journal, pred.id, cutoff);
    const handover = handoverLines(after, `Quỹ nhận: ${succ.code}`, `Quỹ chuyển: ${pred.code}`);
    const note = input.note ? `: ${input.note}` : '';
    const handoverEntry = handover.out.length
      ? await this.posting.post(tx, {
          fundCode: pred.code,
          date: cutoff,
          description:
            `Bàn giao số dư cho ${succ.name} (${succ.code}) khi hợp nhất ngày ${when}${note}`.slice(0, 500),
          source: 'closing',
          sourceRef: ref,
          postedBy: input.mergedBy,
          lines: handover.out,
        })
      : null;
    const openingEntry = handover.in.length
      ? await this.posting.post(tx, {
          fundCode: succ.code,
          date: cutoff,
          description:
            `Nhận bàn giao số dư từ ${pred.name} (${pred.code}) khi hợp nhất ngày ${when}${note}`.slice(
              0,
              500,
            ),
          source: 'opening',
          sourceRef: ref,
          postedBy: input.mergedBy,
          lines: handover.in,
        })
      : null;

    // (4) The predecessor ends at the cutoff; its children (a district's communes) may move to the successor.
    await tx.update(Fund, { id: pred.id }, { status: 'closed', validTo: cutoff, successorId: succ.id });
    const moved = input.reparentChildren ? children : [];
    if (moved.length) await tx.update(Fund, { id: In(moved.map((c) => c.id)) }, { parentId: succ.id });
    await this.books.lock(tx, pred.code, cutoff, false);
    await this.books.close(tx, pred.code, cutoff, `merged into ${succ.code} (${succ.name}) on ${cutoff}`);

    // (5) The record that ties it together.
    const mergedAt = nowIso();
    const row = await tx.save(
      tx.create(FundMerger, {
        predecessorId: pred.id,
        successorId: succ.id,
        cutoff,
        note: input.note,
        crossHierarchyReason: line.cross?.reason ?? null,
        closingEntryId: closingEntry?.id ?? null,
        handoverEntryId: handoverEntry?.id ?? null,
        openingEntryId: openingEntry?.id ?? null,
        childrenMoved: moved.length,
        mergedBy: input.mergedBy,
        mergedAt,
      }),
    );
    return {
      id: row.id,
      predecessor: pred.code,
      successor: succ.code,
      cutoff,
      note: input.note,
      closingEntryId: row.closingEntryId,
      handoverEntryId: row.handoverEntryId,
      openingEntryId: row.openingEntryId,
      balances: handover.in.map((l) => ({
        account: l.account,
        debit: (l.debit ?? Money.ZERO).toString(),
        credit: (l.credit ?? Money.ZERO).toString(),
      })),
      childrenMoved: moved.map((c) => c.code),
      crossHierarchy: line.cross,
      mergedBy: input.mergedBy,
      mergedAt,
    };
  }

  /**
   * The 2025 rule (issue 15): a fund merges into its parent, or into its parent's successor when the parent was
   * merged itself. Anything else moves balances between hierarchies and needs an admin's reason; even then the two
   * funds must share an ancestor, whose consolidation holds both sides of the handover — the merger's entries are
   * eliminated there (reports/merger-eliminations.ts, reports/closing-eliminations.ts), so its figures and those
   * of every fund above it stay exactly as they were. Without a common ancestor every consolidation holding either
   * fund would change, so that is refused.
   */
  private async line(
    tx: EntityManager,
    pred: Fund,
    succ: Fund,
    reason: string | null,
  ): Promise<{ problems: string[]; cross: CrossHierarchy | null }> {
    const all = new Map((await tx.find(Fund)).map((f) => [f.id, f]));
    const above = (fund: Fund): Fund[] => {
      const chain: Fund[] = [];
      const seen = new Set<number>([fund.id]);
      for (let f = fund; f.parentId !== null && !seen.has(f.parentId);) {
        const parent = all.get(f.parentId);
        if (!parent) break;
        chain.push(parent);
        seen.add(parent.id);
        f = parent;
      }
      return chain;
    };
    const parent = pred.parentId === null ? null : (all.get(pred.parentId) ?? null);
    const inLine: Fund[] = [];
    for (let f = parent; f !== null && !inLine.some((g) => g.id === f?.id);) {
      inLine.push(f);
      f = f.successorId === null ? null : (all.get(f.successorId) ?? null);
    }
    if (inLine.some((f) => f.id === succ.id)) return { problems: [], cross: null };

    const allowed = parent
      ? `its parent ${parent.code}${
          inLine.length > 1
            ? ` or the parent's successor ${inLine
                .slice(1)
                .map((f) => f.code)
                .join(' → ')}`
            : ''
        }`
      : 'a parent, and it has none';
    if (reason === null) {
      return {
        problems: [
          `fund ${pred.code} may be merged only into ${allowed}; ${succ.code} is outside its line. An admin who must merge across hierarchies says why in crossHierarchyReason`,
        ],
        cross: null,
      };
    }
    const predAbove = above(pred);
    const succLine = [succ, ...above(succ)];
    const common = predAbove.find((f) => succLine.some((g) => g.id === f.id));
    if (!common) {
      return {
        problems: [
          `funds ${pred.code} and ${succ.code} have no common ancestor: no consolidation holds both, so the handover would change every consolidated figure above either; merge into ${allowed} instead`,
        ],
        cross: null,
      };
    }
    const below = (chain: Fund[]) =>
      chain
        .slice(
          0,
          chain.findIndex((f) => f.id === common.id),
        )
        .map((f) => f.code);
    return {
      problems: [],
      cross: { reason, commonAncestor: common.code, leaves: below(predAbove), enters: below(succLine) },
    };
  }

  /** The merger of `code` (as predecessor), and the funds merged into it. */
  async mergersOf(
    manager: EntityManager,
    fund: Fund,
  ): Promise<{ mergedInto: MergerSummary | null; mergedIn: MergerSummary[] }> {
    const rows = await manager.find(FundMerger, {
      where: [{ predecessorId: fund.id }, { successorId: fund.id }],
      relations: { predecessor: true, successor: true },
      order: { id: 'ASC' },
    });
    const summary = (m: FundMerger): MergerSummary => ({
      id: m.id,
      predecessor: m.predecessor?.code ?? '',
      successor: m.successor?.code ?? '',
      cutoff: m.cutoff,
      note: m.note,
      crossHierarchyReason: m.crossHierarchyReason,
      closingEntryId: m.closingEntryId,
      handoverEntryId: m.handoverEntryId,
      openingEntryId: m.openingEntryId,
      childrenMoved: m.childrenMoved,
      mergedBy: m.mergedBy,
      mergedAt: m.mergedAt,
    });
    return {
      mergedInto: rows.filter((m) => m.predecessorId === fund.id).map(summary)[0] ?? null,
      mergedIn: rows.filter((m) => m.successorId === fund.id).map(summary),
    };
  }

  /** Entries after the cutoff would stay behind in closed books. */
  private async laterEntries(tx: EntityManager, fund: Fund, cutoff: string): Promise<string[]> {
    const [row] = await sql<{ n: string | number; first: string | null }>(
      tx,
      'SELECT COUNT(*) AS n, MIN(entry_date) AS first FROM journal_entries WHERE fund_id = ? AND entry_date > ?',
      [fund.id, cutoff],
    );
    const n = Number(row.n);
    if (n === 0) return [];
    return [
      `fund ${fund.code} has ${n} ${n === 1 ? 'entry' : 'entries'} dated after the cutoff ${cutoff} (the first on ${row.first}); choose a later cutoff or post them in the successor instead`,
    ];
  }

  /**
   * Payout requests still waiting (submitted or approved) would be paid from closed books: each is named, so that
   * they can be paid, rejected or cancelled — and asked again in the successor — before the merger.
   */
  private async openPayouts(tx: EntityManager, fund: Fund): Promise<string[]> {
    const rows = await sql<{ id: number | string; status: string; amount: string; request_date: string }>(
      tx,
      `SELECT id, status, CAST(amount AS TEXT) AS amount, request_date FROM disbursements
        WHERE fund_id = ? AND status IN ('submitted', 'approved') ORDER BY id`,
      [fund.id],
    );
    if (rows.length === 0) return [];
    const listed = rows
      .slice(0, MAX_LISTED)
      .map(
        (r) =>
          `payout request ${Number(r.id)} of fund ${fund.code} is still ${r.status} (${Money.fromStored(r.amount).format()}, ${r.request_date}); pay, reject or cancel it before the merger`,
      );
    if (rows.length > MAX_LISTED)
      listed.push(`… and ${rows.length - MAX_LISTED} more open payout requests of fund ${fund.code}`);
    return listed;
  }
}

export interface MergerSummary {
  id: number;
  predecessor: string;
  successor: string;
  cutoff: string;
  note: string;
  crossHierarchyReason: string | null;
  closingEntryId: number | null;
  handoverEntryId: number | null;
  openingEntryId: number | null;
  childrenMoved: number;
  mergedBy: string;
  mergedAt: string;
}
