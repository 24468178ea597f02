import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CashierService } from './cashier.service';
import { RoleCombinationDto } from './dto';

@ApiTags('cashier')
@ApiBearerAuth()
@Controller('api')
export class CashierController {
  constructor(private readonly cashier: CashierService) {}

  /** Whether an accountant of the fund may also do the cashier's work. */
  @Get('funds/:code/role-combination')
  combination(@CurrentActor() actor: Actor, @Param('code') code: string) {
    return this.cashier.combination(actor, code);
  }

  /** The admin lets one person hold the accountant's and the cashier's roles in a small unit (or stops it). */
  @Post('funds/:code/role-combination')
  @HttpCode(200)
  @Roles('admin')
  setCombination(@CurrentActor() actor: Actor, @Param('code') code: string, @Body() dto: RoleCombinationDto) {
    return this.cashier.setCombination(actor, code, dto.accountantMayPay, dto.reason);
  }

  /** The cashier confirms that a cash receipt's money is in the till. */
  @Post('contributions/:id/confirm-cash')
  @HttpCode(200)
  @Roles('cashier', 'accountant', 'admin')
  confirmCash(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe('contribution')) id: number) {
    return this.cashier.confirmCash(actor, id);
  }
}
