import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { DecideDuplicateDto } from './dto';
import { StatementDuplicatesService } from './statement-duplicates.service';

@ApiTags('bank reconciliation')
@ApiBearerAuth()
@Controller('api/bank-statements')
export class StatementDuplicatesController {
  constructor(private readonly duplicates: StatementDuplicatesService) {}

  /** The statement's lines that repeat an earlier line of its file, pending or decided. */
  @Get(':id/duplicates')
  list(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe('bank statement')) id: number) {
    return this.duplicates.list(actor, id);
  }

  /** Keeps a repeated line (a real repeat) or drops it (listed twice by the bank), with a reason; once. */
  @Post(':id/duplicates/:lineId')
  @Roles('accountant', 'admin')
  @HttpCode(200)
  decide(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('bank statement')) id: number,
    @Param('lineId', new ParseIdPipe('bank statement line')) lineId: number,
    @Body() dto: DecideDuplicateDto,
  ) {
    return this.duplicates.decide(actor, id, lineId, dto);
  }
}
