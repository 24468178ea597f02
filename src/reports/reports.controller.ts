import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, RequestLanguage } from '../common/decorators';
import type { Language } from '../common/i18n';
import { accountBalancesFile } from './account-balances-export';
import { AccountBalancesService } from './account-balances.service';
import { AccountBalancesQuery, TrialBalanceQuery } from './dto';
import { ReportsService } from './reports.service';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly balances: AccountBalancesService,
  ) {}

  @Get('trial-balance')
  trialBalance(@CurrentActor() actor: Actor, @Query() q: TrialBalanceQuery) {
    return this.reports.trialBalance(actor, q.fund, q.asOf, q.consolidated === 'true');
  }

  /** The Bảng cân đối tài khoản: opening, the period's debit and credit, closing, per account. */
  @Get('account-balances')
  @ApiProduces(
    'application/json',
    'application/pdf',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'text/csv',
  )
  async accountBalances(
    @CurrentActor() actor: Actor,
    @Query() q: AccountBalancesQuery,
    @RequestLanguage() lang: Language,
  ) {
    const report = await this.balances.report(actor, q.fund, q.from, q.to, q.consolidated === 'true');
    if (q.format === undefined || q.format === 'json') {
      // The header only dresses the printed forms; the JSON is the contract's shape.
      return { ...report, header: undefined };
    }
    // A spreadsheet's header row follows Accept-Language (Vietnamese by default); the printed form is Vietnamese.
    const file = accountBalancesFile(report, q.format, lang);
    return new StreamableFile(file.stream, {
      type: file.contentType,
      disposition: `${file.disposition}; filename="${file.fileName}"`,
    });
  }
}
