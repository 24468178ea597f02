import type { EntityManager } from 'typeorm';
import { Money } from '../common/money';
import { preparedArrays } from '../database/prepared';
import { sumDong } from '../database/sql';
import type { Fund } from '../funds/fund.entity';
import type { AccountType } from '../ledger/entities';
import { isLastDayOfMonth, JournalQueryService, nextPeriod } from '../ledger/journal-query.service';
import {
  dayBefore,
  FUND_LEVEL_KEYS,
  FundLevelKey,
  minusTurnovers,
  ReadonlyTurnovers,
  sumTurnovers,
  Turnovers,
  turnoversOf,
} from './statement-figures';
import { closingParts } from './closing-eliminations';
import { ClosingPart } from './closing-eliminations';
import {
  removedEntriesQuery,
  transferEliminationsByFund,
  transferEliminationsByFundAt,
} from './transfer-eliminations';
import { keptArrays, keptRead } from './read-cache';

/** The funds a report covers: one fund, or a fund and every fund below it (consolidated). */
export interface ReportScope {
  root: Fund;
  funds: Fund[];
  consolidated: boolean;
}

/** What the books hold up to a day, net of the eliminations of a consolidation. */
export interface Cumulative {
  total: Turnovers;
  /** The same, split by the level of the fund whose books hold it (only when asked for). */
  byLevel: Map<FundLevelKey, Turnovers> | null;
  /** Transfers inside the group dated on or before the day (0 for one fund). */
  eliminatedTransfers: number;
  /** The transfers' own turnover removed by the eliminations (empty for one fund). */
  eliminated: Turnovers;
  /** What the funds' own books hold: total + eliminated + the closing entries' part in those transfers. */
  raw: Turnovers;
}

type Eliminations = Awaited<ReturnType<typeof transferEliminationsByFund>>;

/**
 * What the funds' own books held at the end of one day, per fund level (prefetch()). Kept by keptRead() and so shared
 * by every request until the books change: read-only by type, its turnovers frozen; a caller that needs to change
 * one works on a copy (sumTurnovers() and minusTurnovers() return new maps).
 */
type StoredDay = ReadonlyMap<FundLevelKey, ReadonlyTurnovers>;

/** Lines of closing entries, by calendar year and fund level. */
export interface ClosingLines {
  year: number;
  level: FundLevelKey;
  turnover: Turnovers;
}

/** Paid payouts: distinct households per purpose, in a year or over the whole range. */
export interface HouseholdCounts {
  byPurpose: Map<string, number>;
  /** Distinct households over every purpose. */
  all: number;
}

/**
 * Reads what a statement needs from the stored balances, for one scope, remembering each cumulative
 * balance it has read (a statement split by year reads each year end once). Create one per request: it holds
 * no lock and no transaction, and a later request must see later postings.
 */
export class PeriodReader {
  private readonly cumulatives = new Map<string, Promise<Cumulative>>();
  private readonly closings = new Map<string, Promise<ClosingLines[]>>();
  private readonly eliminationReads = new Map<string, Promise<Eliminations>>();
  /** What the funds' own books held at the end of a day, per fund level, as prefetch() read it. */
  private readonly stored = new Map<string, StoredDay>();
  /** The closes' part in transfers inside the group as of a day (closingParts()), as prefetch() read it. */
  private readonly partsAt = new Map<string, ClosingPart[]>();
  private types: Promise<Map<string, AccountType>> | null = null;
  readonly ids: number[];

  constructor(
    private readonly manager: EntityManager,
    private readonly journal: JournalQueryService,
    readonly scope: ReportScope,
  ) {
    this.ids = scope.funds.map((f) => f.id);
    this.marks = this.ids.map(() => '?').join(', ');
  }

  /** One `?` per fund of the scope, for `fund_id IN (…)`. */
  private readonly marks: string;

  /** Cumulative turnover up to `asOf` (inclusive); split by level when `byLevel` (a consolidation). */
  cumulative(asOf: string, byLevel = false): Promise<Cumulative> {
    const split = byLevel && this.scope.consolidated;
    const key = `${asOf}|${split}`;
    // A split reading holds the total too.
    let result = this.cumulatives.get(key) ?? (split ? undefined : this.cumulatives.get(`${asOf}|true`));
    if (!result) {
      result = this.readCumulative(asOf, split);
      this.cumulatives.set(key, result);
    }
    return result;
  }

