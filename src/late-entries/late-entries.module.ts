import { Module } from '@nestjs/common';
import { LateEntriesController } from './late-entries.controller';
import { LateEntriesService } from './late-entries.service';

@Module({
  controllers: [LateEntriesController],
  providers: [LateEntriesService],
  exports: [LateEntriesService],
})
export class LateEntriesModule {}
