import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../common/actor';
import { todayInVietnam } from '../common/clock';
import { IgnoresIdempotencyKey, Public } from '../common/decorators';
import { foldVietnamese } from '../common/text';
import { CreateDonorDto, MergeDonorDto, SearchDonorsQuery } from '../contributions/dto';
import { DONOR_KINDS } from '../contributions/entities';
import type { DonorView } from '../contributions/donors.service';
import { AdminErrorsFilter } from './admin-errors.filter';
import { pageOf, pager, parseId } from './contributions.controller';
import { checkDto, emptyErrors, FormErrors, hasErrors, onceFor, refusal, text } from './forms';
import { tFor } from './i18n';
import { AdminQueries } from './queries';
import { AdminServices } from './services';
import { AdminRequest, AdminViews, canWrite, langOf, money, requireActor, requireWriter } from './views';

const PAGE_SIZE = 25;
const DONOR_FIELDS = ['name', 'kind', 'address', 'email', 'taxCode', 'nationalId'];

/** Donors: search without diacritics, create (with possible duplicates shown first), detail, letter and merge. */
@ApiExcludeController()
@Public()
@Controller('admin/donors')
@UseFilters(AdminErrorsFilter)
export class AdminDonorsController {
  constructor(
    private readonly views: AdminViews,
    private readonly services: AdminServices,
    private readonly queries: AdminQueries,
  ) {}

  private search(actor: Actor, q: string, page: number, pageSize: number) {
    const query = Object.assign(new SearchDonorsQuery(), {
      page,
      pageSize,
      q: q ? q.slice(0, 100) : undefined,
    });
    return this.services.donors.search(actor, query);
  }

  /** The combobox's options (JSON). */
  @Get('options')
  async options(@Req() req: AdminRequest, @Res() res: Response, @Query('q') q?: string) {
    const actor = requireActor(req);
    const found = await this.search(actor, typeof q === 'string' ? q : '', 1, 30);
    res.json(found.items.map((d) => ({ id: d.id, name: d.name, folded: foldVietnamese(d.name) })));
  }

  /** A donor created from the contribution form's combobox (JSON). */
  @Post('quick')
  async quick(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const actor = requireWriter(req);
    const errors = emptyErrors();
    const kind = DONOR_KINDS.find((k) => k === text(body, 'kind')) ?? 'individual';
    const dto = await checkDto(CreateDonorDto, { name: text(body, 'name'), kind }, errors);
    if (hasErrors(errors)) {
      res
        .status(400)
        .json({ statusCode: 400, error: 'Bad Request', message: errors.summary.map((s) => s.message) });
      return;
    }
    const donor = await this.services.donors.create(dto, actor);
    res.status(201).json({ id: donor.id, name: donor.name, folded: foldVietnamese(donor.name) });
  }

  @Get()
  async list(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const actor = requireActor(req);
    const q = typeof query.q === 'string' ? query.q.trim() : '';
    const page = pageOf(query.page);
    const found = await this.search(actor, q, page, PAGE_SIZE);
    const model = {
      q,
      items: found.items,
      total: found.total,
      pager: pager('/admin/donors', query, page, PAGE_SIZE, found.total),
    };
    if (req.headers['hx-request'] && req.headers['hx-target'] === 'donor-results') {
      this.views.fragment(req, res, 'donor-results', model);
      return;
    }
    await this.views.page(req, res, 'donors', model, { title: tFor(langOf(req))('donors.title') });
  }

  @Get('new')
  async newForm(@Req() req: AdminRequest, @Res() res: Response) {
    requireWriter(req);
    await this.renderForm(req, res, {
      name: '',
      kind: 'individual',
      address: '',
      email: '',
      taxCode: '',
      idempotencyKey: randomUUID(),
    });
  }

  @Post()
  async create(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const actor = requireWriter(req);
    const form = {
      name: text(body, 'name'),
      kind: text(body, 'kind'),
      address: text(body, 'address'),
      email: text(body, 'email'),
      taxCode: text(body, 'taxCode'),
      idempotencyKey: text(body, 'idempotencyKey') || randomUUID(),
    };
    const plain: Record<string, unknown> = { name: form.name, kind: form.kind };
    for (const key of ['address', 'email', 'taxCode'] as const) if (form[key]) plain[key] = form[key];
    const errors = emptyErrors();
    const dto = await checkDto(CreateDonorDto, plain, errors);
    if (hasErrors(errors)) return this.renderForm(req, res, form, errors, 400);
    if (text(body, 'confirmDuplicate') !== 'yes') {
      const duplicates = await this.possibleDuplicates(actor, form.name, form.taxCode);
      if (duplicates.length > 0) return this.renderForm(req, res, form, undefined, 200, duplicates);
    }
    try {
      const donor = await onceFor(form.idempotencyKey, 'POST /admin/donors', plain, () =>
        this.services.donors.create(dto, actor),
      );
      res.redirect(303, `/admin/donors/${donor.id}?created=1`);
    } catch (error) {
      const refused = refusal(error, DONOR_FIELDS);
      if (!refused) throw error;
      return this.renderForm(req, res, form, refused.errors, refused.status);
    }
  }

