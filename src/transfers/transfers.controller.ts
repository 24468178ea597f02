import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreateTransferDto, ListTransfersQuery, ReverseTransferDto } from './dto';
import { TransfersService } from './transfers.service';

@ApiTags('transfers')
@ApiBearerAuth()
@Controller('api/transfers')
export class TransfersController {
  constructor(private readonly transfers: TransfersService) {}

  @Post()
  @Roles('accountant', 'admin')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateTransferDto) {
    return this.transfers.create(actor, dto);
  }

  /** Reverses both entries of a transfer in one write (issue 15); a second reversal is a 409. */
  @Post(':id/reverse')
  @Roles('accountant', 'admin')
  reverse(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('transfer')) id: number,
    @Body() dto: ReverseTransferDto,
  ) {
    return this.transfers.reverse(actor, id, dto);
  }

  @Get()
  list(@CurrentActor() actor: Actor, @Query() q: ListTransfersQuery) {
    return this.transfers.list(actor, q);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe('transfer')) id: number) {
    return this.transfers.get(actor, id);
  }
}
