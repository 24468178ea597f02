import { foldVietnamese } from '../common/text';
import type { Direction, MatchKind } from './entities';

/**
 * The matcher: which statement lines are which 112 journal lines. Pure (arrays in, proposals out), deterministic,
 * and it never puts one line into two proposals. Amounts are whole đồng as BigInt: exact, like Money, and cheap to
 * add up in the subset search.
 */

export interface StatementItem {
  id: number;
  /** YYYY-MM-DD */
  date: string;
  amountDong: bigint;
  direction: Direction;
  reference: string | null;
  description: string | null;
}

export interface BookItem {
  /** The journal line's id. */
  id: number;
  date: string;
  amountDong: bigint;
  /** `in` for a debit to 112, `out` for a credit. */
  direction: Direction;
  /** The entry's document number, e.g. PT-2023-000001. */
  sourceRef: string | null;
  /** The entry's description and the line's memo. */
  text: string;
  /** The entry was reversed, or is a reversal: such lines usually cancel out and are matched last. */
  reversal: boolean;
}

export interface ProposedMatch {
  kind: MatchKind;
  statementLineIds: number[];
  journalLineIds: number[];
  /** Why: "same reference PT-2023-000001; 1 day apart". */
  basis: string;
}

export interface MatchOptions {
  /** Largest gap in days between a statement line and a journal line it may match. */
  windowDays: number;
  /** Most journal lines one statement line may be the sum of (default 6). */
  maxGroupLines?: number;
  /** Signatures (`matchSignature`) of pairings an accountant has rejected: never proposed again. */
  excluded?: ReadonlySet<string>;
}

export const DEFAULT_MAX_GROUP_LINES = 6;
/** Nearest candidates (by date) a sum is looked for among, per statement line: C(16, ≤6) ≈ 14,000 subsets. */
const MAX_GROUP_CANDIDATES = 16;
/** Search steps per statement line and pool, whatever the amounts: the search always ends quickly. */
const MAX_SEARCH_STEPS = 200_000;
const MS_PER_DAY = 86_400_000;
/** References shorter than this (after folding) are too common to prefer a line for. */
const MIN_REFERENCE_CHARS = 3;

/** The basis of a one-to-one proposal that rests on the amount alone. */
const SAME_AMOUNT = 'same amount';

/**
 * How sure a proposal is, from what it rests on (its `basis`, which only this file writes): `high` — the same
 * amount and a shared reference; `medium` — the same amount on the same day or the next, or a sum of several book
 * lines all of the same day; `low` — only the same amount, further apart, or a sum spread over several days.
 */
export type MatchConfidence = 'high' | 'medium' | 'low';

export function matchConfidence(kind: MatchKind, basis: string): MatchConfidence {
  if (kind === 'one_to_many') return basis.endsWith('; same day') ? 'medium' : 'low';
  if (!basis.startsWith(`${SAME_AMOUNT};`)) return 'high';
  return basis.endsWith('; same day') || basis.endsWith('; 1 day apart') ? 'medium' : 'low';
}

/** The identity of a pairing, whatever its order: sorted statement line ids | sorted journal line ids. */
export function matchSignature(statementLineIds: number[], journalLineIds: number[]): string {
  const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b).join(',');
  return `${sorted(statementLineIds)}|${sorted(journalLineIds)}`;
}

/**
 * Proposes matches: first one statement line to one journal line of the same direction and amount within the
 * window — a shared reference first, then the closest date, then lines not part of a reversal; then one statement
 * line to the sum of 2 to `maxGroupLines` journal lines (a deposit of several receipts), same-day lines first.
 */
