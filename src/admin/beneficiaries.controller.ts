import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../common/actor';
import { foldVietnamese } from '../common/text';
import { IgnoresIdempotencyKey, Public } from '../common/decorators';
import { newBeneficiary, type PossibleDuplicate } from '../beneficiaries/beneficiaries.service';
import { beneficiaryCategories } from '../beneficiaries/categories';
import {
  CreateBeneficiaryDto,
  MergeBeneficiaryDto,
  NotDuplicateDto,
  SearchBeneficiariesQuery,
} from '../beneficiaries/dto';
import { ListDisbursementsQuery } from '../disbursements/dto';
import { AdminErrorsFilter } from './admin-errors.filter';
import { pageOf, pager, parseId } from './contributions.controller';
import { checkDto, emptyErrors, FormErrors, hasErrors, onceFor, refusal, text } from './forms';
import { tFor } from './i18n';
import { AdminQueries } from './queries';
import { AdminServices } from './services';
import { AdminRequest, AdminViews, canWrite, langOf, money, requireActor, requireWriter } from './views';

const PAGE_SIZE = 25;
const FIELDS = [
  'fullName',
  'category',
  'commune',
  'nationalId',
  'birthYear',
  'address',
  'recordNo',
  'housingCondition',
];

/** The households (người có công): registry, one household with its payouts, registration and the duplicates queue. */
@ApiExcludeController()
@Public()
@Controller('admin/beneficiaries')
@UseFilters(AdminErrorsFilter)
export class AdminBeneficiariesController {
  constructor(
    private readonly views: AdminViews,
    private readonly services: AdminServices,
    private readonly queries: AdminQueries,
  ) {}

  private categories(req: AdminRequest) {
    const en = langOf(req) === 'en';
    return beneficiaryCategories().map((c) => ({ code: c.code, name: en ? c.nameEn : c.nameVi }));
  }

  /** The household combobox's options (JSON): "Nguyễn Văn An (1948, Tả Van)". */
  @Get('options')
  async options(@Req() req: AdminRequest, @Res() res: Response, @Query('q') q?: string) {
    const actor = requireActor(req);
    const query = Object.assign(new SearchBeneficiariesQuery(), {
      page: 1,
      pageSize: 30,
      q: typeof q === 'string' && q.trim() ? q.trim().slice(0, 100) : undefined,
    });
    const found = await this.services.beneficiaries.search(actor, query);
    res.json(
      found.items.map((b) => ({
        id: b.id,
        name: `${b.fullName} (${b.birthYear ?? '?'}, ${b.commune})`,
        folded: foldVietnamese(b.fullName),
      })),
    );
  }

  @Get()
  async list(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const actor = requireActor(req);
    const t = tFor(langOf(req));
    const str = (name: string) => (typeof query[name] === 'string' ? query[name].trim().slice(0, 100) : '');
    const filter = {
      q: str('q'),
      category: str('category'),
      commune: str('commune'),
      housing: str('housing'),
    };
    const page = pageOf(query.page);
    const categories = this.categories(req);
    const q = Object.assign(new SearchBeneficiariesQuery(), {
      page,
      pageSize: PAGE_SIZE,
      q: filter.q || undefined,
      category: categories.some((c) => c.code === filter.category) ? filter.category : undefined,
      commune: filter.commune || undefined,
    });
    const found = await this.services.beneficiaries.search(actor, q);
    // Housing condition is free text on the record: the page narrows the service's page by it.
    const housing = filter.housing.toLowerCase();
    const items = housing
      ? found.items.filter((b) => (b.housingCondition ?? '').toLowerCase().includes(housing))
      : found.items;
    await this.views.page(
      req,
      res,
      'beneficiaries',
      {
        filter,
        categories: categories.map((c) => ({ ...c, selected: c.code === filter.category })),
        items,
        total: found.total,
        pager: pager('/admin/beneficiaries', query, page, PAGE_SIZE, found.total),
      },
      { title: t('beneficiaries.title') },
    );
  }

  @Get('new')
  async newForm(@Req() req: AdminRequest, @Res() res: Response) {
    requireWriter(req);
    await this.renderForm(req, res, {
      fullName: '',
      category: '',
      commune: '',
      nationalId: '',
      birthYear: '',
      address: '',
      recordNo: '',
      housingCondition: '',
      idempotencyKey: randomUUID(),
    });
  }

  @Post()
  async create(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const actor = requireWriter(req);
    const form: Record<string, string> = { idempotencyKey: text(body, 'idempotencyKey') || randomUUID() };
    for (const f of FIELDS) form[f] = text(body, f);
    const plain: Record<string, unknown> = {
      fullName: form.fullName,
      category: form.category,
      commune: form.commune,
    };
    for (const f of ['nationalId', 'address', 'recordNo', 'housingCondition'])
      if (form[f]) plain[f] = form[f];
    if (form.birthYear)
      plain.birthYear = /^\d{1,4}$/.test(form.birthYear) ? Number(form.birthYear) : form.birthYear;
    const errors = emptyErrors();
    const dto = await checkDto(CreateBeneficiaryDto, plain, errors);
    if (hasErrors(errors)) return this.renderForm(req, res, form, errors, 400);
    if (text(body, 'confirmDuplicate') !== 'yes') {
      const duplicates = await this.possibleDuplicates(actor, dto);
      if (duplicates.length > 0) return this.renderForm(req, res, form, undefined, 200, duplicates);
    }
    try {
      const created = await onceFor(form.idempotencyKey, 'POST /admin/beneficiaries', plain, () =>
        this.services.beneficiaries.create(actor, dto),
      );
      res.redirect(303, `/admin/beneficiaries/${created.id}?created=1`);
    } catch (error) {
      const refused = refusal(error, FIELDS);
      if (!refused) throw error;
      return this.renderForm(req, res, form, refused.errors, refused.status);
    }
  }

