import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Actor, assertFundInScope, canSeeFund } from '../common/actor';
import { BusinessRuleError, ConflictError, InvalidRequestError, NotFoundError } from '../common/errors';
import { Money } from '../common/money';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { Beneficiary } from '../beneficiaries/entities';
import { Fund } from '../funds/fund.entity';
import { FundsService } from '../funds/funds.service';
import { CompleteProjectDto, CreateHouseProjectDto } from './dto';
import { Disbursement, HouseProject } from './entities';

export interface HouseProjectView {
  id: number;
  fundCode: string;
  beneficiary: { id: number; fullName: string };
  kind: 'new' | 'repair';
  description: string;
  status: HouseProject['status'];
  startedOn: string;
  completedOn: string | null;
  budget: string;
  /** Paid out of cash or bank so far (advances and full payments). */
  paid: string;
  /** Advances settled into 6111/6112. */
  settled: string;
  remaining: string;
  otherSources: { centralBudget: string; localBudget: string; socialSources: string };
  /** Fund budget plus the memo figures. */
  allSources: string;
}

export interface HousingSummary {
  fund: string;
  from: string | null;
  to: string | null;
  consolidated: boolean;
  projects: number;
  households: number;
  fundPaid: string;
  centralBudget: string;
  localBudget: string;
  socialSources: string;
  allSources: string;
}

