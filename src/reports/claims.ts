import * as fs from 'node:fs';
import * as path from 'node:path';
import { BusinessRuleError, NotFoundError } from '../common/errors';
import { Money } from '../common/money';
import { DATA_DIR } from '../common/paths';
import { isIsoDate } from '../common/validation';
import { PURPOSES } from '../disbursements/entities';
import { MAX_STATEMENT_YEARS } from './statement.service';
import { STATEMENT_PURPOSES } from './statement-figures';

/**
 * Published claims (DESIGN.md §8): figures a fund or a province has stated in public — "2013–2023, all
 * levels, nearly 55.5 billion VND mobilized" — kept as data in data/claims/<name>.json, so the books can
 * prove or disprove each of them.
 */

export const CLAIMS_DIR = path.join(DATA_DIR, 'claims');
export const CLAIMS_NAME = /^[a-z0-9-]{1,100}$/;
export const MAX_CLAIMS_FILE_BYTES = 1024 * 1024;
export const MAX_CLAIMS = 200;
/** The tolerance of `about`, `nearly` and `more_than` when a claim gives none. */
export const DEFAULT_TOLERANCE_PERCENT = '5';

export const CLAIM_METRICS = [
  'receipts_total',
  'disbursements_total',
  'households_supported',
  'closing_balance',
] as const;
export type ClaimMetric = (typeof CLAIM_METRICS)[number];

export const QUALIFIERS = ['exactly', 'about', 'nearly', 'more_than'] as const;
export type Qualifier = (typeof QUALIFIERS)[number];

export type Verdict = 'agrees' | 'disagrees';

export interface Claim {
  label: string;
  fund: string;
  from: string;
  to: string;
  consolidated: boolean;
  metric: ClaimMetric;
  /** disbursements_total: the sum of these purposes; households_supported: households paid for any of them. */
  purposes: string[] | null;
  /**
   * receipts_total and disbursements_total: count only these accounts (e.g. contributions 5111–5114, leaving out
   * Treasury interest 5115); null counts every account of the side.
   */
  accounts: string[] | null;
  /** Digits: đồng, or a number of households. */
  value: string;
  qualifier: Qualifier;
  /** A decimal percent of `value` ("1", "0.5"); "0" for exactly. */
  tolerancePercent: string;
}

export interface ClaimsFile {
  title: string;
  source: string;
  /** What the file's words mean in the books (e.g. what "supported" counts); shown with the claims. */
  definitions: string | null;
  claims: Claim[];
}

/** A claims file that exists but cannot be read as one: 422 with one message per problem. */
export class ClaimsFileError extends BusinessRuleError {}

const PERCENT = /^[0-9]{1,3}(\.[0-9]{1,4})?$/;
const FILE_KEYS = ['title', 'source', 'definitions', 'claims'];
const CLAIM_KEYS = [
  'label',
  'fund',
  'from',
  'to',
  'consolidated',
  'metric',
  'purposes',
  'accounts',
  'value',
  'qualifier',
  'tolerancePercent',
];
/** Purposes a claim may name: every statement purpose for amounts, payout purposes for households. */
const PURPOSES_OF: Partial<Record<ClaimMetric, readonly string[]>> = {
  disbursements_total: STATEMENT_PURPOSES,
  households_supported: PURPOSES,
};

/** Reads data/claims/<name>.json: 404 if there is no such file, 422 naming every problem of a broken one. */
export function readClaimsFile(name: string, dir = CLAIMS_DIR): ClaimsFile {
  if (!CLAIMS_NAME.test(name)) throw new NotFoundError(`claims ${name} do not exist`);
  const file = path.join(dir, `${name}.json`);
  let size: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch {
    throw new NotFoundError(`claims ${name} do not exist (no file data/claims/${name}.json)`);
  }
  if (size > MAX_CLAIMS_FILE_BYTES) {
    throw new ClaimsFileError(`data/claims/${name}.json is larger than ${MAX_CLAIMS_FILE_BYTES} bytes`);
  }
  return parseClaims(fs.readFileSync(file, 'utf8'), `data/claims/${name}.json`);
}

