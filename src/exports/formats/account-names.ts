import type { AccountType } from '../../ledger/entities';
import type { ExportAccount, ExportFund } from '../export.types';

/**
 * hledger and ledger: the standard top-level names, from which hledger infers the account types (so `hledger bs`
 * and `hledger is` work without declarations).
 */
const PLAIN_TEXT_ROOTS: Record<AccountType, string> = {
  asset: 'assets',
  liability: 'liabilities',
  fund_balance: 'equity',
  receipts: 'income',
  disbursements: 'expenses',
};

/** Beancount's five fixed roots. */
const BEANCOUNT_ROOTS: Record<AccountType, string> = {
  asset: 'Assets',
  liability: 'Liabilities',
  fund_balance: 'Equity',
  receipts: 'Income',
  disbursements: 'Expenses',
};

/**
 * A piece of free text inside an hledger/ledger account name. `:` separates the levels of an account; two spaces
 * or a tab end the name; `;` starts a comment. So colons and semicolons become commas and every run of white
 * space one space. Vietnamese letters stay: both tools read UTF-8.
 */
export function plainTextNamePart(text: string): string {
  return text.replace(/[:;]/g, ',').replace(/\s+/g, ' ').trim();
}

/**
 * `assets:LC:111 Tiền mặt`: type, fund code, then the account's code and name. The fund is always part of the
 * name, so that a fund's accounts are the same in its own export and in its province's consolidated one, and two
 * funds never mix (fund codes are letters, digits, `.`, `-`, `_`).
 */
export function plainTextAccountName(account: ExportAccount): string {
  const name = plainTextNamePart(account.name);
  return `${PLAIN_TEXT_ROOTS[account.type]}:${account.fund.code}:${account.code}${name ? ` ${name}` : ''}`;
}

/**
 * A beancount account component: it starts with a capital letter or a digit and continues with letters, digits
 * and dashes. Anything else becomes a dash; a first lower-case letter is capitalised.
 */
export function beancountComponent(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9-]/g, '-');
  const capitalised = cleaned.charAt(0).toUpperCase() + cleaned.slice(1);
  return /^[A-Z0-9]/.test(capitalised) ? capitalised : `X${capitalised}`;
}

/** Beancount account names for the funds of one export: `Assets:LC:111`. */
export class BeancountNames {
  private readonly fundComponent = new Map<number, string>();

  constructor(funds: ExportFund[]) {
    // Two fund codes can map to one component ("lc.1" and "Lc-1"): those get their fund id appended.
    const users = new Map<string, number>();
    for (const fund of funds) {
      const component = beancountComponent(fund.code);
      users.set(component, (users.get(component) ?? 0) + 1);
    }
    for (const fund of funds) {
      const component = beancountComponent(fund.code);
      this.fundComponent.set(
        fund.id,
        (users.get(component) ?? 0) > 1 ? `${component}-${fund.id}` : component,
      );
    }
  }

  account(account: ExportAccount): string {
    const fund = this.fundComponent.get(account.fund.id) ?? beancountComponent(account.fund.code);
    return `${BEANCOUNT_ROOTS[account.type]}:${fund}:${beancountComponent(account.code)}`;
  }
}
