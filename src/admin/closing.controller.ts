import { Body, Controller, Get, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor, Role } from '../common/actor';
import { todayInVietnam } from '../common/clock';
import { IgnoresIdempotencyKey, Public } from '../common/decorators';
import { ForbiddenError } from '../common/errors';
import { CloseYearDto, MergeFundDto, OpeningBalancesQuery, ReopenYearDto } from '../closing/dto';
import { LockDto } from '../ledger/dto';
import { AdminErrorsFilter } from './admin-errors.filter';
import {
  addError,
  checkDto,
  emptyErrors,
  FormErrors,
  hasErrors,
  parseDateInput,
  refusal,
  showDate,
  text,
} from './forms';
import { tFor } from './i18n';
import { AdminServices } from './services';
import { AdminRequest, AdminViews, langOf, requireActor } from './views';

/** The roles of the API's closing routes (POST /api/funds/:code/lock, close-year; reopen-year and merge). */
export const CLOSERS: readonly Role[] = ['approver', 'admin'];
const ADMINS: readonly Role[] = ['admin'];

function requireRole(req: AdminRequest, roles: readonly Role[]): Actor {
  const actor = requireActor(req);
  if (!roles.includes(actor.role))
    throw new ForbiddenError(`role ${actor.role} may not do this; it needs ${roles.join(' or ')}`);
  return actor;
}

const YEAR = /^\d{4}$/;

/**
 * Closing (approver or admin): the lock date, year-end close (one year, or every open year up to one) and
 * reopening with a reason, the opening balances a year starts with, and fund mergers previewed before they are
 * confirmed. Every action is the closing services' (src/closing, src/funds); the page only reads the form.
 */
@ApiExcludeController()
@Public()
@Controller('admin/closing')
@UseFilters(AdminErrorsFilter)
export class AdminClosingController {
  constructor(
    private readonly views: AdminViews,
    private readonly services: AdminServices,
  ) {}

  @Get()
  async show(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    requireRole(req, CLOSERS);
    const done = typeof query.done === 'string' ? query.done : '';
    await this.render(req, res, {
      done: ['locked', 'reopened', 'merged'].includes(done) ? done : null,
    });
  }

  @Post('lock')
  @IgnoresIdempotencyKey()
  async lock(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const actor = requireRole(req, CLOSERS);
    const t = tFor(langOf(req));
    const fund = text(body, 'fund');
    const typed = text(body, 'through');
    const errors = emptyErrors();
    const through = parseDateInput(typed);
    if (!through) addError(errors, 'through', t('forms.badDate'));
    const dto = await checkDto(
      LockDto,
      { through: through ?? typed },
      hasErrors(errors) ? emptyErrors() : errors,
    );
    if (hasErrors(errors)) return this.render(req, res, { lockForm: { through: typed } }, errors, 400);
    try {
      await this.services.fundBooks.lock(actor, fund, dto.through);
      return res.redirect(303, '/admin/closing?done=locked');
    } catch (error) {
      const refused = refusal(error, ['through']);
      if (!refused) throw error;
      return this.render(req, res, { lockForm: { through: typed } }, refused.errors, refused.status);
    }
  }

  /** Closes one year, or (upTo) every open year before it too; then shows the balances the next year opens with. */
  @Post('close-year')
  @IgnoresIdempotencyKey()
  async closeYear(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const actor = requireRole(req, CLOSERS);
    const fund = text(body, 'fund');
    const typed = { year: text(body, 'year'), upTo: body.upTo === 'on' };
    const errors = emptyErrors();
    const dto = await checkDto(
      CloseYearDto,
      { year: YEAR.test(typed.year) ? Number(typed.year) : typed.year, upTo: typed.upTo },
      errors,
    );
    if (hasErrors(errors)) return this.render(req, res, { closeForm: typed }, errors, 400);
    try {
      const closed = dto.upTo
        ? (await this.services.yearEnd.closeThrough(actor, fund, dto.year)).years.length
        : (await this.services.yearEnd.close(actor, fund, dto.year), 1);
      return res.redirect(
        303,
        `/admin/closing/opening?year=${dto.year + 1}&closed=${dto.year}&count=${closed}`,
      );
    } catch (error) {
      const refused = refusal(error, ['year']);
      if (!refused) throw error;
      return this.render(req, res, { closeForm: typed }, refused.errors, refused.status);
    }
  }

  @Post('reopen-year')
  @IgnoresIdempotencyKey()
  async reopenYear(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const actor = requireRole(req, ADMINS);
    const fund = text(body, 'fund');
    const typed = { year: text(body, 'reopenYear'), reason: text(body, 'reason') };
    const errors = emptyErrors();
    const dto = await checkDto(
      ReopenYearDto,
      { year: YEAR.test(typed.year) ? Number(typed.year) : typed.year, reason: typed.reason },
      errors,
    );
    // The DTO names the year "year"; on this form it is "reopenYear".
    for (const s of errors.summary) if (s.field === 'year') s.field = 'reopenYear';
    if (errors.fields.year) errors.fields.reopenYear = errors.fields.year;
    if (hasErrors(errors)) return this.render(req, res, { reopenForm: typed }, errors, 400);
    try {
      await this.services.yearEnd.reopen(actor, fund, dto.year, dto.reason.trim());
      return res.redirect(303, '/admin/closing?done=reopened');
    } catch (error) {
      const refused = refusal(error, ['reason']);
      if (!refused) throw error;
      return this.render(req, res, { reopenForm: typed }, refused.errors, refused.status);
    }
  }