/** New houses and repairs paid in tranches, with the other funding sources of the same house as memo figures. */
@Injectable()
export class HouseProjectsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly funds: FundsService,
  ) {}

  create(actor: Actor, dto: CreateHouseProjectDto): Promise<HouseProjectView> {
    assertFundInScope(actor, dto.fundCode);
    return this.uow.write(async (tx) => {
      const fund = await tx.findOne(Fund, { where: { code: dto.fundCode } });
      const beneficiary = await tx.findOne(Beneficiary, { where: { id: dto.beneficiaryId } });
      const problems: string[] = [];
      if (!fund) problems.push(`fundCode ${dto.fundCode} is not a known fund`);
      if (!beneficiary) problems.push(`beneficiaryId ${dto.beneficiaryId} is not a known beneficiary`);
      if (problems.length || !fund || !beneficiary) throw new InvalidRequestError(problems);
      if (beneficiary.mergedIntoId !== null)
        throw new BusinessRuleError(
          `beneficiary ${beneficiary.id} was merged into ${beneficiary.mergedIntoId}`,
        );
      const project = await tx.save(
        tx.create(HouseProject, {
          fundId: fund.id,
          beneficiaryId: beneficiary.id,
          kind: dto.kind,
          description: dto.description,
          budget: Money.parse(dto.budget).toString(),
          centralBudget: Money.parse(dto.centralBudget ?? 0).toString(),
          localBudget: Money.parse(dto.localBudget ?? 0).toString(),
          socialSources: Money.parse(dto.socialSources ?? 0).toString(),
          status: 'open',
          startedOn: dto.startedOn,
          completedOn: null,
          createdBy: actor.username,
          createdAt: nowIso(),
        }),
      );
      return this.view(tx, project);
    });
  }

  async get(actor: Actor, id: number): Promise<HouseProjectView> {
    return this.view(this.uow.manager, await this.byId(this.uow.manager, actor, id));
  }

  /** Completion needs every advance settled: the books then show the house in 6111/6112, not in 141. */
  complete(actor: Actor, id: number, dto: CompleteProjectDto): Promise<HouseProjectView> {
    return this.uow.write(async (tx) => {
      const project = await this.byId(tx, actor, id);
      if (project.status !== 'open') throw new ConflictError(`house project ${id} is ${project.status}`);
      const pending = await tx.count(Disbursement, {
        where: { projectId: id, status: In(['draft', 'submitted', 'approved']) },
      });
      if (pending > 0) {
        throw new BusinessRuleError(
          `house project ${id} still has ${pending} payout request(s) not paid; pay or cancel them first`,
        );
      }
      const view = await this.view(tx, project);
      const unsettled = Money.fromStored(view.paid)
        .minus(Money.fromStored(view.settled))
        .minus(await this.fullPaid(tx, id));
      if (unsettled.isPositive()) {
        throw new BusinessRuleError(
          `house project ${id} has ${unsettled.format()} of advances not yet settled`,
        );
      }
      if (dto.date < project.startedOn)
        throw new InvalidRequestError('date must not be before the project started');
      await tx.update(HouseProject, { id }, { status: 'completed', completedOn: dto.date });
      return this.view(tx, await tx.findOneOrFail(HouseProject, { where: { id } }));
    });
  }

  /** "N households, X from all sources, of which Y from the fund" for projects started in a range. */
  async summary(
    actor: Actor,
    fundCode: string,
    consolidated: boolean,
    from?: string,
    to?: string,
  ): Promise<HousingSummary> {
    assertFundInScope(actor, fundCode);
    const funds = consolidated
      ? await this.funds.withDescendants(this.uow.manager, fundCode)
      : [await this.funds.byCode(this.uow.manager, fundCode)];
    const query = this.uow.manager
      .createQueryBuilder(HouseProject, 'p')
      .where('p.fund_id IN (:...ids)', { ids: funds.map((f) => f.id) })
      .andWhere("p.status <> 'cancelled'");
    if (from) query.andWhere('p.started_on >= :from', { from });
    if (to) query.andWhere('p.started_on <= :to', { to });
    const projects = await query.getMany();
    const paidRows = projects.length
      ? await this.uow.manager.find(Disbursement, {
          where: { projectId: In(projects.map((p) => p.id)), status: 'paid', stage: In(['advance', 'full']) },
        })
      : [];
    const sum = (values: string[]) => Money.sum(values.map((v) => Money.fromStored(v)));
    const fundPaid = sum(paidRows.map((d) => d.amount));
    const central = sum(projects.map((p) => p.centralBudget));
    const local = sum(projects.map((p) => p.localBudget));
    const social = sum(projects.map((p) => p.socialSources));
    return {
      fund: fundCode,
      from: from ?? null,
      to: to ?? null,
      consolidated,
      projects: projects.length,
      households: new Set(projects.map((p) => p.beneficiaryId)).size,
      fundPaid: fundPaid.toString(),
      centralBudget: central.toString(),
      localBudget: local.toString(),
      socialSources: social.toString(),
      allSources: fundPaid.plus(central).plus(local).plus(social).toString(),
    };
  }

  private async byId(manager: EntityManager, actor: Actor, id: number): Promise<HouseProject> {
    const project = await manager.findOne(HouseProject, { where: { id }, relations: { fund: true } });
    if (!project || !canSeeFund(actor, project.fund?.code ?? ''))
      throw new NotFoundError(`house project ${id} does not exist`);
    return project;
  }

  private async fullPaid(manager: EntityManager, projectId: number): Promise<Money> {
    const rows = await manager.find(Disbursement, { where: { projectId, status: 'paid', stage: 'full' } });
    return Money.sum(rows.map((d) => Money.fromStored(d.amount)));
  }

  private async view(manager: EntityManager, p: HouseProject): Promise<HouseProjectView> {
    const fund = p.fund ?? (await manager.findOneOrFail(Fund, { where: { id: p.fundId } }));
    const beneficiary = await manager.findOneOrFail(Beneficiary, { where: { id: p.beneficiaryId } });
    const paidRows = await manager.find(Disbursement, { where: { projectId: p.id, status: 'paid' } });
    const total = (stages: Disbursement['stage'][]) =>
      Money.sum(paidRows.filter((d) => stages.includes(d.stage)).map((d) => Money.fromStored(d.amount)));
    const budget = Money.fromStored(p.budget);
    const paid = total(['advance', 'full']);
    return {
      id: p.id,
      fundCode: fund.code,
      beneficiary: { id: beneficiary.id, fullName: beneficiary.fullName },
      kind: p.kind,
      description: p.description,
      status: p.status,
      startedOn: p.startedOn,
      completedOn: p.completedOn,
      budget: p.budget,
      paid: paid.toString(),
      settled: total(['settlement']).toString(),
      remaining: budget.minus(paid).toString(),
      otherSources: {
        centralBudget: p.centralBudget,
        localBudget: p.localBudget,
        socialSources: p.socialSources,
      },
      allSources: budget
        .plus(Money.fromStored(p.centralBudget))
        .plus(Money.fromStored(p.localBudget))
        .plus(Money.fromStored(p.socialSources))
        .toString(),
    };
  }
}
