import { Module } from '@nestjs/common';
import { PolicyService } from '../disbursements/policy.service';
import { LedgerModule } from '../ledger/ledger.module';
import { ManualEntriesController } from './manual-entries.controller';
import { ManualEntriesService } from './manual-entries.service';

@Module({
  imports: [LedgerModule],
  controllers: [ManualEntriesController],
  // The payout policy (data/policy.json) is stateless: this module holds its own instance of the checker.
  providers: [ManualEntriesService, PolicyService],
  exports: [ManualEntriesService],
})
export class ManualEntriesModule {}
