// The one clock and the date helpers built on it: every "now" and "today" in the service comes from here.

/** The current instant, ISO 8601 in UTC: what `created_at`-style columns store. */
export function nowIso(): string {
  return new Date().toISOString();
}

const VIETNAM_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' });

/** Today's date in Vietnam (UTC+7), YYYY-MM-DD. */
export function todayInVietnam(now = new Date()): string {
  return VIETNAM_DATE.format(now);
}

/** A date the Vietnamese way: "2025-03-15" → "15/03/2025". */
export function formatDateVi(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}
