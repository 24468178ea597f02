import { Injectable } from '@nestjs/common';
import { Actor, assertFundInScope } from '../common/actor';
import { UnitOfWork } from '../database/unit-of-work';
import { FundsService } from '../funds/funds.service';
import { JournalQueryService, TrialBalance } from '../ledger/journal-query.service';

export interface TrialBalanceReport extends TrialBalance {
  fund: string;
  asOf: string;
  consolidated: boolean;
  funds: string[];
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
    const funds = consolidated
      ? await this.funds.withDescendants(this.uow.manager, fundCode)
      : [await this.funds.byCode(this.uow.manager, fundCode)];
    const balance = await this.journal.trialBalance(
      this.uow.manager,
      funds.map((f) => f.id),
      asOf,
    );
    return { fund: fundCode, asOf, consolidated, funds: funds.map((f) => f.code), ...balance };
  }
}