export function proposeMatches(
  statement: readonly StatementItem[],
  books: readonly BookItem[],
  options: MatchOptions,
): ProposedMatch[] {
  const excluded = options.excluded ?? new Set<string>();
  const usedStatement = new Set<number>();
  const usedBooks = new Set<number>();
  const proposals: ProposedMatch[] = [];

  for (const pair of oneToOnePairs(statement, books, options.windowDays, excluded)) {
    if (usedStatement.has(pair.line.id) || usedBooks.has(pair.book.id)) continue;
    usedStatement.add(pair.line.id);
    usedBooks.add(pair.book.id);
    proposals.push({
      kind: 'one_to_one',
      statementLineIds: [pair.line.id],
      journalLineIds: [pair.book.id],
      basis: `${pair.reference ?? SAME_AMOUNT}; ${gapText(pair.gap)}`,
    });
  }

  const maxLines = options.maxGroupLines ?? DEFAULT_MAX_GROUP_LINES;
  const byDate = {
    in: new DateIndex(books.filter((b) => b.direction === 'in' && !b.reversal)),
    out: new DateIndex(books.filter((b) => b.direction === 'out' && !b.reversal)),
  };
  for (const line of [...statement].sort(byDateThenId)) {
    if (usedStatement.has(line.id)) continue;
    const pool = byDate[line.direction]
      .within(line.date, options.windowDays)
      .filter((b) => !usedBooks.has(b.id) && b.amountDong < line.amountDong)
      .map((book) => ({ book, gap: dayGap(line.date, book.date) }));
    const group =
      bestSum(
        pool.filter((c) => c.gap === 0),
        line,
        maxLines,
        excluded,
      ) ?? bestSum(pool, line, maxLines, excluded);
    if (!group) continue;
    usedStatement.add(line.id);
    for (const c of group) usedBooks.add(c.book.id);
    const widest = Math.max(...group.map((c) => c.gap));
    proposals.push({
      kind: 'one_to_many',
      statementLineIds: [line.id],
      journalLineIds: group.map((c) => c.book.id).sort((a, b) => a - b),
      basis: `sum of ${group.length} book lines; ${widest === 0 ? 'same day' : `at most ${gapText(widest)}`}`,
    });
  }
  return proposals;
}

interface Pair {
  line: StatementItem;
  book: BookItem;
  gap: number;
  reference: string | null;
}

/** Every admissible one-to-one pair, best first: the greedy pass then takes each pair whose lines are both free. */
function oneToOnePairs(
  statement: readonly StatementItem[],
  books: readonly BookItem[],
  windowDays: number,
  excluded: ReadonlySet<string>,
): Pair[] {
  const byAmount = new Map<string, BookItem[]>();
  for (const book of books) {
    const key = `${book.direction}${book.amountDong}`;
    const bucket = byAmount.get(key);
    if (bucket) bucket.push(book);
    else byAmount.set(key, [book]);
  }
  const indexes = new Map([...byAmount].map(([key, bucket]) => [key, new DateIndex(bucket)]));
  const pairs: Pair[] = [];
  for (const line of statement) {
    const index = indexes.get(`${line.direction}${line.amountDong}`);
    for (const book of index?.within(line.date, windowDays) ?? []) {
      if (excluded.has(matchSignature([line.id], [book.id]))) continue;
      pairs.push({ line, book, gap: dayGap(line.date, book.date), reference: sharedReference(line, book) });
    }
  }
  return pairs.sort(
    (a, b) =>
      Number(a.reference === null) - Number(b.reference === null) ||
      a.gap - b.gap ||
      Number(a.book.reversal) - Number(b.book.reversal) ||
      byDateThenId(a.line, b.line) ||
      byDateThenId(a.book, b.book),
  );
}

interface Candidate {
  book: BookItem;
  gap: number;
}

/**
 * The journal lines among `pool` whose amounts add up exactly to the statement line's: 2 to `maxLines` of the
 * nearest MAX_GROUP_CANDIDATES, the closest in date (total gap), then the fewest lines; null when there is none.
 */
