import { Module } from '@nestjs/common';
import { BooksService } from './books.service';
import { JournalQueryService } from './journal-query.service';
import { JournalController } from './journal.controller';
import { JournalService } from './journal.service';
import { PostingService } from './posting.service';
import { VerifyService } from './verify.service';

@Module({
  controllers: [JournalController],
  providers: [PostingService, BooksService, JournalQueryService, JournalService, VerifyService],
  exports: [PostingService, BooksService, JournalQueryService, VerifyService],
})
export class LedgerModule {}
