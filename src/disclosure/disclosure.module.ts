import { Module } from '@nestjs/common';
import { ContributionsModule } from '../contributions/contributions.module';
import { DocumentsModule } from '../documents/documents.module';
import { FundsModule } from '../funds/funds.module';
import { ReportsModule } from '../reports/reports.module';
import { DisclosureApiController } from './disclosure-api.controller';
import { DisclosureService } from './disclosure.service';
import { DonorLinksService } from './donor-links.service';

/** Public disclosure figures, signed open data, honour-roll consent and donor self-service links (issue 14). */
@Module({
  imports: [FundsModule, ReportsModule, ContributionsModule, DocumentsModule],
  controllers: [DisclosureApiController],
  providers: [DisclosureService, DonorLinksService],
  exports: [DisclosureService, DonorLinksService],
})
export class DisclosureModule {}
