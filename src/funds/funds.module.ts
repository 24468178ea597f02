import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { FundBooksService } from './fund-books.service';
import { FundsController } from './funds.controller';
import { FundsService } from './funds.service';

@Module({
  imports: [LedgerModule],
  controllers: [FundsController],
  providers: [FundsService, FundBooksService],
  exports: [FundsService],
})
export class FundsModule {}
