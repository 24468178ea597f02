import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { BusinessRuleError, ForbiddenError, InvalidRequestError, NotFoundError } from '../common/errors';
import type { Page } from '../common/pagination';
import { maskNationalId } from '../common/redact';
import { foldVietnamese } from '../common/text';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { CreateDonorDto, SearchDonorsQuery } from './dto';
import { Contribution, Donor, DonorKind, DonorMerge } from './entities';

export interface DonorView {
  id: number;
  name: string;
  kind: DonorKind;
  address: string | null;
  email: string | null;
  taxCode: string | null;
  /** Masked (0100******89) unless the reader may see it whole. */
  nationalId: string | null;
  inProvince: boolean;
  mergedIntoId: number | null;
}

/** Roles that need a donor's whole citizen ID (to issue receipts and check duplicates). */
const SEES_NATIONAL_ID = new Set(['admin', 'accountant']);

/** Receipts account 5111–5114 by the donor's kind (DESIGN.md §4, §6). */
export const RECEIPT_ACCOUNT: Record<DonorKind, string> = {
  agency: '5111',
  enterprise: '5112',
  organization: '5113',
  individual: '5114',
};

@Injectable()
export class DonorsService {
  constructor(private readonly uow: UnitOfWork) {}

  create(dto: CreateDonorDto): Promise<DonorView> {
    return this.uow.write(async (tx) => {
      const donor = await this.insert(tx, dto);
      return this.view(donor, null);
    });
  }

  /** Inserts a donor inside a caller's transaction (the import creates donors this way). */
  async insert(tx: EntityManager, dto: CreateDonorDto): Promise<Donor> {
    return tx.save(
      tx.create(Donor, {
        name: dto.name.trim(),
        nameFolded: foldVietnamese(dto.name),
        kind: dto.kind,
        address: dto.address ?? null,
        email: dto.email ?? null,
        taxCode: dto.taxCode ?? null,
        nationalId: dto.nationalId ?? null,
        inProvince: dto.inProvince === false ? 0 : 1,
        mergedIntoId: null,
        createdAt: nowIso(),
      }),
    );
  }

  async get(actor: Actor, id: number): Promise<DonorView> {
    return this.view(await this.byId(this.uow.manager, id), actor);
  }

  async byId(manager: EntityManager, id: number): Promise<Donor> {
    const donor = await manager.findOne(Donor, { where: { id } });
    if (!donor) throw new NotFoundError(`donor ${id} does not exist`);
    return donor;
  }

  /** Name search without diacritics: "nguyen van a" finds "Nguyễn Văn An". Merged records are left out. */
  async search(actor: Actor, q: SearchDonorsQuery): Promise<Page<DonorView>> {
    const query = this.uow.manager.createQueryBuilder(Donor, 'd').where('d.merged_into_id IS NULL');
    if (q.q) query.andWhere('d.name_folded LIKE :q', { q: `%${foldVietnamese(q.q).replace(/[%_]/g, '')}%` });
    if (q.kind) query.andWhere('d.kind = :kind', { kind: q.kind });
    const [donors, total] = await query
      .orderBy('d.name_folded', 'ASC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    return { items: donors.map((d) => this.view(d, actor)), total, page: q.page, pageSize: q.pageSize };
  }

  /**
   * Merges a duplicate into the donor that stays: its contributions move over, the merged record stays with a
   * pointer to the survivor, and a donor_merges row says who did it, when and why.
   */
  merge(actor: Actor, fromId: number, intoId: number, reason: string): Promise<DonorView> {
    if (actor.fundScope !== null) {
      // Donors are shared by every fund: a merge moves contributions of funds this user cannot see.
      throw new ForbiddenError('only a user not limited to one fund may merge donors');
    }
    return this.uow.write(async (tx) => {
      if (fromId === intoId) throw new InvalidRequestError('intoId must be another donor');
      const from = await this.byId(tx, fromId);
      const into = await this.byId(tx, intoId);
      if (from.mergedIntoId !== null)
        throw new BusinessRuleError(`donor ${fromId} was already merged into ${from.mergedIntoId}`);
      if (into.mergedIntoId !== null)
        throw new BusinessRuleError(
          `donor ${intoId} was merged into ${into.mergedIntoId}; merge into that one`,
        );
      if (from.kind !== into.kind) {
        // The kind decides the receipts account of posted entries; merging across kinds would misstate them.
        throw new BusinessRuleError(
          `donor ${fromId} is ${from.kind} and ${intoId} is ${into.kind}; only donors of one kind can be merged`,
        );
      }
      const moved = await tx.update(Contribution, { donorId: fromId }, { donorId: intoId });
      await tx.update(Donor, { id: fromId }, { mergedIntoId: intoId });
      await tx.insert(DonorMerge, {
        fromDonorId: fromId,
        intoDonorId: intoId,
        contributionsMoved: moved.affected ?? 0,
        reason,
        mergedBy: actor.username,
        at: nowIso(),
      });
      return this.view(into, actor);
    });
  }

  view(donor: Donor, actor: Actor | null): DonorView {
    const whole = actor !== null && SEES_NATIONAL_ID.has(actor.role);
    return {
      id: donor.id,
      name: donor.name,
      kind: donor.kind,
      address: donor.address,
      email: donor.email,
      taxCode: donor.taxCode,
      nationalId:
        donor.nationalId === null ? null : whole ? donor.nationalId : maskNationalId(donor.nationalId),
      inProvince: donor.inProvince === 1,
      mergedIntoId: donor.mergedIntoId,
    };
  }
}
