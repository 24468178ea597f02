import * as fs from 'node:fs';
import * as path from 'node:path';
import { DATA_DIR } from '../common/paths';

/**
 * Periods lock by themselves (issue 10 item 3): a month is locked once `daysAfterMonthEnd` days have passed since
 * its last day, exactly as if an approver had moved the lock date there. N is `rules.period_auto_lock` in
 * data/policy.json (null: off). The rule covers the months that ended while the fund's books were kept here:
 * months that ended before the fund was opened in the system are its history being taken over (an import, an
 * opening), and are locked by hand when that is done. docs/late-entries.md explains the default.
 */
export interface AutoLockRule {
  /** Days after a month's last day before the month is locked; null switches the rule off. */
  daysAfterMonthEnd: number | null;
}

/** The longest grace a month may be given: a year. */
const MAX_DAYS = 366;

let cached: AutoLockRule | undefined;

export function autoLockRule(file = path.join(DATA_DIR, 'policy.json')): AutoLockRule {
  if (cached && file === path.join(DATA_DIR, 'policy.json')) return cached;
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    rules?: { period_auto_lock?: { daysAfterMonthEnd?: unknown } };
  };
  const days = raw.rules?.period_auto_lock?.daysAfterMonthEnd ?? null;
  if (days !== null && (!Number.isInteger(days) || (days as number) < 0 || (days as number) > MAX_DAYS)) {
    throw new Error(
      `${file}: period_auto_lock.daysAfterMonthEnd must be a whole number 0..${MAX_DAYS} or null`,
    );
  }
  const rule = { daysAfterMonthEnd: days as number | null };
  if (file === path.join(DATA_DIR, 'policy.json')) cached = rule;
  return rule;
}

const DAY_MS = 86_400_000;

function utc(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The last day locked by the rule on `today` (YYYY-MM-DD, in Vietnam): the end of the latest month whose last
 * day is at least `days` days before today and not before `openedOn` (the day the fund's books were opened
 * here); null when no month qualifies or the rule is off. A month ending 31/01 with N = 15 takes postings
 * through 15/02 and is locked from 16/02.
 */
export function autoLockedThrough(today: string, days: number | null, openedOn: string): string | null {
  if (days === null) return null;
  // The latest day d with d + days < today; the month locked is the last one that ended on or before d.
  const d = utc(today) - (days + 1) * DAY_MS;
  const next = new Date(d + DAY_MS);
  const dDate = new Date(d);
  const monthEnd =
    next.getUTCMonth() !== dDate.getUTCMonth()
      ? d
      : Date.UTC(dDate.getUTCFullYear(), dDate.getUTCMonth(), 1) - DAY_MS;
  const through = iso(monthEnd);
  return through < openedOn ? null : through;
}
