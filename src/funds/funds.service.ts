import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, assertFundInScope, assertUnscoped, canSeeFund } from '../common/actor';
import { ConflictError, InvalidRequestError, NotFoundError } from '../common/errors';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { BalancesService } from '../ledger/balances.service';
import { AddUnitNameDto, CreateFundDto } from './dto';
import { Fund, FundLevel, FundUnitName } from './fund.entity';

export interface FundView {
  code: string;
  name: string;
  unitName: string | null;
  level: FundLevel;
  parentCode: string | null;
  validFrom: string | null;
  validTo: string | null;
  status: string;
}

/** One name of a fund's unit and the days it is in force (`validTo` null: still in force). */
export interface UnitNameView {
  validFrom: string | null;
  validTo: string | null;
  name: string;
  place: string | null;
  reason: string | null;
}

/** central > province > district > commune: a fund sits below a fund of a higher level. */
const LEVEL_RANK: Record<FundLevel, number> = { central: 4, province: 3, district: 2, commune: 1 };

@Injectable()
export class FundsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly books: BalancesService,
  ) {}

  /** Creates the fund and opens its books with the default chart of accounts, in one transaction. */
  create(actor: Actor, dto: CreateFundDto): Promise<FundView> {
    assertUnscoped(actor, 'create funds');
    return this.uow.write(async (tx) => {
      const problems: string[] = [];
      if (await tx.findOne(Fund, { where: { code: dto.code } }))
        throw new ConflictError(`fund ${dto.code} already exists`);
      let parent: Fund | null = null;
      if (dto.parentCode !== undefined) {
        parent = await tx.findOne(Fund, { where: { code: dto.parentCode } });
        if (!parent) problems.push(`parentCode ${dto.parentCode} is not a known fund`);
        else if (LEVEL_RANK[parent.level] <= LEVEL_RANK[dto.level]) {
          problems.push(`a ${dto.level} fund cannot sit below the ${parent.level} fund ${parent.code}`);
        }
      } else if (dto.level !== 'central' && dto.level !== 'province') {
        problems.push(`parentCode is required for a ${dto.level} fund`);
      }
      if (dto.validFrom && dto.validTo && dto.validTo < dto.validFrom)
        problems.push('validTo must not be before validFrom');
      if (problems.length) throw new InvalidRequestError(problems);

      const fund = await tx.save(
        tx.create(Fund, {
          code: dto.code,
          name: dto.name,
          unitName: dto.unitName ?? null,
          level: dto.level,
          parentId: parent?.id ?? null,
          validFrom: dto.validFrom ?? null,
          validTo: dto.validTo ?? null,
          status: 'active',
          createdAt: nowIso(),
        }),
      );
      await this.books.open(tx, fund.id, fund.code);
      return this.view(fund, parent?.code ?? null);
    });
  }

  async list(actor: Actor): Promise<FundView[]> {
    const funds = await this.uow.manager.find(Fund, { order: { code: 'ASC' } });
    const codeOf = new Map(funds.map((f) => [f.id, f.code]));
    return funds
      .filter((f) => canSeeFund(actor, f.code))
      .map((f) => this.view(f, f.parentId === null ? null : (codeOf.get(f.parentId) ?? null)));
  }

  async get(actor: Actor, code: string): Promise<FundView> {
    assertFundInScope(actor, code);
    const fund = await this.byCode(this.uow.manager, code);
    const parent =
      fund.parentId === null ? null : await this.uow.manager.findOneBy(Fund, { id: fund.parentId });
    return this.view(fund, parent?.code ?? null);
  }

  /** The names of the fund's unit over time, the first (from the fund's creation) with `validFrom` null. */
  async unitNames(actor: Actor, code: string): Promise<UnitNameView[]> {
    assertFundInScope(actor, code);
    const fund = await this.byCode(this.uow.manager, code);
    return this.unitNameViews(this.uow.manager, fund);
  }

  /**
   * Adds a name of the fund's unit in force from `validFrom`: documents dated from that day print it, earlier ones
   * keep the name they had. A second name from the same day is a 409.
   */
  addUnitName(actor: Actor, code: string, dto: AddUnitNameDto): Promise<UnitNameView[]> {
    assertUnscoped(actor, 'rename the unit of a fund');
    return this.uow.write(async (tx) => {
      const fund = await this.byCode(tx, code);
      if (fund.validFrom && dto.validFrom < fund.validFrom)
        throw new InvalidRequestError(`validFrom must not be before the fund's first day ${fund.validFrom}`);
      if (await tx.findOne(FundUnitName, { where: { fundId: fund.id, validFrom: dto.validFrom } }))
        throw new ConflictError(`fund ${code} already has a unit name from ${dto.validFrom}`);
      await tx.insert(FundUnitName, {
        fundId: fund.id,
        validFrom: dto.validFrom,
        name: dto.name.trim(),
        place: dto.place?.trim() ?? null,
        reason: dto.reason ?? null,
        createdBy: actor.username,
        createdAt: nowIso(),
      });
      return this.unitNameViews(tx, fund);
    });
  }

  private async unitNameViews(manager: EntityManager, fund: Fund): Promise<UnitNameView[]> {
    const rows = await manager.find(FundUnitName, {
      where: { fundId: fund.id },
      order: { validFrom: 'ASC' },
    });
    const names: UnitNameView[] = [
      { validFrom: null, validTo: null, name: fund.unitName ?? fund.name, place: null, reason: null },
      ...rows.map((r) => ({
        validFrom: r.validFrom,
        validTo: null,
        name: r.name,
        place: r.place,
        reason: r.reason,
      })),
    ];
    for (let i = 0; i + 1 < names.length; i++)
      names[i].validTo = previousDay(names[i + 1].validFrom as string);
    return names;
  }

  async byCode(manager: EntityManager, code: string): Promise<Fund> {
    const fund = await manager.findOne(Fund, { where: { code } });
    if (!fund) throw new NotFoundError(`fund ${code} does not exist`);
    return fund;
  }

  /** The fund and every fund below it, at any depth. */
  async withDescendants(manager: EntityManager, code: string): Promise<Fund[]> {
    const all = await manager.find(Fund);
    const root = all.find((f) => f.code === code);
    if (!root) throw new NotFoundError(`fund ${code} does not exist`);
    const result = [root];
    for (let i = 0; i < result.length; i++) {
      result.push(...all.filter((f) => f.parentId === result[i].id));
    }
    return result;
  }

  private view(fund: Fund, parentCode: string | null): FundView {
    return {
      code: fund.code,
      name: fund.name,
      unitName: fund.unitName,
      level: fund.level,
      parentCode,
      validFrom: fund.validFrom,
      validTo: fund.validTo,
      status: fund.status,
    };
  }
}

function previousDay(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}