  /** Pairs that may be one household, each with the reason it was flagged. */
  @Get('duplicates')
  async duplicates(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    await this.renderDuplicates(req, res, query, { distinct: query.distinct === '1' });
  }

  /** "Not a duplicate": the pair is remembered as two households and is not flagged again. */
  @Post(':id/not-duplicate')
  @IgnoresIdempotencyKey()
  async notDuplicate(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Body() body: Record<string, unknown>,
  ) {
    const actor = requireWriter(req);
    const id = parseId(rawId, 'beneficiary');
    const otherRaw = text(body, 'otherId');
    const reason = text(body, 'reason');
    const errors = emptyErrors();
    const dto = await checkDto(
      NotDuplicateDto,
      { otherId: /^\d{1,9}$/.test(otherRaw) ? Number(otherRaw) : otherRaw, reason },
      errors,
    );
    if (!hasErrors(errors)) {
      try {
        await this.services.duplicates.markDistinct(actor, id, dto.otherId, dto.reason);
        return res.redirect(303, '/admin/beneficiaries/duplicates?distinct=1');
      } catch (error) {
        const refused = refusal(error, ['otherId', 'reason']);
        if (!refused) throw error;
        return this.renderDuplicates(req, res, {}, {}, refused.errors, refused.status);
      }
    }
    return this.renderDuplicates(req, res, {}, {}, errors, 400);
  }

  private async renderDuplicates(
    req: AdminRequest,
    res: Response,
    query: Record<string, unknown>,
    extra: Record<string, unknown>,
    errors?: FormErrors,
    status = 200,
  ) {
    const actor = requireActor(req);
    const page = pageOf(query.page);
    const found = await this.services.duplicates.report(actor, page, PAGE_SIZE);
    await this.views.page(
      req,
      res,
      'beneficiary-duplicates',
      {
        pairs: found.items,
        total: found.total,
        canMerge: canWrite(actor),
        pager: pager('/admin/beneficiaries/duplicates', query, page, PAGE_SIZE, found.total),
        ...extra,
      },
      { title: tFor(langOf(req))('beneficiaries.duplicatesTitle'), errors, status },
    );
  }

  @Get(':id')
  async show(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Query() query: Record<string, unknown>,
  ) {
    const actor = requireActor(req);
    await this.renderShow(req, res, actor, parseId(rawId, 'beneficiary'), {
      created: query.created === '1',
      merged: query.merged === '1',
    });
  }

  @Post(':id/merge')
  @IgnoresIdempotencyKey()
  async merge(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Body() body: Record<string, unknown>,
  ) {
    const actor = requireWriter(req);
    const id = parseId(rawId, 'beneficiary');
    const intoRaw = text(body, 'intoId');
    const reason = text(body, 'reason');
    const errors = emptyErrors();
    const dto = await checkDto(
      MergeBeneficiaryDto,
      { intoId: /^\d{1,9}$/.test(intoRaw) ? Number(intoRaw) : intoRaw, reason },
      errors,
    );
    if (!hasErrors(errors)) {
      try {
        await this.services.beneficiaries.merge(actor, id, dto.intoId, dto.reason);
        return res.redirect(303, `/admin/beneficiaries/${dto.intoId}?merged=1`);
      } catch (error) {
        const refused = refusal(error, ['intoId', 'reason']);
        if (!refused) throw error;
        return this.renderShow(
          req,
          res,
          actor,
          id,
          { intoId: intoRaw, mergeReason: reason },
          refused.errors,
          refused.status,
        );
      }
    }
    return this.renderShow(req, res, actor, id, { intoId: intoRaw, mergeReason: reason }, errors, 400);
  }

  /** Households the new record may repeat, limited to those the user may see (shown before saving). */
  private async possibleDuplicates(actor: Actor, dto: CreateBeneficiaryDto): Promise<PossibleDuplicate[]> {
    const candidates = await this.services.duplicates.candidatesFor(
      this.queries.manager,
      newBeneficiary(dto),
    );
    const out: PossibleDuplicate[] = [];
    for (const c of candidates.slice(0, 20)) {
      const seen = await this.services.beneficiaries.get(actor, c.id).catch(() => null);
      if (seen)
        out.push({
          id: c.id,
          reason: c.reason,
          fullName: c.fullName,
          birthYear: c.birthYear,
          commune: c.commune,
        });
    }
    return out;
  }

  private async renderForm(
    req: AdminRequest,
    res: Response,
    form: Record<string, string>,
    errors?: FormErrors,
    status = 200,
    duplicates: PossibleDuplicate[] = [],
  ) {
    await this.views.page(
      req,
      res,
      'beneficiary-new',
      {
        form,
        duplicates,
        categories: this.categories(req).map((c) => ({ ...c, selected: c.code === form.category })),
      },
      { title: tFor(langOf(req))('beneficiaries.new'), errors, status },
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
    const b = await this.services.beneficiaries.get(actor, id);
    const payouts = await this.services.disbursements.list(
      actor,
      Object.assign(new ListDisbursementsQuery(), { beneficiaryId: id, page: 1, pageSize: 100 }),
    );
    await this.views.page(
      req,
      res,
      'beneficiary',
      {
        b,
        paidTotal: money(b.payouts.paidTotal),
        payouts: payouts.items,
        canMerge: canWrite(actor) && b.mergedIntoId === null,
        ...extra,
      },
      { title: b.fullName, errors, status },
    );
  }
}
