import { Injectable } from '@nestjs/common';
import { assertFundInScope, type Actor } from '../common/actor';
import { UnitOfWork } from '../database/unit-of-work';
import { Disbursement, HouseProject } from '../disbursements/entities';
import { Fund } from '../funds/fund.entity';

export const PROJECT_STATUSES = ['open', 'completed', 'cancelled'] as const;

/**
 * The ids the house-project pages list (the API has no list route): a fund's projects, newest first, and a
 * project's payout requests, oldest first. Each project and payout is then read through its service.
 */
@Injectable()
export class ProjectQueries {
  constructor(private readonly uow: UnitOfWork) {}

  async projectIds(
    actor: Actor,
    fund: string,
    status: string | undefined,
    page: number,
    pageSize: number,
  ): Promise<{ ids: number[]; total: number }> {
    assertFundInScope(actor, fund);
    const q = this.uow.manager
      .createQueryBuilder(HouseProject, 'p')
      .innerJoin(Fund, 'f', 'f.id = p.fund_id')
      .where('f.code = :fund', { fund });
    if (status) q.andWhere('p.status = :status', { status });
    const [rows, total] = await q
      .orderBy('p.started_on', 'DESC')
      .addOrderBy('p.id', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { ids: rows.map((r) => r.id), total };
  }

  /** The payout requests of a project (its tranches), at most a few dozen by nature. */
  async trancheIds(projectId: number): Promise<number[]> {
    const rows = await this.uow.manager.find(Disbursement, {
      select: { id: true },
      where: { projectId },
      order: { id: 'ASC' },
      take: 200,
    });
    return rows.map((r) => r.id);
  }
}
