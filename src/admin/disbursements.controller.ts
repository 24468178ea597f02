import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { canSeeFund, type Actor } from '../common/actor';
import { todayInVietnam } from '../common/clock';
import { IgnoresIdempotencyKey, Public } from '../common/decorators';
import { ForbiddenError } from '../common/errors';
import { Money } from '../common/money';
import { foldVietnamese } from '../common/text';
import { amountInWords } from '../common/number-words';
import {
  ApproveDto,
  CreateDisbursementDto,
  ListDisbursementsQuery,
  PayDto,
  ReasonDto,
} from '../disbursements/dto';
import { DISBURSEMENT_STATUSES, PURPOSES } from '../disbursements/entities';
import type { Violation } from '../disbursements/policy';
import { Fund } from '../funds/fund.entity';
import { SearchPayeesQuery } from '../payees/dto';
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
import { AdminQueries } from './queries';
import { AdminServices } from './services';
import { AdminRequest, AdminViews, canWrite, langOf, money, requireActor, requireWriter } from './views';

const PAGE_SIZE = 25;
const FIELDS = [
  'fundCode',
  'party',
  'beneficiaryId',
  'payeeId',
  'purpose',
  'amount',
  'date',
  'method',
  'decisionNo',
  'description',
  'overrideReason',
];
const VIEWS = ['all', 'queue', 'topay'] as const;
const ID = /^\d{1,9}$/;

/** Who the form pays: a household (beneficiaryId) or an organisation (payeeId); the service judges the purpose. */
function partyOf(form: Record<string, string>): 'household' | 'payee' {
  return form.party === 'payee' ? 'payee' : 'household';
}

/** Who may approve payouts (the service checks again, and refuses the preparer and the submitter). */
export function canApprove(actor: Actor): boolean {
  return actor.role === 'approver' || actor.role === 'admin';
}

/**
 * Who may be offered the pay button: the roles the pay route admits. The service decides for an accountant (only
 * in a fund where the admin let one person hold both roles; src/cashier).
 */
export function canPay(actor: Actor): boolean {
  return actor.role === 'cashier' || actor.role === 'accountant' || actor.role === 'admin';
}

/** Payouts: the request form with its policy checks, the approval queue, the to-pay list and each payout's page. */
@ApiExcludeController()
@Public()
@Controller('admin/disbursements')
@UseFilters(AdminErrorsFilter)
export class AdminDisbursementsController {
  constructor(
    private readonly views: AdminViews,
    private readonly services: AdminServices,
    private readonly queries: AdminQueries,
  ) {}

  @Get()
  async list(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const actor = requireActor(req);
    const t = tFor(langOf(req));
    const { selected } = await this.views.fundChoice(req);
    const view = VIEWS.find((v) => v === query.view) ?? 'all';
    const page = pageOf(query.page);
    const status =
      view === 'queue'
        ? 'submitted'
        : view === 'topay'
          ? 'approved'
          : DISBURSEMENT_STATUSES.find((s) => s === query.status);
    const q = Object.assign(new ListDisbursementsQuery(), {
      fund: selected ?? undefined,
      status,
      page,
      pageSize: PAGE_SIZE,
    });
    const found = await this.services.disbursements.list(actor, q);
    await this.views.page(
      req,
      res,
      'disbursements',
      {
        view,
        tabs: VIEWS.map((v) => ({ key: v, active: v === view, href: `/admin/disbursements?view=${v}` })),
        items: found.items,
        total: found.total,
        pager: pager('/admin/disbursements', query, page, PAGE_SIZE, found.total),
      },
      { title: t(`payouts.views.${view}`) },
    );
  }

  /** The payee combobox's options (JSON): the organisations registered as payees (POST /api/payees). */
  @Get('payees')
  async payeeOptions(@Req() req: AdminRequest, @Res() res: Response, @Query('q') q?: string) {
    requireActor(req);
    const query = Object.assign(new SearchPayeesQuery(), {
      page: 1,
      pageSize: 30,
      q: typeof q === 'string' && q.trim() ? q.trim().slice(0, 100) : undefined,
    });
    const found = await this.services.payees.list(query);
    res.json(found.items.map((p) => ({ id: p.id, name: payeeLabel(p), folded: foldVietnamese(p.name) })));
  }

  @Get('new')
  async newForm(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Query('beneficiaryId') beneficiaryId?: string,
    @Query('payeeId') payeeId?: string,
  ) {
    requireWriter(req);
    const { selected } = await this.views.fundChoice(req);
    const toPayee = !!payeeId && ID.test(payeeId);
    await this.renderForm(req, res, {
      fundCode: selected ?? '',
      party: toPayee ? 'payee' : 'household',
      beneficiaryId: beneficiaryId && ID.test(beneficiaryId) ? beneficiaryId : '',
      beneficiaryName: '',
      payeeId: toPayee ? payeeId : '',
      payeeName: '',
      purpose: toPayee ? 'memorial' : 'hardship',
      amount: '',
      date: showDate(todayInVietnam()),
      method: 'bank',
      decisionNo: '',
      description: '',
      overrideReason: '',
      idempotencyKey: randomUUID(),
    });
  }

