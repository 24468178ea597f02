import type { Method, Op } from './plan.types';

export type Account = Method;

export interface Effect {
  fund: string;
  account: Account;
  /** Positive in, negative out. */
  delta: bigint;
}

export class PlanError extends Error {}

/**
 * The planner's own cash and bank balances per fund, kept as the operations are planned in date order. It is how
 * the demonstration keeps invariant 5 by construction: an operation that would overdraw a fund is preceded by a
 * transfer from the level above or a withdrawal to cash, and anything that still would is a bug in the plan,
 * found before a single row is written.
 */
export class SimulatedBooks {
  private readonly balances = new Map<string, bigint>();
  private readonly payouts = new Map<string, Extract<Op, { kind: 'payout' }>>();
  private readonly contributions = new Map<string, Extract<Op, { kind: 'contribution' }>>();
  readonly closed = new Set<string>();
  readonly parentOf: Map<string, string | null>;

  constructor(parents: Iterable<[string, string | null]>) {
    this.parentOf = new Map(parents);
  }

  balance(fund: string, account: Account): bigint {
    return this.balances.get(`${fund}|${account}`) ?? 0n;
  }

  /** What the operation does to cash and bank. */
  effects(op: Op): Effect[] {
    switch (op.kind) {
      case 'opening':
        return op.balances.flatMap((b) => [
          { fund: b.fund, account: 'cash' as const, delta: b.cash },
          { fund: b.fund, account: 'bank' as const, delta: b.bank },
        ]);
      case 'contribution':
        return [{ fund: op.fund, account: op.method, delta: op.amount }];
      case 'batch':
        return [{ fund: op.fund, account: op.method, delta: op.members.reduce((s, m) => s + m.amount, 0n) }];
      case 'payout':
        if (op.rejectReason !== null || op.stage === 'settlement') return [];
        return [{ fund: op.fund, account: op.method, delta: -op.amount }];
      case 'transfer':
        return [
          { fund: op.from, account: op.method, delta: -op.amount },
          { fund: op.to, account: op.method, delta: op.amount },
        ];
      case 'journal':
        return op.lines
          .filter((l) => l.account === '111' || l.account === '112')
          .map((l) => ({
            fund: op.fund,
            account: l.account === '111' ? ('cash' as const) : ('bank' as const),
            delta: (l.debit ?? 0n) - (l.credit ?? 0n),
          }));
      case 'reverse-payout': {
        const payout = this.payouts.get(op.payout);
        if (!payout) throw new PlanError(`reversal of unknown payout ${op.payout}`);
        return [{ fund: payout.fund, account: payout.method, delta: payout.amount }];
      }
      case 'void': {
        const contribution = this.contributions.get(op.contribution);
        if (!contribution) throw new PlanError(`void of unknown contribution ${op.contribution}`);
        return [{ fund: contribution.fund, account: contribution.method, delta: -contribution.amount }];
      }
      case 'merge':
        return op.funds.flatMap((fund) =>
          (['cash', 'bank'] as const).flatMap((account) => {
            const amount = this.balance(fund, account);
            return [
              { fund, account, delta: -amount },
              { fund: op.into, account, delta: amount },
            ];
          }),
        );
      default:
        return [];
    }
  }

  /** The cash or bank the operation takes out, per fund and account. */
  needs(op: Op): Effect[] {
    const out = new Map<string, Effect>();
    for (const e of this.effects(op)) {
      if (e.delta >= 0n || op.kind === 'merge') continue;
      const key = `${e.fund}|${e.account}`;
      const sum = out.get(key) ?? { fund: e.fund, account: e.account, delta: 0n };
      sum.delta -= e.delta;
      out.set(key, sum);
    }
    return [...out.values()];
  }

  apply(op: Op): void {
    for (const fund of fundsOf(op)) {
      if (this.closed.has(fund))
        throw new PlanError(`${op.kind} on ${op.date} touches ${fund}, closed by the merger`);
    }
    for (const e of this.effects(op)) {
      const key = `${e.fund}|${e.account}`;
      const next = (this.balances.get(key) ?? 0n) + e.delta;
      if (next < 0n) {
        throw new PlanError(
          `${op.kind} on ${op.date} would take ${e.account} of ${e.fund} to ${next} đồng; cash and bank never go below zero`,
        );
      }
      this.balances.set(key, next);
    }
    if (op.kind === 'payout') this.payouts.set(op.key, op);
    if (op.kind === 'contribution' && op.key !== null) this.contributions.set(op.key, op);
    if (op.kind === 'merge') {
      for (const fund of op.funds) this.closed.add(fund);
      for (const [child, parent] of this.parentOf) {
        if (parent !== null && op.funds.includes(parent)) this.parentOf.set(child, op.into);
      }
    }
  }
}

/** The funds an operation writes to. */
export function fundsOf(op: Op): string[] {
  switch (op.kind) {
    case 'opening':
      return op.balances.map((b) => b.fund);
    case 'transfer':
      return [op.from, op.to];
    case 'lock':
    case 'merge':
    case 'reverse-payout':
    case 'void':
    case 'complete':
      return [];
    default:
      return [op.fund];
  }
}
