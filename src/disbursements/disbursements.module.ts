import { CashierModule } from '../cashier/cashier.module';
import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module';
import { BeneficiariesModule } from '../beneficiaries/beneficiaries.module';
import { DocumentsModule } from '../documents/documents.module';
import { FundsModule } from '../funds/funds.module';
import { LedgerModule } from '../ledger/ledger.module';
import { PayeesModule } from '../payees/payees.module';
import { DisbursementsController, HouseProjectsController } from './disbursements.controller';
import { DisbursementsService } from './disbursements.service';
import { HouseProjectsService } from './house-projects.service';
import { PaymentVouchersService } from './payment-vouchers.service';
import { PayoutReferences } from './payout-references';
import { PolicyService } from './policy.service';

@Module({
  imports: [
    LedgerModule,
    FundsModule,
    DocumentsModule,
    BeneficiariesModule,
    AttachmentsModule,
    CashierModule,
    PayeesModule,
  ],
  controllers: [DisbursementsController, HouseProjectsController],
  providers: [
    DisbursementsService,
    HouseProjectsService,
    PaymentVouchersService,
    PolicyService,
    PayoutReferences,
  ],
  exports: [DisbursementsService],
})
export class DisbursementsModule {}
