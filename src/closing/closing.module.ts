import { Module } from '@nestjs/common';
import { FundsModule } from '../funds/funds.module';
import { LedgerModule } from '../ledger/ledger.module';
import { ClosingController } from './closing.controller';
import { ClosingHistoryService } from './closing-history.service';
import { MergerService } from './merger.service';
import { YearEndService } from './year-end.service';

@Module({
  imports: [LedgerModule, FundsModule],
  controllers: [ClosingController],
  providers: [YearEndService, MergerService, ClosingHistoryService],
  exports: [YearEndService, MergerService],
})
export class ClosingModule {}
