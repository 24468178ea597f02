import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { ClosingHistoryService } from './closing-history.service';
import { CloseYearDto, MergeFundDto, OpeningBalancesQuery, ReopenYearDto } from './dto';
import { MergerService } from './merger.service';
import { YearEndService } from './year-end.service';

@ApiTags('closing')
@ApiBearerAuth()
@Controller('api/funds')
export class ClosingController {
  constructor(
    private readonly years: YearEndService,
    private readonly mergers: MergerService,
    private readonly history: ClosingHistoryService,
  ) {}

  @Post(':code/close-year')
  @Roles('approver', 'admin')
  closeYear(@CurrentActor() actor: Actor, @Param('code') code: string, @Body() dto: CloseYearDto) {
    return dto.upTo
      ? this.years.closeThrough(actor, code, dto.year)
      : this.years.close(actor, code, dto.year);
  }

  @Post(':code/reopen-year')
  @HttpCode(200)
  @Roles('admin')
  reopenYear(@CurrentActor() actor: Actor, @Param('code') code: string, @Body() dto: ReopenYearDto) {
    return this.years.reopen(actor, code, dto.year, dto.reason.trim());
  }

  @Get(':code/opening-balances')
  openingBalances(
    @CurrentActor() actor: Actor,
    @Param('code') code: string,
    @Query() q: OpeningBalancesQuery,
  ) {
    return this.years.openingBalances(actor, code, q.year);
  }

  @Get(':code/closings')
  closings(@CurrentActor() actor: Actor, @Param('code') code: string) {
    return this.history.get(actor, code);
  }

  @Post(':code/merge')
  @Roles('admin')
  merge(@CurrentActor() actor: Actor, @Param('code') code: string, @Body() dto: MergeFundDto) {
    return this.mergers.merge(actor, code, dto);
  }
}