  /** The balances a year opens with (the trial balance of 31 December before), after a close or on demand. */
  @Get('opening')
  async opening(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const actor = requireRole(req, CLOSERS);
    const t = tFor(langOf(req));
    const { selected } = await this.views.fundChoice(req);
    const raw = typeof query.year === 'string' ? query.year : String(Number(todayInVietnam().slice(0, 4)));
    const errors = emptyErrors();
    const dto = await checkDto(OpeningBalancesQuery, { year: YEAR.test(raw) ? Number(raw) : raw }, errors);
    const opening =
      selected && !hasErrors(errors)
        ? await this.services.yearEnd.openingBalances(actor, selected, dto.year)
        : null;
    const closedYear = typeof query.closed === 'string' && YEAR.test(query.closed) ? query.closed : null;
    const count = typeof query.count === 'string' && /^\d{1,3}$/.test(query.count) ? Number(query.count) : 1;
    await this.views.page(
      req,
      res,
      'closing-opening',
      {
        year: raw,
        opening,
        closedYear,
        closedCount: count,
        closing: opening ? (await this.services.closing.get(actor, opening.fund)).years : [],
      },
      {
        title: `${t('closing.opening')} ${raw}`,
        errors: hasErrors(errors) ? errors : undefined,
        status: hasErrors(errors) ? 400 : 200,
      },
    );
  }

  /** What the merger would move (nothing is written), with a form to confirm it. */
  @Post('merge/preview')
  @IgnoresIdempotencyKey()
  async mergePreview(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const actor = requireRole(req, ADMINS);
    const { fund, typed, dto, errors } = await this.mergeForm(req, body);
    if (hasErrors(errors)) return this.render(req, res, { mergeForm: typed }, errors, 400);
    try {
      const preview = await this.services.mergers.preview(actor, fund, dto);
      await this.views.page(
        req,
        res,
        'closing-merge',
        { form: typed, mergeFund: fund, preview },
        { title: tFor(langOf(req))('closing.mergePreview') },
      );
    } catch (error) {
      const refused = refusal(error, ['into', 'cutoff', 'note', 'crossHierarchyReason']);
      if (!refused) throw error;
      return this.render(req, res, { mergeForm: typed }, refused.errors, refused.status);
    }
  }

  @Post('merge')
  @IgnoresIdempotencyKey()
  async merge(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const actor = requireRole(req, ADMINS);
    const { fund, typed, dto, errors } = await this.mergeForm(req, body);
    if (hasErrors(errors)) return this.render(req, res, { mergeForm: typed }, errors, 400);
    try {
      await this.services.mergers.merge(actor, fund, dto);
      return res.redirect(303, '/admin/closing?done=merged');
    } catch (error) {
      const refused = refusal(error, ['into', 'cutoff', 'note', 'crossHierarchyReason']);
      if (!refused) throw error;
      return this.render(req, res, { mergeForm: typed }, refused.errors, refused.status);
    }
  }

  private async mergeForm(req: AdminRequest, body: Record<string, unknown>) {
    const t = tFor(langOf(req));
    const typed = {
      into: text(body, 'into'),
      cutoff: text(body, 'cutoff'),
      note: text(body, 'note'),
      reparentChildren: body.reparentChildren === 'on',
      crossHierarchyReason: text(body, 'crossHierarchyReason'),
    };
    const errors = emptyErrors();
    const cutoff = parseDateInput(typed.cutoff);
    if (!cutoff) addError(errors, 'cutoff', t('forms.badDate'));
    const plain: Record<string, unknown> = {
      into: typed.into,
      cutoff: cutoff ?? typed.cutoff,
      note: typed.note,
      reparentChildren: typed.reparentChildren,
    };
    if (typed.crossHierarchyReason) plain.crossHierarchyReason = typed.crossHierarchyReason;
    const dto = await checkDto(MergeFundDto, plain, hasErrors(errors) ? emptyErrors() : errors);
    return { fund: text(body, 'fund'), typed, dto, errors };
  }

  private async render(
    req: AdminRequest,
    res: Response,
    extra: Record<string, unknown>,
    errors?: FormErrors,
    status = 200,
  ) {
    const actor = requireRole(req, CLOSERS);
    const t = tFor(langOf(req));
    const { funds, selected } = await this.views.fundChoice(req);
    const history = selected ? await this.services.closing.get(actor, selected) : null;
    const thisYear = Number(todayInVietnam().slice(0, 4));
    const lastYear = String(thisYear - 1);
    const closedYears = (history?.years ?? []).filter((y) => y.status === 'closed').map((y) => y.year);
    await this.views.page(
      req,
      res,
      'closing',
      {
        history,
        active: history?.status === 'active',
        isAdmin: actor.role === 'admin',
        years: [...(history?.years ?? [])].reverse(),
        lockForm: { through: history?.lockedThrough ? showDate(history.lockedThrough) : '' },
        closeForm: { year: lastYear, upTo: false },
        reopenForm: { year: closedYears.length ? String(Math.max(...closedYears)) : '', reason: '' },
        mergeForm: { into: '', cutoff: '', note: '', reparentChildren: false, crossHierarchyReason: '' },
        successors: funds.filter((f) => f.code !== selected && f.status === 'active'),
        nextYear: String(thisYear),
        ...extra,
      },
      { title: t('closing.title'), errors, status },
    );
  }
}
