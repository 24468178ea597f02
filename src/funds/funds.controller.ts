import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { AddAccountDto, LockDto } from '../ledger/dto';
import { AddUnitNameDto, CreateFundDto } from './dto';
import { FundBooksService } from './fund-books.service';
import { FundsService } from './funds.service';

@ApiTags('funds')
@ApiBearerAuth()
@Controller('api/funds')
export class FundsController {
  constructor(
    private readonly funds: FundsService,
    private readonly fundBooks: FundBooksService,
  ) {}

  @Post()
  @Roles('admin')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateFundDto) {
    return this.funds.create(actor, dto);
  }

  @Get()
  list(@CurrentActor() actor: Actor) {
    return this.funds.list(actor);
  }

  @Get(':code')
  get(@CurrentActor() actor: Actor, @Param('code') code: string) {
    return this.funds.get(actor, code);
  }

  /** The names of the unit that keeps the fund, each with the days it is in force. */
  @Get(':code/unit-names')
  unitNames(@CurrentActor() actor: Actor, @Param('code') code: string) {
    return this.funds.unitNames(actor, code);
  }

  /** A new name of the fund's unit from a date on; documents dated from then print it. */
  @Post(':code/unit-names')
  @Roles('admin')
  addUnitName(@CurrentActor() actor: Actor, @Param('code') code: string, @Body() dto: AddUnitNameDto) {
    return this.funds.addUnitName(actor, code, dto);
  }

  @Get(':code/accounts')
  accounts(@CurrentActor() actor: Actor, @Param('code') code: string) {
    return this.fundBooks.accounts(actor, code);
  }

  @Post(':code/accounts')
  @Roles('accountant', 'admin')
  addAccount(@CurrentActor() actor: Actor, @Param('code') code: string, @Body() dto: AddAccountDto) {
    return this.fundBooks.addAccount(actor, code, dto);
  }

  @Post(':code/lock')
  @HttpCode(200)
  @Roles('approver', 'admin')
  lock(@CurrentActor() actor: Actor, @Param('code') code: string, @Body() dto: LockDto) {
    return this.fundBooks.lock(actor, code, dto.through);
  }
}