/** Parses and checks the text of a claims file; `where` names it in the messages. */
export function parseClaims(text: string, where: string): ClaimsFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ClaimsFileError(`${where} is not valid JSON: ${(err as Error).message}`);
  }
  const problems: string[] = [];
  const file = asObject(parsed, where, problems);
  if (!file) throw new ClaimsFileError(problems);
  unknownKeys(file, FILE_KEYS, where, problems);
  const title = text300(file.title, `${where}: title`, problems);
  const source = stringOf(file.source, `${where}: source`, 1000, problems);
  const definitions =
    file.definitions === undefined
      ? null
      : stringOf(file.definitions, `${where}: definitions`, 2000, problems);
  const claims: Claim[] = [];
  if (!Array.isArray(file.claims)) {
    problems.push(`${where}: claims must be a list of claims`);
  } else if (file.claims.length === 0 || file.claims.length > MAX_CLAIMS) {
    problems.push(`${where}: claims must hold from 1 to ${MAX_CLAIMS} claims`);
  } else {
    file.claims.forEach((item: unknown, index) => {
      const claim = parseClaim(item, `${where}: claims[${index}]`, problems);
      if (claim) claims.push(claim);
    });
  }
  if (problems.length) throw new ClaimsFileError(problems);
  return { title: title as string, source: source as string, definitions, claims };
}

function parseClaim(item: unknown, where: string, problems: string[]): Claim | null {
  const before = problems.length;
  const claim = asObject(item, where, problems);
  if (!claim) return null;
  unknownKeys(claim, CLAIM_KEYS, where, problems);
  const label = text300(claim.label, `${where}.label`, problems);
  const fund = stringOf(claim.fund, `${where}.fund`, 32, problems);
  const from = dateOf(claim.from, `${where}.from`, problems);
  const to = dateOf(claim.to, `${where}.to`, problems);
  if (from && to) {
    if (from > to) problems.push(`${where}: from (${from}) must not be after to (${to})`);
    else if (Number(to.slice(0, 4)) - Number(from.slice(0, 4)) + 1 > MAX_STATEMENT_YEARS) {
      problems.push(`${where}: a claim covers at most ${MAX_STATEMENT_YEARS} calendar years`);
    }
  }
  if (typeof claim.consolidated !== 'boolean') problems.push(`${where}.consolidated must be true or false`);
  const metric = oneOf(claim.metric, CLAIM_METRICS, `${where}.metric`, problems);
  const qualifier = oneOf(claim.qualifier, QUALIFIERS, `${where}.qualifier`, problems);

  let purposes: string[] | null = null;
  if (claim.purposes !== undefined) {
    const allowed = metric ? PURPOSES_OF[metric] : undefined;
    if (metric && !allowed) {
      problems.push(`${where}.purposes applies only to disbursements_total and households_supported`);
    } else if (
      !Array.isArray(claim.purposes) ||
      claim.purposes.length === 0 ||
      claim.purposes.some((p) => typeof p !== 'string')
    ) {
      problems.push(`${where}.purposes must be a non-empty list of purposes`);
    } else {
      purposes = claim.purposes as string[];
      const unknown = purposes.filter((p) => allowed && !allowed.includes(p));
      if (unknown.length && allowed) {
        problems.push(`${where}.purposes: ${unknown.join(', ')} is not one of ${allowed.join(', ')}`);
      }
      if (new Set(purposes).size !== purposes.length)
        problems.push(`${where}.purposes names a purpose twice`);
    }
  }

  let accounts: string[] | null = null;
  if (claim.accounts !== undefined) {
    if (metric && metric !== 'receipts_total' && metric !== 'disbursements_total') {
      problems.push(`${where}.accounts applies only to receipts_total and disbursements_total`);
    } else if (
      !Array.isArray(claim.accounts) ||
      claim.accounts.length === 0 ||
      claim.accounts.length > 50 ||
      claim.accounts.some((a) => typeof a !== 'string' || !/^[0-9]{3,8}$/.test(a))
    ) {
      problems.push(
        `${where}.accounts must be a list of 1 to 50 account codes in digits, e.g. ["5111", "5112"]`,
      );
    } else {
      accounts = claim.accounts as string[];
      if (new Set(accounts).size !== accounts.length)
        problems.push(`${where}.accounts names an account twice`);
      const side = metric === 'receipts_total' ? '51' : '61';
      const wrong = accounts.filter((a) => !a.startsWith(side));
      if (metric && wrong.length) {
        problems.push(
          `${where}.accounts: ${wrong.join(', ')} is not a ${side}xx account, which ${metric} counts`,
        );
      }
      if (claim.purposes !== undefined) problems.push(`${where}: name accounts or purposes, not both`);
    }
  }

  let value: string | null = null;
  const valueProblem = Money.problem(claim.value);
  if (valueProblem) problems.push(`${where}.value ${valueProblem}`);
  else value = Money.parse(claim.value).toString();

  let tolerancePercent = qualifier === 'exactly' ? '0' : DEFAULT_TOLERANCE_PERCENT;
  if (claim.tolerancePercent !== undefined) {
    const given = claim.tolerancePercent;
    const text = typeof given === 'number' ? String(given) : given;
    if (typeof text !== 'string' || !PERCENT.test(text) || Number(text) > 100) {
      problems.push(
        `${where}.tolerancePercent must be a percent from 0 to 100 written in digits, e.g. "1" or "0.5"`,
      );
    } else if (qualifier === 'exactly' && Number(text) !== 0) {
      problems.push(`${where}.tolerancePercent does not apply to exactly (use about)`);
    } else {
      tolerancePercent = text;
    }
  }
  if (problems.length > before) return null;
  return {
    label: label as string,
    fund: fund as string,
    from: from as string,
    to: to as string,
    consolidated: claim.consolidated as boolean,
    metric: metric as ClaimMetric,
    purposes,
    accounts,
    value: value as string,
    qualifier: qualifier as Qualifier,
    tolerancePercent,
  };
}

