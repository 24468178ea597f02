// Small-cell suppression for public figures (issue 14). A figure made of fewer than MIN_HOUSEHOLDS households is
// never published as a number: it is shown as "< 5" and merged upward into a line that holds at least
// MIN_HOUSEHOLDS households, so that it cannot be recovered by subtracting the published lines from their total.
// Pure functions: the disclosure service feeds them rows from the books, the property test random books.

export const MIN_HOUSEHOLDS = 5;
/** How a suppressed count is shown on every public page and file. */
export const SUPPRESSED = '< 5';

/** A published count: a number of at least MIN_HOUSEHOLDS, 0, or SUPPRESSED. */
export type PublicCount = number | typeof SUPPRESSED;

export function publicCount(households: number): PublicCount {
  return households > 0 && households < MIN_HOUSEHOLDS ? SUPPRESSED : households;
}

/** One candidate line of a group: the households it is made of (ids), and optionally an amount in đồng. */
export interface Cell<K> {
  key: K;
  households: ReadonlySet<number>;
  amountDong?: bigint;
}

export interface MergedGroup<K> {
  /** Lines published on their own: each made of at least MIN_HOUSEHOLDS households, or of none. */
  lines: Cell<K>[];
  /** The lines merged upward (shown together as one line), or null. Made of ≥ MIN_HOUSEHOLDS households. */
  merged: { keys: K[]; households: Set<number>; amountDong: bigint } | null;
  /** Every household of the group. */
  all: Set<number>;
}

function union<K>(cells: readonly Cell<K>[]): Set<number> {
  const all = new Set<number>();
  for (const cell of cells) for (const h of cell.households) all.add(h);
  return all;
}

/**
 * Splits a group into lines published on their own and one merged line. A line of 1–4 households goes to the
 * merged line; if the merged line then holds 1–4 households, the smallest published lines join it until it holds
 * at least MIN_HOUSEHOLDS (or everything is merged). Lines of no household (management costs, transfers) are not
 * household figures and stay as they are. When the whole group has 1–4 households, all its household lines merge.
 */
export function mergeSmallCells<K>(cells: readonly Cell<K>[]): MergedGroup<K> {
  const all = union(cells);
  const plain = cells.filter((c) => c.households.size === 0);
  const counted = cells.filter((c) => c.households.size > 0);
  let shown = counted.filter((c) => c.households.size >= MIN_HOUSEHOLDS);
  const merged = counted.filter((c) => c.households.size < MIN_HOUSEHOLDS);
  const sizeOf = (list: Cell<K>[]) => union(list).size;
  // Smallest first: merging the smallest lines keeps most of the detail visible.
  shown = [...shown].sort((a, b) => a.households.size - b.households.size);
  while (merged.length > 0 && sizeOf(merged) < MIN_HOUSEHOLDS && shown.length > 0) {
    merged.push(shown.shift() as Cell<K>);
  }
  const order = new Map(cells.map((c, i) => [c, i]));
  const byInput = (a: Cell<K>, b: Cell<K>) => (order.get(a) ?? 0) - (order.get(b) ?? 0);
  return {
    lines: [...plain, ...shown].sort(byInput),
    merged:
      merged.length === 0
        ? null
        : {
            keys: merged.sort(byInput).map((c) => c.key),
            households: union(merged),
            amountDong: merged.reduce((sum, c) => sum + (c.amountDong ?? 0n), 0n),
          },
    all,
  };
}
