import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { BankAdvicesService } from './bank-advices.service';
import { CreateBankAdviceDto, ListBankAdvicesQuery } from './dto';

@ApiTags('bank-advices')
@ApiBearerAuth()
@Controller('api/bank-advices')
export class BankAdvicesController {
  constructor(private readonly advices: BankAdvicesService) {}

  /** Interest credited or a fee charged by the bank or the Treasury, booked from its advice. */
  @Post()
  @Roles('accountant', 'admin')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateBankAdviceDto) {
    return this.advices.create(actor, dto);
  }

  @Get()
  list(@CurrentActor() actor: Actor, @Query() q: ListBankAdvicesQuery) {
    return this.advices.list(actor, q);
  }
}
