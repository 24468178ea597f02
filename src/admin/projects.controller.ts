import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { todayInVietnam } from '../common/clock';
import { IgnoresIdempotencyKey, Public } from '../common/decorators';
import { CompleteProjectDto, CreateDisbursementDto, CreateHouseProjectDto } from '../disbursements/dto';
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
import { PROJECT_STATUSES, ProjectQueries } from './projects.queries';
import { AdminServices } from './services';
import { AdminRequest, AdminViews, canWrite, langOf, requireActor, requireWriter } from './views';

const PAGE_SIZE = 25;
const PROJECT_FIELDS = [
  'fundCode',
  'beneficiaryId',
  'kind',
  'description',
  'budget',
  'startedOn',
  'centralBudget',
  'localBudget',
  'socialSources',
];
const MEMO_FIELDS = ['centralBudget', 'localBudget', 'socialSources'];
const TRANCHE_FIELDS = ['stage', 'amount', 'date', 'method', 'decisionNo', 'description'];
const STAGES = ['advance', 'settlement', 'full'] as const;

/**
 * House projects (new houses and repairs paid in tranches): the fund's projects with budget, advances, settlements
 * and what remains, each project's tranches, and the memo co-funding sources. Creating a project, requesting a
 * tranche and completing go through HouseProjectsService and DisbursementsService, which hold every rule (the
 * budget, settlements within advances, approval before paying).
 */
@ApiExcludeController()
@Public()
@Controller('admin/projects')
@UseFilters(AdminErrorsFilter)
export class AdminProjectsController {
  constructor(
    private readonly views: AdminViews,
    private readonly services: AdminServices,
    private readonly projects: ProjectQueries,
  ) {}

  @Get()
  async list(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const actor = requireActor(req);
    const t = tFor(langOf(req));
    const { selected } = await this.views.fundChoice(req);
    const page = pageOf(query.page);
    const status = PROJECT_STATUSES.find((s) => s === query.status);
    const found = selected
      ? await this.projects.projectIds(actor, selected, status, page, PAGE_SIZE)
      : { ids: [], total: 0 };
    const items = [];
    for (const id of found.ids) items.push(await this.services.houseProjects.get(actor, id));
    const summary = selected ? await this.services.houseProjects.summary(actor, selected, false) : null;
    await this.views.page(
      req,
      res,
      'projects',
      {
        items,
        total: found.total,
        summary,
        statuses: PROJECT_STATUSES.map((s) => ({ key: s, selected: s === status })),
        canWrite: canWrite(actor),
        pager: pager('/admin/projects', query, page, PAGE_SIZE, found.total),
      },
      { title: t('projects.title') },
    );
  }

  @Get('new')
  async newForm(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Query('beneficiaryId') beneficiaryId?: string,
  ) {
    requireWriter(req);
    const { selected } = await this.views.fundChoice(req);
    await this.renderNew(req, res, {
      fundCode: selected ?? '',
      beneficiaryId: beneficiaryId && /^\d{1,9}$/.test(beneficiaryId) ? beneficiaryId : '',
      beneficiaryName: '',
      kind: 'new',
      description: '',
      budget: '',
      startedOn: showDate(todayInVietnam()),
      centralBudget: '',
      localBudget: '',
      socialSources: '',
      idempotencyKey: randomUUID(),
    });
  }

  @Post()
  async create(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const actor = requireWriter(req);
    const t = tFor(langOf(req));
    const form: Record<string, string> = {
      beneficiaryName: '',
      idempotencyKey: text(body, 'idempotencyKey') || randomUUID(),
    };
    for (const f of PROJECT_FIELDS) form[f] = text(body, f);
    const errors = emptyErrors();
    if (!form.beneficiaryId)
      addError(errors, 'beneficiaryId', t('forms.required', { field: t('payouts.payee') }));
    const startedOn = parseDateInput(form.startedOn);
    if (!startedOn) addError(errors, 'startedOn', t('forms.badDate'));
    const budget = parseAmountInput(form.budget);
    if (!budget) addError(errors, 'budget', t('forms.badAmount'));
    const plain: Record<string, unknown> = {
      fundCode: form.fundCode,
      beneficiaryId: Number(form.beneficiaryId),
      kind: form.kind,
      description: form.description,
      budget: budget ?? form.budget,
      startedOn: startedOn ?? form.startedOn,
    };
    for (const f of MEMO_FIELDS) {
      if (!form[f]) continue;
      const digits = parseAmountInput(form[f]);
      if (!digits) addError(errors, f, t('forms.badAmount'));
      plain[f] = digits ?? form[f];
    }
    const dto = await checkDto(CreateHouseProjectDto, plain, hasErrors(errors) ? emptyErrors() : errors);
    if (hasErrors(errors)) return this.renderNew(req, res, form, errors, 400);
    try {
      const created = await onceFor(form.idempotencyKey, 'POST /admin/projects', plain, () =>
        this.services.houseProjects.create(actor, dto),
      );
      return res.redirect(303, `/admin/projects/${created.id}?done=created`);
    } catch (error) {
      const refused = refusal(error, PROJECT_FIELDS);
      if (!refused) throw error;
      return this.renderNew(req, res, form, refused.errors, refused.status);
    }
  }