  /** The transfers a consolidation removes as of `asOf`, per fund (none for one fund). */
  eliminations(asOf: string): Promise<Eliminations> {
    if (!this.scope.consolidated) return Promise.resolve({ transfers: 0, rows: [] });
    let result = this.eliminationReads.get(asOf);
    if (!result) {
      result = this.readEliminations(asOf);
      this.eliminationReads.set(asOf, result);
    }
    return result;
  }

  private async readEliminations(asOf: string): Promise<Eliminations> {
    // Transfers are never deleted: when none inside the group is dated on or before a later day already read,
    // none is on or before this one (a statement reads its end before its year ends, so one count serves them all).
    for (const [day, read] of [...this.eliminationReads]) {
      if (day > asOf && (await read).transfers === 0) return { transfers: 0, rows: [] };
    }
    return transferEliminationsByFund(this.manager, this.ids, asOf);
  }

  private async readCumulative(asOf: string, split: boolean): Promise<Cumulative> {
    // Eliminations first: entries are never deleted, so a transfer committed in between is at worst left in,
    // never removed from a balance that does not hold it yet (as in the trial balance). A merger's handover
    // pair inside the group (merger-eliminations.ts) needs no removal here: it touches neither receipts nor
    // disbursements, and its cash and bank legs cancel out within the group's balance.
    const eliminations = await this.eliminations(asOf);
    // Every removed row comes off the total; the report names the transfers' own lines (not the closes' part).
    const removedAll = turnoversOf(eliminations.rows);
    const eliminated = turnoversOf(eliminations.rows.filter((row) => !row.closing));
    const stored = this.stored.get(asOf);
    if (!split) {
      const raw = stored
        ? sumTurnovers(stored.values())
        : turnoversOf((await this.journal.trialBalance(this.manager, this.ids, asOf)).rows);
      return {
        total: minusTurnovers(raw, removedAll),
        byLevel: null,
        eliminatedTransfers: eliminations.transfers,
        eliminated,
        raw,
      };
    }
    const levelOf = new Map(this.scope.funds.map((f) => [f.id, f.level]));
    const byLevel = new Map<FundLevelKey, Turnovers>();
    const raws: ReadonlyTurnovers[] = [];
    for (const level of FUND_LEVEL_KEYS) {
      const ids = this.scope.funds.filter((f) => f.level === level).map((f) => f.id);
      if (ids.length === 0) continue;
      const raw: ReadonlyTurnovers = stored
        ? (stored.get(level) ?? new Map())
        : turnoversOf((await this.journal.trialBalance(this.manager, ids, asOf)).rows);
      const removed = turnoversOf(eliminations.rows.filter((row) => levelOf.get(row.fundId) === level));
      raws.push(raw);
      byLevel.set(level, minusTurnovers(raw, removed));
    }
    return {
      total: sumTurnovers(byLevel.values()),
      byLevel,
      eliminatedTransfers: eliminations.transfers,
      eliminated,
      raw: sumTurnovers(raws),
    };
  }

  /**
   * The cumulative turnover (net of eliminations) at each of `yearEnds` — 31 December of consecutive years,
   * ascending — for a range starting on `firstDay`: the stored balances of the day before it and of every year
   * end are read together (prefetch), not once per year.
   */
  async cumulativeAtYearEnds(firstDay: string, yearEnds: string[]): Promise<Map<string, Turnovers>> {
    const result = new Map<string, Turnovers>();
    if (yearEnds.length === 0) return result;
    await this.prefetch([dayBefore(firstDay), ...yearEnds]);
    for (const end of yearEnds) result.set(end, (await this.cumulative(end)).total);
    return result;
  }

  /**
   * Reads what the funds' own books held at the end of each of `days`, per fund level, in one query: every
   * stored monthly row (account_balances) is summed into the first day whose balance holds it — grouped per
   * account and that day — and, for a day that does not end its month, its month's lines up to it are
   * added (as the trial balance does, journal-query.service.ts); the days' balances are then running sums in
   * exact BigInt. A statement reads its day before `from`, its year ends and its `to` so, once, instead of one
   * trial balance per day (and one per level). The cumulative figures of those days then read nothing more
   * from the stored balances; an account with rows (even netting to zero) is listed, as in a trial balance.
   */
  async prefetch(days: string[]): Promise<void> {
    const wanted = [...new Set(days)].filter((day) => !this.stored.has(day)).sort();
    if (wanted.length === 0) return;
    if (this.scope.consolidated) {
      // Eliminations first (as readCumulative() does), and for every day from one read of the group's transfers
      // and closes rather than one per day.
      const unread = wanted.filter((day) => !this.eliminationReads.has(day));
      const eliminations = await transferEliminationsByFundAt(this.manager, this.ids, unread);
      for (const [day, { transfers, rows, parts }] of eliminations) {
        this.eliminationReads.set(day, Promise.resolve({ transfers, rows }));
        this.partsAt.set(day, parts);
      }
    }
    // What the funds held on those days, worked out once while the books stay as they were (read-cache.ts) and
    // shared with later requests: read-only (StoredDay). The funds' levels are part of the key, as they split the sums.
    const levels = this.scope.funds.map((f) => `${f.id}:${f.level}`).join(',');
    const stored = await keptRead(this.manager, `stored days|${levels}|${wanted.join(',')}`, () =>
      this.readStored(wanted),
    );
    for (const [day, byLevel] of stored) this.stored.set(day, byLevel);
  }

