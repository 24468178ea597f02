import { Injectable } from '@nestjs/common';
import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { Actor } from '../common/actor';
import {
  BusinessRuleError,
  ConflictError,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
} from '../common/errors';
import { msg } from '../common/messages';
import type { Page } from '../common/pagination';
import { maskNationalId } from '../common/redact';
import { foldVietnamese } from '../common/text';
import { sql } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { CreateDonorDto, PublicListingDto, SearchDonorsQuery } from './dto';
import { Fund } from '../funds/fund.entity';
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

/** A donor whose name is nearly the same as a new one's, of the same kind: shown, not refused. */
export interface PossibleDuplicate {
  id: number;
  name: string;
}

/**
 * A name reduced for comparison: no diacritics, no case, no punctuation, one space between words
 * ("Sở Tài chính tỉnh Lào Cai" and "SO TAI CHINH TINH LAO CAI." agree).
 */
export function nameKey(name: string): string {
  return foldVietnamese(name)
    .replace(/[^\p{L}\p{N} ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Edit distance of two short strings, stopping early once it passes `limit`. */
function within(a: string, b: string, limit: number): boolean {
  if (Math.abs(a.length - b.length) > limit) return false;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (Math.min(...row) > limit) return false;
    previous = row;
  }
  return previous[b.length] <= limit;
}

/** Names that differ by at most one letter in ten (a typo, a missing word's letter) are near-identical. */
export function nearlySameName(a: string, b: string): boolean {
  const [x, y] = [nameKey(a), nameKey(b)];
  return x === y || within(x, y, Math.floor(Math.max(x.length, y.length) / 10));
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

/** Whether a donor gave to a fund (a contribution or a batch): what lets a user of that fund see the donor. */
export async function hasContributedTo(
  manager: EntityManager,
  donorId: number,
  fundId: number,
): Promise<boolean> {
  const [row] = await sql<{ n: number | string }>(
    manager,
    `SELECT (SELECT COUNT(*) FROM contributions WHERE donor_id = ? AND fund_id = ?)
          + (SELECT COUNT(*) FROM contribution_batches WHERE donor_id = ? AND fund_id = ?) AS n`,
    [donorId, fundId, donorId, fundId],
  );
  return Number(row.n) > 0;
}

@Injectable()
export class DonorsService {
  constructor(private readonly uow: UnitOfWork) {}

  /**
   * A new donor. A user limited to some funds records their own fund as the registering fund, so that the donor
   * is visible to them (and their fund) before its first contribution.
   */
  create(
    dto: CreateDonorDto,
    actor?: Actor,
  ): Promise<DonorView & { possibleDuplicates: PossibleDuplicate[] }> {
    return this.uow.write(async (tx) => {
      await this.refuseDuplicateIds(tx, dto, null);
      const possibleDuplicates = await this.similarNames(tx, dto, null);
      const donor = await this.insert(tx, dto, actor ? await this.homeFundId(tx, actor) : null);
      return { ...this.view(donor, actor ?? null), possibleDuplicates };
    });
  }

  /**
   * A tax code or a citizen ID names one donor: a second donor with the same one is a 409 that names the first
   * (merged records do not count; their survivor does).
   */
  private async refuseDuplicateIds(
    tx: EntityManager,
    dto: CreateDonorDto,
    selfId: number | null,
  ): Promise<void> {
    const checks: [string, string | undefined, string][] = [
      ['tax_code', dto.taxCode, 'donors.duplicateTaxCode'],
      ['national_id', dto.nationalId, 'donors.duplicateNationalId'],
    ];
    for (const [column, value, key] of checks) {
      if (!value) continue;
      const [existing] = await sql<{ id: number; name: string }>(
        tx,
        `SELECT id, name FROM donors WHERE ${column} = ? AND merged_into_id IS NULL AND id <> ? ORDER BY id LIMIT 1`,
        [value, selfId ?? 0],
      );
      if (existing)
        throw new ConflictError(msg(key, { value, id: Number(existing.id), name: existing.name }));
    }
  }

  /** Donors of the same kind whose name is nearly the new one's (diacritics, case and punctuation aside). */
  private async similarNames(
    tx: EntityManager,
    dto: CreateDonorDto,
    selfId: number | null,
  ): Promise<PossibleDuplicate[]> {
    const key = nameKey(dto.name);
    if (key === '') return [];
    // Near-identical names share their first letter; the rest is compared here.
    const rows = await sql<{ id: number; name: string }>(
      tx,
      `SELECT id, name FROM donors
        WHERE kind = ? AND merged_into_id IS NULL AND id <> ? AND name_folded LIKE ?
        ORDER BY id`,
      [dto.kind, selfId ?? 0, `${key.charAt(0)}%`],
    );
    return rows
      .filter((row) => nearlySameName(row.name, dto.name))
      .slice(0, 20)
      .map((row) => ({ id: Number(row.id), name: row.name }));
  }

  /**
   * Changes a donor's details: the same fields and checks as a new donor. The name's folded form follows the
   * name; the kind may change only while the donor has no contribution (it decides the receipts account of
   * posted entries). Audited like every write.
   */
  update(actor: Actor, id: number, dto: CreateDonorDto): Promise<DonorView> {
    return this.uow.write(async (tx) => {
      const donor = await this.visibleById(tx, actor, id);
      if (donor.mergedIntoId !== null)
        throw new BusinessRuleError(`donor ${id} was merged into ${donor.mergedIntoId}; edit that one`);
      await this.refuseDuplicateIds(tx, dto, id);
      if (dto.kind !== donor.kind) {
        const [used] = await sql<{ n: number | string }>(
          tx,
          `SELECT (SELECT COUNT(*) FROM contributions WHERE donor_id = ?)
                + (SELECT COUNT(*) FROM contribution_batches WHERE donor_id = ?) AS n`,
          [id, id],
        );
        if (Number(used.n) > 0)
          throw new BusinessRuleError(
            `kind cannot change: donor ${id} already has contributions posted to the ${donor.kind} receipts account`,
          );
      }
      donor.name = dto.name.trim();
      donor.nameFolded = foldVietnamese(dto.name);
      donor.kind = dto.kind;
      donor.address = dto.address ?? null;
      donor.email = dto.email ?? null;
      donor.taxCode = dto.taxCode ?? null;
      if (dto.nationalId !== undefined) donor.nationalId = dto.nationalId;
      if (dto.inProvince !== undefined) donor.inProvince = dto.inProvince ? 1 : 0;
      await tx.save(donor);
      return this.view(donor, actor);
    });
  }

  /**
   * Records a donor's consent to the public honour roll (or its withdrawal) with the day it was given: off by
   * default, set only by an accountant or admin, and audited like every write (the audit row keeps the request).
   */
  setPublicListing(
    actor: Actor,
    id: number,
    dto: PublicListingDto,
  ): Promise<{ id: number; publicListing: boolean; consentDate: string }> {
    return this.uow.write(async (tx) => {
      const donor = await this.visibleById(tx, actor, id);
      if (donor.mergedIntoId !== null)
        throw new BusinessRuleError(
          `donor ${id} was merged into ${donor.mergedIntoId}; record consent there`,
        );
      donor.publicListing = dto.publicListing ? 1 : 0;
      donor.publicListingConsentOn = dto.consentDate;
      await tx.save(donor);
      return { id, publicListing: dto.publicListing, consentDate: dto.consentDate };
    });
  }

  /** The fund a scoped user belongs to: the top of their scope (null for a user who sees every fund). */
  private async homeFundId(tx: EntityManager, actor: Actor): Promise<number | null> {
    if (actor.fundScope === null || actor.fundScope.size === 0) return null;
    const funds = await tx
      .createQueryBuilder(Fund, 'f')
      .where('f.code IN (:...codes)', { codes: [...actor.fundScope] })
      .orderBy('f.id', 'ASC')
      .getMany();
    const ids = new Set(funds.map((f) => f.id));
    return (funds.find((f) => f.parentId === null || !ids.has(f.parentId)) ?? funds[0])?.id ?? null;
  }

  /** Inserts a donor inside a caller's transaction (the import creates donors this way). */
  async insert(
    tx: EntityManager,
    dto: CreateDonorDto,
    registeredFundId: number | null = null,
  ): Promise<Donor> {
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
        registeredFundId,
        createdAt: nowIso(),
      }),
    );
  }

  async get(actor: Actor, id: number): Promise<DonorView> {
    return this.view(await this.visibleById(this.uow.manager, actor, id), actor);
  }

  /**
   * A donor as `actor` may see it: a user limited to some funds sees a donor only through those funds (a
   * contribution or a batch there); any other donor is unknown to them, a 404 like an id that does not exist.
   */
  async visibleById(manager: EntityManager, actor: Actor, id: number): Promise<Donor> {
    const donor = await this.byId(manager, id);
    if (actor.fundScope === null) return donor;
    const codes = [...actor.fundScope];
    if (codes.length > 0) {
      const [seen] = await sql<{ n: number | string }>(
        manager,
        `SELECT COUNT(*) AS n FROM funds f
          WHERE f.code IN (${codes.map(() => '?').join(', ')})
            AND (EXISTS (SELECT 1 FROM contributions c WHERE c.donor_id = ? AND c.fund_id = f.id)
                 OR EXISTS (SELECT 1 FROM contribution_batches b WHERE b.donor_id = ? AND b.fund_id = f.id)
                 OR f.id = ?)`,
        [...codes, id, id, donor.registeredFundId ?? 0],
      );
      if (Number(seen.n) > 0) return donor;
    }
    throw new NotFoundError(`donor ${id} does not exist`);
  }

  /** Limits a donor query (alias `d`) to the donors `actor` may see. */
  private scoped(query: SelectQueryBuilder<Donor>, actor: Actor): SelectQueryBuilder<Donor> {
    if (actor.fundScope === null) return query;
    const codes = actor.fundScope.size > 0 ? [...actor.fundScope] : [''];
    return query.andWhere(
      `(EXISTS (SELECT 1 FROM contributions sc JOIN funds sf ON sf.id = sc.fund_id
                 WHERE sc.donor_id = d.id AND sf.code IN (:...scopeCodes))
        OR EXISTS (SELECT 1 FROM contribution_batches sb JOIN funds sbf ON sbf.id = sb.fund_id
                    WHERE sb.donor_id = d.id AND sbf.code IN (:...scopeCodes))
        OR EXISTS (SELECT 1 FROM funds rf WHERE rf.id = d.registered_fund_id AND rf.code IN (:...scopeCodes)))`,
      { scopeCodes: codes },
    );
  }

  async byId(manager: EntityManager, id: number): Promise<Donor> {
    const donor = await manager.findOne(Donor, { where: { id } });
    if (!donor) throw new NotFoundError(`donor ${id} does not exist`);
    return donor;
  }

  /** Name search without diacritics: "nguyen van a" finds "Nguyễn Văn An". Merged records are left out. */
  async search(actor: Actor, q: SearchDonorsQuery): Promise<Page<DonorView>> {
    const query = this.scoped(
      this.uow.manager.createQueryBuilder(Donor, 'd').where('d.merged_into_id IS NULL'),
      actor,
    );
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
