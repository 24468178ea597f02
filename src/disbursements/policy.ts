import * as fs from 'node:fs';
import * as path from 'node:path';
import { DATA_DIR } from '../common/paths';
import { Money } from '../common/money';
import { PURPOSES, Purpose } from './entities';

/** The payout policy of data/policy.json, read and checked once. */
export interface Policy {
  houseNewIntervalYears: number;
  caps: Partial<Record<Purpose, Money>>;
  /** Management costs at most this many percent of the year's receipts (a decimal string, e.g. "5"). */
  managementSharePercent: string;
}

export const RULES = {
  houseNewInterval: 'house_new_interval',
  purposeCap: 'purpose_cap',
  managementShare: 'management_share',
} as const;

/** A rule that fired, named so the user can look it up in data/policy.json. */
export interface Violation {
  rule: (typeof RULES)[keyof typeof RULES];
  message: string;
  /** Whether an approver may let the payout through with a recorded reason. */
  overridable: boolean;
}

interface PolicyFile {
  rules: {
    house_new_interval: { years: number };
    purpose_cap: { caps: Record<string, string> };
    management_share: { percent: string };
  };
}

let cached: Policy | null = null;

export function loadPolicy(file = path.join(DATA_DIR, 'policy.json')): Policy {
  if (cached && file === path.join(DATA_DIR, 'policy.json')) return cached;
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as PolicyFile;
  const years = raw.rules.house_new_interval.years;
  if (!Number.isInteger(years) || years < 0 || years > 100)
    throw new Error(`${file}: house_new_interval.years must be 0..100`);
  const caps: Partial<Record<Purpose, Money>> = {};
  for (const [purpose, cap] of Object.entries(raw.rules.purpose_cap.caps)) {
    if (!PURPOSES.includes(purpose as Purpose))
      throw new Error(`${file}: purpose_cap names unknown purpose ${purpose}`);
    caps[purpose as Purpose] = Money.parse(cap, `purpose_cap.${purpose}`);
  }
  const percent = raw.rules.management_share.percent;
  if (!/^\d{1,3}(\.\d{1,4})?$/.test(percent))
    throw new Error(`${file}: management_share.percent must be a decimal like "5"`);
  const policy = { houseNewIntervalYears: years, caps, managementSharePercent: percent };
  if (file === path.join(DATA_DIR, 'policy.json')) cached = policy;
  return policy;
}
