// The household figures of a public disclosure, built from rows that carry no name, ID, address or amount of a
// household: only an opaque id (to count distinct households), its commune and category, the payout's year and
// purpose. Pure: the disclosure service feeds it the books, public-figures.spec.ts random books.
import { Cell, mergeSmallCells, MIN_HOUSEHOLDS, publicCount, PublicCount } from './suppression';

/** A paid payout, reduced to what counting needs. */
export interface PayoutRow {
  year: number;
  purpose: string;
  householdId: number;
  /** Folded commune name (the grouping key) and the name shown. */
  communeKey: string;
  commune: string;
  category: string;
}

export interface PurposeLine {
  purpose: string;
  amount: string;
  /** Households paid for this purpose; null for lines that are not support to households (management, transfers). */
  households: PublicCount | null;
}

export interface PurposeTable {
  lines: PurposeLine[];
  /** Purposes of fewer than MIN_HOUSEHOLDS households, merged upward with the smallest others: shown as one line. */
  merged: { purposes: string[]; amount: string; households: PublicCount } | null;
}

export interface CategoryLine {
  category: string;
  households: number;
  communes: { commune: string; households: number }[];
  /** Communes with fewer than MIN_HOUSEHOLDS households of this category, together (≥ MIN_HOUSEHOLDS). */
  otherCommunes: number | null;
}

export interface HouseholdTable {
  /** Distinct households supported in the year, any purpose. */
  households: PublicCount;
  categories: CategoryLine[];
  /** Categories of fewer than MIN_HOUSEHOLDS households, together; "< 5" only when the whole year has so few. */
  otherCategories: PublicCount | null;
}

const setOf = (rows: readonly PayoutRow[]) => new Set(rows.map((r) => r.householdId));

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/**
 * A year's disbursements by purpose. `amounts` are the books' figures (đồng, digit strings); `rows` the paid
 * payouts of that year. A purpose line that is a figure of 1–4 households is merged upward; when the year's
 * household support as a whole has fewer than MIN_HOUSEHOLDS households, it is merged with the lines that are not
 * household support, so only the year's total remains.
 */
export function purposeTable(amounts: Record<string, string>, rows: readonly PayoutRow[]): PurposeTable {
  const byPurpose = groupBy(rows, (r) => r.purpose);
  const cells: Cell<string>[] = Object.entries(amounts)
    .filter(([purpose, amount]) => amount !== '0' || byPurpose.has(purpose))
    .map(([purpose, amount]) => ({
      key: purpose,
      households: setOf(byPurpose.get(purpose) ?? []),
      amountDong: BigInt(amount),
    }));
  const group = mergeSmallCells(cells);
  let lines = group.lines;
  let merged = group.merged;
  if (merged && merged.households.size < MIN_HOUSEHOLDS && lines.length > 0) {
    // Too few households in the whole year: fold every other line in too, so none can be subtracted out.
    merged = {
      keys: [...lines.map((l) => l.key), ...merged.keys],
      households: merged.households,
      amountDong: lines.reduce((s, l) => s + (l.amountDong ?? 0n), merged.amountDong),
    };
    lines = [];
  }
  return {
    lines: lines.map((l) => ({
      purpose: l.key,
      amount: String(l.amountDong ?? 0n),
      households: l.households.size > 0 ? publicCount(l.households.size) : null,
    })),
    merged: merged
      ? {
          purposes: merged.keys,
          amount: String(merged.amountDong),
          households: publicCount(merged.households.size),
        }
      : null,
  };
}

/** A year's households by category and commune, as counts only, with every cell of 1–4 households merged upward. */
export function householdTable(rows: readonly PayoutRow[]): HouseholdTable {
  // A household is counted once per year, in its (one) commune and category.
  const households = [...groupBy(rows, (r) => r.householdId).values()].map((list) => list[0]);
  const all = households.length;
  const byCategory = groupBy(households, (h) => h.category);
  const categories = mergeSmallCells(
    [...byCategory.entries()].map(([category, list]) => ({ key: category, households: setOf(list) })),
  );
  if (all < MIN_HOUSEHOLDS) {
    return {
      households: publicCount(all),
      categories: [],
      otherCategories: all > 0 ? publicCount(all) : null,
    };
  }
  const lines: CategoryLine[] = categories.lines.map((line) => {
    const list = byCategory.get(line.key) ?? [];
    const names = new Map<string, string>();
    for (const h of list) if (!names.has(h.communeKey)) names.set(h.communeKey, h.commune);
    const communes = mergeSmallCells(
      [...groupBy(list, (h) => h.communeKey).entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([commune, members]) => ({ key: commune, households: setOf(members) })),
    );
    return {
      category: line.key,
      households: line.households.size,
      communes: communes.lines.map((c) => ({
        commune: names.get(c.key) ?? c.key,
        households: c.households.size,
      })),
      otherCommunes: communes.merged ? communes.merged.households.size : null,
    };
  });
  return {
    households: all,
    categories: lines.sort((a, b) => b.households - a.households || a.category.localeCompare(b.category)),
    otherCategories: categories.merged ? categories.merged.households.size : null,
  };
}