  /** prefetch()'s read of the stored months (and partial months) of `wanted` (sorted, distinct days). */
  private async readStored(wanted: string[]): Promise<ReadonlyMap<string, StoredDay>> {
    const cuts = wanted.map((day) => {
      const whole = isLastDayOfMonth(day);
      return {
        day,
        through: whole ? nextPeriod(day) : day.slice(0, 7),
        monthStart: whole ? null : `${day.slice(0, 7)}-01`,
      };
    });
    // Bucket k holds the stored months before bounds[k] and not before bounds[k − 1]: one index range each, summed
    // per account (a CASE over the months would sort every stored row by its bucket: measured slower). An account
    // is one fund's (its rows and lines are that fund's), so the account alone is the key — a shorter sort than
    // fund and account (at 10⁶ entries 3.1 → 2.7 ms) — and its fund comes from the chart.
    const bounds = [...new Set(cuts.map((c) => c.through))].sort();
    const parts = bounds.map((bound, k) => ({
      text: `SELECT b.account_id, ${k} AS k, SUM(b.debit) AS debit, SUM(b.credit) AS credit
               FROM account_balances b
              WHERE b.fund_id IN (${this.marks}) AND b.period < ?${k > 0 ? ' AND b.period >= ?' : ''}
              GROUP BY b.account_id`,
      params: [...this.ids, bound, ...(k > 0 ? [bounds[k - 1]] : [])],
    }));
    // A day's own month up to the day, from its lines (as the trial balance reads it): bucket −1 − (the day's index).
    for (const [index, cut] of cuts.entries()) {
      if (cut.monthStart === null) continue;
      parts.push({
        text: `SELECT l.account_id, ${-1 - index} AS k, SUM(l.debit) AS debit, SUM(l.credit) AS credit
                 FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
                WHERE e.fund_id IN (${this.marks}) AND e.entry_date >= ? AND e.entry_date <= ?
                GROUP BY l.account_id`,
        params: [...this.ids, cut.monthStart, cut.day],
      });
    }
    // A prepared statement read as arrays (prepared.ts): the same text for the same days and funds, so SQLite
    // parses it once and TypeORM's query path is skipped.
    const rows = await preparedArrays<[number | string, string, number | string, string, string]>(
      this.manager,
      `SELECT a.fund_id, a.code AS code, t.k, CAST(t.debit AS TEXT) AS debit, CAST(t.credit AS TEXT) AS credit
         FROM (${parts.map((p) => p.text).join('\n UNION ALL ')}) t
         JOIN accounts a ON a.id = t.account_id`,
      parts.flatMap((p) => p.params),
    );
    // Per level and code: the sums per bucket and per partial month, and whether any row was there.
    const levelOf = new Map(this.scope.funds.map((f) => [f.id, f.level]));
    type Sums = { debit: bigint; credit: bigint; present: boolean };
    type AccountSums = { buckets: Sums[]; partial: Map<number, Sums> };
    const sums = new Map<FundLevelKey, Map<string, AccountSums>>();
    const zero = (): Sums => ({ debit: 0n, credit: 0n, present: false });
    for (const [fundId, code, bucket, debit, credit] of rows) {
      const level = levelOf.get(Number(fundId)) as FundLevelKey;
      let codes = sums.get(level);
      if (!codes) sums.set(level, (codes = new Map<string, AccountSums>()));
      let account = codes.get(code);
      if (!account) codes.set(code, (account = { buckets: bounds.map(zero), partial: new Map() }));
      const k = Number(bucket);
      let target: Sums;
      if (k >= 0) target = account.buckets[k];
      else {
        target = account.partial.get(-1 - k) ?? zero();
        account.partial.set(-1 - k, target);
      }
      target.debit += BigInt(debit);
      target.credit += BigInt(credit);
      target.present = true;
    }
    const result = new Map<string, Map<FundLevelKey, Turnovers>>(cuts.map((c) => [c.day, new Map()]));
    for (const [level, codes] of sums) {
      for (const code of [...codes.keys()].sort()) {
        const account = codes.get(code) as AccountSums;
        // Running sums over the buckets; each day takes the sum up to its bound, plus its own partial month.
        let running = zero();
        let k = 0;
        for (const [index, cut] of cuts.entries()) {
          for (; k < bounds.length && bounds[k] <= cut.through; k++) {
            const b = account.buckets[k];
            running = {
              debit: running.debit + b.debit,
              credit: running.credit + b.credit,
              present: running.present || b.present,
            };
          }
          const own = account.partial.get(index);
          const debit = running.debit + (own?.debit ?? 0n);
          const credit = running.credit + (own?.credit ?? 0n);
          if (!running.present && !own?.present) continue;
          const byLevel = result.get(cut.day) as Map<FundLevelKey, Turnovers>;
          let turnovers = byLevel.get(level);
          if (!turnovers) byLevel.set(level, (turnovers = new Map() as Turnovers));
          turnovers.set(
            code,
            Object.freeze({ debit: Money.fromStored(debit), credit: Money.fromStored(credit) }),
          );
        }
      }
    }
    return result;
  }

