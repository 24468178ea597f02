import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor } from '../common/decorators';
import { TrialBalanceQuery } from './dto';
import { ReportsService } from './reports.service';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('trial-balance')
  trialBalance(@CurrentActor() actor: Actor, @Query() q: TrialBalanceQuery) {
    return this.reports.trialBalance(actor, q.fund, q.asOf, q.consolidated === 'true');
  }
}
