import { Module } from '@nestjs/common';
import { FundsModule } from '../funds/funds.module';
import { BeneficiariesController, BeneficiaryImportsController } from './beneficiaries.controller';
import { BeneficiariesService } from './beneficiaries.service';
import { BeneficiaryImportService } from './beneficiary-import.service';
import { DuplicatesService } from './duplicates.service';

/** The registry of households of người có công: registration, search, duplicates, merges and imports. */
@Module({
  imports: [FundsModule],
  controllers: [BeneficiariesController, BeneficiaryImportsController],
  providers: [BeneficiariesService, DuplicatesService, BeneficiaryImportService],
  exports: [BeneficiariesService, DuplicatesService, BeneficiaryImportService],
})
export class BeneficiariesModule {}
