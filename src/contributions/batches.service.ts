import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, assertFundInScope, canSeeFund } from '../common/actor';
import { BusinessRuleError, ConflictError, InvalidRequestError, NotFoundError } from '../common/errors';
import { Money } from '../common/money';
import { sql, sumDong } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { Fund } from '../funds/fund.entity';
import { ContributionsService, ContributionView } from './contributions.service';
import { AddBatchMembersDto, CreateBatchDto, MAX_BATCH_MEMBERS } from './dto';
import { BatchMember, Campaign, Contribution, ContributionBatch, Donor } from './entities';

export interface BatchView {
  id: number;
  fundCode: string;
  donorId: number;
  date: string;
  method: ContributionBatch['method'];
  description: string;
  status: ContributionBatch['status'];
  expectedCount: number;
  expectedTotal: string;
  count: number;
  total: string;
  contributionId: number | null;
  receiptNo: string | null;
}

/**
 * A list handed in by an agency on behalf of its staff (e.g. one day's salary each): entered name by name
 * against an expected count and total, and posted as one contribution with the names as the receipt's annex
 * once both controls agree.
 */
@Injectable()
export class BatchesService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly contributions: ContributionsService,
  ) {}

  create(actor: Actor, dto: CreateBatchDto): Promise<BatchView> {
    assertFundInScope(actor, dto.fundCode);
    return this.uow.write(async (tx) => {
      const fund = await tx.findOne(Fund, { where: { code: dto.fundCode } });
      const donor = await tx.findOne(Donor, { where: { id: dto.donorId } });
      const campaign = dto.campaign ? await tx.findOne(Campaign, { where: { code: dto.campaign } }) : null;
      const problems: string[] = [];
      if (!fund) problems.push(`fundCode ${dto.fundCode} is not a known fund`);
      if (!donor) problems.push(`donorId ${dto.donorId} is not a known donor`);
      if (dto.campaign && !campaign) problems.push(`campaign ${dto.campaign} is not a known campaign`);
      if (problems.length || !fund || !donor) throw new InvalidRequestError(problems);
      const batch = await tx.save(
        tx.create(ContributionBatch, {
          fundId: fund.id,
          donorId: donor.id,
          campaignId: campaign?.id ?? null,
          date: dto.date,
          method: dto.method,
          purpose: dto.purpose ?? null,
          description: dto.description,
          expectedCount: dto.expectedCount,
          expectedTotal: Money.parse(dto.expectedTotal).toString(),
          status: 'open',
          createdBy: actor.username,
          createdAt: nowIso(),
        }),
      );
      return this.view(tx, batch);
    });
  }

  addMembers(actor: Actor, id: number, dto: AddBatchMembersDto): Promise<BatchView> {
    return this.uow.write(async (tx) => {
      const batch = await this.openBatch(tx, actor, id);
      const count = await tx.count(BatchMember, { where: { batchId: id } });
      if (count + dto.members.length > MAX_BATCH_MEMBERS) {
        throw new InvalidRequestError(`a batch holds at most ${MAX_BATCH_MEMBERS} names`);
      }
      await tx.insert(
        BatchMember,
        dto.members.map((m, i) => ({
          batchId: id,
          lineNo: count + i + 1,
          name: m.name.trim(),
          amount: Money.parse(m.amount, `members.${i}.amount`).toString(),
          note: m.note ?? null,
        })),
      );
      return this.view(tx, batch);
    });
  }

  /** Checks both controls and posts the whole list as one contribution; 422 names each difference. */
  close(actor: Actor, id: number): Promise<{ batch: BatchView; contribution: ContributionView }> {
    return this.uow.write(async (tx) => {
      const batch = await this.openBatch(tx, actor, id);
      const { count, total } = await this.totals(tx, id);
      const expectedTotal = Money.fromStored(batch.expectedTotal);
      const problems: string[] = [];
      if (count !== batch.expectedCount)
        problems.push(`the list has ${count} names, the batch expects ${batch.expectedCount}`);
      if (!total.equals(expectedTotal)) {
        problems.push(
          `the list adds up to ${total.format()}, the batch expects ${expectedTotal.format()} (difference ${total.minus(expectedTotal).format()})`,
        );
      }
      if (problems.length) throw new BusinessRuleError(problems);

      const fund = await tx.findOneOrFail(Fund, { where: { id: batch.fundId } });
      const campaign =
        batch.campaignId === null
          ? null
          : await tx.findOneOrFail(Campaign, { where: { id: batch.campaignId } });
      const contribution = await this.contributions.record(tx, {
        fundCode: fund.code,
        donorId: batch.donorId,
        date: batch.date,
        amount: total,
        method: batch.method,
        purpose: batch.purpose ?? batch.description,
        campaignCode: campaign?.code ?? null,
        batchId: batch.id,
        createdBy: actor.username,
      });
      await tx.update(ContributionBatch, { id }, { status: 'closed' });
      batch.status = 'closed';
      return {
        batch: await this.view(tx, batch),
        contribution: await this.contributions.view(tx, contribution),
      };
    });
  }

  cancel(actor: Actor, id: number): Promise<BatchView> {
    return this.uow.write(async (tx) => {
      const batch = await this.openBatch(tx, actor, id);
      await tx.update(ContributionBatch, { id }, { status: 'cancelled' });
      batch.status = 'cancelled';
      return this.view(tx, batch);
    });
  }

  async get(
    actor: Actor,
    id: number,
  ): Promise<
    BatchView & { members: { lineNo: number; name: string; amount: string; note: string | null }[] }
  > {
    const batch = await this.byId(this.uow.manager, actor, id);
    const members = await this.uow.manager.find(BatchMember, {
      where: { batchId: id },
      order: { lineNo: 'ASC' },
    });
    return {
      ...(await this.view(this.uow.manager, batch)),
      members: members.map((m) => ({ lineNo: m.lineNo, name: m.name, amount: m.amount, note: m.note })),
    };
  }

  private async byId(manager: EntityManager, actor: Actor, id: number): Promise<ContributionBatch> {
    const batch = await manager.findOne(ContributionBatch, { where: { id }, relations: { fund: true } });
    if (!batch || !canSeeFund(actor, batch.fund?.code ?? ''))
      throw new NotFoundError(`batch ${id} does not exist`);
    return batch;
  }

  private async openBatch(tx: EntityManager, actor: Actor, id: number): Promise<ContributionBatch> {
    const batch = await this.byId(tx, actor, id);
    if (batch.status !== 'open') throw new ConflictError(`batch ${id} is ${batch.status}`);
    return batch;
  }

  private async totals(manager: EntityManager, id: number): Promise<{ count: number; total: Money }> {
    const [row] = await sql<{ n: string | number; total: string }>(
      manager,
      `SELECT COUNT(*) AS n, ${sumDong('amount')} AS total FROM batch_members WHERE batch_id = ?`,
      [id],
    );
    return { count: Number(row.n), total: Money.fromStored(row.total) };
  }

  private async view(manager: EntityManager, batch: ContributionBatch): Promise<BatchView> {
    const fund = batch.fund ?? (await manager.findOneOrFail(Fund, { where: { id: batch.fundId } }));
    const { count, total } = await this.totals(manager, batch.id);
    const contribution = await manager.findOne(Contribution, { where: { batchId: batch.id } });
    return {
      id: batch.id,
      fundCode: fund.code,
      donorId: batch.donorId,
      date: batch.date,
      method: batch.method,
      description: batch.description,
      status: batch.status,
      expectedCount: batch.expectedCount,
      expectedTotal: batch.expectedTotal,
      count,
      total: total.toString(),
      contributionId: contribution?.id ?? null,
      receiptNo: contribution?.receiptNo ?? null,
    };
  }
}
