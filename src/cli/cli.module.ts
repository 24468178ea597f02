import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditModule } from '../audit/audit.module';
import { BeneficiariesModule } from '../beneficiaries/beneficiaries.module';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { ContributionsModule } from '../contributions/contributions.module';
import { DatabaseModule } from '../database/database.module';
import { ExportsModule } from '../exports/exports.module';
import { ImportsModule } from '../imports/imports.module';

/** What the command line needs: the database and the features it drives, without the HTTP faces. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig, dataSource: DataSource): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(dataSource),
        AuditModule,
        ContributionsModule,
        ImportsModule,
        BeneficiariesModule,
        ExportsModule,
      ],
    };
  }
}
