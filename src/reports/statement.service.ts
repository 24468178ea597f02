import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Actor, assertFundInScope } from '../common/actor';
import { InvalidRequestError } from '../common/errors';
import { Money } from '../common/money';
import { UnitOfWork } from '../database/unit-of-work';
import { Fund } from '../funds/fund.entity';
import { FundsService } from '../funds/funds.service';
import { keptRead } from './read-cache';
import { JournalQueryService } from '../ledger/journal-query.service';
import { HouseholdCounts, PeriodReader, ReportScope } from './period-reader';
import type { FundHeader } from '../documents/document.types';
import { NumberingService, seriesCodes } from '../documents/numbering.service';
import { fundHeaderOn } from '../funds/fund-header';
import {
  cashBalance,
  classify,
  dayBefore,
  DONOR_KINDS,
  FUND_ACCOUNT,
  fundPosition,
  DonorKindKey,
  FUND_LEVEL_KEYS,
  FundLevelKey,
  minusTurnovers,
  periodTurnover,
  resultOf,
  STATEMENT_PURPOSES,
  StatementPurpose,
  sumTurnovers,
  Turnovers,
  yearsOf,
} from './statement-figures';

/** A statement covers at most this many calendar years (each year is one more read of the stored balances). */
export const MAX_STATEMENT_YEARS = 100;

export interface PurposeFigure {
  amount: string;
  /** Distinct households with a paid payout of this purpose in the period (0 for transfers and other). */
  households: number;
}

export interface StatementYear {
  year: number;
  /** The part of the year inside the statement's range. */
  from: string;
  to: string;
  openingBalance: string;
  receipts: string;
  disbursements: string;
  /** Distinct households paid in the year, any purpose. */
  households: number;
  closingBalance: string;
  byDonorKind: Record<DonorKindKey, string>;
  byPurpose: Record<StatementPurpose, PurposeFigure>;
  /**
   * The fund balance (431 plus the result not yet carried into it) at the start and end of the year's span.
   * Always set by the statement; optional for views built from a one-year statement's totals.
   */
  fundOpening?: string;
  fundClosing?: string;
  /** The result year-end closes dated in the span carried into 431 (the year's own close, on 31 December). */
  carriedInto431?: string;
}

/** A result carried into 431 by the year-end closes (or a merger's close) dated in one calendar year. */
export interface CarriedResult {
  /** The year of the closing entries' date: a year-end close is dated 31 December of the year it closes. */
  year: number;
  /** Receipts less disbursements moved into 431 (negative for a deficit). */
  amount: string;
}

/**
 * The fund balance (TK 431) over the period: where it starts, with the results of closed years carried into it,
 * the period's receipts and disbursements, and where it ends. `opening` and `closing` are 431 plus the
 * result no close has carried into it yet, so a year-end close inside the period changes neither:
 * closing = opening + receipts − disbursements + otherMovements.
 */
export interface FundBalanceReport {
  account: string;
  /** 431 + openingNotCarried, at the end of the day before `from`. */
  opening: string;
  /** 431 itself (credit side) at the end of the day before `from`: every closed year's result is in it. */
  opening431: string;
  /** Receipts less disbursements of earlier years no close has carried into 431 (0 when every year is closed). */
  openingNotCarried: string;
  /** The results carried into 431 by closes dated before `from`, per year, oldest first; and their sum. */
  carriedBefore: CarriedResult[];
  carriedBeforeTotal: string;
  /** The period's receipts and disbursements (the statement's totals). */
  receipts: string;
  disbursements: string;
  /** Movements of 431 other than a close (a merger's handover, an entry posted to 431 by hand). */
  otherMovements: string;
  /** The results carried into 431 by closes dated inside the period (they move within the fund balance). */
  carriedInPeriod: CarriedResult[];
  /** 431 + closingNotCarried, at the end of `to`. */
  closing: string;
  closing431: string;
  closingNotCarried: string;
}