  /** The policy checks of the request as typed so far (htmx): each rule that fires, before submitting. */
  @Get('check')
  async check(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const actor = requireActor(req);
    const form: Record<string, string> = {};
    for (const f of FIELDS) form[f] = typeof query[f] === 'string' ? query[f].trim() : '';
    const checks = await this.policyChecks(actor, form);
    this.views.fragment(req, res, 'policy-checks', { checks });
  }

  @Post()
  async create(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const actor = requireWriter(req);
    const t = tFor(langOf(req));
    const form: Record<string, string> = {
      beneficiaryName: '',
      payeeName: '',
      idempotencyKey: text(body, 'idempotencyKey') || randomUUID(),
    };
    for (const f of FIELDS) form[f] = text(body, f);
    form.party = partyOf(form);
    const errors = emptyErrors();
    // The party chosen is the one sent; whether it may be paid for this purpose is the service's to say.
    const party = form.party === 'payee' ? 'payeeId' : 'beneficiaryId';
    const label = form.party === 'payee' ? 'payouts.payeeOrg' : 'payouts.payee';
    if (!form[party]) addError(errors, party, t('forms.required', { field: t(label) }));
    const date = parseDateInput(form.date);
    if (!date) addError(errors, 'date', t('forms.badDate'));
    const amount = parseAmountInput(form.amount);
    if (!amount) addError(errors, 'amount', t('forms.badAmount'));
    const plain: Record<string, unknown> = {
      fundCode: form.fundCode,
      [party]: Number(form[party]),
      purpose: form.purpose,
      amount: amount ?? form.amount,
      date: date ?? form.date,
      method: form.method,
    };
    for (const f of ['decisionNo', 'description', 'overrideReason']) if (form[f]) plain[f] = form[f];
    const dto = await checkDto(CreateDisbursementDto, plain, hasErrors(errors) ? emptyErrors() : errors);
    if (hasErrors(errors)) return this.renderForm(req, res, form, errors, 400);
    try {
      const created = await onceFor(form.idempotencyKey, 'POST /admin/disbursements', plain, () =>
        this.services.disbursements.create(actor, dto),
      );
      res.redirect(303, `/admin/disbursements/${created.id}?created=1`);
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
    const done = typeof query.done === 'string' ? query.done : '';
    await this.renderShow(req, res, actor, parseId(rawId, 'payout'), {
      created: query.created === '1',
      done: ['approved', 'rejected', 'paid'].includes(done) ? done : null,
    });
  }

  @Get(':id/voucher.pdf')
  async voucher(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Query('copy') copy?: string,
  ) {
    const actor = requireActor(req);
    const { voucherNo, pdf } = await this.services.vouchers.pdf(
      actor,
      parseId(rawId, 'payout'),
      copy === 'true',
    );
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `inline; filename="${voucherNo}.pdf"`);
    res.send(pdf);
  }

  @Post(':id/approve')
  @IgnoresIdempotencyKey()
  async approve(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Body() body: Record<string, unknown>,
  ) {
    const actor = requireActor(req);
    const id = parseId(rawId, 'payout');
    if (!canApprove(actor)) throw new ForbiddenError(`role ${actor.role} may not approve payouts`);
    const note = text(body, 'note');
    const errors = emptyErrors();
    const dto = await checkDto(ApproveDto, note ? { note } : {}, errors);
    return this.act(
      req,
      res,
      actor,
      id,
      errors,
      { note },
      () => this.services.disbursements.approve(actor, id, dto),
      'approved',
    );
  }

  @Post(':id/reject')
  @IgnoresIdempotencyKey()
  async reject(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Body() body: Record<string, unknown>,
  ) {
    const actor = requireActor(req);
    const id = parseId(rawId, 'payout');
    if (!canApprove(actor)) throw new ForbiddenError(`role ${actor.role} may not reject payouts`);
    const reason = text(body, 'reason');
    const errors = emptyErrors();
    const dto = await checkDto(ReasonDto, { reason }, errors);
    return this.act(
      req,
      res,
      actor,
      id,
      errors,
      { rejectReason: reason, openReject: true },
      () => this.services.disbursements.reject(actor, id, dto.reason),
      'rejected',
    );
  }

