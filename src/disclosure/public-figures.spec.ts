import fc from 'fast-check';
import { householdTable, PayoutRow, purposeTable } from './public-figures';
import { MIN_HOUSEHOLDS, SUPPRESSED, mergeSmallCells } from './suppression';

// Privacy by construction (issue 14): over random books, no public number singles out a household. Every count
// is 0, at least MIN_HOUSEHOLDS, or "< 5"; every amount line is a figure of no household or of at least
// MIN_HOUSEHOLDS; and what an attacker gets by subtracting the published lines from their total is itself a figure
// of no household or of at least MIN_HOUSEHOLDS.

const PURPOSES = ['house_new', 'house_repair', 'visit_gift', 'hardship', 'savings_book'];
const PLAIN = ['management', 'transfer'];

interface Household {
  id: number;
  commune: string;
  category: string;
}

const book = fc
  .record({
    households: fc.array(
      fc.record({
        commune: fc.constantFrom('Cốc Lếu', 'Bắc Hà', 'Sa Pa', 'Bát Xát'),
        category: fc.constantFrom('a', 'b', 'c'),
      }),
      { minLength: 0, maxLength: 40 },
    ),
    payouts: fc.array(
      fc.record({
        h: fc.nat(),
        purpose: fc.constantFrom(...PURPOSES),
        amount: fc.integer({ min: 1, max: 50_000_000 }),
      }),
      {
        maxLength: 120,
      },
    ),
    plain: fc.array(
      fc.record({ purpose: fc.constantFrom(...PLAIN), amount: fc.integer({ min: 1, max: 9_000_000 }) }),
      { maxLength: 3 },
    ),
  })
  .map(({ households, payouts, plain }) => {
    const hs: Household[] = households.map((h, id) => ({ id, ...h }));
    const paid = hs.length === 0 ? [] : payouts.map((p) => ({ ...p, household: hs[p.h % hs.length] }));
    const amounts: Record<string, bigint> = {};
    for (const p of paid) amounts[p.purpose] = (amounts[p.purpose] ?? 0n) + BigInt(p.amount);
    for (const p of plain) amounts[p.purpose] = (amounts[p.purpose] ?? 0n) + BigInt(p.amount);
    const rows: PayoutRow[] = paid.map((p) => ({
      year: 2020,
      purpose: p.purpose,
      householdId: p.household.id,
      communeKey: p.household.commune,
      commune: p.household.commune,
      category: p.household.category,
    }));
    return { rows, amounts };
  });

const safeCount = (n: number | string | null) =>
  n === null || n === SUPPRESSED || n === 0 || (typeof n === 'number' && n >= MIN_HOUSEHOLDS);

describe('public figures never single out a household', () => {
  it('mergeSmallCells: published lines and the merged line hold 0 or ≥ 5 households (unless the group has < 5)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.nat({ max: 30 }), { maxLength: 12 }), { maxLength: 10 }),
        (sets) => {
          const group = mergeSmallCells(sets.map((s, i) => ({ key: i, households: new Set(s) })));
          for (const line of group.lines)
            expect(line.households.size === 0 || line.households.size >= MIN_HOUSEHOLDS).toBe(true);
          if (group.merged && group.all.size >= MIN_HOUSEHOLDS)
            expect(group.merged.households.size).toBeGreaterThanOrEqual(MIN_HOUSEHOLDS);
          // Nothing lost: every input line is published or merged.
          expect(group.lines.length + (group.merged?.keys.length ?? 0)).toBe(sets.length);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('purpose table: each amount is a figure of none or ≥ 5 households, and so is total − published lines', () => {
    fc.assert(
      fc.property(book, ({ rows, amounts }) => {
        const table = purposeTable(
          Object.fromEntries(Object.entries(amounts).map(([k, v]) => [k, String(v)])),
          rows,
        );
        const householdsOf = (purposes: string[]) =>
          new Set(rows.filter((r) => purposes.includes(r.purpose)).map((r) => r.householdId)).size;
        for (const line of table.lines) {
          expect(safeCount(line.households)).toBe(true);
          const n = householdsOf([line.purpose]);
          expect(n === 0 || n >= MIN_HOUSEHOLDS).toBe(true);
        }
        const total = Object.values(amounts).reduce((s, v) => s + v, 0n);
        const published = table.lines.reduce((s, l) => s + BigInt(l.amount), 0n);
        const derived = total - published;
        if (table.merged) {
          expect(BigInt(table.merged.amount)).toBe(derived);
          const n = householdsOf(table.merged.purposes);
          // Fewer than 5 only when nothing else is published: the year's total is the only figure left.
          expect(n >= MIN_HOUSEHOLDS || table.lines.length === 0).toBe(true);
          expect(safeCount(table.merged.households)).toBe(true);
        } else expect(derived).toBe(0n);
      }),
      { numRuns: 500 },
    );
  });

  it('households by category and commune: every count and every difference is 0 or ≥ 5', () => {
    fc.assert(
      fc.property(book, ({ rows }) => {
        const table = householdTable(rows);
        expect(safeCount(table.households)).toBe(true);
        expect(safeCount(table.otherCategories)).toBe(true);
        if (typeof table.households === 'number') {
          const shown = table.categories.reduce((s, c) => s + c.households, 0);
          const rest = table.households - shown;
          expect(rest === 0 || rest >= MIN_HOUSEHOLDS).toBe(true);
          expect(rest).toBe(table.otherCategories ?? 0);
        }
        for (const c of table.categories) {
          expect(c.households).toBeGreaterThanOrEqual(MIN_HOUSEHOLDS);
          for (const commune of c.communes) expect(commune.households).toBeGreaterThanOrEqual(MIN_HOUSEHOLDS);
          const rest = c.households - c.communes.reduce((s, x) => s + x.households, 0);
          expect(rest === 0 || rest >= MIN_HOUSEHOLDS).toBe(true);
          expect(rest).toBe(c.otherCommunes ?? 0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('carries no name: a table is made of counts, commune and category names only', () => {
    const rows: PayoutRow[] = Array.from({ length: 6 }, (_, i) => ({
      year: 2020,
      purpose: 'house_new',
      householdId: i,
      communeKey: 'sa pa',
      commune: 'Sa Pa',
      category: 'war_invalid',
    }));
    expect(householdTable(rows)).toEqual({
      households: 6,
      categories: [
        {
          category: 'war_invalid',
          households: 6,
          communes: [{ commune: 'Sa Pa', households: 6 }],
          otherCommunes: null,
        },
      ],
      otherCategories: null,
    });
    expect(householdTable(rows.slice(0, 4)).households).toBe('< 5');
  });
});