/** GET /api/reports/statement (CONTRACT.md), with the optional fields the brief allows. */
export interface StatementReport {
  fund: string;
  fundName: string;
  unitName: string | null;
  from: string;
  to: string;
  consolidated: boolean;
  /** Every fund whose books the figures cover. */
  funds: string[];
  /** Cash (111) + bank (112) at the end of the day before `from`. */
  openingBalance: string;
  receipts: {
    total: string;
    byDonorKind: Record<DonorKindKey, string>;
    /** Net credit turnover per receipts account. */
    byAccount: Record<string, string>;
    /** Consolidated only: receipts in the books of the funds of each level. */
    byLevel?: Record<FundLevelKey, string>;
  };
  disbursements: {
    total: string;
    byPurpose: Record<StatementPurpose, PurposeFigure>;
    byAccount: Record<string, string>;
    /** Distinct households paid in the period, over every purpose. */
    households: number;
  };
  /**
   * Change of cash and bank that is neither a receipt nor a disbursement (advances to 141, payables, handovers
   * of a merger): closingBalance = openingBalance + receipts − disbursements + otherMovements.
   */
  otherMovements: string;
  /** Cash (111) + bank (112) at the end of `to`. */
  closingBalance: string;
  /** Consolidated only: the transfers inside the group dated in the period, removed from both sides. */
  eliminated?: { transfers: number; receipts: string; disbursements: string };
  /** Year-end closing and merger lines (source `closing`) dated in the period, added back. */
  closingAddedBack: { receipts: string; disbursements: string };
  /** The fund balance (431) at the start, with the closed years' results carried into it, and at the end. */
  fundBalance: FundBalanceReport;
  /** When the period touches several calendar years: the same figures per year. */
  years?: StatementYear[];
}

/** What one period of one scope amounts to: the part of a statement a reconciliation also needs. */
export interface PeriodFigures {
  openingBalance: Money;
  closingBalance: Money;
  turnover: Turnovers;
  receipts: ReturnType<typeof classify>['receipts'];
  disbursements: ReturnType<typeof classify>['disbursements'];
}

const EMPTY: Turnovers = new Map();
/** Where the closes carried into 431 before a period are looked for from. */
const EARLIEST_DAY = '0001-01-01';
const digits = (m: Money) => m.toString();
const record = <K extends string, V>(keys: readonly K[], value: (key: K) => V): Record<K, V> =>
  Object.fromEntries(keys.map((key) => [key, value(key)])) as Record<K, V>;

/** Checks a report's range: real dates (the DTO checked), from ≤ to, at most MAX_STATEMENT_YEARS years. */
export function checkRange(from: string, to: string): void {
  if (from > to) throw new InvalidRequestError(`from (${from}) must not be after to (${to})`);
  const years = Number(to.slice(0, 4)) - Number(from.slice(0, 4)) + 1;
  if (years > MAX_STATEMENT_YEARS) {
    throw new InvalidRequestError(`a report covers at most ${MAX_STATEMENT_YEARS} calendar years`);
  }
}

/**
 * The statement of receipts and disbursements (DESIGN.md §8, CONTRACT.md): opening cash and bank, receipts by
 * donor kind (and by fund level when consolidated), disbursements by purpose with the distinct households paid,
 * closing cash and bank, and the same per calendar year. Every figure comes from the stored balances (see
 * statement-figures.ts for the arithmetic), so its cost grows with the months and funds, not with the entries.
 */
