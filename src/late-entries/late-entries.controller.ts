import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { ConfirmLateEntryDto, ListLateEntriesQuery, RejectLateEntryDto, RequestLateEntryDto } from './dto';
import { LateEntriesService } from './late-entries.service';

/** Late entries (ghi bổ sung): asked for by who records or pays, confirmed by an approver, then used once. */
@ApiTags('late-entries')
@ApiBearerAuth()
@Controller('api/late-entries')
export class LateEntriesController {
  constructor(private readonly lateEntries: LateEntriesService) {}

  @Post()
  @Roles('accountant', 'cashier', 'admin')
  request(@CurrentActor() actor: Actor, @Body() dto: RequestLateEntryDto) {
    return this.lateEntries.request(actor, dto);
  }

  @Get()
  list(@CurrentActor() actor: Actor, @Query() q: ListLateEntriesQuery) {
    return this.lateEntries.list(actor, q.status);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe('late entry')) id: number) {
    return this.lateEntries.get(actor, id);
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @Roles('approver', 'admin')
  confirm(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('late entry')) id: number,
    @Body() dto: ConfirmLateEntryDto,
  ) {
    return this.lateEntries.confirm(actor, id, dto.note?.trim() || null);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Roles('approver', 'admin')
  reject(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('late entry')) id: number,
    @Body() dto: RejectLateEntryDto,
  ) {
    return this.lateEntries.reject(actor, id, dto.reason.trim());
  }
}