  @Post(':id/pay')
  @IgnoresIdempotencyKey()
  async pay(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Body() body: Record<string, unknown>,
  ) {
    const actor = requireActor(req);
    const id = parseId(rawId, 'payout');
    if (!canPay(actor)) throw new ForbiddenError(`role ${actor.role} may not pay payouts`);
    const t = tFor(langOf(req));
    const raw = text(body, 'date');
    const errors = emptyErrors();
    const date = parseDateInput(raw);
    if (!date) addError(errors, 'date', t('forms.badDate'));
    const dto = await checkDto(PayDto, { date: date ?? raw }, hasErrors(errors) ? emptyErrors() : errors);
    return this.act(
      req,
      res,
      actor,
      id,
      errors,
      { payDate: raw },
      () => this.services.disbursements.pay(actor, id, dto.date),
      'paid',
    );
  }

  private async act(
    req: AdminRequest,
    res: Response,
    actor: Actor,
    id: number,
    errors: FormErrors,
    typed: Record<string, unknown>,
    write: () => Promise<unknown>,
    done: string,
  ) {
    if (hasErrors(errors)) return this.renderShow(req, res, actor, id, typed, errors, 400);
    try {
      await write();
      return res.redirect(303, `/admin/disbursements/${id}?done=${done}`);
    } catch (error) {
      const refused = refusal(error, ['note', 'reason', 'date']);
      if (!refused) throw error;
      return this.renderShow(req, res, actor, id, typed, refused.errors, refused.status);
    }
  }

  /** The payout rules as the service judges them, for the request as typed (nothing written). */
  private async policyChecks(actor: Actor, form: Record<string, string>) {
    const amount = parseAmountInput(form.amount ?? '');
    const date = parseDateInput(form.date ?? '') ?? todayInVietnam();
    const purpose = PURPOSES.find((p) => p === form.purpose);
    const toPayee = partyOf(form) === 'payee';
    const partyId = (toPayee ? form.payeeId : form.beneficiaryId) ?? '';
    if (!amount || !purpose || !ID.test(partyId) || !form.fundCode) return null;
    if (!canSeeFund(actor, form.fundCode)) return null;
    const fund = await this.queries.manager.findOne(Fund, { where: { code: form.fundCode } });
    if (!fund) return null;
    const violations: Violation[] = await this.services.policy.check(this.queries.manager, {
      fundId: fund.id,
      beneficiaryId: toPayee ? null : Number(partyId),
      purpose,
      stage: 'full',
      projectId: null,
      amount: Money.parse(amount),
      date,
    });
    return { ok: violations.length === 0, violations };
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
    if (ID.test(form.beneficiaryId ?? '') && !form.beneficiaryName) {
      const b = await this.services.beneficiaries.get(actor, Number(form.beneficiaryId)).catch(() => null);
      form.beneficiaryName = b ? `${b.fullName} (${b.birthYear ?? '?'}, ${b.commune})` : '';
      if (!b) form.beneficiaryId = '';
    }
    if (ID.test(form.payeeId ?? '') && !form.payeeName) {
      const p = await this.services.payees.get(Number(form.payeeId)).catch(() => null);
      form.payeeName = p ? payeeLabel(p) : '';
      if (!p) form.payeeId = '';
    }
    const digits = parseAmountInput(form.amount);
    await this.views.page(
      req,
      res,
      'disbursement-new',
      {
        form,
        funds: funds.filter((f) => f.status === 'active' || f.code === form.fundCode),
        purposes: PURPOSES,
        toPayee: partyOf(form) === 'payee',
        words: digits && digits !== '0' ? amountInWords(digits) : '',
        checks: await this.policyChecks(actor, form).catch(() => null),
      },
      { title: t('payouts.new'), errors, status },
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
    const d = await this.services.disbursements.get(actor, id);
    const t = tFor(langOf(req));
    const madeIt =
      d.preparedBy === actor.username ||
      d.events.some((e) => e.action === 'submitted' && e.username === actor.username);
    await this.views.page(
      req,
      res,
      'disbursement',
      {
        d,
        words: amountInWords(d.amount),
        canApprove: d.status === 'submitted' && canApprove(actor) && !madeIt,
        madeIt: d.status === 'submitted' && madeIt,
        canPay: d.status === 'approved' && canPay(actor),
        payDate: showDate(todayInVietnam()),
        amountText: money(d.amount),
        canWrite: canWrite(actor),
        ...extra,
      },
      { title: `${t('payouts.one')} #${d.id}`, errors, status },
    );
  }
}

/** "Ban quản lý Nghĩa trang liệt sĩ tỉnh Lào Cai (MST 5300234567)": the payee as the pickers show it. */
function payeeLabel(p: { name: string; taxCode: string | null }): string {
  return p.taxCode ? `${p.name} (MST ${p.taxCode})` : p.name;
}
