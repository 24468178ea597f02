import { Controller, Get, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../common/actor';
import { CurrentActor, RequestLanguage } from '../common/decorators';
import type { Language } from '../common/i18n';
import { pdfFile } from '../common/pdf-response';
import { renderStatement } from '../documents/statement.renderer';
import { ReconciliationEntriesQuery, ReconciliationQuery, StatementQuery } from './dto';
import { ClaimsReconciliationService } from './claims-reconciliation.service';
import { statementCsv, statementDocumentView, statementFileName, statementXlsx } from './statement-export';
import { StatementService } from './statement.service';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/reports')
export class StatementController {
  constructor(
    private readonly statements: StatementService,
    private readonly reconciliation: ClaimsReconciliationService,
  ) {}

  /** The statement of receipts and disbursements, as JSON (default), PDF, XLSX or CSV. */
  @Get('statement')
  @ApiProduces('application/json', 'application/pdf', XLSX_TYPE, 'text/csv')
  async statement(
    @CurrentActor() actor: Actor,
    @Query() q: StatementQuery,
    @Res({ passthrough: true }) res: Response,
    @RequestLanguage() lang: Language,
  ) {
    const report = await this.statements.statement(actor, q.fund, q.from, q.to, q.consolidated === 'true');
    switch (q.format ?? 'json') {
      case 'json':
        return report;
      case 'pdf': {
        const printed = await this.statements.printedHeader(report);
        const view = { ...statementDocumentView(report), ...printed };
        return pdfFile(res, statementFileName(report, 'pdf'), await renderStatement(view));
      }
      case 'xlsx':
        return download(res, statementFileName(report, 'xlsx'), XLSX_TYPE, await statementXlsx(report, lang));
      case 'csv':
        return download(
          res,
          statementFileName(report, 'csv'),
          'text/csv; charset=utf-8',
          statementCsv(report),
        );
    }
  }

  /** Each claim of data/claims/<claims>.json against the books, with a verdict. */
  @Get('reconciliation')
  reconcile(@CurrentActor() actor: Actor, @Query() q: ReconciliationQuery) {
    return this.reconciliation.reconcile(actor, q.claims);
  }

  /** The entries (or, for households, the paid payouts) behind one claim's figure, a page at a time. */
  @Get('reconciliation/entries')
  entries(@CurrentActor() actor: Actor, @Query() q: ReconciliationEntriesQuery) {
    return this.reconciliation.entries(actor, q.claims, q.index, q.page, q.pageSize);
  }
}

function download(res: Response, filename: string, type: string, body: Buffer): StreamableFile {
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  return new StreamableFile(body);
}
