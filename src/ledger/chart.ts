import * as fs from 'node:fs';
import * as path from 'node:path';
import { DATA_DIR } from '../common/paths';
import { ACCOUNT_TYPES, AccountType } from './entities';

export interface ChartAccount {
  code: string;
  nameVi: string;
  nameEn: string;
  type: AccountType;
  nonNegative?: boolean;
}

let cached: ChartAccount[] | null = null;

/** The default chart of accounts (data/chart-of-accounts.json), read and checked once. */
export function defaultChart(): ChartAccount[] {
  if (cached) return cached;
  const file = path.join(DATA_DIR, 'chart-of-accounts.json');
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { accounts: ChartAccount[] };
  for (const account of parsed.accounts) {
    if (!/^\d{3,8}$/.test(account.code) || !ACCOUNT_TYPES.includes(account.type)) {
      throw new Error(`${file}: bad account ${JSON.stringify(account)}`);
    }
  }
  cached = parsed.accounts;
  return cached;
}

/** Which side an account's balance normally sits on. */
export function normalSide(type: AccountType): 'debit' | 'credit' {
  return type === 'asset' || type === 'disbursements' ? 'debit' : 'credit';
}
