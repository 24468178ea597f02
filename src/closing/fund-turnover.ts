import type { EntityManager } from 'typeorm';
import { Money } from '../common/money';
import { Account } from '../ledger/entities';
import type { JournalQueryService } from '../ledger/journal-query.service';
import type { AccountTurnover } from './closing-lines';

export interface NamedTurnover extends AccountTurnover {
  name: string;
}

/**
 * Every account of one fund with its cumulative turnover up to `asOf` (accounts without any are listed with
 * zeros), read from the stored balances through the trial balance: the cost grows with months, not entries.
 */
export async function fundTurnover(
  manager: EntityManager,
  journal: JournalQueryService,
  fundId: number,
  asOf: string,
): Promise<NamedTurnover[]> {
  const accounts = await manager.find(Account, { where: { fundId }, order: { code: 'ASC' } });
  const balance = await journal.trialBalance(manager, [fundId], asOf);
  const turnover = new Map(balance.rows.map((r) => [r.account, r]));
  return accounts.map((a) => {
    const row = turnover.get(a.code);
    return {
      account: a.code,
      name: a.nameVi,
      type: a.type,
      debit: Money.fromStored(row?.debit ?? '0'),
      credit: Money.fromStored(row?.credit ?? '0'),
    };
  });
}
