import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreatePayeeDto, SearchPayeesQuery } from './dto';
import { PayeesService } from './payees.service';

@ApiTags('payees')
@ApiBearerAuth()
@Controller('api/payees')
export class PayeesController {
  constructor(private readonly payees: PayeesService) {}

  /** An organisation a payout may pay instead of a household (a cemetery's board, a supplier). */
  @Post()
  @Roles('accountant', 'admin')
  create(@CurrentActor() actor: Actor, @Body() dto: CreatePayeeDto) {
    return this.payees.create(actor, dto);
  }

  @Get()
  list(@Query() q: SearchPayeesQuery) {
    return this.payees.list(q);
  }

  @Get(':id')
  get(@Param('id', new ParseIdPipe('payee')) id: number) {
    return this.payees.get(id);
  }
}
