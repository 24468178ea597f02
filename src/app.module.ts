import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AdminModule } from './admin/admin.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { BankAdvicesModule } from './bank-advices/bank-advices.module';
import { BankReconciliationModule } from './bank-reconciliation/bank-reconciliation.module';
import { BeneficiariesModule } from './beneficiaries/beneficiaries.module';
import { BooksModule } from './books/books.module';
import { CashierModule } from './cashier/cashier.module';
import { ClosingModule } from './closing/closing.module';
import { ManualEntriesModule } from './manual-entries/manual-entries.module';
import { LateEntriesModule } from './late-entries/late-entries.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ContributionsModule } from './contributions/contributions.module';
import { DatabaseModule } from './database/database.module';
import { DisbursementsModule } from './disbursements/disbursements.module';
import { ExportsModule } from './exports/exports.module';
import { FundsModule } from './funds/funds.module';
import { HealthController } from './health.controller';
import { ImportsModule } from './imports/imports.module';
import { LedgerModule } from './ledger/ledger.module';
import { PublicModule } from './public/public.module';
import { ReportsModule } from './reports/reports.module';
import { TransfersModule } from './transfers/transfers.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, dataSource: DataSource): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(dataSource, { walCheckpointer: true }),
        LedgerModule,
        FundsModule,
        AuthModule,
        ReportsModule,
        AuditModule,
        ContributionsModule,
        ImportsModule,
        BeneficiariesModule,
        TransfersModule,
        DisbursementsModule,
        ClosingModule,
        ManualEntriesModule,
        LateEntriesModule,
        BankAdvicesModule,
        BankReconciliationModule,
        BooksModule,
        ExportsModule,
        AdminModule,
        PublicModule,
        CashierModule,
      ],
      controllers: [HealthController],
    };
  }
}
