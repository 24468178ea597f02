import type { PostingLineInput } from './ledger.types';

/** Cash (111) and bank (112): a manual entry that credits them pays money out. */
const MONEY_ACCOUNTS = ['111', '112'];

/**
 * Why a manual entry must wait for an approver, or null when it may post at once. Money out of cash or bank, and
 * any disbursement (a debit to 61xx), goes through the same maker–checker as a payout (issue 10, item 4):
 * otherwise a manual Nợ 6118 / Có 112 would bypass approval and the policy caps.
 */
export function approvalReason(lines: PostingLineInput[]): string | null {
  const reasons = new Set<string>();
  for (const line of lines) {
    if (MONEY_ACCOUNTS.includes(line.account) && line.credit?.isPositive())
      reasons.add(`credits ${line.account}`);
    if (/^61\d\d$/.test(line.account) && line.debit?.isPositive()) reasons.add(`debits ${line.account}`);
  }
  return reasons.size ? [...reasons].join(', ') : null;
}
