import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { BankAdvicesController } from './bank-advices.controller';
import { BankAdvicesService } from './bank-advices.service';

/** Interest and fees booked from the bank's or the Treasury's advices (issue 10 item 16). */
@Module({
  imports: [LedgerModule],
  controllers: [BankAdvicesController],
  providers: [BankAdvicesService],
  exports: [BankAdvicesService],
})
export class BankAdvicesModule {}
