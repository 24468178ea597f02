import { addDays } from './calendar';
import { DemoDefinition, loadDefinition } from './definition';
import { ADMIN, APPROVER, PHASE, PlanContext, PlanEvent, RunningState } from './plan-context';
import { planPayouts } from './plan-payouts';
import { planReceipts } from './plan-receipts';
import { planDonors, planFundsAndUsers } from './plan-registry';
import type { DemoPlan, Method, Op, PlanSummary } from './plan.types';
import { roundUp } from './random';
import { Account, PlanError, SimulatedBooks } from './simulation';

/**
 * What the receipts claim counts (data/claims/lao-cai-2013-2023.json, "accounts"): contributions 5111–5114, not
 * Treasury interest (5115). The plan calibrates these to exactly claims.receiptsTotal.
 */
const CLAIMED_ACCOUNTS = ['5111', '5112', '5113', '5114'];

/**
 * Plans the whole demonstration from data/demo without touching a database: the registry (funds, users, donors,
 * households), then every operation from 1 January 2013 to the end, in date order, with the transfers between
 * levels and the withdrawals to cash that keep every fund's cash and bank above zero. Throws PlanError when the
 * definition cannot give books that keep the invariants and land the claimed figures exactly.
 */
export function planDemo(def: DemoDefinition = loadDefinition()): DemoPlan {
  const ctx = new PlanContext(def);
  planFundsAndUsers(ctx);
  const pools = planDonors(ctx);
  planPayouts(ctx);
  planReceipts(ctx, pools);
  const { lockThrough, merger } = def.main;
  ctx.add(lockThrough.date, PHASE.admin, {
    kind: 'lock',
    date: lockThrough.date,
    through: lockThrough.through,
    funds: ctx.funds.map((f) => f.code),
    by: APPROVER,
  });
  // First thing on its day: the handover entries are dated the cutoff (the day before), so they are numbered after
  // that day's entries and before any of the merger day's.
  ctx.add(merger.date, PHASE.opening, {
    kind: 'merge',
    date: merger.date,
    cutoff: merger.cutoff,
    funds: ctx.funds.filter((f) => f.level === 'district').map((f) => f.code),
    into: ctx.province.code,
    note: merger.note,
    by: ADMIN,
  });

  const ops = new Simulation(ctx).run();
  const summary = summarize(ctx, ops);
  return {
    funds: ctx.funds,
    users: ctx.users,
    donors: ctx.donors,
    campaigns: ctx.campaigns,
    beneficiaries: ctx.beneficiaries,
    payees: ctx.payees,
    ops,
    summary,
  };
}

function byDate(a: PlanEvent, b: PlanEvent): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  return a.phase - b.phase || a.seq - b.seq;
}

/** Cash or bank a planned operation is known to take out, before any balance is known. */
function plannedOutflow(op: Op): { fund: string; account: Method; amount: bigint } | null {
  if (op.kind === 'payout' && op.rejectReason === null && op.stage !== 'settlement') {
    return { fund: op.fund, account: op.method, amount: op.amount };
  }
  return null;
}

class Simulation {
  private readonly books: SimulatedBooks;
  private readonly ops: Op[] = [];
  private readonly receipts = new Map<string, bigint>();
  private claimed = 0n;
  private readonly upcoming = new Map<string, { date: string; account: Method; amount: bigint }[]>();
  private readonly topUps = new Map<string, number>();

  constructor(private readonly ctx: PlanContext) {
    this.books = new SimulatedBooks(ctx.funds.map((f) => [f.code, f.parentCode]));
  }

  run(): Op[] {
    const events = [...this.ctx.events].sort(byDate);
    for (const event of events) {
      if (typeof event.op === 'function') continue;
      const out = plannedOutflow(event.op);
      if (!out) continue;
      const list = this.upcoming.get(out.fund) ?? [];
      list.push({ date: event.op.date, account: out.account, amount: out.amount });
      this.upcoming.set(out.fund, list);
    }
    const state: RunningState = {
      books: this.books,
      receiptsOf: (fund, year) => this.receipts.get(`${fund}|${year}`) ?? 0n,
      claimedReceipts: () => this.claimed,
    };
    for (const event of events) {
      const op = typeof event.op === 'function' ? event.op(state) : event.op;
      if (!op) continue;
      for (const need of this.books.needs(op)) this.ensure(need.fund, need.account, op.date, need.delta);
      this.emit(op);
    }
    return this.ops;
  }

  private emit(op: Op): void {
    this.books.apply(op);
    this.ops.push(op);
    const { from, to } = this.ctx.def.main.claims;
    const count = (fund: string, amount: bigint) => {
      const key = `${fund}|${op.date.slice(0, 4)}`;
      this.receipts.set(key, (this.receipts.get(key) ?? 0n) + amount);
      if (from <= op.date && op.date <= to) this.claimed += amount;
    };
    if (op.kind === 'contribution') count(op.fund, op.amount);
    if (op.kind === 'batch')
      count(
        op.fund,
        op.members.reduce((s, m) => s + m.amount, 0n),
      );
    if (op.kind === 'journal') {
      for (const line of op.lines)
        if (CLAIMED_ACCOUNTS.includes(line.account) && line.credit) count(op.fund, line.credit);
    }
    if (op.kind === 'void') {
      const original = this.ops.find((o) => o.kind === 'contribution' && o.key === op.contribution);
      if (original?.kind === 'contribution') count(original.fund, -original.amount);
    }
  }

  /** What a fund is planned to pay out from `date` over the next `days` days. */
  private upcomingOut(fund: string, account: Method | null, date: string, days: number): bigint {
    const until = addDays(date, days);
    let sum = 0n;
    for (const item of this.upcoming.get(fund) ?? []) {
      if (item.date >= date && item.date <= until && (account === null || item.account === account))
        sum += item.amount;
    }
    return sum;
  }

