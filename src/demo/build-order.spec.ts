import { buildSteps, MAX_CONTRIBUTIONS_PER_STEP, stepOps } from './build-order';
import { loadDefinition } from './definition';
import type { DemoPlan, Op } from './plan.types';
import { planDemo } from './planner';
import { SimulatedBooks } from './simulation';

/** The series a planned operation numbers a document in, as the application chooses it (cash PT/PC, bank XN/UNC). */
function seriesOf(op: Op): string | null {
  if (op.kind === 'contribution' || op.kind === 'batch')
    return `${op.fund} ${op.method === 'cash' ? 'PT' : 'XN'}`;
  if (op.kind === 'payout' && op.rejectReason === null && op.stage !== 'settlement')
    return `${op.fund} ${op.method === 'cash' ? 'PC' : 'UNC'}`;
  return null;
}

describe('the order the demo is built in (issue 10 item 3: series in date order)', () => {
  let plan: DemoPlan;
  let lastYear: number;

  beforeAll(() => {
    plan = planDemo(loadDefinition());
    lastYear = Number(loadDefinition().main.lastDay.slice(0, 4));
  });

  it('carries out every operation once, in the plan’s date order, so every series and entry number follows the dates', () => {
    const steps = buildSteps(plan.ops, lastYear, true);
    const ops = stepOps(steps);
    expect(ops).toHaveLength(plan.ops.length);
    ops.forEach((op, i) => expect(op).toBe(plan.ops[i]));
    // Within each fund's series (and so its PT/PC/XN/UNC numbers and its entry numbers), dates never go back.
    const last = new Map<string, string>();
    const backwards: string[] = [];
    for (const op of ops) {
      const funds = op.kind === 'transfer' ? [op.from, op.to] : 'fund' in op ? [op.fund] : [];
      for (const key of [seriesOf(op), ...funds.map((f) => `${f} entries`)]) {
        if (key === null) continue;
        if ((last.get(key) ?? '') > op.date) backwards.push(`${key}: ${op.date} after ${last.get(key)}`);
        last.set(key, op.date);
      }
    }
    expect(backwards).toEqual([]);
  });

  it('closes each year after its last operation and before the first of the next, and the last full year at the end', () => {
    const steps = buildSteps(plan.ops, lastYear, true);
    const closes = steps.flatMap((s, i) => (s.kind === 'close' ? [{ year: s.year, at: i }] : []));
    const firstYear = Number(plan.ops[0].date.slice(0, 4));
    expect(closes.map((c) => c.year)).toEqual(
      Array.from({ length: lastYear - firstYear + 1 }, (_, i) => firstYear + i),
    );
    // Closed before an operation: every year before its own; after it: its own year and later.
    const wrong: string[] = [];
    steps.forEach((step, i) => {
      const dates =
        step.kind === 'contributions'
          ? step.ops.map((o) => o.date)
          : step.kind === 'op'
            ? [step.op.date]
            : [];
      for (const date of dates) {
        const year = Number(date.slice(0, 4));
        for (const c of closes) if (c.year < year !== c.at < i) wrong.push(`${date}: close ${c.year}`);
      }
    });
    expect(wrong).toEqual([]);
    // The late entry goes into the last year while it is still open.
    const late = steps.findIndex((s) => s.kind === 'late-entry');
    expect(late).toBeGreaterThan(-1);
    expect(late).toBeLessThan(closes[closes.length - 1].at);
  });

  it('puts consecutive contributions of one accountant in one transaction, at most a bounded number', () => {
    const steps = buildSteps(plan.ops, lastYear);
    for (const step of steps) {
      if (step.kind !== 'contributions') continue;
      expect(new Set(step.ops.map((o) => o.by)).size).toBe(1);
      expect(step.ops.length).toBeLessThanOrEqual(MAX_CONTRIBUTIONS_PER_STEP);
    }
    expect(steps.some((s) => s.kind === 'late-entry')).toBe(false);
  });

  it('never takes a fund’s cash or bank below zero in that order', () => {
    const books = new SimulatedBooks(plan.funds.map((f) => [f.code, f.parentCode]));
    expect(() => stepOps(buildSteps(plan.ops, lastYear)).forEach((op) => books.apply(op))).not.toThrow();
  });

  it('hands a merged fund over first thing on the merger day, so the handover (dated the cutoff) stays in order', () => {
    const { merger } = loadDefinition().main;
    const day = plan.ops.filter((op) => op.date === merger.date);
    expect(day[0]?.kind).toBe('merge');
    expect(plan.ops.filter((op) => op.date > merger.cutoff && op.date < merger.date)).toEqual([]);
  });
});
