/** Dates as YYYY-MM-DD strings, computed in UTC so that no time zone can move a day. */

const DAY_MS = 86_400_000;

function parse(date: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`not a date: ${date}`);
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

function format(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return format(parse(date) + days * DAY_MS);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((parse(to) - parse(from)) / DAY_MS);
}

/** Saturday and Sunday move to the Friday before or the Monday after, whichever stays inside [min, max]. */
export function workday(date: string, min?: string, max?: string): string {
  const weekday = new Date(parse(date)).getUTCDay();
  if (weekday !== 0 && weekday !== 6) return date;
  const back = addDays(date, weekday === 6 ? -1 : -2);
  const forward = addDays(date, weekday === 6 ? 2 : 1);
  if (min !== undefined && back < min) return forward;
  if (max !== undefined && forward > max) return back;
  return weekday === 6 ? back : forward;
}

export function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

export function maxDate(a: string, b: string): string {
  return a > b ? a : b;
}

/** "2023-07-27" → "27/07/2023", as Vietnamese documents write it. */
export function viDate(date: string): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}
