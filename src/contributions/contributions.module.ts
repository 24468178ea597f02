import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module';
import { DocumentsModule } from '../documents/documents.module';
import { FundsModule } from '../funds/funds.module';
import { LedgerModule } from '../ledger/ledger.module';
import { BatchesController } from './batches.controller';
import { BatchesService } from './batches.service';
import { CampaignsService } from './campaigns.service';
import { ContributionsController } from './contributions.controller';
import { ContributionsService } from './contributions.service';
import { CampaignsController, DonorsController } from './donors.controller';
import { DonorsService } from './donors.service';
import { ReceiptsService } from './receipts.service';
import { VerifyController } from './verify.controller';

@Module({
  imports: [LedgerModule, FundsModule, DocumentsModule, AttachmentsModule],
  controllers: [
    ContributionsController,
    DonorsController,
    CampaignsController,
    BatchesController,
    VerifyController,
  ],
  providers: [ContributionsService, DonorsService, CampaignsService, BatchesService, ReceiptsService],
  exports: [ContributionsService, DonorsService, ReceiptsService],
})
export class ContributionsModule {}
