import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthModule } from '../auth/auth.module';
import { BeneficiariesModule } from '../beneficiaries/beneficiaries.module';
import { ManualEntriesModule } from '../manual-entries/manual-entries.module';
import { LateEntriesModule } from '../late-entries/late-entries.module';
import { ClosingModule } from '../closing/closing.module';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { ContributionsModule } from '../contributions/contributions.module';
import { DatabaseModule } from '../database/database.module';
import { DisbursementsModule } from '../disbursements/disbursements.module';
import { FundsModule } from '../funds/funds.module';
import { LedgerModule } from '../ledger/ledger.module';
import { TransfersModule } from '../transfers/transfers.module';

/** What building the demonstration books needs: the features it writes through, without the HTTP faces. */
@Module({})
export class DemoModule {
  static forRoot(config: AppConfig, dataSource: DataSource): DynamicModule {
    return {
      module: DemoModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(dataSource),
        LedgerModule,
        FundsModule,
        AuthModule,
        ContributionsModule,
        BeneficiariesModule,
        DisbursementsModule,
        TransfersModule,
        ClosingModule,
        ManualEntriesModule,
        LateEntriesModule,
      ],
    };
  }
}
