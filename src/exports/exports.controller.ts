import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles, RequestLanguage } from '../common/decorators';
import type { Language } from '../common/i18n';
import { requestContext } from '../common/request-context';
import { BundleExportQuery, exportParameters, JournalExportQuery } from './dto';
import type { ExportPlan } from './export.types';
import { ExportsService } from './exports.service';
import { FORMATS } from './formats';
import { OutputClosedError } from './formats/output';

@ApiTags('exports')
@ApiBearerAuth()
@Controller('api/exports')
export class ExportsController {
  private readonly logger = new Logger('Exports');

  constructor(private readonly exports: ExportsService) {}

  /**
   * The journal as CSV, XLSX, hledger/ledger or beancount, streamed. Any role may read the books it can see. The
   * XLSX header row follows Accept-Language (Vietnamese by default); the CSV keeps its machine-readable names.
   */
  @Get('journal')
  @ApiProduces(...new Set(Object.values(FORMATS).map((f) => f.contentType)))
  @ApiOkResponse({ description: 'The journal file, streamed (chunked)' })
  async journal(
    @CurrentActor() actor: Actor,
    @Query() q: JournalExportQuery,
    @Res() res: Response,
    @RequestLanguage() lang: Language,
  ): Promise<void> {
    const plan = {
      ...(await this.exports.plan(actor, exportParameters(q), `journal (${q.format})`)),
      language: lang,
    };
    const format = FORMATS[q.format];
    this.headers(res, plan, format.contentType, this.exports.fileName(plan, 'journal', format.extension));
    await this.stream(res, () => this.exports.writeJournal(plan, q.format, res));
  }

  /** The audit bundle: every format, the trial balance and a manifest of SHA-256 sums, as a zip. */
  @Get('bundle')
  @Roles('auditor', 'admin')
  @ApiProduces('application/zip')
  @ApiOkResponse({
    description:
      'A zip: manifest.json, journal.csv, journal.xlsx, journal.hledger, journal.beancount, trial-balance.json',
  })
  async bundle(
    @CurrentActor() actor: Actor,
    @Query() q: BundleExportQuery,
    @Res() res: Response,
    @RequestLanguage() lang: Language,
  ): Promise<void> {
    const plan = {
      ...(await this.exports.plan(actor, exportParameters(q), 'bundle')),
      language: lang,
    };
    this.headers(res, plan, 'application/zip', this.exports.fileName(plan, 'audit-bundle', 'zip'));
    await this.stream(res, () => this.exports.writeBundle(plan, res));
  }

  private headers(res: Response, plan: ExportPlan, contentType: string, fileName: string): void {
    res.status(200);
    res.setHeader('Content-Type', contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
    // What the file holds, before it arrives: the entries and the chain head it stops at.
    res.setHeader('X-Export-Entries', String(plan.entryCount));
    res.setHeader('X-Chain-Head', plan.chainHead.hash);
  }

  /**
   * Once the first byte is sent the status is 200 for good, so a failure half-way can only cut the connection:
   * the client then sees an incomplete transfer, never a short file that looks whole.
   */
  private async stream(res: Response, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      if (!res.destroyed) res.destroy();
      if (error instanceof OutputClosedError) return;
      const err = error instanceof Error ? error : new Error(String(error));
      this.logger.error({
        requestId: requestContext.get()?.requestId,
        err: { name: err.name, message: err.message, stack: err.stack },
      });
    }
  }
}