  /**
   * The lines of year-end closing and merger entries (source `closing`) dated from..to, and of reversals of
   * them (a reopened year), by year and level. There are a few per fund and year: the partial index
   * ix_entries_closing holds only them, and each reversal is found from its close through uq_entries_reversal_of,
   * so the cost grows with the closes, not with the entries of the range.
   */
  closingLines(from: string, to: string): Promise<ClosingLines[]> {
    const key = `${from}|${to}`;
    let result = this.closings.get(key);
    if (!result) {
      result = this.readClosingLines(from, to);
      this.closings.set(key, result);
    }
    return result;
  }

  private async readClosingLines(from: string, to: string): Promise<ClosingLines[]> {
    const rows = await keptArrays<[string, FundLevelKey, string, string, string]>(
      this.manager,
      `SELECT SUBSTR(e.entry_date, 1, 4) AS year, f.level AS level, a.code AS code,
              ${sumDong('l.debit')} AS debit, ${sumDong('l.credit')} AS credit
         FROM journal_entries e
         JOIN funds f ON f.id = e.fund_id
         JOIN journal_lines l ON l.entry_id = e.id
         JOIN accounts a ON a.id = l.account_id
        WHERE e.id IN (
                SELECT c.id FROM journal_entries c
                 WHERE c.source = 'closing' AND c.fund_id IN (${this.marks})
                   AND c.entry_date >= ? AND c.entry_date <= ?
                UNION ALL
                -- A reversal is in its close's books: found from the close, not among the fund's entries.
                SELECT r.id FROM journal_entries c JOIN journal_entries r ON r.reversal_of_id = c.id
                 WHERE c.source = 'closing' AND c.fund_id IN (${this.marks}) AND r.source = 'reversal'
                   AND r.entry_date >= ? AND r.entry_date <= ?)
        GROUP BY SUBSTR(e.entry_date, 1, 4), f.level, a.code`,
      [...this.ids, from, to, ...this.ids, from, to],
    );
    const groups = new Map<string, ClosingLines>();
    const addTo = (year: number, level: FundLevelKey, turnover: Turnovers) => {
      const key = `${year}|${level}`;
      const group = groups.get(key) ?? { year, level, turnover: new Map() as Turnovers };
      // Added in place (as sumTurnovers() adds): a new map per closing line made this quadratic in the closes.
      for (const [account, t] of turnover) {
        const current = group.turnover.get(account) ?? { debit: Money.ZERO, credit: Money.ZERO };
        group.turnover.set(account, {
          debit: current.debit.plus(t.debit),
          credit: current.credit.plus(t.credit),
        });
      }
      groups.set(key, group);
    };
    for (const [year, level, account, debit, credit] of rows) {
      addTo(Number(year), level, turnoversOf([{ account, debit, credit }]));
    }
    if (this.scope.consolidated) {
      // Net of the eliminations, like the cumulative figures: the closes' part in transfers inside the group
      // (closing-eliminations.ts) was removed from those, so it is not added back either.
      const levelOf = new Map(this.scope.funds.map((f) => [f.id, f.level]));
      const parts =
        this.partsAt.get(to) ??
        (await closingParts(this.manager, this.ids, to, removedEntriesQuery(this.ids, to)));
      for (const part of parts) {
        if (part.date < from) continue;
        const level = levelOf.get(part.fundId);
        if (level === undefined) continue;
        addTo(
          Number(part.date.slice(0, 4)),
          level,
          new Map([[part.account, { debit: part.debit.negated(), credit: part.credit.negated() }]]),
        );
      }
    }
    return [...groups.values()];
  }

