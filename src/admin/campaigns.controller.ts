import { Body, Controller, Get, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { Public } from '../common/decorators';
import { CreateCampaignDto } from '../contributions/dto';
import { AdminErrorsFilter } from './admin-errors.filter';
import {
  addError,
  checkDto,
  emptyErrors,
  FormErrors,
  hasErrors,
  onceFor,
  parseDateInput,
  refusal,
  text,
} from './forms';
import { tFor } from './i18n';
import { AdminServices } from './services';
import { AdminRequest, AdminViews, canWrite, langOf, requireActor, requireWriter } from './views';

const FIELDS = ['code', 'name', 'startsOn', 'endsOn'];

/**
 * Campaigns (e.g. "Tháng 7 tri ân", 28/6–27/7): the list for everyone, and a new campaign for the roles the
 * API lets create one (accountant, admin). Contributions are tagged with a campaign's code.
 */
@ApiExcludeController()
@Public()
@Controller('admin/campaigns')
@UseFilters(AdminErrorsFilter)
export class AdminCampaignsController {
  constructor(
    private readonly views: AdminViews,
    private readonly services: AdminServices,
  ) {}

  @Get()
  async list(@Req() req: AdminRequest, @Res() res: Response, @Query('done') done?: string) {
    requireActor(req);
    await this.render(req, res, { done: done === 'created' ? done : null }, this.emptyForm());
  }

  @Post()
  async create(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>) {
    requireWriter(req);
    const t = tFor(langOf(req));
    const form: Record<string, string> = { idempotencyKey: text(body, 'idempotencyKey') || randomUUID() };
    for (const f of FIELDS) form[f] = text(body, f);
    const errors = emptyErrors();
    const startsOn = parseDateInput(form.startsOn);
    const endsOn = parseDateInput(form.endsOn);
    if (!startsOn) addError(errors, 'startsOn', t('forms.badDate'));
    if (!endsOn) addError(errors, 'endsOn', t('forms.badDate'));
    const plain = {
      code: form.code,
      name: form.name,
      startsOn: startsOn ?? form.startsOn,
      endsOn: endsOn ?? form.endsOn,
    };
    const dto = await checkDto(CreateCampaignDto, plain, hasErrors(errors) ? emptyErrors() : errors);
    if (hasErrors(errors)) return this.render(req, res, {}, form, errors, 400);
    try {
      await onceFor(form.idempotencyKey, 'POST /admin/campaigns', plain, () =>
        this.services.campaigns.create(dto),
      );
      return res.redirect(303, '/admin/campaigns?done=created');
    } catch (error) {
      const refused = refusal(error, FIELDS);
      if (!refused) throw error;
      return this.render(req, res, {}, form, refused.errors, refused.status);
    }
  }

  private emptyForm(): Record<string, string> {
    return { code: '', name: '', startsOn: '', endsOn: '', idempotencyKey: randomUUID() };
  }

  private async render(
    req: AdminRequest,
    res: Response,
    extra: Record<string, unknown>,
    form: Record<string, string>,
    errors?: FormErrors,
    status = 200,
  ) {
    const actor = requireActor(req);
    const t = tFor(langOf(req));
    await this.views.page(
      req,
      res,
      'campaigns',
      { campaigns: await this.services.campaigns.list(), form, canWrite: canWrite(actor), ...extra },
      { title: t('campaigns.title'), errors, status },
    );
  }
}
