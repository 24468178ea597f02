import {
  Body,
  Controller,
  Get,
  Param,
  Post,
  Query,
  Req,
  Res,
  UploadedFile,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { IgnoresIdempotencyKey, Public } from '../common/decorators';
import type { MatchView, ReconciliationReport } from '../bank-reconciliation/bank-reconciliation.service';
import type { StatementImportReport } from '../bank-reconciliation/statement-import.service';
import { MatchDto, UndoMatchDto } from '../bank-reconciliation/dto';
import { ImportRejectedError } from '../imports/import-run';
import { MULTIPART_OPTIONS, UploadInterceptor, type UploadedDiskFile } from '../imports/upload';
import { AdminErrorsFilter } from './admin-errors.filter';
import { parseId } from './contributions.controller';
import {
  addError,
  checkDto,
  emptyErrors,
  FormErrors,
  hasErrors,
  parseDateInput,
  refusal,
  serviceError,
  showDate,
  text,
} from './forms';
import { tFor } from './i18n';
import { AdminServices } from './services';
import { AdminSessionMiddleware } from './session.middleware';
import { AdminRequest, AdminViews, canWrite, langOf, requireActor, requireWriter } from './views';

const BASE = '/admin/reports/bank';

interface BankRange {
  /** As typed (dd/mm/yyyy), for the form. */
  typed: { from: string; to: string };
  from: string | undefined;
  to: string | undefined;
  errors: FormErrors;
}

/** "Từ ngày" and "Đến ngày", both optional: by default every line up to today. */
function rangeOf(source: Record<string, unknown>, t: (key: string) => string): BankRange {
  const errors = emptyErrors();
  const typed = {
    from: typeof source.from === 'string' ? source.from.trim().slice(0, 20) : '',
    to: typeof source.to === 'string' ? source.to.trim().slice(0, 20) : '',
  };
  const date = (name: 'from' | 'to') => {
    if (!typed[name]) return undefined;
    const iso = parseDateInput(typed[name]);
    if (!iso) addError(errors, name, t('forms.badDate'));
    return iso ?? undefined;
  };
  return { typed, from: date('from'), to: date('to'), errors };
}

/**
 * The matcher's basis ("same reference PT-2023-000001; 1 day apart", "sum of 3 book lines; same day") in the
 * page's language, part by part; a part it does not know is shown as written.
 */
export function basisText(
  basis: string,
  t: (key: string, options?: Record<string, unknown>) => string,
): string {
  const patterns: [RegExp, string][] = [
    [/^same reference (.+)$/, 'bank.basis.sameReference'],
    [/^reference (.+) in the entry$/, 'bank.basis.referenceInEntry'],
    [/^(.+) in the bank's description$/, 'bank.basis.inDescription'],
    [/^same amount$/, 'bank.basis.sameAmount'],
    [/^same day$/, 'bank.basis.sameDay'],
    [/^(\d+) days? apart$/, 'bank.basis.daysApart'],
    [/^at most (\d+) days? apart$/, 'bank.basis.atMostDaysApart'],
    [/^sum of (\d+) book lines$/, 'bank.basis.sumOf'],
  ];
  return basis
    .split('; ')
    .map((part) => {
      for (const [pattern, key] of patterns) {
        const found = pattern.exec(part);
        if (found) return t(key, { value: found[1] });
      }
      return part;
    })
    .join('; ');
}

/** The range back into the page's query string, as typed. */
function rangeQuery(range: BankRange, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (range.typed.from) params.set('from', range.typed.from);
  if (range.typed.to) params.set('to', range.typed.to);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const query = params.toString();
  return query ? `?${query}` : '';
}

/**
 * Bank/Treasury reconciliation of the selected fund's account 112: upload a statement, run the matcher, confirm
 * or undo its suggestions (each with its confidence and basis), and the report of what is left on each side. The
 * same services and role checks as /api/funds/:code/bank-statements and /api/bank-reconciliation/*.
 */
@ApiExcludeController()
@Public()
@Controller('admin/reports/bank')
@UseFilters(AdminErrorsFilter)
export class AdminBankController {
  constructor(
    private readonly views: AdminViews,
    private readonly services: AdminServices,
    private readonly session: AdminSessionMiddleware,
  ) {}

  @Get()
  async page(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    requireActor(req);
    const t = tFor(langOf(req));
    const range = rangeOf(query, t);
    const done = typeof query.done === 'string' ? query.done : '';
    const notice = ['proposed', 'confirmed', 'undone', 'interest', 'fee'].includes(done)
      ? t(`bank.done.${done}`, { count: typeof query.count === 'string' ? query.count : '0' })
      : null;
    await this.render(req, res, range, { notice }, range.errors);
  }

  /** A statement file (CSV or XLSX, as the API takes it): imported at once; re-importing adds nothing. */
  @Post('statements')
  @IgnoresIdempotencyKey()
  @UseInterceptors(FileInterceptor('file', MULTIPART_OPTIONS), UploadInterceptor)
  async upload(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @UploadedFile() file: UploadedDiskFile | undefined,
  ) {
    // The multipart body is parsed only now: its CSRF token is checked here, before anything is read or written.
    if (!this.session.csrf.validateRequest(req)) return this.session.refuse(req, res);
    const actor = requireWriter(req);
    const t = tFor(langOf(req));
    const range = rangeOf({}, t);
    const fund = await this.fund(req);
    const errors = emptyErrors();
    if (!file || file.size === 0) {
      addError(errors, 'file', t('imports.noFile'));
      return this.render(req, res, range, {}, errors, 400);
    }
    try {
      const imported = await this.services.statementImports.importStatement(actor, fund, {
        path: file.path,
        name: file.originalname,
      });
      return this.render(req, res, range, { imported: this.importedView(imported) });
    } catch (error) {
      if (error instanceof ImportRejectedError) {
        for (const row of error.badRows)
          addError(errors, 'file', `${t('bank.line')} ${row.line}: ${row.errors.join('; ')}`);
        return this.render(req, res, range, {}, errors, 422);
      }
      const known = serviceError(error);
      if (!known) throw error;
      for (const message of known.messages) addError(errors, 'file', message);
      return this.render(req, res, range, {}, errors, known.status);
    }
  }

  /** Runs the matcher over the range: its suggestions wait for a person to confirm or undo them. */
  @Post('match')
  @IgnoresIdempotencyKey()
  async match(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const actor = requireWriter(req);
    const t = tFor(langOf(req));
    const range = rangeOf(body, t);
    const windowRaw = text(body, 'windowDays');
    const plain: Record<string, unknown> = {};
    if (range.from) plain.from = range.from;
    if (range.to) plain.to = range.to;
    if (windowRaw) plain.windowDays = /^\d{1,3}$/.test(windowRaw) ? Number(windowRaw) : windowRaw;
    const errors = range.errors;
    const dto = await checkDto(MatchDto, plain, errors);
    if (hasErrors(errors)) return this.render(req, res, range, { windowDays: windowRaw }, errors, 400);
    try {
      const run = await this.services.bank.match(actor, await this.fund(req), dto);
      res.redirect(303, `${BASE}${rangeQuery(range, { done: 'proposed', count: String(run.proposed) })}`);
    } catch (error) {
      const refused = refusal(error, ['from', 'to', 'windowDays']);
      if (!refused) throw error;
      return this.render(req, res, range, { windowDays: windowRaw }, refused.errors, refused.status);
    }
  }

  @Post('matches/:id/confirm')
  @IgnoresIdempotencyKey()
  async confirm(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Body() body: Record<string, unknown>,
  ) {
    const actor = requireWriter(req);
    const range = rangeOf(body, tFor(langOf(req)));
    try {
      await this.services.bank.confirm(actor, parseId(rawId, 'bank match'));
      res.redirect(303, `${BASE}${rangeQuery(range, { done: 'confirmed', count: rawId })}#match-${rawId}`);
    } catch (error) {
      const refused = refusal(error, []);
      if (!refused) throw error;
      return this.render(req, res, range, {}, refused.errors, refused.status);
    }
  }

  /** Undoes a suggested or confirmed match: both sides' lines are free again, and never suggested together again. */
  @Post('matches/:id/undo')
  @IgnoresIdempotencyKey()
  async undo(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Body() body: Record<string, unknown>,
  ) {
    const actor = requireWriter(req);
    const range = rangeOf(body, tFor(langOf(req)));
    const reason = text(body, 'reason');
    const errors = emptyErrors();
    const dto = await checkDto(UndoMatchDto, reason ? { reason } : {}, errors);
    if (hasErrors(errors)) return this.render(req, res, range, {}, errors, 400);
    try {
      await this.services.bank.undo(actor, parseId(rawId, 'bank match'), dto);
      res.redirect(303, `${BASE}${rangeQuery(range, { done: 'undone', count: rawId })}`);
    } catch (error) {
      const refused = refusal(error, ['reason']);
      if (!refused) throw error;
      return this.render(req, res, range, {}, refused.errors, refused.status);
    }
  }

  /** Books interest (money in) or a bank fee (money out) from an unmatched statement line, already matched. */
  @Post('lines/:id/book')
  @IgnoresIdempotencyKey()
  async book(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Body() body: Record<string, unknown>,
  ) {
    const actor = requireWriter(req);
    const range = rangeOf(body, tFor(langOf(req)));
    const kind = text(body, 'kind') === 'interest' ? 'interest' : 'fee';
    try {
      const booked = await this.services.bank.bookLine(actor, parseId(rawId, 'bank statement line'), kind);
      res.redirect(
        303,
        `${BASE}${rangeQuery(range, { done: kind === 'interest' ? 'interest' : 'fee', count: String(booked.advice.entryId) })}`,
      );
    } catch (error) {
      const refused = refusal(error, []);
      if (!refused) throw error;
      return this.render(req, res, range, {}, refused.errors, refused.status);
    }
  }

  private async fund(req: AdminRequest): Promise<string> {
    const { selected } = await this.views.fundChoice(req);
    return selected ?? '';
  }

  private importedView(report: StatementImportReport) {
    return { ...report, periodFrom: showDate(report.periodFrom), periodTo: showDate(report.periodTo) };
  }

  private async render(
    req: AdminRequest,
    res: Response,
    range: BankRange,
    extra: Record<string, unknown>,
    errors?: FormErrors,
    status = 200,
  ) {
    const actor = requireActor(req);
    const t = tFor(langOf(req));
    const fund = await this.fund(req);
    let report: ReconciliationReport | null = null;
    let reportErrors: string[] = [];
    if (fund && !hasErrors(range.errors)) {
      try {
        report = await this.services.bank.report(actor, fund, { from: range.from, to: range.to });
      } catch (error) {
        const known = serviceError(error);
        if (!known || known.status >= 500) throw error;
        reportErrors = known.messages;
      }
    }
    const matchView = (m: MatchView) => ({
      ...m,
      confidenceText: t(`bank.confidence.${m.confidence}`),
      confidenceClass: { high: 'text-bg-success', medium: 'text-bg-warning', low: 'text-bg-secondary' }[
        m.confidence
      ],
      basisText: basisText(m.basis, t),
    });
    await this.views.page(
      req,
      res,
      'bank',
      {
        range,
        rangeFields: { from: range.typed.from, to: range.typed.to },
        report: report && {
          ...report,
          proposed: report.proposed.map(matchView),
          matched: report.matched.map(matchView),
        },
        reportErrors,
        canWrite: canWrite(actor),
        ...extra,
      },
      { title: t('bank.title'), errors, status },
    );
  }
}
