import { Module } from '@nestjs/common';
import { ContributionsModule } from '../contributions/contributions.module';
import { FundsModule } from '../funds/funds.module';
import { ContributionImportService } from './contribution-import.service';
import { ImportsController } from './imports.controller';

/** Imports of historical records from CSV and XLSX files (contributions; later beneficiaries). */
@Module({
  imports: [ContributionsModule, FundsModule],
  controllers: [ImportsController],
  providers: [ContributionImportService],
  exports: [ContributionImportService],
})
export class ImportsModule {}
