// The one clock and the date helpers built on it: every "now" and "today" in the service comes from here.

/** The current instant, ISO 8601 in UTC: what `created_at`-style columns store. */
export function nowIso(): string {
  return new Date().toISOString();
}

/** Vietnam (Asia/Ho_Chi_Minh) has kept UTC+7, without summer time, since 1975. */
const VIETNAM_OFFSET_MS = 7 * 3_600_000;

/**
 * Today's date in Vietnam (UTC+7), YYYY-MM-DD. Arithmetic on the fixed offset: every posting asks for it, and
 * `Intl.DateTimeFormat` with a time zone cost more than the rest of the date checks (issue 13's profile).
 */
export function todayInVietnam(now = new Date()): string {
  return new Date(now.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/** A date the Vietnamese way: "2025-03-15" → "15/03/2025". */
export function formatDateVi(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}
