import type { Level } from './definition';

/**
 * The demonstration as a list of operations, in the order they are carried out. The planner works it out without
 * a database (it keeps its own running cash and bank balances); the builder then carries out each operation
 * through the application's services. Amounts are bigint đồng.
 */

export type Method = 'cash' | 'bank';
export type Purpose = 'house_new' | 'house_repair' | 'visit_gift' | 'hardship' | 'savings_book' | 'memorial';

export interface PlannedFund {
  code: string;
  name: string;
  unitName: string;
  /** Later names of the unit, each in force from a date (POST /api/funds/:code/unit-names). */
  unitNames?: { validFrom: string; name: string; reason: string }[];
  level: Level;
  parentCode: string | null;
  /** The place, as addresses and donors' names write it: "huyện Bắc Hà", "xã Tả Van". */
  place: string;
  short: string;
  ward: boolean;
  /** The district whose accountant keeps this fund's books (null for the province). */
  districtCode: string | null;
}

export interface PlannedUser {
  username: string;
  password: string;
  role: 'accountant' | 'approver' | 'cashier' | 'auditor';
  fundCode: string | null;
  label: string;
}

export interface PlannedDonor {
  key: string;
  name: string;
  kind: 'agency' | 'enterprise' | 'organization' | 'individual';
  address: string | null;
  taxCode: string | null;
  inProvince: boolean;
}

export interface PlannedBeneficiary {
  key: string;
  fullName: string;
  category: string;
  /** As the registry writes it: "Xã Tả Van". */
  commune: string;
  nationalId: string | null;
  birthYear: number | null;
  address: string | null;
  recordNo: string | null;
  housingCondition: string | null;
  /** The accountant who registers the household. */
  registeredBy: string;
}

/** An organisation paid by payouts that are not support to a household: a martyrs' cemetery, a memorial. */
export interface PlannedPayee {
  key: string;
  name: string;
  taxCode: string;
  address: string;
  bankAccount: string;
  bankName: string;
  registeredBy: string;
}

export interface PlannedCampaign {
  code: string;
  name: string;
  startsOn: string;
  endsOn: string;
}

/** Who does a step: a planned user's name. */
type By = { by: string };

export type Op =
  | ({
      kind: 'opening';
      date: string;
      description: string;
      balances: { fund: string; cash: bigint; bank: bigint }[];
    } & By)
  | ({
      kind: 'contribution';
      date: string;
      fund: string;
      donor: string;
      amount: bigint;
      method: Method;
      campaign: string | null;
      purpose: string | null;
      /** Set when a later operation (a void) refers to it. */
      key: string | null;
    } & By)
  | ({
      kind: 'batch';
      date: string;
      fund: string;
      donor: string;
      method: Method;
      description: string;
      campaign: string | null;
      members: { name: string; amount: bigint; note: string }[];
    } & By)
  | ({
      kind: 'project';
      date: string;
      key: string;
      fund: string;
      beneficiary: string;
      houseKind: 'new' | 'repair';
      description: string;
      budget: bigint;
      centralBudget: bigint;
      localBudget: bigint;
      socialSources: bigint;
    } & By)
  | ({
      kind: 'payout';
      /** The payment date (or, for a rejected request, the request's). */
      date: string;
      requestDate: string;
      key: string;
      fund: string;
      /** The household paid, or null when the payout goes to an organisation (`payee`). */
      beneficiary: string | null;
      payee?: string;
      purpose: Purpose;
      amount: bigint;
      method: Method;
      decisionNo: string;
      description: string;
      stage: 'full' | 'advance' | 'settlement';
      project: string | null;
      approver: string;
      /** Set for a request the approver turns down. */
      rejectReason: string | null;
    } & By)
  | ({ kind: 'complete'; date: string; project: string } & By)
  | ({
      kind: 'transfer';
      date: string;
      from: string;
      to: string;
      amount: bigint;
      method: Method;
      description: string;
    } & By)
  | ({
      kind: 'journal';
      date: string;
      fund: string;
      description: string;
      lines: { account: string; debit?: bigint; credit?: bigint }[];
    } & By)
  | ({ kind: 'reverse-payout'; date: string; payout: string; reason: string } & By)
  | ({ kind: 'void'; date: string; contribution: string; reason: string } & By)
  | ({ kind: 'lock'; date: string; through: string; funds: string[] } & By)
  | ({ kind: 'merge'; date: string; cutoff: string; funds: string[]; into: string; note: string } & By);

export type OpKind = Op['kind'];

export interface PlanSummary {
  claimsFrom: string;
  claimsTo: string;
  /** Consolidated receipts of the claimed period (contributions and interest; transfers inside the group left out). */
  receipts: bigint;
  housingHouseholds: number;
  housingTotal: bigint;
  contributions: number;
  payouts: number;
  transfers: number;
  beneficiaries: number;
  donors: number;
  /** The last gift of the claimed period, sized to land the receipts exactly. */
  balancingGift: bigint;
}

export interface DemoPlan {
  funds: PlannedFund[];
  users: PlannedUser[];
  donors: PlannedDonor[];
  campaigns: PlannedCampaign[];
  beneficiaries: PlannedBeneficiary[];
  payees: PlannedPayee[];
  ops: Op[];
  summary: PlanSummary;
}
