import { Module } from '@nestjs/common';
import { FundsModule } from '../funds/funds.module';
import { LedgerModule } from '../ledger/ledger.module';
import { AccountBalancesService } from './account-balances.service';
import { ClaimsReconciliationService } from './claims-reconciliation.service';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';
import { StatementController } from './statement.controller';
import { StatementService } from './statement.service';

@Module({
  imports: [LedgerModule, FundsModule],
  controllers: [ReportsController, StatementController],
  providers: [ReportsService, AccountBalancesService, StatementService, ClaimsReconciliationService],
  exports: [StatementService, ClaimsReconciliationService],
})
export class ReportsModule {}
