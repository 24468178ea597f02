import type { Op } from './plan.types';

type ContributionOp = Extract<Op, { kind: 'contribution' }>;

/** One step of the build: a run of contributions in one transaction, one other operation, or closing a year. */
export type BuildStep =
  | { kind: 'contributions'; ops: ContributionOp[] }
  | { kind: 'op'; op: Exclude<Op, ContributionOp> }
  | { kind: 'close'; year: number }
  /** One receipt recorded late, with an approver's confirmation: the demo shows a marked late entry. */
  | { kind: 'late-entry'; year: number };

/** Most contributions one transaction posts. */
export const MAX_CONTRIBUTIONS_PER_STEP = 500;

/**
 * The order the builder carries the plan out in: exactly the plan's (date) order, so every series — receipts,
 * vouchers, each fund's entry numbers — runs in date order, as an auditor expects (issue 10 item 3). Consecutive
 * contributions by the same accountant share a transaction (at most MAX_CONTRIBUTIONS_PER_STEP); each year up to
 * `lastClosedYear` is closed before the first operation of the next, as an approver closes a year at the start of
 * the next, so its closing entry (dated 31/12) is numbered after the year's entries and before the next year's.
 */
export function buildSteps(ops: readonly Op[], lastClosedYear: number, lateEntry = false): BuildStep[] {
  const steps: BuildStep[] = [];
  let run: ContributionOp[] = [];
  const flush = () => {
    if (run.length) steps.push({ kind: 'contributions', ops: run });
    run = [];
  };
  let closedThrough = ops.length ? Number(ops[0].date.slice(0, 4)) - 1 : lastClosedYear;
  const closeThrough = (year: number) => {
    for (let y = closedThrough + 1; y <= Math.min(year, lastClosedYear); y++)
      steps.push({ kind: 'close', year: y });
    closedThrough = Math.max(closedThrough, Math.min(year, lastClosedYear));
  };
  for (const op of ops) {
    const year = Number(op.date.slice(0, 4));
    if (year - 1 > closedThrough) {
      flush();
      closeThrough(year - 1);
    }
    if (op.kind === 'contribution') {
      if (run.length && (run[0].by !== op.by || run.length >= MAX_CONTRIBUTIONS_PER_STEP)) flush();
      run.push(op);
    } else {
      flush();
      steps.push({ kind: 'op', op });
    }
  }
  flush();
  // The late entry goes into the last year, while it is still open.
  if (lateEntry && ops.length)
    steps.push({ kind: 'late-entry', year: Number(ops[ops.length - 1].date.slice(0, 4)) });
  closeThrough(lastClosedYear);
  return steps;
}

/** The operations of the steps, in the order they are carried out. */
export function stepOps(steps: readonly BuildStep[]): Op[] {
  const ops: Op[] = [];
  for (const step of steps) {
    if (step.kind === 'contributions') ops.push(...step.ops);
    if (step.kind === 'op') ops.push(step.op);
  }
  return ops;
}