  @Get(':id')
  async show(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Query() query: Record<string, unknown>,
  ) {
    const done =
      typeof query.done === 'string' && ['created', 'completed'].includes(query.done) ? query.done : null;
    await this.renderShow(req, res, parseId(rawId, 'house project'), { done });
  }

  /** A tranche: a payout request of the project (advance to 141, settlement into 61xx, or a full payment). */
  @Post(':id/tranches')
  async requestTranche(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Body() body: Record<string, unknown>,
  ) {
    const actor = requireWriter(req);
    const t = tFor(langOf(req));
    const id = parseId(rawId, 'house project');
    const project = await this.services.houseProjects.get(actor, id);
    const tranche: Record<string, string> = { idempotencyKey: text(body, 'idempotencyKey') || randomUUID() };
    for (const f of TRANCHE_FIELDS) tranche[f] = text(body, f);
    const errors = emptyErrors();
    const date = parseDateInput(tranche.date);
    if (!date) addError(errors, 'date', t('forms.badDate'));
    const amount = parseAmountInput(tranche.amount);
    if (!amount) addError(errors, 'amount', t('forms.badAmount'));
    const plain: Record<string, unknown> = {
      fundCode: project.fundCode,
      beneficiaryId: project.beneficiary.id,
      // The purpose follows the project's kind; the service checks it again.
      purpose: project.kind === 'new' ? 'house_new' : 'house_repair',
      amount: amount ?? tranche.amount,
      date: date ?? tranche.date,
      method: tranche.method,
      projectId: id,
      stage: tranche.stage,
    };
    for (const f of ['decisionNo', 'description']) if (tranche[f]) plain[f] = tranche[f];
    const dto = await checkDto(CreateDisbursementDto, plain, hasErrors(errors) ? emptyErrors() : errors);
    if (hasErrors(errors)) return this.renderShow(req, res, id, { tranche }, errors, 400);
    try {
      const created = await onceFor(
        tranche.idempotencyKey,
        `POST /admin/projects/${id}/tranches`,
        plain,
        () => this.services.disbursements.create(actor, dto),
      );
      return res.redirect(303, `/admin/disbursements/${created.id}?created=1`);
    } catch (error) {
      const refused = refusal(error, TRANCHE_FIELDS);
      if (!refused) throw error;
      return this.renderShow(req, res, id, { tranche }, refused.errors, refused.status);
    }
  }

  @Post(':id/complete')
  @IgnoresIdempotencyKey()
  async complete(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Body() body: Record<string, unknown>,
  ) {
    const actor = requireWriter(req);
    const t = tFor(langOf(req));
    const id = parseId(rawId, 'house project');
    const typed = text(body, 'completedOn');
    const errors = emptyErrors();
    const date = parseDateInput(typed);
    if (!date) addError(errors, 'completedOn', t('forms.badDate'));
    const dto = await checkDto(
      CompleteProjectDto,
      { date: date ?? typed },
      hasErrors(errors) ? emptyErrors() : errors,
    );
    if (hasErrors(errors)) return this.renderShow(req, res, id, { completedOn: typed }, errors, 400);
    try {
      await this.services.houseProjects.complete(actor, id, dto);
      return res.redirect(303, `/admin/projects/${id}?done=completed`);
    } catch (error) {
      const refused = refusal(error, []);
      if (!refused) throw error;
      return this.renderShow(req, res, id, { completedOn: typed }, refused.errors, refused.status);
    }
  }

  private async renderNew(
    req: AdminRequest,
    res: Response,
    form: Record<string, string>,
    errors?: FormErrors,
    status = 200,
  ) {
    const actor = requireActor(req);
    const t = tFor(langOf(req));
    const funds = await this.services.funds.list(actor);
    if (/^\d{1,9}$/.test(form.beneficiaryId) && !form.beneficiaryName) {
      const b = await this.services.beneficiaries.get(actor, Number(form.beneficiaryId)).catch(() => null);
      form.beneficiaryName = b ? `${b.fullName} (${b.birthYear ?? '?'}, ${b.commune})` : '';
      if (!b) form.beneficiaryId = '';
    }
    await this.views.page(
      req,
      res,
      'project-new',
      {
        form,
        funds: funds.filter((f) => f.status === 'active' || f.code === form.fundCode),
        kinds: ['new', 'repair'],
      },
      { title: t('projects.new'), errors, status },
    );
  }

  private async renderShow(
    req: AdminRequest,
    res: Response,
    id: number,
    extra: Record<string, unknown>,
    errors?: FormErrors,
    status = 200,
  ) {
    const actor = requireActor(req);
    const t = tFor(langOf(req));
    const project = await this.services.houseProjects.get(actor, id);
    const tranches = [];
    for (const trancheId of await this.projects.trancheIds(id))
      tranches.push(await this.services.disbursements.get(actor, trancheId));
    await this.views.page(
      req,
      res,
      'project',
      {
        p: project,
        tranches,
        stages: STAGES,
        open: project.status === 'open',
        canWrite: canWrite(actor),
        tranche: {
          stage: 'advance',
          amount: '',
          date: showDate(todayInVietnam()),
          method: 'bank',
          decisionNo: '',
          description: '',
          idempotencyKey: randomUUID(),
        },
        completedOn: showDate(todayInVietnam()),
        ...extra,
      },
      { title: `${t('projects.one')} #${project.id}`, errors, status },
    );
  }
}
