import { Module } from '@nestjs/common';
import { FundsModule } from '../funds/funds.module';
import { LedgerModule } from '../ledger/ledger.module';
import { BooksController } from './books.controller';
import { BookReportsService } from './books.service';

@Module({
  imports: [LedgerModule, FundsModule],
  controllers: [BooksController],
  providers: [BookReportsService],
  exports: [BookReportsService],
})
export class BooksModule {}
