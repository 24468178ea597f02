import * as fs from 'node:fs';
import * as path from 'node:path';
import { DATA_DIR } from '../common/paths';

/** The definition of the demonstration books: the JSON files of data/demo/, read and checked once. */
export const DEMO_DIR = path.join(DATA_DIR, 'demo');

export type Level = 'province' | 'district' | 'commune';
export type Weights = Record<string, number>;

export interface AmountRange {
  min: string;
  max: string;
  step: string;
}

export interface KindSpec extends AmountRange {
  weight: number;
  /** Percent of gifts paid by bank transfer (the rest in cash). */
  bank: number;
}

export interface CommuneDef {
  code: string;
  place: string;
  short: string;
  /** An urban ward or township (phường, thị trấn): addresses are "Tổ dân phố N". */
  ward?: boolean;
}

export interface DistrictDef {
  code: string;
  place: string;
  short: string;
  slug: string;
  receiptsWeight: number;
  housingWeight: number;
  people: Weights;
  communes: CommuneDef[];
}

export interface UnitNameDef {
  validFrom: string;
  name: string;
  reason: string;
}

export interface FundsFile {
  province: {
    code: string;
    name: string;
    unitName: string;
    /** Later names of the unit, each from a date (the 2025 change of managing agency). */
    unitNames?: UnitNameDef[];
    place: string;
    people: Weights;
  };
  districts: DistrictDef[];
}

export interface NameGroup {
  family: Weights;
  maleMiddle: string[];
  femaleMiddle: string[];
  maleGiven: string[];
  femaleGiven: string[];
}

export interface NamesFile {
  groups: Record<string, NameGroup>;
  villages: string[];
}

export interface EnterpriseDef {
  name: string;
  taxCode?: string;
  inProvince?: boolean;
  address?: string;
}

export interface DonorsFile {
  province: {
    agency: string[];
    agencyBatch: string[];
    enterprise: EnterpriseDef[];
    organization: string[];
    individuals: number;
    balancingDonor: string;
  };
  district: {
    agency: string[];
    enterprise: string[];
    enterprisesPerDistrict: number;
    organization: string[];
    individuals: number;
  };
  commune: { agency: string[]; organization: string[]; individuals: number };
  enterpriseWords: string[];
}

export interface YearDef {
  year: number;
  tet: string;
  /** 2013–2023: the year's share of the calibrated receipts. */
  receiptsWeight?: number;
  /** After the claimed period: the year's contributions as a figure. */
  receipts?: string;
  houses: number;
}

export interface UserDef {
  username: string;
  password: string;
  role: 'accountant' | 'approver' | 'cashier' | 'auditor';
  fund?: string;
  label: string;
}

export interface MainFile {
  seed: number;
  firstDay: string;
  lastDay: string;
  claims: {
    from: string;
    to: string;
    receiptsTotal: string;
    housingHouseholds: number;
    housingTotal: string;
    /** Left out of the planned contributions and given by one last gift of 2023, which lands the total exactly. */
    balancingReserve: string;
  };
  merger: { date: string; cutoff: string; note: string };
  lockThrough: { date: string; through: string };
  users: {
    province: UserDef[];
    districtAccountant: { usernamePrefix: string; password: string; label: string };
  };
  opening: {
    description: string;
    province: { cash: string; bank: string };
    district: { cash: string; bankMin: string; bankMax: string };
    commune: { cash: string; bankMin: string; bankMax: string };
  };
  years: YearDef[];
  campaign: { code: string; name: string; startsOn: string; endsOn: string; share: number; tetShare: number };
  receipts: {
    levelShares: Record<Level, number>;
    levels: Record<Level, Record<string, KindSpec>>;
    batches: {
      perYear: number;
      description: string;
      staffMin: number;
      staffMax: number;
      salaryMin: string;
      salaryMax: string;
      salaryStep: string;
    };
    interestPercentPerMille: number;
    voids: { year: number; reason: string }[];
  };
  housing: {
    newShare: number;
    payers: Record<Level, number>;
    trancheShare: number;
    amounts: { from: number; to: number; new: string[]; repair: string[] }[];
    calibrationStep: string;
    otherSources: {
      centralBudgetNew: string;
      centralBudgetYears: [number, number];
      localBudgetMax: string;
      socialSourcesMax: string;
    };
    categories: Weights;
    rejectedPerYear: number;
  };
  gifts: {
    /** Households visited per fund at Tết and on 27/7. */
    perOccasion: Record<'tet' | 'july', Record<Level, number>>;
    amounts: Record<Level, AmountRange>;
    poolPerCommune: number;
    provinceHonoured: number;
    poolCategories: Weights;
    honouredCategories: Weights;
    duplicatePairs: number;
    reversals: { year: number; reason: string }[];
  };
  support: {
    hardshipPerDistrict: number;
    hardship: AmountRange;
    savingsBooksPerYear: number;
    savingsBook: AmountRange;
    memorialsPerYear: number;
    memorial: AmountRange;
    memorials: { name: string; fund: string; commune: string }[];
    managementPerMille: number;
  };
  transfers: { lookaheadDays: number; step: string; cashStep: string; cashLookaheadDays: number };
}

export interface DemoDefinition {
  main: MainFile;
  funds: FundsFile;
  names: NamesFile;
  donors: DonorsFile;
}

function readJson<T>(dir: string, file: string): T {
  return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as T;
}

