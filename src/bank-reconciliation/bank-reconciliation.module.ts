import { Module } from '@nestjs/common';
import { BankAdvicesModule } from '../bank-advices/bank-advices.module';
import { FundsModule } from '../funds/funds.module';
import { LedgerModule } from '../ledger/ledger.module';
import { BankReconciliationController } from './bank-reconciliation.controller';
import { BankReconciliationService } from './bank-reconciliation.service';
import { StatementDuplicatesController } from './statement-duplicates.controller';
import { StatementDuplicatesService } from './statement-duplicates.service';
import { StatementImportService } from './statement-import.service';

/** Bank/Treasury statements of account 112 and their reconciliation with the books (DESIGN.md §8). */
@Module({
  imports: [LedgerModule, FundsModule, BankAdvicesModule],
  controllers: [BankReconciliationController, StatementDuplicatesController],
  providers: [StatementImportService, StatementDuplicatesService, BankReconciliationService],
  exports: [StatementImportService, BankReconciliationService],
})
export class BankReconciliationModule {}
