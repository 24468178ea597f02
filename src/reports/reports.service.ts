import { Injectable } from '@nestjs/common';
import { Actor, assertFundInScope } from '../common/actor';
import { UnitOfWork } from '../database/unit-of-work';
import { FundsService } from '../funds/funds.service';
import { JournalQueryService, TrialBalance } from '../ledger/journal-query.service';
import { combineEliminations, mergerEliminations } from './merger-eliminations';
import { keptRead } from './read-cache';
import { scopeFunds } from './statement.service';
import { eliminate, EliminatedRow, transferEliminations } from './transfer-eliminations';

export interface TrialBalanceReport extends TrialBalance {
  fund: string;
  asOf: string;
  consolidated: boolean;
  funds: string[];
  /** Turnover removed per account because it moved between funds of the consolidated group (empty otherwise). */
  eliminated: EliminatedRow[];
  /** How many transfers inside the group were removed. */
  eliminatedTransfers: number;
  /** How many mergers inside the group had their handover pair removed (closing/, DESIGN.md §7). */
  eliminatedMergers: number;
}

@Injectable()
export class ReportsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly funds: FundsService,
    private readonly journal: JournalQueryService,
  ) {}

  async trialBalance(
    actor: Actor,
    fundCode: string,
    asOf: string,
    consolidated: boolean,
  ): Promise<TrialBalanceReport> {
    assertFundInScope(actor, fundCode);
    const manager = this.uow.manager;
    const funds = await scopeFunds(manager, this.funds, fundCode, consolidated);
    const fundIds = funds.map((f) => f.id);
    // A fund's own books show its transfers; only a consolidation over several funds removes those between them.
    // Read before the balance: entries are never deleted, so a transfer committed in between is at worst left
    // in, never removed from a balance that does not hold it yet.
    const eliminations = consolidated
      ? await transferEliminations(manager, fundIds, asOf)
      : { transfers: 0, rows: [] };
    const mergers = consolidated
      ? await mergerEliminations(manager, fundIds, asOf)
      : { mergers: 0, rows: [] };
    const removed = combineEliminations(eliminations.rows, mergers.rows);
    // Kept while the books stay as they were (read-cache.ts) and shared with later requests: frozen, and its rows
    // copied, as the answer hands them out.
    const kept = await keptRead(manager, `trial balance|${fundIds.join(',')}|${asOf}`, async () => {
      const read = await this.journal.trialBalance(manager, fundIds, asOf);
      return Object.freeze({ ...read, rows: Object.freeze(read.rows.map((row) => Object.freeze(row))) });
    });
    const balance = { ...kept, rows: kept.rows.map((row) => ({ ...row })) };
    return {
      fund: fundCode,
      asOf,
      consolidated,
      funds: funds.map((f) => f.code),
      ...eliminate(balance, removed),
      eliminated: removed,
      eliminatedTransfers: eliminations.transfers,
      eliminatedMergers: mergers.mergers,
    };
  }
}
