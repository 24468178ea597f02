import { Module } from '@nestjs/common';
import { FundsModule } from '../funds/funds.module';
import { LedgerModule } from '../ledger/ledger.module';
import { ExportSourceService } from './export-source.service';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';

@Module({
  imports: [LedgerModule, FundsModule],
  controllers: [ExportsController],
  providers: [ExportSourceService, ExportsService],
  exports: [ExportsService],
})
export class ExportsModule {}
