import { Body, Controller, Get, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { todayInVietnam } from '../common/clock';
import { Public } from '../common/decorators';
import { AddBatchMembersDto, CreateBatchDto } from '../contributions/dto';
import { PAYMENT_METHODS } from '../contributions/entities';
import { AdminErrorsFilter } from './admin-errors.filter';
import {
  addError,
  checkDto,
  emptyErrors,
  FormErrors,
  hasErrors,
  list,
  once,
  parseAmountInput,
  parseDateInput,
  refusal,
  showDate,
  text,
} from './forms';
import { tFor } from './i18n';
import { AdminServices } from './services';
import { AdminRequest, AdminViews, langOf, money, requireActor, requireWriter } from './views';

const BATCH_FIELDS = [
  'fundCode',
  'donorId',
  'date',
  'method',
  'description',
  'expectedCount',
  'expectedTotal',
  'campaign',
];
const BLANK_ROWS = 3;

interface BatchForm {
  fundCode: string;
  donorId: string;
  donorName: string;
  date: string;
  method: string;
  description: string;
  expectedCount: string;
  expectedTotal: string;
  members: { name: string; amount: string }[];
  idempotencyKey: string;
}

/**
 * One agency's staff list: control count and total first, then the rows. Saving is refused while they differ —
 * checked here before anything is written, and again by the batch service when it closes the batch.
 */
@ApiExcludeController()
@Public()
@Controller('admin/batches')
@UseFilters(AdminErrorsFilter)
export class AdminBatchesController {
  constructor(
    private readonly views: AdminViews,
    private readonly services: AdminServices,
  ) {}

  @Get('new')
  async newForm(@Req() req: AdminRequest, @Res() res: Response) {
    requireWriter(req);
    const { selected } = await this.views.fundChoice(req);
    await this.render(req, res, {
      fundCode: selected ?? '',
      donorId: '',
      donorName: '',
      date: showDate(todayInVietnam()),
      method: 'bank',
      description: '',
      expectedCount: '',
      expectedTotal: '',
      members: [],
      idempotencyKey: randomUUID(),
    });
  }

  @Post()
  async save(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const actor = requireWriter(req);
    const t = tFor(langOf(req));
    const names = list(body, 'memberName');
    const amounts = list(body, 'memberAmount');
    const form: BatchForm = {
      fundCode: text(body, 'fundCode'),
      donorId: text(body, 'donorId'),
      donorName: '',
      date: text(body, 'date'),
      method: text(body, 'method'),
      description: text(body, 'description'),
      expectedCount: text(body, 'expectedCount'),
      expectedTotal: text(body, 'expectedTotal'),
      members: names.map((name, i) => ({ name, amount: amounts[i] ?? '' })).filter((m) => m.name || m.amount),
      idempotencyKey: text(body, 'idempotencyKey') || randomUUID(),
    };
    const errors = emptyErrors();
    if (!form.donorId) addError(errors, 'donorId', t('forms.required', { field: t('batches.agency') }));
    const date = parseDateInput(form.date);
    if (!date) addError(errors, 'date', t('forms.badDate'));
    const expectedTotal = parseAmountInput(form.expectedTotal);
    if (!expectedTotal) addError(errors, 'expectedTotal', t('forms.badAmount'));
    const expectedCount = /^\d{1,5}$/.test(form.expectedCount) ? Number(form.expectedCount) : NaN;
    if (Number.isNaN(expectedCount))
      addError(errors, 'expectedCount', t('forms.required', { field: t('batches.count') }));
    let total = 0n;
    const members = form.members.map((m, i) => {
      const digits = parseAmountInput(m.amount);
      if (!m.name)
        addError(
          errors,
          `member-${i}`,
          `${t('batches.row')} ${i + 1}: ${t('forms.required', { field: t('batches.memberName') })}`,
        );
      if (!digits) addError(errors, `member-${i}`, `${t('batches.row')} ${i + 1}: ${t('forms.badAmount')}`);
      else total += BigInt(digits);
      return { name: m.name, amount: digits ?? m.amount };
    });
    if (!hasErrors(errors) && (members.length !== expectedCount || total.toString() !== expectedTotal)) {
      addError(
        errors,
        null,
        t('batches.mismatch', {
          count: members.length,
          total: money(total.toString()),
          expectedCount,
          expectedTotal: money(expectedTotal ?? '0'),
        }),
      );
    }
    const plain: Record<string, unknown> = {
      fundCode: form.fundCode,
      donorId: Number(form.donorId),
      date: date ?? form.date,
      method: form.method,
      description: form.description,
      expectedCount,
      expectedTotal: expectedTotal ?? form.expectedTotal,
    };
    const dto = await checkDto(CreateBatchDto, plain, hasErrors(errors) ? emptyErrors() : errors);
    const membersDto = await checkDto(
      AddBatchMembersDto,
      { members },
      hasErrors(errors) ? emptyErrors() : errors,
    );
    if (hasErrors(errors)) return this.render(req, res, form, errors, 400);
    try {
      const { result: batch, replayed } = await once(
        form.idempotencyKey,
        'POST /admin/batches',
        { ...plain, members },
        () => this.services.batches.create(actor, dto),
      );
      if (replayed) {
        // A replayed double submit: the first one already saved (and closed) it.
        return res.redirect(303, `/admin/contributions?donorId=${form.donorId}`);
      }
      try {
        await this.services.batches.addMembers(actor, batch.id, membersDto);
        const closed = await this.services.batches.close(actor, batch.id);
        res.redirect(303, `/admin/contributions/${closed.contribution.id}?created=1`);
      } catch (error) {
        await this.services.batches.cancel(actor, batch.id).catch(() => undefined);
        throw error;
      }
    } catch (error) {
      const refused = refusal(error, BATCH_FIELDS);
      if (!refused) throw error;
      return this.render(req, res, form, refused.errors, refused.status);
    }
  }

  private async render(req: AdminRequest, res: Response, form: BatchForm, errors?: FormErrors, status = 200) {
    const actor = requireActor(req);
    const t = tFor(langOf(req));
    if (form.donorId && /^\d{1,9}$/.test(form.donorId) && !form.donorName) {
      form.donorName =
        (await this.services.donors.get(actor, Number(form.donorId)).catch(() => null))?.name ?? '';
    }
    const rows = [...form.members];
    for (let i = 0; i < BLANK_ROWS || rows.length === 0; i++) rows.push({ name: '', amount: '' });
    await this.views.page(
      req,
      res,
      'batch-new',
      {
        form,
        rows: rows.map((r, i) => ({ ...r, n: i + 1 })),
        funds: await this.services.funds.list(actor),
        methods: PAYMENT_METHODS,
      },
      { title: t('batches.title'), errors, status },
    );
  }
}
