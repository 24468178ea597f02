import { Module } from '@nestjs/common';
import { FundsModule } from '../funds/funds.module';
import { LedgerModule } from '../ledger/ledger.module';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

@Module({
  imports: [LedgerModule, FundsModule],
  controllers: [ReportsController],
  providers: [ReportsService],
})
export class ReportsModule {}