  /**
   * Makes sure `fund` has `amount` in `account` on `date`: cash is withdrawn from the fund's own Treasury account,
   * and a Treasury account short of money receives a transfer from the level above, sized for the coming weeks.
   */
  private ensure(fund: string, account: Account, date: string, amount: bigint): void {
    const have = this.books.balance(fund, account);
    if (have >= amount) return;
    const short = amount - have;
    const spec = this.ctx.def.main.transfers;
    const by = this.ctx.accountant(fund, date);
    if (account === 'cash') {
      const wanted = this.upcomingOut(fund, 'cash', date, spec.cashLookaheadDays) - have;
      const withdraw = roundUp(wanted > short ? wanted : short, BigInt(spec.cashStep));
      this.ensure(fund, 'bank', date, withdraw);
      this.emit({
        kind: 'journal',
        date,
        fund,
        description: 'Rút tiền gửi Kho bạc về nhập quỹ tiền mặt',
        lines: [
          { account: '111', debit: withdraw },
          { account: '112', credit: withdraw },
        ],
        by,
      });
      return;
    }
    // Cash beyond what the coming weeks need goes to the Treasury account first, as a fund's cashier does.
    const cashNeeded = this.upcomingOut(fund, 'cash', date, spec.cashLookaheadDays);
    const cash = this.books.balance(fund, 'cash');
    const spare =
      cash > cashNeeded ? ((cash - cashNeeded) / BigInt(spec.cashStep)) * BigInt(spec.cashStep) : 0n;
    if (spare > 0n) {
      this.emit({
        kind: 'journal',
        date,
        fund,
        description: 'Nộp tiền mặt vào tài khoản tiền gửi Kho bạc',
        lines: [
          { account: '112', debit: spare },
          { account: '111', credit: spare },
        ],
        by,
      });
      if (this.books.balance(fund, 'bank') >= amount) return;
    }
    const parent = this.books.parentOf.get(fund) ?? null;
    if (parent === null) {
      throw new PlanError(
        `the Treasury account of ${fund} would be ${amount - this.books.balance(fund, 'bank')} đồng short on ${date}; raise its receipts or opening balance in data/demo`,
      );
    }
    const bank = this.books.balance(fund, 'bank');
    const stillShort = amount - bank;
    const wanted =
      this.upcomingOut(fund, null, date, spec.lookaheadDays) - bank - this.books.balance(fund, 'cash');
    const transfer = roundUp(wanted > stillShort ? wanted : stillShort, BigInt(spec.step));
    this.ensure(parent, 'bank', date, transfer);
    const round = `${fund}|${date.slice(0, 4)}`;
    const n = (this.topUps.get(round) ?? 0) + 1;
    this.topUps.set(round, n);
    this.emit({
      kind: 'transfer',
      date,
      from: parent,
      to: fund,
      amount: transfer,
      method: 'bank',
      description: `Cấp kinh phí hỗ trợ người có công (nhà ở, thăm hỏi, trợ cấp) đợt ${n} năm ${date.slice(0, 4)}`,
      by: this.ctx.accountant(parent, date),
    });
  }
}

/** The plan's figures for the claimed period, checked against data/demo's claims. */
function summarize(ctx: PlanContext, ops: Op[]): PlanSummary {
  const { claims } = ctx.def.main;
  const inClaims = (date: string) => claims.from <= date && date <= claims.to;
  let receipts = 0n;
  let housingTotal = 0n;
  const housed = new Set<string>();
  for (const op of ops) {
    if (!inClaims(op.date)) continue;
    if (op.kind === 'contribution') receipts += op.amount;
    if (op.kind === 'batch') receipts += op.members.reduce((s, m) => s + m.amount, 0n);
    if (op.kind === 'journal')
      for (const l of op.lines) if (CLAIMED_ACCOUNTS.includes(l.account) && l.credit) receipts += l.credit;
    if (op.kind === 'payout' && op.rejectReason === null && op.purpose.startsWith('house_')) {
      // Supported means a settled or whole house payout: an advance (141) alone does not count the household.
      if (op.stage !== 'advance' && op.beneficiary !== null) housed.add(op.beneficiary);
      if (op.stage !== 'advance') housingTotal += op.amount;
    }
  }
  const balancing = ops.find((o) => o.kind === 'contribution' && o.key === 'balancing');
  const summary: PlanSummary = {
    claimsFrom: claims.from,
    claimsTo: claims.to,
    receipts,
    housingHouseholds: housed.size,
    housingTotal,
    contributions: ops.filter((o) => o.kind === 'contribution' || o.kind === 'batch').length,
    payouts: ops.filter((o) => o.kind === 'payout').length,
    transfers: ops.filter((o) => o.kind === 'transfer').length,
    beneficiaries: ctx.beneficiaries.length,
    donors: ctx.donors.length,
    balancingGift: balancing?.kind === 'contribution' ? balancing.amount : 0n,
  };
  const problems: string[] = [];
  if (receipts !== BigInt(claims.receiptsTotal))
    problems.push(`receipts ${receipts} instead of claims.receiptsTotal ${claims.receiptsTotal}`);
  if (housed.size !== claims.housingHouseholds)
    problems.push(`${housed.size} households housed instead of ${claims.housingHouseholds}`);
  if (housingTotal !== BigInt(claims.housingTotal))
    problems.push(`housing ${housingTotal} instead of claims.housingTotal ${claims.housingTotal}`);
  if (problems.length) throw new PlanError(`the plan misses its claims: ${problems.join('; ')}`);
  return summary;
}
