import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../common/actor';
import { todayInVietnam } from '../common/clock';
import { IgnoresIdempotencyKey, Public } from '../common/decorators';
import { NotFoundError } from '../common/errors';
import { amountInWords } from '../common/number-words';
import { CreateContributionDto, EmailReceiptDto, VoidContributionDto } from '../contributions/dto';
import { DONOR_KINDS, PAYMENT_METHODS } from '../contributions/entities';
import { AdminErrorsFilter } from './admin-errors.filter';
import {
  addError,
  checkDto,
  emptyErrors,
  FormErrors,
  hasErrors,
  onceFor,
  parseAmountInput,
  parseDateInput,
  refusal,
  showDate,
  text,
} from './forms';
import { tFor } from './i18n';
import { AdminQueries } from './queries';
import { AdminServices } from './services';
import { AdminRequest, AdminViews, canWrite, langOf, money, requireActor, requireWriter } from './views';

const PAGE_SIZE = 25;
const CONTRIBUTION_FIELDS = ['fundCode', 'donorId', 'date', 'amount', 'method', 'campaign', 'purpose'];

export function parseId(raw: string, what: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw new NotFoundError(`${what} ${raw} does not exist`);
  return Number(raw);
}

/** Paging links that keep the other query parameters. */
export function pager(
  path: string,
  query: Record<string, unknown>,
  page: number,
  pageSize: number,
  count: number,
) {
  const pages = Math.max(1, Math.ceil(count / pageSize));
  const link = (p: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query))
      if (typeof v === 'string' && v && k !== 'page') params.set(k, v);
    params.set('page', String(p));
    return `${path}?${params.toString()}`;
  };
  return {
    page,
    pages,
    previous: page > 1 ? link(page - 1) : null,
    next: page < pages ? link(page + 1) : null,
  };
}

export function pageOf(raw: unknown): number {
  const n = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
  return n >= 1 ? n : 1;
}

/** Contributions: the filtered list, quick entry, and one contribution with its receipt. */
@ApiExcludeController()
@Public()
@Controller('admin')
@UseFilters(AdminErrorsFilter)
export class AdminContributionsController {
  constructor(
    private readonly views: AdminViews,
    private readonly services: AdminServices,
    private readonly queries: AdminQueries,
  ) {}

  /** The amount in words as it is typed (htmx). */
  @Get('words')
  words(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>): void {
    requireActor(req);
    const raw = Object.entries(query).find(([k]) => /amount|total/i.test(k))?.[1];
    const digits = typeof raw === 'string' ? parseAmountInput(raw) : null;
    let words = '';
    if (digits && digits !== '0') words = amountInWords(digits);
    else if (typeof raw === 'string' && raw.trim() && !digits) words = tFor(langOf(req))('forms.badAmount');
    res.type('html').send(words.replace(/[<>&]/g, ''));
  }

  @Get('contributions')
  async list(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const actor = requireActor(req);
    const t = tFor(langOf(req));
    const { selected } = await this.views.fundChoice(req);
    const errors = emptyErrors();
    const from = this.optionalDate(query, 'from', errors, t);
    const to = this.optionalDate(query, 'to', errors, t);
    const donorId =
      typeof query.donorId === 'string' && /^\d{1,9}$/.test(query.donorId)
        ? Number(query.donorId)
        : undefined;
    const method = PAYMENT_METHODS.find((m) => m === query.method);
    const status = ['posted', 'voided'].find((s) => s === query.status);
    const campaign = typeof query.campaign === 'string' && query.campaign ? query.campaign : undefined;
    const page = pageOf(query.page);
    const result = await this.queries.contributionPage(
      actor,
      { fund: selected ?? undefined, donorId, method, status, campaign, from, to },
      page,
      PAGE_SIZE,
    );
    const donor = donorId ? await this.services.donors.get(actor, donorId).catch(() => null) : null;
    await this.views.page(
      req,
      res,
      'contributions',
      {
        items: result.items,
        count: result.count,
        total: money(result.total),
        filter: {
          from: typeof query.from === 'string' ? query.from : '',
          to: typeof query.to === 'string' ? query.to : '',
          method,
          status,
          campaign,
          donorId,
          donorName: donor?.name,
        },
        campaigns: await this.services.campaigns.list(),
        methods: PAYMENT_METHODS,
        pager: pager('/admin/contributions', query, page, PAGE_SIZE, result.count),
      },
      { title: t('contributions.title'), errors: hasErrors(errors) ? errors : undefined },
    );
  }

