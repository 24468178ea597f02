import { Controller, Get, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/decorators';
import { PURPOSES } from '../disbursements/entities';
import { loadPolicy } from '../disbursements/policy';
import type { FundView } from '../funds/funds.service';
import { AdminErrorsFilter } from './admin-errors.filter';
import { tFor } from './i18n';
import { AdminQueries } from './queries';
import { AdminServices } from './services';
import { AdminRequest, AdminViews, langOf, money, requireActor } from './views';

interface FundNode extends FundView {
  depth: number;
  accounts: { code: string; name: string }[];
}

/** Funds as a tree (the funds the user may see), with their units, validity and chart; the payout policy, read-only. */
@ApiExcludeController()
@Public()
@Controller('admin/funds')
@UseFilters(AdminErrorsFilter)
export class AdminFundsController {
  constructor(
    private readonly views: AdminViews,
    private readonly services: AdminServices,
    private readonly queries: AdminQueries,
  ) {}

  @Get()
  async tree(@Req() req: AdminRequest, @Res() res: Response) {
    const actor = requireActor(req);
    const t = tFor(langOf(req));
    const en = langOf(req) === 'en';
    const funds = await this.services.funds.list(actor);
    const codes = new Set(funds.map((f) => f.code));
    const ordered: FundNode[] = [];
    const visit = async (parent: string | null, depth: number) => {
      for (const f of funds.filter((x) =>
        parent === null ? !x.parentCode || !codes.has(x.parentCode) : x.parentCode === parent,
      )) {
        const accounts = await this.services.balances.accounts(this.queries.manager, f.code);
        ordered.push({
          ...f,
          depth,
          accounts: accounts.map((a) => ({ code: a.code, name: en ? a.nameEn || a.name : a.name })),
        });
        await visit(f.code, depth + 1);
      }
    };
    await visit(null, 0);
    const policy = loadPolicy();
    await this.views.page(
      req,
      res,
      'funds',
      {
        tree: ordered.map((f) => ({ ...f, indent: f.depth * 1.5 })),
        policy: {
          houseNewIntervalYears: policy.houseNewIntervalYears,
          managementSharePercent: policy.managementSharePercent,
          caps: PURPOSES.filter((p) => policy.caps[p]).map((p) => ({
            purpose: p,
            cap: money(policy.caps[p]?.toString()),
          })),
        },
      },
      { title: t('fundsPage.title') },
    );
  }
}
