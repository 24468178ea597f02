import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { BatchesService } from './batches.service';
import { AddBatchMembersDto, CreateBatchDto } from './dto';

@ApiTags('contributions')
@ApiBearerAuth()
@Controller('api/contribution-batches')
export class BatchesController {
  constructor(private readonly batches: BatchesService) {}

  @Post()
  @Roles('accountant', 'admin')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateBatchDto) {
    return this.batches.create(actor, dto);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe('batch')) id: number) {
    return this.batches.get(actor, id);
  }

  @Post(':id/members')
  @HttpCode(200)
  @Roles('accountant', 'admin')
  addMembers(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('batch')) id: number,
    @Body() dto: AddBatchMembersDto,
  ) {
    return this.batches.addMembers(actor, id, dto);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles('accountant', 'admin')
  close(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe('batch')) id: number) {
    return this.batches.close(actor, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('accountant', 'admin')
  cancel(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe('batch')) id: number) {
    return this.batches.cancel(actor, id);
  }
}