  /** Account types by code over the scope's charts (an account added in one fund only still counts). */
  accountTypes(): Promise<Map<string, AccountType>> {
    this.types ??= keptArrays<[string, AccountType]>(
      this.manager,
      `SELECT a.code, MIN(a.type) AS type FROM accounts a WHERE a.fund_id IN (${this.marks}) GROUP BY a.code`,
      this.ids,
    ).then((rows) => new Map(rows));
    return this.types;
  }

  /**
   * The condition on `disbursements d` (with `journal_entries re` joined on its reversal) of a payout that
   * supported a household in from..to: paid on a day of the range, and not reversed by then (a payout reversed
   * after `to` still stood at `to`, as its amount does in the period's turnover).
   */
  paidInRange(from: string, to: string): { text: string; params: unknown[] } {
    return {
      text: `d.fund_id IN (${this.marks}) AND d.payment_date >= ? AND d.payment_date <= ?
             AND (d.status = 'paid' OR (d.status = 'reversed' AND re.entry_date > ?))`,
      params: [...this.ids, from, to, to],
    };
  }

  /**
   * A payout that supports its household: paid (and not reversed by `to`) in from..to, and not a house advance
   * (141): a house counts once a cost reaches 61xx, as a settled tranche or a whole payout (data/claims/README).
   */
  supportedInRange(from: string, to: string): { text: string; params: unknown[] } {
    const paid = this.paidInRange(from, to);
    return { text: `${paid.text} AND d.stage <> 'advance'`, params: paid.params };
  }

  /** Distinct households supported in from..to (supportedInRange): per purpose, and over all purposes. */
  async households(from: string, to: string, purposes?: readonly string[]): Promise<HouseholdCounts> {
    const paid = this.supportedInRange(from, to);
    const only = purposes ? ` AND d.purpose IN (${purposes.map(() => '?').join(', ') || "''"})` : '';
    const params = [...paid.params, ...(purposes ?? [])];
    const base = `FROM disbursements d LEFT JOIN journal_entries re ON re.id = d.reversal_entry_id
                  WHERE ${paid.text}${only}`;
    const perPurpose = await keptArrays<[string, string | number]>(
      this.manager,
      `SELECT d.purpose AS purpose, COUNT(DISTINCT d.beneficiary_id) AS n ${base} GROUP BY d.purpose`,
      params,
    );
    const [[all]] = await keptArrays<[string | number]>(
      this.manager,
      `SELECT COUNT(DISTINCT d.beneficiary_id) AS n ${base}`,
      params,
    );
    return { byPurpose: new Map(perPurpose.map(([purpose, n]) => [purpose, Number(n)])), all: Number(all) };
  }

  /** The same counts, per calendar year of the payment date. */
  async householdsByYear(from: string, to: string): Promise<Map<number, HouseholdCounts>> {
    const paid = this.supportedInRange(from, to);
    const base = `FROM disbursements d LEFT JOIN journal_entries re ON re.id = d.reversal_entry_id
                  WHERE ${paid.text}`;
    const perPurpose = await keptArrays<[string, string, string | number]>(
      this.manager,
      `SELECT SUBSTR(d.payment_date, 1, 4) AS year, d.purpose AS purpose, COUNT(DISTINCT d.beneficiary_id) AS n
         ${base} GROUP BY SUBSTR(d.payment_date, 1, 4), d.purpose`,
      paid.params,
    );
    const all = await keptArrays<[string, string | number]>(
      this.manager,
      `SELECT SUBSTR(d.payment_date, 1, 4) AS year, COUNT(DISTINCT d.beneficiary_id) AS n
         ${base} GROUP BY SUBSTR(d.payment_date, 1, 4)`,
      paid.params,
    );
    const result = new Map<number, HouseholdCounts>();
    for (const [year, n] of all) result.set(Number(year), { byPurpose: new Map(), all: Number(n) });
    for (const [year, purpose, n] of perPurpose) result.get(Number(year))?.byPurpose.set(purpose, Number(n));
    return result;
  }
}
