import { Controller, Get, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../common/actor';
import { todayInVietnam } from '../common/clock';
import { Public } from '../common/decorators';
import { ListDisbursementsQuery } from '../disbursements/dto';
import { ListEntriesQuery } from '../ledger/dto';
import type { EntryView } from '../ledger/ledger.types';
import { AdminErrorsFilter } from './admin-errors.filter';
import { showDate } from './forms';
import { tFor } from './i18n';
import { AdminServices } from './services';
import { AdminRequest, AdminViews, langOf, money, requireActor } from './views';

const CHART_YEARS = 6;
/** The dashboard warns when the chain's last verification is older than this. */
const VERIFY_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/** "2026-12-02T16:52:29.123Z" → "02/12/2026 23:52" (Vietnam time). */
export function showDateTime(iso: string): string {
  const local = new Date(Date.parse(iso) + 7 * 3600 * 1000).toISOString();
  return `${showDate(local.slice(0, 10))} ${local.slice(11, 16)}`;
}

/** Sum of an entry's debits: what the list shows as its amount. */
export function entryAmount(entry: EntryView): string {
  return entry.lines.reduce((sum, line) => sum + BigInt(line.debit || '0'), 0n).toString();
}

/** The dashboard of the selected fund (or consolidated with the funds below it). */
@ApiExcludeController()
@Public()
@Controller('admin')
@UseFilters(AdminErrorsFilter)
export class AdminDashboardController {
  constructor(
    private readonly views: AdminViews,
    private readonly services: AdminServices,
  ) {}

  @Get()
  async dashboard(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Query('consolidated') consolidatedParam?: string,
  ): Promise<void> {
    const actor = requireActor(req);
    const t = tFor(langOf(req));
    const { selected: fund } = await this.views.fundChoice(req);
    if (!fund) {
      await this.views.page(req, res, 'dashboard', { noFund: true }, { title: t('dashboard.title') });
      return;
    }
    const consolidated = consolidatedParam === 'on' || consolidatedParam === 'true';
    const today = todayInVietnam();
    const thisYear = Number(today.slice(0, 4));
    const [balance, statement, waiting, latest, warnings] = await Promise.all([
      this.services.reports.trialBalance(actor, fund, today, consolidated),
      this.services.statements.statement(
        actor,
        fund,
        `${thisYear - CHART_YEARS + 1}-01-01`,
        today,
        consolidated,
      ),
      this.waitingPayouts(actor, fund),
      this.latestEntries(actor, consolidated ? null : fund),
      this.warnings(actor, fund, thisYear, langOf(req)),
    ]);
    const row = (code: string) => balance.rows.find((r) => r.account === code)?.balance ?? '0';
    const years = (statement.years ?? []).map((y) => ({
      year: y.year,
      receipts: y.receipts,
      disbursements: y.disbursements,
    }));
    if (years.length === 0)
      years.push({
        year: thisYear,
        receipts: statement.receipts.total,
        disbursements: statement.disbursements.total,
      });
    const current = years.find((y) => y.year === thisYear) ?? { receipts: '0', disbursements: '0' };
    const previous = years.find((y) => y.year === thisYear - 1) ?? { receipts: '0', disbursements: '0' };
    await this.views.page(
      req,
      res,
      'dashboard',
      {
        consolidated,
        cash: row('111'),
        bank: row('112'),
        thisYear,
        lastYear: thisYear - 1,
        current,
        previous,
        years: [...years].reverse(),
        chart: {
          labels: years.map((y) => String(y.year)),
          receipts: years.map((y) => y.receipts),
          disbursements: years.map((y) => y.disbursements),
          receiptsLabel: t('dashboard.receipts'),
          disbursementsLabel: t('dashboard.disbursements'),
        },
        chartText: years
          .map(
            (y) =>
              `${y.year}: ${t('dashboard.receipts')} ${money(y.receipts)}, ${t('dashboard.disbursements')} ${money(y.disbursements)}`,
          )
          .join('; '),
        waiting,
        latest: latest.map((e) => ({ ...e, amount: entryAmount(e) })),
        warnings,
      },
      { title: t('dashboard.title') },
    );
  }

  private async waitingPayouts(actor: Actor, fund: string): Promise<number> {
    const q = Object.assign(new ListDisbursementsQuery(), {
      fund,
      status: 'submitted',
      page: 1,
      pageSize: 1,
    });
    return (await this.services.disbursements.list(actor, q)).total;
  }

  private async latestEntries(actor: Actor, fund: string | null): Promise<EntryView[]> {
    const size = 10;
    const probe = Object.assign(new ListEntriesQuery(), { fund: fund ?? undefined, page: 1, pageSize: 1 });
    const { total } = await this.services.journal.list(actor, probe);
    if (total === 0) return [];
    // The journal lists oldest first: read the last two pages and keep the newest ten.
    const lastPage = Math.max(1, Math.ceil(total / size));
    const pages = lastPage > 1 ? [lastPage - 1, lastPage] : [lastPage];
    const items: EntryView[] = [];
    for (const page of pages) {
      const q = Object.assign(new ListEntriesQuery(), { fund: fund ?? undefined, page, pageSize: size });
      items.push(...(await this.services.journal.list(actor, q)).items);
    }
    return items.slice(-size).reverse();
  }

  private async warnings(actor: Actor, fund: string, thisYear: number, lang: 'vi' | 'en'): Promise<string[]> {
    const t = tFor(lang);
    const out: string[] = [];
    const last = await this.services.audit.lastRun();
    if (!last) out.push(t('dashboard.warnVerifyNever'));
    else if (!last.ok)
      out.push(
        t('dashboard.warnVerifyFailed', { at: showDateTime(last.at), problem: last.firstProblem ?? '' }),
      );
    else if (Date.now() - Date.parse(last.at) > VERIFY_MAX_AGE_MS)
      out.push(t('dashboard.warnVerifyOld', { at: showDateTime(last.at) }));
    try {
      const history = await this.services.closing.get(actor, fund);
      const closed = new Set(history.years.filter((y) => y.status === 'closed').map((y) => y.year));
      const lastYear = thisYear - 1;
      const opened =
        history.years.length > 0 || (await this.hasEntriesBefore(actor, fund, `${thisYear}-01-01`));
      if (opened && !closed.has(lastYear) && history.status === 'active')
        out.push(t('dashboard.warnOpenYear', { year: lastYear }));
    } catch {
      // A fund without closing history says nothing here.
    }
    try {
      const report = await this.services.bank.report(actor, fund, {});
      const unmatched = report.counts.unmatchedStatementLines;
      if (unmatched > 0) out.push(t('dashboard.warnUnmatched', { count: unmatched }));
    } catch {
      // No bank statements imported: nothing to warn about.
    }
    return out;
  }

  private async hasEntriesBefore(actor: Actor, fund: string, date: string): Promise<boolean> {
    const q = Object.assign(new ListEntriesQuery(), { fund, to: date, page: 1, pageSize: 1 });
    const before = new Date(`${date}T00:00:00Z`);
    before.setUTCDate(before.getUTCDate() - 1);
    q.to = before.toISOString().slice(0, 10);
    return (await this.services.journal.list(actor, q)).total > 0;
  }
}
