import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { CashierController } from './cashier.controller';
import { CashierService } from './cashier.service';

/** The cashier (thủ quỹ) and the admin's choice to let an accountant hold the role too (issue 10, item 14). */
@Module({
  imports: [LedgerModule],
  controllers: [CashierController],
  providers: [CashierService],
  exports: [CashierService],
})
export class CashierModule {}
