import { addDays } from './calendar';
import type { DemoDefinition, DistrictDef, Level } from './definition';
import { capitalized, People } from './people';
import type { SimulatedBooks } from './simulation';
import type {
  Op,
  PlannedBeneficiary,
  PlannedCampaign,
  PlannedDonor,
  PlannedFund,
  PlannedPayee,
  PlannedUser,
} from './plan.types';
import { Random } from './random';

/** Within a day: opening balances first, then money in, then money out, then locks and the merger. */
export const PHASE = { opening: 0, inflow: 1, outflow: 2, admin: 3 } as const;

/** What a late-bound operation may look at when its turn comes: the running balances and receipts. */
export interface RunningState {
  books: SimulatedBooks;
  /** Receipts of a fund in a year so far (contributions and interest). */
  receiptsOf(fund: string, year: number): bigint;
  /** Consolidated receipts of the claimed period so far. */
  claimedReceipts(): bigint;
}

export type LateOp = (state: RunningState) => Op | null;

export interface PlanEvent {
  date: string;
  phase: number;
  seq: number;
  op: Op | LateOp;
}

export const PROVINCE_BY = 'ketoan.laocai';
export const APPROVER = 'pheduyet.laocai';
export const ADMIN = 'admin';

/** The shared state of the planners: the definition, the registry being built, and the events. */
export class PlanContext {
  readonly funds: PlannedFund[] = [];
  readonly users: PlannedUser[] = [];
  readonly donors: PlannedDonor[] = [];
  readonly campaigns: PlannedCampaign[] = [];
  readonly beneficiaries: PlannedBeneficiary[] = [];
  readonly payees: PlannedPayee[] = [];
  readonly events: PlanEvent[] = [];
  readonly people: People;
  private readonly fundByCode = new Map<string, PlannedFund>();
  private readonly decisionSeq = new Map<string, number>();
  private readonly master: Random;
  private seq = 0;

  constructor(readonly def: DemoDefinition) {
    this.master = new Random(def.main.seed);
    this.people = new People(this.rng('people'), def.names);
  }

  /** A generator of its own for one part of the plan. */
  rng(label: string): Random {
    return this.master.fork(label);
  }

  addFund(fund: PlannedFund): void {
    this.funds.push(fund);
    this.fundByCode.set(fund.code, fund);
  }

  fund(code: string): PlannedFund {
    const fund = this.fundByCode.get(code);
    if (!fund) throw new Error(`unknown fund ${code}`);
    return fund;
  }

  get province(): PlannedFund {
    return this.fund(this.def.funds.province.code);
  }

  districtDef(code: string): DistrictDef {
    const district = this.def.funds.districts.find((d) => d.code === code);
    if (!district) throw new Error(`unknown district ${code}`);
    return district;
  }

  communesOf(districtCode: string): PlannedFund[] {
    return this.funds.filter((f) => f.level === 'commune' && f.districtCode === districtCode);
  }

  levelOf(code: string): Level {
    return this.fund(code).level;
  }

  /** The people mix of a fund's place (a commune shares its district's). */
  peopleOf(code: string): Record<string, number> {
    const fund = this.fund(code);
    return fund.districtCode === null
      ? this.def.funds.province.people
      : this.districtDef(fund.districtCode).people;
  }

  /** The registry's spelling of a commune fund's place: "Xã Tả Van". */
  communeName(code: string): string {
    return capitalized(this.fund(code).place);
  }

  /** Whether a district fund still exists on `date` (it is merged away after the cut-off). */
  isOpen(code: string, date: string): boolean {
    return this.levelOf(code) !== 'district' || date <= this.def.main.merger.cutoff;
  }

  /** The accountant who keeps a fund's books on a date: the district's, or after the merger the province's. */
  accountant(code: string, date: string): string {
    const fund = this.fund(code);
    if (fund.districtCode === null || date >= this.def.main.merger.date) return PROVINCE_BY;
    return `${this.def.main.users.districtAccountant.usernamePrefix}${this.districtDef(fund.districtCode).slug}`;
  }

  /** "17/2023/QĐ-BQLQ": decisions are numbered per fund and year, and carry the year. */
  decisionNo(code: string, date: string): string {
    const key = `${code}|${date.slice(0, 4)}`;
    const next = (this.decisionSeq.get(key) ?? 0) + 1;
    this.decisionSeq.set(key, next);
    return `${next}/${date.slice(0, 4)}/QĐ-BQLQ`;
  }

  add(date: string, phase: number, op: Op | LateOp): void {
    this.events.push({ date, phase, seq: this.seq++, op });
  }

  /** The last day a fund acts in a year: 20 December, or for a district in the merger year 20 June. */
  lastActiveDay(code: string, year: number): string {
    const cutoff = this.def.main.merger.cutoff;
    if (this.levelOf(code) !== 'commune' && this.levelOf(code) !== 'district') return `${year}-12-20`;
    // Communes keep their books after the merger, but their district (which tops them up) does not: plan their
    // merger-year houses before it as well.
    return cutoff.startsWith(String(year)) ? addDays(cutoff, -10) : `${year}-12-20`;
  }
}