function asObject(value: unknown, where: string, problems: string[]): Record<string, unknown> | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${where} must be an object`);
    return null;
  }
  return value as Record<string, unknown>;
}

function unknownKeys(
  value: Record<string, unknown>,
  known: string[],
  where: string,
  problems: string[],
): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) problems.push(`${where}: ${key} is not a known field (${known.join(', ')})`);
  }
}

function stringOf(value: unknown, where: string, maxChars: number, problems: string[]): string | null {
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push(`${where} must be a non-blank string`);
    return null;
  }
  if (value.length > maxChars) {
    problems.push(`${where} must be at most ${maxChars} characters`);
    return null;
  }
  return value;
}

const text300 = (value: unknown, where: string, problems: string[]) => stringOf(value, where, 300, problems);

function dateOf(value: unknown, where: string, problems: string[]): string | null {
  if (!isIsoDate(value)) {
    problems.push(`${where} must be a date written YYYY-MM-DD`);
    return null;
  }
  return value;
}

function oneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  where: string,
  problems: string[],
): T | null {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    problems.push(`${where} must be one of ${allowed.join(', ')}`);
    return null;
  }
  return value as T;
}

/**
 * Whether the books' figure bears the claim out (tolerance is a percent of the claimed value; the figures are
 * whole, so comparing with the tolerance rounded down to a whole unit is exact):
 * - exactly: actual = value;
 * - about: |actual − value| ≤ tolerance;
 * - nearly: actual ≤ value, and value − actual ≤ tolerance;
 * - more_than: actual > value, and actual − value ≤ tolerance.
 */
export function verdictOf(
  actual: Money,
  value: Money,
  qualifier: Qualifier,
  tolerancePercent: string,
): Verdict {
  const difference = actual.minus(value);
  const tolerance = value.isNegative() ? Money.ZERO : value.percent(tolerancePercent);
  const within = (amount: Money) => amount.compare(tolerance) <= 0;
  let agrees: boolean;
  switch (qualifier) {
    case 'exactly':
      agrees = difference.isZero();
      break;
    case 'about':
      agrees = within(difference.isNegative() ? difference.negated() : difference);
      break;
    case 'nearly':
      agrees = !difference.isPositive() && within(difference.negated());
      break;
    case 'more_than':
      agrees = difference.isPositive() && within(difference);
      break;
  }
  return agrees ? 'agrees' : 'disagrees';
}