  @Get('contributions/new')
  async newForm(@Req() req: AdminRequest, @Res() res: Response, @Query('donorId') donorId?: string) {
    const actor = requireWriter(req);
    const { selected } = await this.views.fundChoice(req);
    const donor =
      donorId && /^\d{1,9}$/.test(donorId)
        ? await this.services.donors.get(actor, Number(donorId)).catch(() => null)
        : null;
    await this.renderForm(req, res, {
      fundCode: selected ?? '',
      donorId: donor ? String(donor.id) : '',
      donorName: donor?.name ?? '',
      date: showDate(todayInVietnam()),
      amount: '',
      method: 'bank',
      campaign: '',
      purpose: '',
      idempotencyKey: randomUUID(),
    });
  }

  @Post('contributions')
  async create(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const actor = requireWriter(req);
    const t = tFor(langOf(req));
    const form = {
      fundCode: text(body, 'fundCode'),
      donorId: text(body, 'donorId'),
      donorName: '',
      date: text(body, 'date'),
      amount: text(body, 'amount'),
      method: text(body, 'method'),
      campaign: text(body, 'campaign'),
      purpose: text(body, 'purpose'),
      idempotencyKey: text(body, 'idempotencyKey') || randomUUID(),
    };
    const errors = emptyErrors();
    if (!form.donorId) addError(errors, 'donorId', t('forms.required', { field: t('fields.donor') }));
    const date = parseDateInput(form.date);
    if (!date) addError(errors, 'date', t('forms.badDate'));
    const amount = parseAmountInput(form.amount);
    if (!amount) addError(errors, 'amount', t('forms.badAmount'));
    const plain: Record<string, unknown> = {
      fundCode: form.fundCode,
      donorId: Number(form.donorId),
      date: date ?? form.date,
      amount: amount ?? form.amount,
      method: form.method,
    };
    if (form.campaign) plain.campaign = form.campaign;
    if (form.purpose) plain.purpose = form.purpose;
    const dto = await checkDto(CreateContributionDto, plain, hasErrors(errors) ? emptyErrors() : errors);
    if (hasErrors(errors)) return this.refuse(req, res, actor, form, errors, 400);
    try {
      const created = await onceFor(form.idempotencyKey, 'POST /admin/contributions', plain, () =>
        this.services.contributions.create(actor, dto),
      );
      res.redirect(303, `/admin/contributions/${created.id}?created=1`);
    } catch (error) {
      const refused = refusal(error, CONTRIBUTION_FIELDS);
      if (!refused) throw error;
      return this.refuse(req, res, actor, form, refused.errors, refused.status);
    }
  }

  @Get('contributions/:id')
  async show(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Query() query: Record<string, unknown>,
  ) {
    const actor = requireActor(req);
    await this.renderShow(req, res, actor, parseId(rawId, 'contribution'), {
      created: query.created === '1',
      emailed: query.emailed === '1',
    });
  }

  @Get('contributions/:id/receipt.pdf')
  async receipt(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Query('copy') copy?: string,
  ) {
    const actor = requireActor(req);
    const { receiptNo, pdf } = await this.services.receipts.pdf(
      actor,
      parseId(rawId, 'contribution'),
      copy === 'true',
    );
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader(
      'Content-Disposition',
      `inline; filename="${receiptNo}${copy === 'true' ? '-ban-sao' : ''}.pdf"`,
    );
    res.send(pdf);
  }

