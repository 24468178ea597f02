import {
  Controller,
  Get,
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
import * as fs from 'node:fs';
import * as path from 'node:path';
import { todayInVietnam } from '../common/clock';
import { IgnoresIdempotencyKey, Public } from '../common/decorators';
import { DATA_DIR } from '../common/paths';
import { DONOR_KINDS } from '../contributions/entities';
import { renderStatement } from '../documents/statement.renderer';
import {
  statementCsv,
  statementDocumentView,
  statementFileName,
  statementXlsx,
} from '../reports/statement-export';
import { STATEMENT_PURPOSES } from '../reports/statement-figures';
import { ClaimsFile, MAX_CLAIMS_FILE_BYTES, parseClaims } from '../reports/claims';
import { MULTIPART_OPTIONS, UploadInterceptor, type UploadedDiskFile } from '../imports/upload';
import { AdminErrorsFilter } from './admin-errors.filter';
import { pageOf, pager } from './contributions.controller';
import {
  addError,
  emptyErrors,
  FormErrors,
  hasErrors,
  parseDateInput,
  serviceError,
  showDate,
} from './forms';
import { tFor } from './i18n';
import { AdminServices } from './services';
import { AdminSessionMiddleware } from './session.middleware';
import { AdminRequest, AdminViews, langOf, money, requireActor } from './views';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CLAIMS_DIR = path.join(DATA_DIR, 'claims');
/** An uploaded claim travels to its drill-down in the link, as base64url JSON: at most this long. */
const MAX_CLAIM_PARAM_CHARS = 8000;

/** One claim of an uploaded file as a file of its own, for its drill-down link (checked again when it comes back). */
function claimParam(file: ClaimsFile, index: number): string {
  const one = { title: file.title, source: file.source, claims: [file.claims[index]] };
  // parseClaims gives absent fields as null; a claims file leaves them out.
  const json = JSON.stringify(one, (_key, value: unknown) => (value === null ? undefined : value));
  return Buffer.from(json, 'utf8').toString('base64url');
}

interface Range {
  from: string;
  to: string;
  consolidated: boolean;
  typed: { from: string; to: string };
  errors: FormErrors;
}

/** Reads "Từ ngày", "Đến ngày" (dd/mm/yyyy) and "Hợp nhất"; by default the current year. */
function rangeOf(query: Record<string, unknown>, t: (k: string) => string): Range {
  const errors = emptyErrors();
  const year = todayInVietnam().slice(0, 4);
  const typed = {
    from: typeof query.from === 'string' ? query.from.trim() : showDate(`${year}-01-01`),
    to: typeof query.to === 'string' ? query.to.trim() : showDate(todayInVietnam()),
  };
  const from = parseDateInput(typed.from);
  const to = parseDateInput(typed.to);
  if (!from) addError(errors, 'from', t('forms.badDate'));
  if (!to) addError(errors, 'to', t('forms.badDate'));
  const consolidated = query.consolidated === 'on' || query.consolidated === 'true';
  return { from: from ?? `${year}-01-01`, to: to ?? todayInVietnam(), consolidated, typed, errors };
}

/** Reports: the statement with its chart and downloads, the trial balance, and the claims reconciliation. */
@ApiExcludeController()
@Public()
@Controller('admin/reports')
@UseFilters(AdminErrorsFilter)
export class AdminReportsController {
  constructor(
    private readonly views: AdminViews,
    private readonly services: AdminServices,
    private readonly session: AdminSessionMiddleware,
  ) {}

  /** The statement of receipts and disbursements on screen, with its chart and PDF, XLSX and CSV links. */
  @Get()
  async statement(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const actor = requireActor(req);
    const t = tFor(langOf(req));
    const { selected } = await this.views.fundChoice(req);
    const range = rangeOf(query, t);
    const report =
      selected && !hasErrors(range.errors)
        ? await this.services.statements.statement(actor, selected, range.from, range.to, range.consolidated)
        : null;
    const params = new URLSearchParams({
      fund: selected ?? '',
      from: range.from,
      to: range.to,
      consolidated: String(range.consolidated),
    }).toString();
    const years = report?.years ?? [];
    await this.views.page(
      req,
      res,
      'reports',
      {
        tab: 'statement',
        range,
        report,
        params,
        donorKinds: report
          ? DONOR_KINDS.map((k) => ({ key: k, amount: report.receipts.byDonorKind[k] ?? '0' }))
          : [],
        purposes: report
          ? STATEMENT_PURPOSES.map((p) => ({ key: p, ...report.disbursements.byPurpose[p] })).filter(
              (p) => p.amount && p.amount !== '0',
            )
          : [],
        years,
        chart: years.length
          ? {
              labels: years.map((y) => String(y.year)),
              receipts: years.map((y) => y.receipts),
              disbursements: years.map((y) => y.disbursements),
              receiptsLabel: t('dashboard.receipts'),
              disbursementsLabel: t('dashboard.disbursements'),
            }
          : null,
        chartText: years
          .map(
            (y) =>
              `${y.year}: ${t('dashboard.receipts')} ${money(y.receipts)}, ${t('dashboard.disbursements')} ${money(y.disbursements)}`,
          )
          .join('; '),
      },
      { title: t('reports.statement'), errors: hasErrors(range.errors) ? range.errors : undefined },
    );
  }

  /** The statement as a file: the very exports of GET /api/reports/statement. */
  @Get('statement.:format')
  async download(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const actor = requireActor(req);
    const format = String(req.params.format);
    const t = tFor(langOf(req));
    const fund =
      typeof query.fund === 'string' ? query.fund : ((await this.views.fundChoice(req)).selected ?? '');
    const from = parseDateInput(typeof query.from === 'string' ? query.from : '');
    const to = parseDateInput(typeof query.to === 'string' ? query.to : '');
    if (!from || !to || !['pdf', 'xlsx', 'csv'].includes(format)) {
      res.status(400).type('text').send(t('forms.badDate'));
      return;
    }
    const report = await this.services.statements.statement(
      actor,
      fund,
      from,
      to,
      query.consolidated === 'true',
    );
    let body: Buffer;
    let type: string;
    if (format === 'pdf') {
      body = await renderStatement(statementDocumentView(report));
      type = 'application/pdf';
    } else if (format === 'xlsx') {
      body = await statementXlsx(report);
      type = XLSX_TYPE;
    } else {
      body = statementCsv(report);
      type = 'text/csv; charset=utf-8';
    }
    res.setHeader('Content-Type', type);
    res.setHeader(
      'Content-Disposition',
      `${format === 'pdf' ? 'inline' : 'attachment'}; filename="${statementFileName(report, format)}"`,
    );
    res.send(body);
  }

  /** The trial balance (Bảng cân đối tài khoản) at a date. */
  @Get('trial-balance')
  async trialBalance(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Query() query: Record<string, unknown>,
  ) {
    const actor = requireActor(req);
    const t = tFor(langOf(req));
    const { selected } = await this.views.fundChoice(req);
    const range = rangeOf(query, t);
    const balance =
      selected && !hasErrors(range.errors)
        ? await this.services.reports.trialBalance(actor, selected, range.to, range.consolidated)
        : null;
    await this.views.page(
      req,
      res,
      'reports',
      { tab: 'trial', range, balance },
      { title: t('reports.trial'), errors: hasErrors(range.errors) ? range.errors : undefined },
    );
  }

  /** Each claim of a claims file against the books, with its verdict, difference and tolerance. */
  @Get('claims')
  async claims(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const actor = requireActor(req);
    const t = tFor(langOf(req));
    const files = this.claimsFiles();
    const name = typeof query.claims === 'string' && files.includes(query.claims) ? query.claims : files[0];
    const report = name ? await this.services.claims.reconcile(actor, name) : null;
    await this.views.page(
      req,
      res,
      'reports',
      {
        tab: 'claims',
        files: files.map((f) => ({ name: f, selected: f === name })),
        claimsName: name,
        claimsReport: report,
      },
      { title: t('reports.claims') },
    );
  }

  /** A claims file from the user's computer, checked as data/claims files are, reconciled without being kept. */
  @Post('claims/upload')
  @IgnoresIdempotencyKey()
  @UseInterceptors(FileInterceptor('file', MULTIPART_OPTIONS), UploadInterceptor)
  async uploadClaims(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @UploadedFile() upload: UploadedDiskFile | undefined,
  ) {
    // The multipart body is parsed only now: its CSRF token is checked here, before anything is read.
    if (!this.session.csrf.validateRequest(req)) return this.session.refuse(req, res);
    const actor = requireActor(req);
    const t = tFor(langOf(req));
    const errors = emptyErrors();
    let report = null;
    let links: string[] = [];
    try {
      if (!upload || upload.size === 0) addError(errors, 'file', t('imports.noFile'));
      else if (upload.size > MAX_CLAIMS_FILE_BYTES)
        addError(errors, 'file', t('reports.claimsTooLarge', { max: String(MAX_CLAIMS_FILE_BYTES) }));
      else {
        const file = parseClaims(fs.readFileSync(upload.path, 'utf8'), upload.originalname);
        report = await this.services.claims.reconcileFile(actor, file, 'uploaded');
        links = file.claims.map(
          (_, index) => `/admin/reports/claims-uploaded?claim=${claimParam(file, index)}`,
        );
      }
    } catch (error) {
      const known = serviceError(error);
      if (!known) throw error;
      for (const message of known.messages) addError(errors, 'file', message);
    } finally {
      if (upload) fs.rmSync(upload.path, { force: true });
    }
    if (hasErrors(errors)) res.status(422);
    await this.views.page(
      req,
      res,
      'reports',
      {
        tab: 'claims',
        files: this.claimsFiles().map((f) => ({ name: f, selected: false })),
        uploadedName: upload?.originalname,
        claimsReport: report
          ? { ...report, claims: report.claims.map((c, i) => ({ ...c, link: links[i] })) }
          : null,
      },
      { title: t('reports.claims'), errors: hasErrors(errors) ? errors : undefined },
    );
  }

  /** The drill-down of one claim of an uploaded file, which its link carries. */
  @Get('claims-uploaded')
  async uploadedDrill(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Query() query: Record<string, unknown>,
  ) {
    const actor = requireActor(req);
    const t = tFor(langOf(req));
    const param = typeof query.claim === 'string' ? query.claim : '';
    if (!param || param.length > MAX_CLAIM_PARAM_CHARS || !/^[\w-]+$/.test(param)) {
      res.status(400).type('text').send(t('reports.claimLinkBroken'));
      return;
    }
    const file = parseClaims(Buffer.from(param, 'base64url').toString('utf8'), 'claim');
    const page = pageOf(query.page);
    const drill = await this.services.claims.entriesOf(actor, file, 'uploaded', 0, page, 50);
    await this.views.page(
      req,
      res,
      'reports',
      {
        tab: 'drill',
        drill,
        uploaded: true,
        isPayouts: drill.kind === 'households',
        pager: pager('/admin/reports/claims-uploaded', query, page, 50, drill.total),
      },
      { title: `${t('reports.claims')} — ${drill.claim.label}` },
    );
  }

  private claimsFiles(): string[] {
    return fs
      .readdirSync(CLAIMS_DIR)
      .filter((f) => f.endsWith('.json') && f !== 'test-fixture.json')
      .map((f) => f.slice(0, -5));
  }

  /** The entries, or the households, behind one claim's figure. */
  @Get('claims/:name/:index')
  async claimDrill(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const actor = requireActor(req);
    const t = tFor(langOf(req));
    const name = String(req.params.name);
    const index = /^\d{1,4}$/.test(String(req.params.index)) ? Number(req.params.index) : 0;
    const page = pageOf(query.page);
    const drill = await this.services.claims.entries(actor, name, index, page, 50);
    await this.views.page(
      req,
      res,
      'reports',
      {
        tab: 'drill',
        drill,
        isPayouts: drill.kind === 'households',
        pager: pager(`/admin/reports/claims/${name}/${index}`, query, page, 50, drill.total),
      },
      { title: `${t('reports.claims')} — ${drill.claim.label}` },
    );
  }
}
