import { Module } from '@nestjs/common';
import { BalancesService } from './balances.service';
import { JournalQueryService } from './journal-query.service';
import { JournalController } from './journal.controller';
import { JournalService } from './journal.service';
import { PostingService } from './posting.service';
import { VerifyService } from './verify.service';

@Module({
  controllers: [JournalController],
  providers: [PostingService, BalancesService, JournalQueryService, JournalService, VerifyService],
  exports: [PostingService, BalancesService, JournalQueryService, VerifyService],
})
export class LedgerModule {}