  @Post('contributions/:id/void')
  async void(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Body() body: Record<string, unknown>,
  ) {
    const actor = requireWriter(req);
    const t = tFor(langOf(req));
    const id = parseId(rawId, 'contribution');
    const errors = emptyErrors();
    const reason = text(body, 'reason');
    if (!reason) addError(errors, 'reason', t('forms.required', { field: t('fields.reason') }));
    const dto = await checkDto(VoidContributionDto, { reason }, hasErrors(errors) ? emptyErrors() : errors);
    if (!hasErrors(errors)) {
      try {
        await this.services.contributions.void(actor, id, dto);
        return res.redirect(303, `/admin/contributions/${id}`);
      } catch (error) {
        const refused = refusal(error, ['reason', 'date']);
        if (!refused) throw error;
        return this.renderShow(
          req,
          res,
          actor,
          id,
          { voidReason: reason, openVoid: true },
          refused.errors,
          refused.status,
        );
      }
    }
    return this.renderShow(req, res, actor, id, { voidReason: reason, openVoid: true }, errors, 400);
  }

  @Post('contributions/:id/email')
  @IgnoresIdempotencyKey()
  async email(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Body() body: Record<string, unknown>,
  ) {
    const actor = requireWriter(req);
    const id = parseId(rawId, 'contribution');
    const to = text(body, 'to');
    const errors = emptyErrors();
    const dto = await checkDto(EmailReceiptDto, to ? { to } : {}, errors);
    if (!hasErrors(errors)) {
      try {
        await this.services.receipts.email(actor, id, dto.to);
        return res.redirect(303, `/admin/contributions/${id}?emailed=1`);
      } catch (error) {
        const known = refusal(error, ['to']);
        if (!known) throw error;
        return this.renderShow(req, res, actor, id, { emailTo: to }, known.errors, known.status);
      }
    }
    return this.renderShow(req, res, actor, id, { emailTo: to }, errors, 400);
  }

  private optionalDate(
    query: Record<string, unknown>,
    name: string,
    errors: FormErrors,
    t: (k: string) => string,
  ) {
    const raw = typeof query[name] === 'string' ? query[name].trim() : '';
    if (!raw) return undefined;
    const iso = parseDateInput(raw);
    if (!iso) addError(errors, name, t('forms.badDate'));
    return iso ?? undefined;
  }

  private async renderShow(
    req: AdminRequest,
    res: Response,
    actor: Actor,
    id: number,
    extra: Record<string, unknown>,
    errors?: FormErrors,
    status = 200,
  ): Promise<void> {
    const c = await this.services.contributions.get(actor, id);
    const deliveries = await this.services.receipts.deliveries(actor, id);
    const t = tFor(langOf(req));
    await this.views.page(
      req,
      res,
      'contribution',
      {
        c,
        words: amountInWords(c.amount),
        deliveries,
        voided: c.status === 'voided',
        canAct: canWrite(actor) && c.status !== 'voided',
        canEmail: canWrite(actor),
        ...extra,
      },
      { title: `${t('fields.receiptNo')} ${c.receiptNo}`, errors, status },
    );
  }

  private async renderForm(
    req: AdminRequest,
    res: Response,
    form: Record<string, string>,
    errors?: FormErrors,
    status = 200,
  ) {
    const actor = requireActor(req);
    const t = tFor(langOf(req));
    const funds = await this.services.funds.list(actor);
    await this.views.page(
      req,
      res,
      'contribution-new',
      {
        form,
        funds: funds.filter((f) => f.status === 'active' || f.code === form.fundCode),
        methods: PAYMENT_METHODS,
        kinds: DONOR_KINDS,
        campaigns: await this.services.campaigns.list(),
        words: (() => {
          const digits = parseAmountInput(form.amount);
          return digits && digits !== '0' ? amountInWords(digits) : '';
        })(),
      },
      { title: t('contributions.new'), errors, status },
    );
  }

  private async refuse(
    req: AdminRequest,
    res: Response,
    actor: Actor,
    form: Record<string, string>,
    errors: FormErrors,
    status: number,
  ) {
    if (/^\d{1,9}$/.test(form.donorId)) {
      const donor = await this.services.donors.get(actor, Number(form.donorId)).catch(() => null);
      form.donorName = donor?.name ?? '';
    }
    await this.renderForm(req, res, form, errors, status);
  }
}