function bestSum(
  pool: Candidate[],
  line: StatementItem,
  maxLines: number,
  excluded: ReadonlySet<string>,
): Candidate[] | null {
  if (pool.length < 2) return null;
  const nearest = [...pool]
    .sort((a, b) => a.gap - b.gap || byDateThenId(a.book, b.book))
    .slice(0, MAX_GROUP_CANDIDATES);
  // Largest first, with the sums of what is left, so that a branch that cannot reach the target stops at once.
  const candidates = nearest.sort((a, b) =>
    a.book.amountDong === b.book.amountDong
      ? a.book.id - b.book.id
      : a.book.amountDong > b.book.amountDong
        ? -1
        : 1,
  );
  const rest: bigint[] = new Array<bigint>(candidates.length + 1).fill(0n);
  for (let i = candidates.length - 1; i >= 0; i--) rest[i] = rest[i + 1] + candidates[i].book.amountDong;

  const best = { group: null as Candidate[] | null, gap: Infinity };
  let steps = 0;
  const chosen: Candidate[] = [];
  const search = (from: number, remaining: bigint): void => {
    if (remaining === 0n) {
      if (chosen.length < 2) return;
      const signature = matchSignature(
        [line.id],
        chosen.map((c) => c.book.id),
      );
      if (excluded.has(signature)) return;
      const gap = chosen.reduce((sum, c) => sum + c.gap, 0);
      if (gap < best.gap || (gap === best.gap && chosen.length < (best.group?.length ?? Infinity))) {
        best.group = [...chosen];
        best.gap = gap;
      }
      return;
    }
    if (chosen.length === maxLines) return;
    for (let i = from; i < candidates.length; i++) {
      if (++steps > MAX_SEARCH_STEPS || rest[i] < remaining) return;
      if (candidates[i].book.amountDong > remaining) continue;
      chosen.push(candidates[i]);
      search(i + 1, remaining - candidates[i].book.amountDong);
      chosen.pop();
    }
  };
  search(0, line.amountDong);
  return best.group;
}

/**
 * The reference a statement line and a journal entry share, described, or null: the bank's reference is the
 * entry's document number, or appears in the entry's description or memo; or the entry's document number appears
 * in the bank's description (a depositor who wrote "PT-2023-000001" on the transfer).
 */
export function sharedReference(line: StatementItem, book: BookItem): string | null {
  const reference = line.reference === null ? '' : fold(line.reference);
  const sourceRef = book.sourceRef === null ? '' : fold(book.sourceRef);
  if (reference.length >= MIN_REFERENCE_CHARS) {
    const squashed = squash(reference);
    if (squashed.length >= MIN_REFERENCE_CHARS && squashed === squash(sourceRef))
      return `same reference ${line.reference}`;
    if (mentions(fold(book.text), reference)) return `reference ${line.reference} in the entry`;
  }
  if (sourceRef.length >= MIN_REFERENCE_CHARS && line.description !== null) {
    if (mentions(fold(line.description), sourceRef)) return `${book.sourceRef} in the bank's description`;
  }
  return null;
}

function fold(text: string): string {
  return foldVietnamese(text);
}

/** Letters and digits only: "PT-2023-000001" and "PT2023000001" are one reference. */
function squash(text: string): string {
  return text.replace(/[^a-z0-9]/g, '');
}

/**
 * Whether `text` names `reference`: as a whole word (not inside a longer code), or — for a reference of 8 or more
 * letters and digits, specific enough — with its separators dropped, as banks often do.
 */
function mentions(text: string, reference: string): boolean {
  for (let at = text.indexOf(reference); at >= 0; at = text.indexOf(reference, at + 1)) {
    const before = text[at - 1] ?? ' ';
    const after = text[at + reference.length] ?? ' ';
    if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) return true;
  }
  const squashed = squash(reference);
  return squashed.length >= 8 && squash(text).includes(squashed);
}

/** Items sorted by date, to take those within some days of a date without looking at the others. */
class DateIndex<T extends { date: string; id: number }> {
  private readonly items: T[];

  constructor(items: readonly T[]) {
    this.items = [...items].sort(byDateThenId);
  }

  /** The items dated from `windowDays` before `date` to `windowDays` after it, in date order. */
  within(date: string, windowDays: number): T[] {
    const first = this.firstOnOrAfter(shiftDays(date, -windowDays));
    const end = this.firstOnOrAfter(shiftDays(date, windowDays + 1));
    return this.items.slice(first, end);
  }

  private firstOnOrAfter(date: string): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.items[middle].date < date) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** The YYYY-MM-DD date `days` days after (or, negative, before) `date`. */
export function shiftDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Whole days between two YYYY-MM-DD dates. */
export function dayGap(a: string, b: string): number {
  return Math.abs(Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / MS_PER_DAY;
}

function gapText(days: number): string {
  return days === 0 ? 'same day' : days === 1 ? '1 day apart' : `${days} days apart`;
}

function byDateThenId(a: { date: string; id: number }, b: { date: string; id: number }): number {
  return a.date < b.date ? -1 : a.date > b.date ? 1 : a.id - b.id;
}
