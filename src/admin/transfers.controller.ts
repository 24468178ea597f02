import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../common/actor';
import { todayInVietnam } from '../common/clock';
import { IgnoresIdempotencyKey, Public } from '../common/decorators';
import { amountInWords } from '../common/number-words';
import { CreateTransferDto, ListTransfersQuery, ReverseTransferDto } from '../transfers/dto';
import { AdminErrorsFilter } from './admin-errors.filter';
import { pageOf, pager, parseId } from './contributions.controller';
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
import { AdminServices } from './services';
import { AdminRequest, AdminViews, canWrite, langOf, requireActor, requireWriter } from './views';

const PAGE_SIZE = 25;
const FIELDS = ['fromFund', 'toFund', 'amount', 'date', 'method', 'description'];

/** Transfers between funds: the list, the form, and one transfer with both linked entries and its reversal. */
@ApiExcludeController()
@Public()
@Controller('admin/transfers')
@UseFilters(AdminErrorsFilter)
export class AdminTransfersController {
  constructor(
    private readonly views: AdminViews,
    private readonly services: AdminServices,
  ) {}

  @Get()
  async list(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const actor = requireActor(req);
    const { selected } = await this.views.fundChoice(req);
    const page = pageOf(query.page);
    const found = await this.services.transfers.list(
      actor,
      Object.assign(new ListTransfersQuery(), { fund: selected ?? undefined, page, pageSize: PAGE_SIZE }),
    );
    await this.views.page(
      req,
      res,
      'transfers',
      {
        items: found.items,
        total: found.total,
        pager: pager('/admin/transfers', query, page, PAGE_SIZE, found.total),
      },
      { title: tFor(langOf(req))('transfers.title') },
    );
  }

  @Get('new')
  async newForm(@Req() req: AdminRequest, @Res() res: Response) {
    requireWriter(req);
    const { selected } = await this.views.fundChoice(req);
    await this.renderForm(req, res, {
      fromFund: selected ?? '',
      toFund: '',
      amount: '',
      date: showDate(todayInVietnam()),
      method: 'bank',
      description: '',
      idempotencyKey: randomUUID(),
    });
  }

  @Post()
  async create(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const actor = requireWriter(req);
    const t = tFor(langOf(req));
    const form: Record<string, string> = { idempotencyKey: text(body, 'idempotencyKey') || randomUUID() };
    for (const f of FIELDS) form[f] = text(body, f);
    const errors = emptyErrors();
    const date = parseDateInput(form.date);
    if (!date) addError(errors, 'date', t('forms.badDate'));
    const amount = parseAmountInput(form.amount);
    if (!amount) addError(errors, 'amount', t('forms.badAmount'));
    const plain: Record<string, unknown> = {
      fromFund: form.fromFund,
      toFund: form.toFund,
      amount: amount ?? form.amount,
      date: date ?? form.date,
      method: form.method,
    };
    if (form.description) plain.description = form.description;
    const dto = await checkDto(CreateTransferDto, plain, hasErrors(errors) ? emptyErrors() : errors);
    if (hasErrors(errors)) return this.renderForm(req, res, form, errors, 400);
    try {
      const created = await onceFor(form.idempotencyKey, 'POST /admin/transfers', plain, () =>
        this.services.transfers.create(actor, dto),
      );
      res.redirect(303, `/admin/transfers/${created.id}?created=1`);
    } catch (error) {
      const refused = refusal(error, FIELDS);
      if (!refused) throw error;
      return this.renderForm(req, res, form, refused.errors, refused.status);
    }
  }

  @Get(':id')
  async show(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Query() query: Record<string, unknown>,
  ) {
    const actor = requireActor(req);
    await this.renderShow(req, res, actor, parseId(rawId, 'transfer'), { created: query.created === '1' });
  }

  /** Reverses both entries together (POST /api/transfers/:id/reverse). */
  @Post(':id/reverse')
  @IgnoresIdempotencyKey()
  async reverse(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Body() body: Record<string, unknown>,
  ) {
    const actor = requireWriter(req);
    const t = tFor(langOf(req));
    const id = parseId(rawId, 'transfer');
    const reason = text(body, 'reason');
    const rawDate = text(body, 'date');
    const errors = emptyErrors();
    const date = parseDateInput(rawDate);
    if (!date) addError(errors, 'date', t('forms.badDate'));
    const dto = await checkDto(
      ReverseTransferDto,
      { reason, date: date ?? rawDate },
      hasErrors(errors) ? emptyErrors() : errors,
    );
    const typed = { reverseReason: reason, reverseDate: rawDate, openReverse: true };
    if (hasErrors(errors)) return this.renderShow(req, res, actor, id, typed, errors, 400);
    try {
      await this.services.transfers.reverse(actor, id, dto);
      return res.redirect(303, `/admin/transfers/${id}`);
    } catch (error) {
      const refused = refusal(error, ['reason', 'date']);
      if (!refused) throw error;
      return this.renderShow(req, res, actor, id, typed, refused.errors, refused.status);
    }
  }

  private async renderForm(
    req: AdminRequest,
    res: Response,
    form: Record<string, string>,
    errors?: FormErrors,
    status = 200,
  ) {
    const actor = requireActor(req);
    const funds = (await this.services.funds.list(actor)).filter((f) => f.status === 'active');
    const digits = parseAmountInput(form.amount);
    await this.views.page(
      req,
      res,
      'transfer-new',
      {
        form,
        funds,
        words: digits && digits !== '0' ? amountInWords(digits) : '',
      },
      { title: tFor(langOf(req))('transfers.new'), errors, status },
    );
  }

  private async renderShow(
    req: AdminRequest,
    res: Response,
    actor: Actor,
    id: number,
    extra: Record<string, unknown>,
    errors?: FormErrors,
    status = 200,
  ) {
    const transfer = await this.services.transfers.get(actor, id);
    await this.views.page(
      req,
      res,
      'transfer',
      {
        tr: transfer,
        words: amountInWords(transfer.amount),
        canReverse: canWrite(actor) && transfer.status === 'posted',
        reverseDate: showDate(todayInVietnam()),
        ...extra,
      },
      { title: `${tFor(langOf(req))('transfers.one')} ${transfer.reference}`, errors, status },
    );
  }
}
