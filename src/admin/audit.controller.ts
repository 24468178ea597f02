import { Controller, Get, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { assertUnscoped, type Actor } from '../common/actor';
import { IgnoresIdempotencyKey, Public } from '../common/decorators';
import { ForbiddenError } from '../common/errors';
import { EXPORT_FORMATS } from '../exports/export.types';
import { FORMATS } from '../exports/formats';
import type { VerifyReport } from '../ledger/verify.service';
import { AdminErrorsFilter } from './admin-errors.filter';
import { pageOf, pager } from './contributions.controller';
import { showDateTime } from './dashboard.controller';
import { addError, emptyErrors, hasErrors, parseDateInput } from './forms';
import { tFor } from './i18n';
import { AdminQueries } from './queries';
import { AdminServices } from './services';
import { AdminRequest, AdminViews, langOf, requireActor } from './views';

const PAGE_SIZE = 50;

/** The auditor's and the admin's: the whole audit trail, like GET /api/audit/*. */
function requireAuditor(req: AdminRequest): Actor {
  const actor = requireActor(req);
  if (actor.role !== 'auditor' && actor.role !== 'admin')
    throw new ForbiddenError(`role ${actor.role} may not read the audit trail`);
  assertUnscoped(actor, 'read the whole audit trail');
  return actor;
}

/** Audit: verify the chain (and when it last ran), the audit log with filters, the exports and the audit bundle. */
@ApiExcludeController()
@Public()
@Controller('admin/audit')
@UseFilters(AdminErrorsFilter)
export class AdminAuditController {
  constructor(
    private readonly views: AdminViews,
    private readonly services: AdminServices,
    private readonly queries: AdminQueries,
  ) {}

  @Get()
  async page(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    requireAuditor(req);
    await this.render(req, res, query, null);
  }

  /** Runs the verification (the run is kept, with its time and result) and shows the result. */
  @Post('verify')
  @IgnoresIdempotencyKey()
  async verify(@Req() req: AdminRequest, @Res() res: Response) {
    requireAuditor(req);
    const report = await this.services.audit.verify();
    await this.render(req, res, {}, report);
  }

  /** The journal of a fund and range in one of the auditors' formats, streamed as the API does. */
  @Get('export')
  async export(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const actor = requireAuditor(req);
    const format = EXPORT_FORMATS.find((f) => f === query.format) ?? 'csv';
    const plan = await this.services.exports.plan(actor, this.parameters(query), `journal (${format})`);
    const spec = FORMATS[format];
    res.setHeader('Content-Type', spec.contentType);
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="${this.services.exports.fileName(plan, 'journal', spec.extension)}"`,
    );
    await this.services.exports.writeJournal(plan, format, res);
  }

  @Get('bundle.zip')
  async bundle(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const actor = requireAuditor(req);
    const plan = await this.services.exports.plan(actor, this.parameters(query), 'bundle');
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="${this.services.exports.fileName(plan, 'audit-bundle', 'zip')}"`,
    );
    res.setHeader('X-Export-Entries', String(plan.entryCount));
    await this.services.exports.writeBundle(plan, res);
  }

  private parameters(query: Record<string, unknown>) {
    const str = (name: string) => (typeof query[name] === 'string' ? query[name] : '');
    return {
      fund: str('fund') || null,
      from: parseDateInput(str('from')),
      to: parseDateInput(str('to')),
      consolidated: false,
    };
  }

  private async render(
    req: AdminRequest,
    res: Response,
    query: Record<string, unknown>,
    report: VerifyReport | null,
  ) {
    const t = tFor(langOf(req));
    const str = (name: string) => (typeof query[name] === 'string' ? query[name].trim().slice(0, 100) : '');
    const errors = emptyErrors();
    const date = (name: string) => {
      const raw = str(name);
      if (!raw) return undefined;
      const iso = parseDateInput(raw);
      if (!iso) addError(errors, name, t('forms.badDate'));
      return iso ?? undefined;
    };
    const filter = {
      user: str('user'),
      action: str('action'),
      logFund: str('logFund'),
      from: str('from'),
      to: str('to'),
    };
    const page = pageOf(query.page);
    const log = await this.queries.auditPage(
      {
        user: filter.user || undefined,
        action: filter.action || undefined,
        fund: filter.logFund || undefined,
        from: date('from'),
        to: date('to'),
      },
      page,
      PAGE_SIZE,
    );
    const last = await this.services.audit.lastRun();
    const { selected } = await this.views.fundChoice(req);
    await this.views.page(
      req,
      res,
      'audit',
      {
        report,
        last: last ? { ...last, at: showDateTime(last.at) } : null,
        filter,
        log: log.items.map((i) => ({ ...i, at: showDateTime(i.at) })),
        total: log.total,
        formats: EXPORT_FORMATS,
        exportFund: selected,
        pager: pager('/admin/audit', query, page, PAGE_SIZE, log.total),
      },
      { title: t('audit.title'), errors: hasErrors(errors) ? errors : undefined },
    );
  }
}