export class DefinitionError extends Error {
  constructor(readonly problems: string[]) {
    super(`data/demo is inconsistent:\n  - ${problems.join('\n  - ')}`);
  }
}

const DIGITS = /^[0-9]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Reads data/demo/*.json and names every inconsistency at once. */
export function loadDefinition(dir = DEMO_DIR): DemoDefinition {
  const definition: DemoDefinition = {
    main: readJson<MainFile>(dir, 'demo.json'),
    funds: readJson<FundsFile>(dir, 'funds.json'),
    names: readJson<NamesFile>(dir, 'names.json'),
    donors: readJson<DonorsFile>(dir, 'donors.json'),
  };
  const problems = checkDefinition(definition);
  if (problems.length) throw new DefinitionError(problems);
  return definition;
}

export function checkDefinition({ main, funds, names }: DemoDefinition): string[] {
  const problems: string[] = [];
  const amount = (label: string, value: unknown) => {
    if (typeof value !== 'string' || !DIGITS.test(value))
      problems.push(`${label} must be a string of digits`);
  };
  const range = (label: string, r: AmountRange) => {
    amount(`${label}.min`, r.min);
    amount(`${label}.max`, r.max);
    amount(`${label}.step`, r.step);
    if (DIGITS.test(r.min) && DIGITS.test(r.max) && BigInt(r.max) < BigInt(r.min))
      problems.push(`${label}: max is below min`);
    if (r.step === '0') problems.push(`${label}.step must be positive`);
  };

  if (!Number.isInteger(main.seed)) problems.push('demo.json seed must be a whole number');
  for (const [label, value] of Object.entries({
    firstDay: main.firstDay,
    lastDay: main.lastDay,
    'claims.from': main.claims.from,
    'claims.to': main.claims.to,
    'merger.date': main.merger.date,
    'merger.cutoff': main.merger.cutoff,
  })) {
    if (!DATE.test(value)) problems.push(`demo.json ${label} must be YYYY-MM-DD`);
  }
  amount('claims.receiptsTotal', main.claims.receiptsTotal);
  amount('claims.housingTotal', main.claims.housingTotal);
  amount('claims.balancingReserve', main.claims.balancingReserve);

  const claimed = main.years.filter((y) => `${y.year}-12-31` <= main.claims.to);
  const houses = claimed.reduce((sum, y) => sum + y.houses, 0);
  if (houses !== main.claims.housingHouseholds)
    problems.push(
      `the houses of ${main.claims.from.slice(0, 4)}–${main.claims.to.slice(0, 4)} add up to ${houses}, not claims.housingHouseholds ${main.claims.housingHouseholds}`,
    );
  for (const y of main.years) {
    if (!DATE.test(y.tet) || !y.tet.startsWith(String(y.year)))
      problems.push(`year ${y.year}: tet must be a date in that year`);
    if (claimed.includes(y) ? !(y.receiptsWeight && y.receiptsWeight > 0) : y.receipts === undefined)
      problems.push(`year ${y.year} needs ${claimed.includes(y) ? 'a positive receiptsWeight' : 'receipts'}`);
    if (y.receipts !== undefined) amount(`year ${y.year} receipts`, y.receipts);
    if (!main.housing.amounts.some((a) => a.from <= y.year && y.year <= a.to))
      problems.push(`housing.amounts has no band for ${y.year}`);
  }
  for (const [level, kinds] of Object.entries(main.receipts.levels)) {
    for (const [kind, spec] of Object.entries(kinds)) range(`receipts.levels.${level}.${kind}`, spec);
  }
  for (const [level, r] of Object.entries(main.gifts.amounts)) range(`gifts.amounts.${level}`, r);
  range('support.hardship', main.support.hardship);
  range('support.savingsBook', main.support.savingsBook);
  range('support.memorial', main.support.memorial);
  for (const band of main.housing.amounts) {
    for (const value of [...band.new, ...band.repair])
      amount(`housing.amounts ${band.from}–${band.to}`, value);
  }
  if (main.housing.payers.commune > 0 && funds.districts.some((d) => d.communes.length === 0))
    problems.push('every district needs a commune when communes pay for houses');

  for (const u of funds.province.unitNames ?? []) {
    if (!DATE.test(u.validFrom) || u.validFrom <= main.firstDay || u.validFrom > main.lastDay)
      problems.push(`funds.json province.unitNames: ${u.validFrom} must be a date within the demo`);
    if (!u.name) problems.push('funds.json province.unitNames: every name needs a name');
  }
  const codes = new Set<string>([funds.province.code]);
  for (const district of funds.districts) {
    for (const code of [district.code, ...district.communes.map((c) => c.code)]) {
      if (codes.has(code)) problems.push(`fund code ${code} appears twice`);
      if (!/^[A-Z0-9-]{2,32}$/.test(code))
        problems.push(`fund code ${code} must be 2–32 capitals, digits or dashes`);
      codes.add(code);
    }
    for (const group of Object.keys(district.people)) {
      if (!names.groups[group]) problems.push(`district ${district.code} names unknown people "${group}"`);
    }
  }
  for (const user of main.users.province) {
    if (user.fund !== undefined && !codes.has(user.fund))
      problems.push(`user ${user.username}: unknown fund ${user.fund}`);
    if (user.password.length < 12) problems.push(`user ${user.username}: the password needs 12 characters`);
  }
  return problems;
}