  @Get(':id/edit')
  async editForm(@Req() req: AdminRequest, @Res() res: Response, @Param('id') rawId: string) {
    const actor = requireWriter(req);
    const donor = await this.services.donors.get(actor, parseId(rawId, 'donor'));
    await this.renderForm(req, res, {
      editId: String(donor.id),
      name: donor.name,
      kind: donor.kind,
      address: donor.address ?? '',
      email: donor.email ?? '',
      taxCode: donor.taxCode ?? '',
      idempotencyKey: '',
    });
  }

  /** Saves a donor's new details through DonorsService.update (the same checks as a new donor). */
  @Post(':id/edit')
  @IgnoresIdempotencyKey()
  async edit(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Body() body: Record<string, unknown>,
  ) {
    const actor = requireWriter(req);
    const id = parseId(rawId, 'donor');
    const form = {
      editId: String(id),
      name: text(body, 'name'),
      kind: text(body, 'kind'),
      address: text(body, 'address'),
      email: text(body, 'email'),
      taxCode: text(body, 'taxCode'),
      idempotencyKey: '',
    };
    const plain: Record<string, unknown> = { name: form.name, kind: form.kind };
    for (const key of ['address', 'email', 'taxCode'] as const) if (form[key]) plain[key] = form[key];
    const errors = emptyErrors();
    const dto = await checkDto(CreateDonorDto, plain, errors);
    if (hasErrors(errors)) return this.renderForm(req, res, form, errors, 400);
    try {
      await this.services.donors.update(actor, id, dto);
      res.redirect(303, `/admin/donors/${id}?updated=1`);
    } catch (error) {
      const refused = refusal(error, DONOR_FIELDS);
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
    await this.renderShow(req, res, actor, parseId(rawId, 'donor'), {
      created: query.created === '1',
      updated: query.updated === '1',
      mergedOk: query.merged === '1',
    });
  }

  @Get(':id/letter.pdf')
  async letter(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Param('id') rawId: string,
    @Query('year') year?: string,
    @Query('fund') fund?: string,
  ) {
    const actor = requireActor(req);
    const { selected } = await this.views.fundChoice(req);
    const y = /^\d{4}$/.test(year ?? '') ? Number(year) : Number(todayInVietnam().slice(0, 4));
    const id = parseId(rawId, 'donor');
    const pdf = await this.services.receipts.donorStatement(actor, id, fund || selected || '', y);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `inline; filename="thu-cam-on-${id}-${y}.pdf"`);
    res.send(pdf);
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
    const id = parseId(rawId, 'donor');
    const errors = emptyErrors();
    const intoRaw = text(body, 'intoId');
    const reason = text(body, 'reason');
    const dto = await checkDto(
      MergeDonorDto,
      { intoId: /^\d{1,9}$/.test(intoRaw) ? Number(intoRaw) : intoRaw, reason },
      errors,
    );
    if (!hasErrors(errors)) {
      try {
        await this.services.donors.merge(actor, id, dto.intoId, dto.reason);
        return res.redirect(303, `/admin/donors/${dto.intoId}?merged=1`);
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

  /** Donors with the same name (without diacritics) or the same tax code: shown before saving a new one. */
  private async possibleDuplicates(actor: Actor, name: string, taxCode: string): Promise<DonorView[]> {
    const folded = foldVietnamese(name);
    const byName = (await this.search(actor, name, 1, 20)).items.filter(
      (d) => foldVietnamese(d.name) === folded,
    );
    const found = new Map(byName.map((d) => [d.id, d]));
    if (taxCode) {
      // The API searches by name only: look through the same-name-ish page for the tax code as well.
      for (const d of (await this.search(actor, name.split(' ').slice(-1)[0] ?? '', 1, 100)).items)
        if (d.taxCode === taxCode) found.set(d.id, d);
    }
    return [...found.values()];
  }

  private async renderForm(
    req: AdminRequest,
    res: Response,
    form: Record<string, string>,
    errors?: FormErrors,
    status = 200,
    duplicates: DonorView[] = [],
  ) {
    const t = tFor(langOf(req));
    await this.views.page(
      req,
      res,
      'donor-new',
      { form, kinds: DONOR_KINDS, duplicates },
      { title: form.editId ? t('donors.edit') : t('donors.new'), errors, status },
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
    const donor = await this.services.donors.get(actor, id);
    const { selected } = await this.views.fundChoice(req);
    const contributions = await this.queries.contributionPage(actor, { donorId: id }, 1, 200);
    const years = [...new Set(contributions.items.map((c) => Number(c.date.slice(0, 4))))].sort(
      (a, b) => b - a,
    );
    if (years.length === 0) years.push(Number(todayInVietnam().slice(0, 4)));
    await this.views.page(
      req,
      res,
      'donor',
      {
        donor,
        contributions: contributions.items,
        count: contributions.count,
        total: money(contributions.total),
        years,
        selectedFund: selected,
        canEdit: canWrite(actor) && donor.mergedIntoId === null,
        canMerge: canWrite(actor) && actor.fundScope === null && donor.mergedIntoId === null,
        ...extra,
      },
      { title: donor.name, errors, status },
    );
  }
}