@Injectable()
export class StatementService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly funds: FundsService,
    private readonly journal: JournalQueryService,
  ) {}

  /**
   * What the printed statement carries beyond its figures: its number, issued once per fund, period and scope
   * (series BC of data/document-series.json, so printing it again gives the same number), and the unit's name
   * and place in force on its `to` date.
   */
  async printedHeader(report: StatementReport): Promise<{ number: string; header: FundHeader }> {
    const fund = await this.funds.byCode(this.uow.manager, report.fund);
    const subject = `statement:${report.from}:${report.to}:${report.consolidated ? 'consolidated' : 'own'}`;
    const numbering = new NumberingService();
    const number = await this.uow.write((tx) =>
      numbering.issued(tx, fund.id, seriesCodes().statement, report.to, subject),
    );
    return { number, header: await fundHeaderOn(this.uow.manager, fund, report.to) };
  }

  /** The fund (in the actor's scope; 404 if unknown) and, consolidated, every fund below it. */
  async scope(actor: Actor, fundCode: string, consolidated: boolean): Promise<ReportScope> {
    assertFundInScope(actor, fundCode);
    const funds = await scopeFunds(this.uow.manager, this.funds, fundCode, consolidated);
    return { root: funds[0], funds, consolidated };
  }

  reader(scope: ReportScope, manager: EntityManager = this.uow.manager): PeriodReader {
    return new PeriodReader(manager, this.journal, scope);
  }

  /** Opening and closing cash, and the receipts and disbursements of from..to (closing lines added back). */
  async period(reader: PeriodReader, from: string, to: string, byLevel = false): Promise<PeriodFigures> {
    const before = await reader.cumulative(dayBefore(from), byLevel);
    const after = await reader.cumulative(to, byLevel);
    const closing = await reader.closingLines(from, to);
    const turnover = periodTurnover(before.total, after.total, sumTurnovers(closing.map((c) => c.turnover)));
    const types = await reader.accountTypes();
    return {
      openingBalance: cashBalance(before.total),
      closingBalance: cashBalance(after.total),
      turnover,
      ...classify(turnover, (code) => types.get(code)),
    };
  }

  async statement(
    actor: Actor,
    fundCode: string,
    from: string,
    to: string,
    consolidated: boolean,
  ): Promise<StatementReport> {
    checkRange(from, to);
    const scope = await this.scope(actor, fundCode, consolidated);
    const reader = this.reader(scope);
    const years = yearsOf(from, to);
    // The stored balances of every day the statement needs (the day before it, each year end, its end): one read.
    await reader.prefetch([dayBefore(from), ...years.slice(0, -1).map((span) => span.to), to]);
    const figures = await this.period(reader, from, to, consolidated);
    const types = await reader.accountTypes();
    const typeOf = (code: string) => types.get(code);
    const households = await reader.households(from, to);
    const closing = await reader.closingLines(from, to);
    const closingFigures = classify(sumTurnovers(closing.map((c) => c.turnover)), typeOf);

    const report: StatementReport = {
      fund: scope.root.code,
      fundName: scope.root.name,
      unitName: scope.root.unitName,
      from,
      to,
      consolidated,
      funds: scope.funds.map((f) => f.code),
      openingBalance: digits(figures.openingBalance),
      receipts: {
        total: digits(figures.receipts.total),
        byDonorKind: record(DONOR_KINDS, (kind) => digits(figures.receipts.byDonorKind[kind])),
        byAccount: Object.fromEntries([...figures.receipts.byAccount].map(([code, m]) => [code, digits(m)])),
      },
      disbursements: {
        total: digits(figures.disbursements.total),
        byPurpose: purposeFigures(figures.disbursements.byPurpose, households),
        byAccount: Object.fromEntries(
          [...figures.disbursements.byAccount].map(([code, m]) => [code, digits(m)]),
        ),
        households: households.all,
      },
      otherMovements: digits(
        figures.closingBalance
          .minus(figures.openingBalance)
          .minus(figures.receipts.total)
          .plus(figures.disbursements.total),
      ),
      closingBalance: digits(figures.closingBalance),
      closingAddedBack: {
        receipts: digits(closingFigures.receipts.total.negated()),
        disbursements: digits(closingFigures.disbursements.total.negated()),
      },
      fundBalance: await this.fundBalance(reader, from, to, figures),
    };

    if (consolidated) {
      const before = await reader.cumulative(dayBefore(from), true);
      const after = await reader.cumulative(to, true);
      report.receipts.byLevel = record(FUND_LEVEL_KEYS, (level) => {
        const levelTurnover = periodTurnover(
          before.byLevel?.get(level) ?? EMPTY,
          after.byLevel?.get(level) ?? EMPTY,
          sumTurnovers(closing.filter((c) => c.level === level).map((c) => c.turnover)),
        );
        return digits(classify(levelTurnover, typeOf).receipts.total);
      });
      const removed = classify(minusTurnovers(after.eliminated, before.eliminated), typeOf);
      report.eliminated = {
        transfers: after.eliminatedTransfers - before.eliminatedTransfers,
        receipts: digits(removed.receipts.total),
        disbursements: digits(removed.disbursements.total),
      };
    }

    if (years.length > 1) report.years = await this.years(reader, years);
    return report;
  }

  /**
   * The fund balance (431) at both ends of the period, the closes before it that carried results into 431, and
   * the closes inside it. Read from the same cumulative balances and closing lines as the rest of the statement.
   */
  async fundBalance(
    reader: PeriodReader,
    from: string,
    to: string,
    figures: PeriodFigures,
  ): Promise<FundBalanceReport> {
    const types = await reader.accountTypes();
    const typeOf = (code: string) => types.get(code);
    const start = fundPosition((await reader.cumulative(dayBefore(from))).total, typeOf);
    const end = fundPosition((await reader.cumulative(to)).total, typeOf);
    const carried = (lines: Awaited<ReturnType<PeriodReader['closingLines']>>): CarriedResult[] => {
      const byYear = new Map<number, Turnovers>();
      for (const part of lines) {
        byYear.set(part.year, sumTurnovers([byYear.get(part.year) ?? EMPTY, part.turnover]));
      }
      return [...byYear.entries()]
        .sort(([a], [b]) => a - b)
        .map(([year, turnover]) => ({ year, amount: digits(resultOf(turnover, typeOf).negated()) }))
        .filter((c) => c.amount !== '0');
    };
    const before = carried(await reader.closingLines(EARLIEST_DAY, dayBefore(from)));
    const result = figures.receipts.total.minus(figures.disbursements.total);
    return {
      account: FUND_ACCOUNT,
      opening: digits(start.fund),
      opening431: digits(start.account),
      openingNotCarried: digits(start.notCarried),
      carriedBefore: before,
      carriedBeforeTotal: digits(Money.sum(before.map((c) => Money.fromStored(c.amount)))),
      receipts: digits(figures.receipts.total),
      disbursements: digits(figures.disbursements.total),
      otherMovements: digits(end.fund.minus(start.fund).minus(result)),
      carriedInPeriod: carried(await reader.closingLines(from, to)),
      closing: digits(end.fund),
      closing431: digits(end.account),
      closingNotCarried: digits(end.notCarried),
    };
  }

  /** The statement's figures per calendar year (each year clipped to the range). */
  async years(
    reader: PeriodReader,
    years: { year: number; from: string; to: string }[],
  ): Promise<StatementYear[]> {
    const first = years[0].from;
    const last = years[years.length - 1].to;
    const households = await reader.householdsByYear(first, last);
    const closing = await reader.closingLines(first, last);
    const types = await reader.accountTypes();
    const yearEnds = await reader.cumulativeAtYearEnds(
      first,
      years.slice(0, -1).map((span) => span.to),
    );
    let before = (await reader.cumulative(dayBefore(first))).total;
    const typeOf = (code: string) => types.get(code);
    // Each year opens where the one before closed: its cash and fund balance are worked out once.
    let opening = { cash: digits(cashBalance(before)), fund: digits(fundPosition(before, typeOf).fund) };
    const result: StatementYear[] = [];
    for (const [index, span] of years.entries()) {
      const after =
        index === years.length - 1
          ? (await reader.cumulative(last)).total
          : (yearEnds.get(span.to) as Turnovers);
      const closingOfYear = sumTurnovers(closing.filter((c) => c.year === span.year).map((c) => c.turnover));
      const { receipts, disbursements } = classify(periodTurnover(before, after, closingOfYear), typeOf);
      const counts = households.get(span.year) ?? { byPurpose: new Map<string, number>(), all: 0 };
      const closingPosition = {
        cash: digits(cashBalance(after)),
        fund: digits(fundPosition(after, typeOf).fund),
      };
      result.push({
        year: span.year,
        from: span.from,
        to: span.to,
        openingBalance: opening.cash,
        receipts: digits(receipts.total),
        disbursements: digits(disbursements.total),
        households: counts.all,
        closingBalance: closingPosition.cash,
        byDonorKind: record(DONOR_KINDS, (kind) => digits(receipts.byDonorKind[kind])),
        byPurpose: purposeFigures(disbursements.byPurpose, counts),
        fundOpening: opening.fund,
        fundClosing: closingPosition.fund,
        carriedInto431: digits(resultOf(closingOfYear, typeOf).negated()),
      });
      before = after;
      opening = closingPosition;
    }
    return result;
  }
}

/**
 * The fund and, consolidated, every fund below it (404 if unknown), as FundsService finds them, kept while the books
 * stay as they were (read-cache.ts); each caller gets its own copies of the funds.
 */
export async function scopeFunds(
  manager: EntityManager,
  funds: FundsService,
  fundCode: string,
  consolidated: boolean,
): Promise<Fund[]> {
  const kept = await keptRead(manager, `scope funds|${consolidated}|${fundCode}`, async () => {
    const found = consolidated
      ? await funds.withDescendants(manager, fundCode)
      : [await funds.byCode(manager, fundCode)];
    // Shared with later requests: frozen.
    return Object.freeze(found.map((fund) => Object.freeze(fund)));
  });
  return kept.map((fund) => Object.assign(Object.create(Fund.prototype) as Fund, fund));
}

function purposeFigures(
  amounts: Record<StatementPurpose, Money>,
  households: HouseholdCounts,
): Record<StatementPurpose, PurposeFigure> {
  return record(STATEMENT_PURPOSES, (purpose) => ({
    amount: digits(amounts[purpose]),
    households: households.byPurpose.get(purpose) ?? 0,
  }));
}
