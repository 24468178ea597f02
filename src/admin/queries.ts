import { Injectable } from '@nestjs/common';
import { assertFundInScope, type Actor } from '../common/actor';
import type { Page } from '../common/pagination';
import { Campaign, Contribution, Donor } from '../contributions/entities';
import { AuditLogEntry } from '../database/entities';
import { UnitOfWork } from '../database/unit-of-work';
import { Fund } from '../funds/fund.entity';
import { Book, JournalEntry } from '../ledger/entities';
import { JournalQueryService } from '../ledger/journal-query.service';
import type { EntryView } from '../ledger/ledger.types';

export interface EntryFilter {
  fund?: string;
  from?: string;
  to?: string;
  /** An account code: entries with a line on it (or on a sub-account of it, "511" takes 5111…). */
  account?: string;
  source?: string;
}

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
  constructor(
    private readonly uow: UnitOfWork,
    private readonly journal: JournalQueryService,
  ) {}

  /**
   * The journal filtered as the list page offers (fund, period, account, source), oldest first like the API's
   * list; the entries are read through the ledger's own JournalQueryService.
   */
  async entryPage(actor: Actor, f: EntryFilter, page: number, pageSize: number): Promise<Page<EntryView>> {
    if (f.fund) assertFundInScope(actor, f.fund);
    const q = this.uow.manager
      .createQueryBuilder(JournalEntry, 'e')
      .innerJoin(Book, 'b', 'b.fund_id = e.fund_id');
    if (f.fund) q.andWhere('b.fund_code = :fund', { fund: f.fund });
    else if (actor.fundScope !== null)
      q.andWhere('b.fund_code IN (:...scope)', { scope: [...actor.fundScope, ''] });
    if (f.from) q.andWhere('e.entry_date >= :from', { from: f.from });
    if (f.to) q.andWhere('e.entry_date <= :to', { to: f.to });
    if (f.source) q.andWhere('e.source = :source', { source: f.source });
    if (f.account)
      q.andWhere(
        `EXISTS (SELECT 1 FROM journal_lines jl JOIN accounts ja ON ja.id = jl.account_id
                  WHERE jl.entry_id = e.id AND ja.code LIKE :account)`,
        { account: `${f.account.replace(/[^0-9]/g, '')}%` },
      );
    const [entries, total] = await q
      .orderBy('e.entry_date', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { items: await this.journal.views(this.uow.manager, entries), total, page, pageSize };
  }

  /** The audit log, newest first, filtered by user, action (a part of it), fund (named in the request) and date. */
  async auditPage(
    f: { user?: string; action?: string; fund?: string; from?: string; to?: string },
    page: number,
    pageSize: number,
  ): Promise<{
    items: { id: number; at: string; username: string; action: string; details: string }[];
    total: number;
  }> {
    const q = this.uow.manager.createQueryBuilder(AuditLogEntry, 'a');
    if (f.user) q.andWhere('a.username = :user', { user: f.user });
    if (f.action) q.andWhere('a.action LIKE :action', { action: `%${f.action.replace(/[%_]/g, '')}%` });
    if (f.fund) q.andWhere('a.details LIKE :fund', { fund: `%"${f.fund.replace(/[%_"\\]/g, '')}"%` });
    if (f.from) q.andWhere('a.at >= :from', { from: f.from });
    if (f.to) q.andWhere('a.at < :to', { to: `${f.to}T99` });
    const [rows, total] = await q
      .orderBy('a.id', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return {
      items: rows.map((r) => ({
        id: r.id,
        at: r.at,
        username: r.username,
        action: r.action,
        details: r.details.slice(0, 300),
      })),
      total,
    };
  }

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
