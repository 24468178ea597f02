import { Module } from '@nestjs/common';
import { FundsModule } from '../funds/funds.module';
import { LedgerModule } from '../ledger/ledger.module';
import { BankReconciliationController } from './bank-reconciliation.controller';
import { BankReconciliationService } from './bank-reconciliation.service';
import { StatementImportService } from './statement-import.service';

/** Bank/Treasury statements of account 112 and their reconciliation with the books (DESIGN.md §8). */
@Module({
  imports: [LedgerModule, FundsModule],
  controllers: [BankReconciliationController],
  providers: [StatementImportService, BankReconciliationService],
  exports: [StatementImportService, BankReconciliationService],
})
export class BankReconciliationModule {}
