import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { ImportUpload, UploadedImport, type ImportUploaded } from '../imports/upload';
import { MatchDto, ReconciliationQuery, UndoMatchDto } from './dto';
import { BankReconciliationService } from './bank-reconciliation.service';
import { StatementImportService } from './statement-import.service';

@ApiTags('bank reconciliation')
@ApiBearerAuth()
@Controller('api')
export class BankReconciliationController {
  constructor(
    private readonly statements: StatementImportService,
    private readonly reconciliation: BankReconciliationService,
  ) {}

  /**
   * Imports a bank/Treasury statement of the fund's account 112 (CSV or XLSX); re-importing adds nothing. Lines
   * repeating an earlier line of the file are listed under `duplicates` and held pending for a decision.
   */
  @Post('funds/:code/bank-statements')
  @Roles('accountant', 'admin')
  @ImportUpload('CSV (UTF-8) or XLSX: date, amount, direction, reference, description', { partial: false })
  importStatement(
    @CurrentActor() actor: Actor,
    @Param('code') code: string,
    @UploadedImport({ partial: false }) upload: ImportUploaded,
  ) {
    return this.statements.importStatement(actor, code, upload.source);
  }

  /** Proposes matches between the fund's unmatched statement lines and unmatched 112 journal lines. */
  @Post('funds/:code/bank-reconciliation/match')
  @Roles('accountant', 'admin')
  match(@CurrentActor() actor: Actor, @Param('code') code: string, @Body() dto: MatchDto) {
    return this.reconciliation.match(actor, code, dto);
  }

  /** Matched, proposed and unmatched lines on both sides, the two balances and their differences. */
  @Get('funds/:code/bank-reconciliation')
  report(@CurrentActor() actor: Actor, @Param('code') code: string, @Query() query: ReconciliationQuery) {
    return this.reconciliation.report(actor, code, query);
  }

  @Post('bank-reconciliation/matches/:id/confirm')
  @Roles('accountant', 'admin')
  @HttpCode(200)
  confirm(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe('bank match')) id: number) {
    return this.reconciliation.confirm(actor, id);
  }

  /** Undoes a proposed or confirmed match; both sides' lines are free again. */
  @Post('bank-reconciliation/matches/:id/undo')
  @Roles('accountant', 'admin')
  @HttpCode(200)
  undo(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('bank match')) id: number,
    @Body() dto: UndoMatchDto,
  ) {
    return this.reconciliation.undo(actor, id, dto);
  }
}
