import { Injectable } from '@nestjs/common';
import { Actor, assertFundInScope } from '../common/actor';
import { todayInVietnam } from '../common/clock';
import { UnitOfWork } from '../database/unit-of-work';
import { Fund } from '../funds/fund.entity';
import { FundsService } from '../funds/funds.service';
import { autoLockedThrough, autoLockRule } from '../ledger/auto-lock';
import { BalancesService } from '../ledger/balances.service';
import { MergerService, MergerSummary } from './merger.service';
import { YearClosingView, YearEndService } from './year-end.service';

export interface ClosingHistory {
  fund: string;
  status: string;
  validTo: string | null;
  /** The fund this one was merged into. */
  successor: string | null;
  lockedThrough: string | null;
  /**
   * The last day the automatic lock (data/policy.json period_auto_lock) holds today; null when it holds none yet or
   * is off. Postings are refused on or before the later of the two.
   */
  autoLockedThrough: string | null;
  /** Set once the books are closed for good (a merger). */
  closedOn: string | null;
  /** Every year-end close, reopened ones included, oldest first. */
  years: YearClosingView[];
  mergedInto: MergerSummary | null;
  /** Funds merged into this one. */
  mergedIn: MergerSummary[];
}

/** Where a fund stands: its lock date, its year-end closes and reopenings, and the mergers it took part in. */
@Injectable()
export class ClosingHistoryService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly funds: FundsService,
    private readonly books: BalancesService,
    private readonly years: YearEndService,
    private readonly mergers: MergerService,
  ) {}

  async get(actor: Actor, code: string): Promise<ClosingHistory> {
    assertFundInScope(actor, code);
    const manager = this.uow.manager;
    const fund = await this.funds.byCode(manager, code);
    const book = await this.books.book(manager, code);
    const successor =
      fund.successorId === null ? null : await manager.findOne(Fund, { where: { id: fund.successorId } });
    return {
      fund: code,
      status: fund.status,
      validTo: fund.validTo,
      successor: successor?.code ?? null,
      lockedThrough: book.lockedThrough,
      autoLockedThrough: autoLockedThrough(
        todayInVietnam(),
        autoLockRule().daysAfterMonthEnd,
        todayInVietnam(new Date(fund.createdAt)),
      ),
      closedOn: book.closedOn,
      years: await this.years.list(actor, code),
      ...(await this.mergers.mergersOf(manager, fund)),
    };
  }
}
