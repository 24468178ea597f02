import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor';
import { Campaign, Contribution, Donor } from '../contributions/entities';
import { UnitOfWork } from '../database/unit-of-work';
import { Fund } from '../funds/fund.entity';

export interface ContributionFilter {
  fund?: string;
  donorId?: number;
  campaign?: string;
  method?: string;
  status?: string;
  from?: string;
  to?: string;
}

export interface ContributionRow {
  id: number;
  receiptNo: string;
  fundCode: string;
  date: string;
  amount: string;
  method: string;
  status: string;
  donorId: number;
  donorName: string;
  campaign: string | null;
}

/**
 * Read-only queries the list pages need and the API does not offer (filter by method and status, totals of the
 * whole filtered list). They read; they never write, and they keep to the user's funds as the services do.
 */
@Injectable()
export class AdminQueries {
  constructor(private readonly uow: UnitOfWork) {}

  /** For the services' read methods that take a manager (committed data only). */
  get manager() {
    return this.uow.manager;
  }

  private contributions(actor: Actor, f: ContributionFilter) {
    const q = this.uow.manager
      .createQueryBuilder(Contribution, 'c')
      .innerJoin(Fund, 'f', 'f.id = c.fund_id')
      .innerJoin(Donor, 'd', 'd.id = c.donor_id')
      .leftJoin(Campaign, 'k', 'k.id = c.campaign_id');
    if (actor.fundScope !== null) q.andWhere('f.code IN (:...scope)', { scope: [...actor.fundScope, ''] });
    if (f.fund) q.andWhere('f.code = :fund', { fund: f.fund });
    if (f.donorId) q.andWhere('c.donor_id = :donorId', { donorId: f.donorId });
    if (f.campaign) q.andWhere('k.code = :campaign', { campaign: f.campaign });
    if (f.method) q.andWhere('c.method = :method', { method: f.method });
    if (f.status) q.andWhere('c.status = :status', { status: f.status });
    if (f.from) q.andWhere('c.contribution_date >= :from', { from: f.from });
    if (f.to) q.andWhere('c.contribution_date <= :to', { to: f.to });
    return q;
  }

  async contributionPage(
    actor: Actor,
    f: ContributionFilter,
    page: number,
    pageSize: number,
  ): Promise<{ items: ContributionRow[]; count: number; total: string }> {
    const totals = await this.contributions(actor, f)
      .select('COUNT(*)', 'count')
      .addSelect('CAST(COALESCE(SUM(c.amount), 0) AS TEXT)', 'total')
      .getRawOne<{ count: string | number; total: string }>();
    const rows = await this.contributions(actor, f)
      .select([
        'c.id AS id',
        'c.receipt_no AS "receiptNo"',
        'f.code AS "fundCode"',
        'c.contribution_date AS date',
        'CAST(c.amount AS TEXT) AS amount',
        'c.method AS method',
        'c.status AS status',
        'd.id AS "donorId"',
        'd.name AS "donorName"',
        'k.code AS campaign',
      ])
      .orderBy('c.contribution_date', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getRawMany<ContributionRow>();
    return {
      items: rows.map((r) => ({
        ...r,
        id: Number(r.id),
        donorId: Number(r.donorId),
        amount: String(r.amount),
      })),
      count: Number(totals?.count ?? 0),
      total: String(totals?.total ?? '0'),
    };
  }
}
