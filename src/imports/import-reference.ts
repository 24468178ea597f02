import type { EntityManager } from 'typeorm';
import { Actor, canSeeFund } from '../common/actor';
import { todayInVietnam } from '../common/clock';
import { sql } from '../database/sql';
import { autoLockedThrough, autoLockRule } from '../ledger/auto-lock';
import type { RowKeys } from './contribution-row';

export interface FundFacts {
  code: string;
  status: string;
  /** No posting on or before this date. */
  lockedThrough: string | null;
  validFrom: string | null;
  validTo: string | null;
}

/**
 * What a row is checked against besides itself: the funds (status, lock date, validity) and campaign codes, and
 * the funds the importing user may touch. Small (one row per fund and campaign), so it is read once per pass.
 */
export class ImportReference {
  constructor(
    private readonly funds: ReadonlyMap<string, FundFacts>,
    private readonly campaigns: ReadonlySet<string>,
    private readonly actor: Actor,
    private readonly today: string,
  ) {}

  static async load(
    manager: EntityManager,
    actor: Actor,
    today = todayInVietnam(),
  ): Promise<ImportReference> {
    const funds = await sql<{
      code: string;
      status: string;
      locked_through: string | null;
      valid_from: string | null;
      valid_to: string | null;
      created_at: string;
    }>(
      manager,
      `SELECT f.code, f.status, f.valid_from, f.valid_to, f.created_at, b.locked_through
         FROM funds f JOIN books b ON b.fund_id = f.id`,
    );
    const days = autoLockRule().daysAfterMonthEnd;
    const campaigns = await sql<{ code: string }>(manager, 'SELECT code FROM campaigns');
    return new ImportReference(
      new Map(
        funds.map((f) => [
          f.code,
          {
            code: f.code,
            status: f.status,
            // The later of the manual lock and the automatic one (ledger/auto-lock.ts).
            lockedThrough: laterOf(
              f.locked_through,
              autoLockedThrough(today, days, todayInVietnam(new Date(f.created_at))),
            ),
            validFrom: f.valid_from,
            validTo: f.valid_to,
          },
        ]),
      ),
      new Set(campaigns.map((c) => c.code)),
      actor,
      today,
    );
  }

  /** The row's problems with the books (empty when it can be posted). */
  check(row: RowKeys): string[] {
    const problems = row.fundCode === null ? [] : this.checkFund(row.fundCode, row.date);
    if (row.date !== null && row.date > this.today) problems.push(`date ${row.date} is in the future`);
    if (row.campaign !== null && !this.campaigns.has(row.campaign)) {
      problems.push(`campaign ${row.campaign} is not a known campaign`);
    }
    return problems;
  }

  private checkFund(code: string, date: string | null): string[] {
    const fund = this.funds.get(code);
    if (!fund) return [`fund_code ${code} is not a known fund`];
    if (!canSeeFund(this.actor, code)) {
      return [`fund_code ${code} is outside the funds user ${this.actor.username} may write to`];
    }
    const problems: string[] = [];
    if (fund.status !== 'active') problems.push(`fund ${code} is closed`);
    if (date === null) return problems;
    if (fund.lockedThrough !== null && date <= fund.lockedThrough) {
      problems.push(`date ${date} is on or before fund ${code}'s lock date ${fund.lockedThrough}`);
    }
    if (fund.validFrom !== null && date < fund.validFrom) {
      problems.push(`date ${date} is before fund ${code} existed (from ${fund.validFrom})`);
    }
    if (fund.validTo !== null && date > fund.validTo) {
      problems.push(`date ${date} is after fund ${code} ended (${fund.validTo})`);
    }
    return problems;
  }
}

function laterOf(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}
