import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { assertFundInScope, type Actor } from '../common/actor';
import { todayInVietnam } from '../common/clock';
import { IgnoresIdempotencyKey, Public } from '../common/decorators';
import { PostEntryDto, ReverseEntryDto } from '../ledger/dto';
import { ENTRY_SOURCES } from '../ledger/entities';
import { AdminErrorsFilter } from './admin-errors.filter';
import { pageOf, pager, parseId } from './contributions.controller';
import { entryAmount } from './dashboard.controller';
import {
  addError,
  checkDto,
  emptyErrors,
  FormErrors,
  hasErrors,
  list,
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
import { AdminRequest, AdminViews, canWrite, langOf, requireActor, requireWriter } from './views';

const PAGE_SIZE = 25;

interface LineForm {
  account: string;
  debit: string;
  credit: string;
  memo: string;
}

/** The journal: entries with filters, one entry, a manual entry with live debit = credit, and reversal. */
@ApiExcludeController()
@Public()
@Controller('admin/journal')
@UseFilters(AdminErrorsFilter)
export class AdminJournalController {
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
    const errors = emptyErrors();
    const date = (name: string) => {
      const raw = typeof query[name] === 'string' ? query[name].trim() : '';
      if (!raw) return undefined;
      const iso = parseDateInput(raw);
      if (!iso) addError(errors, name, t('forms.badDate'));
      return iso ?? undefined;
    };
    const page = pageOf(query.page);
    const account =
      typeof query.account === 'string' && /^\d{3,8}$/.test(query.account) ? query.account : undefined;
    const source = ENTRY_SOURCES.find((s) => s === query.source);
    const found = await this.queries.entryPage(
      actor,
      { fund: selected ?? undefined, from: date('from'), to: date('to'), account, source },
      page,
      PAGE_SIZE,
    );
    const accounts = selected ? await this.services.balances.accounts(this.queries.manager, selected) : [];
    await this.views.page(
      req,
      res,
      'journal',
      {
        items: found.items.map((e) => ({ ...e, amount: entryAmount(e) })),
        total: found.total,
        filter: { from: query.from ?? '', to: query.to ?? '', account, source },
        accounts: accounts.map((a) => ({
          code: a.code,
          name: langOf(req) === 'en' ? a.nameEn || a.name : a.name,
          selected: a.code === account,
        })),
        sources: ENTRY_SOURCES.map((code) => ({ code, selected: code === source })),
        pager: pager('/admin/journal', query, page, PAGE_SIZE, found.total),
      },
      { title: t('journal.title'), errors: hasErrors(errors) ? errors : undefined },
    );
  }

  @Get('new')
  async newForm(@Req() req: AdminRequest, @Res() res: Response) {
    requireWriter(req);
    const { selected } = await this.views.fundChoice(req);
    const blank = { account: '', debit: '', credit: '', memo: '' };
    await this.renderForm(req, res, {
      fundCode: selected ?? '',
      date: showDate(todayInVietnam()),
      description: '',
      lines: [{ ...blank }, { ...blank }],
      idempotencyKey: randomUUID(),
    });
  }

  @Post()
  async post(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const actor = requireWriter(req);
    const t = tFor(langOf(req));
    const accounts = list(body, 'lineAccount');
    const debits = list(body, 'lineDebit');
    const credits = list(body, 'lineCredit');
    const memos = list(body, 'lineMemo');
    const lines: LineForm[] = accounts.map((account, i) => ({
      account,
      debit: debits[i] ?? '',
      credit: credits[i] ?? '',
      memo: memos[i] ?? '',
    }));
    const form = {
      fundCode: text(body, 'fundCode'),
      date: text(body, 'date'),
      description: text(body, 'description'),
      lines,
      idempotencyKey: text(body, 'idempotencyKey') || randomUUID(),
    };
    const errors = emptyErrors();
    const date = parseDateInput(form.date);
    if (!date) addError(errors, 'date', t('forms.badDate'));
    const dtoLines: Record<string, unknown>[] = [];
    lines.forEach((line, i) => {
      if (!line.account && !line.debit && !line.credit) return;
      const out: Record<string, unknown> = { account: line.account };
      for (const side of ['debit', 'credit'] as const) {
        if (!line[side]) continue;
        const digits = parseAmountInput(line[side]);
        if (digits === null)
          addError(errors, `line-${i}-${side}`, `${t('fields.' + side)} (${i + 1}): ${t('forms.badAmount')}`);
        else if (digits !== '0') out[side] = digits;
      }
      if (line.memo) out.memo = line.memo;
      dtoLines.push(out);
    });
    const plain = {
      fundCode: form.fundCode,
      date: date ?? form.date,
      description: form.description,
      lines: dtoLines,
    };
    const dto = await checkDto(PostEntryDto, plain, hasErrors(errors) ? emptyErrors() : errors);
    if (hasErrors(errors)) return this.renderForm(req, res, form, errors, 400);
    try {
      const entry = await onceFor(form.idempotencyKey, 'POST /admin/journal', plain, () =>
        this.services.journal.post(actor, dto),
      );
      // An entry that moves money out waits for an approver (ledger/manual-entry-rules.ts): nothing to show yet.
      if ('requestId' in entry) return res.redirect(303, `/admin/journal?submitted=${entry.requestId}`);
      res.redirect(303, `/admin/journal/${entry.id}?posted=1`);
    } catch (error) {
      const refused = refusal(error, ['fundCode', 'date', 'description', 'lines']);
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
    await this.renderShow(req, res, actor, parseId(rawId, 'journal entry'), {
      posted: query.posted === '1',
      reversed: query.reversed === '1',
    });
  }

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
    const id = parseId(rawId, 'journal entry');
    const reason = text(body, 'reason');
    const errors = emptyErrors();
    if (!reason) addError(errors, 'reason', t('forms.required', { field: t('fields.reason') }));
    const dto = await checkDto(
      ReverseEntryDto,
      { date: todayInVietnam(), reason },
      hasErrors(errors) ? emptyErrors() : errors,
    );
    if (!hasErrors(errors)) {
      try {
        const reversal = await this.services.journal.reverse(actor, id, dto);
        return res.redirect(303, `/admin/journal/${reversal.id}?reversed=1`);
      } catch (error) {
        const refused = refusal(error, ['reason', 'date']);
        if (!refused) throw error;
        return this.renderShow(
          req,
          res,
          actor,
          id,
          { reason, openReverse: true },
          refused.errors,
          refused.status,
        );
      }
    }
    return this.renderShow(req, res, actor, id, { reason, openReverse: true }, errors, 400);
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
    const entry = await this.services.journal.get(actor, id);
    const t = tFor(langOf(req));
    const accounts = await this.services.balances.accounts(this.queries.manager, entry.fundCode);
    const nameOf = new Map(accounts.map((a) => [a.code, langOf(req) === 'en' ? a.nameEn || a.name : a.name]));
    await this.views.page(
      req,
      res,
      'journal-entry',
      {
        entry,
        lines: entry.lines.map((l) => ({ ...l, name: nameOf.get(l.account) ?? '' })),
        canReverse: canWrite(actor) && entry.reversedBy === null && entry.source === 'manual',
        ...extra,
      },
      { title: `${t('journal.title')} ${entry.fundCode}-${entry.number}`, errors, status },
    );
  }

  private async renderForm(
    req: AdminRequest,
    res: Response,
    form: { fundCode: string; date: string; description: string; lines: LineForm[]; idempotencyKey: string },
    errors?: FormErrors,
    status = 200,
  ) {
    const actor = requireActor(req);
    const t = tFor(langOf(req));
    const funds = await this.services.funds.list(actor);
    const fund = funds.find((f) => f.code === form.fundCode)?.code ?? funds[0]?.code;
    if (fund) assertFundInScope(actor, fund);
    const accounts = fund ? await this.services.balances.accounts(this.queries.manager, fund) : [];
    const options = accounts.map((a) => ({
      code: a.code,
      name: langOf(req) === 'en' ? a.nameEn || a.name : a.name,
    }));
    await this.views.page(
      req,
      res,
      'journal-new',
      {
        form,
        funds,
        accounts: options,
        lines: form.lines.map((line, i) => ({
          ...line,
          n: i + 1,
          accounts: options.map((o) => ({ ...o, selected: o.code === line.account })),
        })),
      },
      { title: t('journal.new'), errors, status },
    );
  }
}
