import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { ListEntriesQuery, PostEntryDto, ReverseEntryDto } from './dto';
import { JournalService } from './journal.service';

@ApiTags('journal')
@ApiBearerAuth()
@Controller('api/journal-entries')
export class JournalController {
  constructor(private readonly journal: JournalService) {}

  @Post()
  @Roles('accountant', 'admin')
  async post(
    @CurrentActor() actor: Actor,
    @Body() dto: PostEntryDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.journal.post(actor, dto);
    // 202: an entry that waits for an approver (manual-entry-rules.ts) is accepted, not yet in the books.
    if ('requestId' in result) res.status(202);
    return result;
  }

  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: ListEntriesQuery) {
    return this.journal.list(actor, query);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe('journal entry')) id: number) {
    return this.journal.get(actor, id);
  }

  @Post(':id/reverse')
  @Roles('accountant', 'admin')
  reverse(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('journal entry')) id: number,
    @Body() dto: ReverseEntryDto,
  ) {
    return this.journal.reverse(actor, id, dto);
  }
}
