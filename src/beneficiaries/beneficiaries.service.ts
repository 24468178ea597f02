import { Injectable } from '@nestjs/common';
import { assert } from '../common/assert';
import type { EntityManager } from 'typeorm';
import { Actor, canSeeFund } from '../common/actor';
import { BusinessRuleError, ForbiddenError, InvalidRequestError, NotFoundError } from '../common/errors';
import type { Page } from '../common/pagination';
import { sql, sumDong } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { categoryByCode } from './categories';
import { CreateBeneficiaryDto, SearchBeneficiariesQuery } from './dto';
import { Candidate, DuplicatesService, shownNationalId } from './duplicates.service';
import type { BeneficiaryReferences } from './beneficiary-references';
import { Beneficiary, BeneficiaryMerge } from './entities';
import { communeKey, IdKind, idKindOf, MatchFields, nameKey } from './identity';
import { HouseholdScope, householdScope, visibleHouseholds } from './visibility';

export interface BeneficiaryView {
  id: number;
  fullName: string;
  /** Masked (0100******34) unless the reader may see it whole. */
  nationalId: string | null;
  idKind: IdKind | null;
  /** The ID is a 9-digit CMND: record the household's CCCD when it is renewed. */
  legacyId: boolean;
  birthYear: number | null;
  category: string;
  categoryName: string;
  commune: string;
  address: string | null;
  recordNo: string | null;
  housingCondition: string | null;
  /** Set when this record was merged into another: the one to use. */
  mergedIntoId: number | null;
  createdBy: string;
  createdAt: string;
}

export interface PossibleDuplicate {
  id: number;
  reason: string;
  fullName: string;
  birthYear: number | null;
  commune: string;
}

export interface CreatedBeneficiary extends BeneficiaryView {
  /** Records that may be this household already: flagged, never refused. */
  possibleDuplicates: PossibleDuplicate[];
}

export interface MergeTrace {
  id: number;
  fromId: number;
  intoId: number;
  disbursementsMoved: number;
  reason: string;
  mergedBy: string;
  at: string;
}

export interface BeneficiaryDetail extends BeneficiaryView {
  /** The household's paid payouts (disbursements with status `paid`), merged records' included once moved. */
  payouts: { paidCount: number; paidTotal: string };
  /** Merges this record took part in, either side, oldest first. */
  merges: MergeTrace[];
  possibleDuplicates: PossibleDuplicate[];
}

export interface MergeResult extends BeneficiaryView {
  merge: MergeTrace & { houseProjectsMoved: number };
}

/** The fields of a new record, cleaned: trimmed text, folded keys, the ID's kind. */
export interface NewBeneficiary extends MatchFields {
  fullName: string;
  idKind: IdKind | null;
  category: string;
  commune: string;
  address: string | null;
  recordNo: string | null;
  housingCondition: string | null;
}

export function newBeneficiary(dto: CreateBeneficiaryDto): NewBeneficiary {
  const nationalId = dto.nationalId ?? null;
  const text = (value: string | undefined | null) => {
    const trimmed = value?.normalize('NFC').trim() ?? '';
    return trimmed === '' ? null : trimmed;
  };
  return {
    fullName: dto.fullName.normalize('NFC').trim().replace(/\s+/g, ' '),
    nameFolded: nameKey(dto.fullName),
    nationalId,
    idKind: nationalId === null ? null : idKindOf(nationalId),
    birthYear: dto.birthYear ?? null,
    category: dto.category,
    commune: dto.commune.normalize('NFC').trim().replace(/\s+/g, ' '),
    communeFolded: communeKey(dto.commune),
    address: text(dto.address),
    recordNo: text(dto.recordNo),
    housingCondition: text(dto.housingCondition),
  };
}

export function possibleDuplicate(candidate: Candidate): PossibleDuplicate {
  const { id, reason, fullName, birthYear, commune } = candidate;
  return { id, reason, fullName, birthYear, commune };
}

/**
 * The registry of households (DESIGN.md §6): registering flags possible duplicates without refusing them, search
 * ignores diacritics, citizen IDs are shown whole only to accountants and admins, and a merge keeps its trace.
 */
@Injectable()
export class BeneficiariesService {
  private readonly references: BeneficiaryReferences[] = [];

  constructor(
    private readonly uow: UnitOfWork,
    private readonly duplicates: DuplicatesService,
  ) {}

  /** Called by each feature that holds rows pointing at households (disbursements/), when its module starts. */
  registerReferences(holder: BeneficiaryReferences): void {
    this.references.push(holder);
  }

  private async moveReferences(
    tx: EntityManager,
    fromId: number,
    intoId: number,
  ): Promise<Record<string, number>> {
    // Without the payout feature loaded, a merge would leave its payouts on the merged-away record.
    assert(
      this.references.length > 0,
      'a merge needs the features holding household references (disbursements)',
    );
    const moved: Record<string, number> = {};
    for (const holder of this.references) {
      for (const [kind, count] of Object.entries(await holder.moveBeneficiary(tx, fromId, intoId))) {
        moved[kind] = (moved[kind] ?? 0) + count;
      }
    }
    return moved;
  }

  create(actor: Actor, dto: CreateBeneficiaryDto): Promise<CreatedBeneficiary> {
    const fields = newBeneficiary(dto);
    return this.uow.write(async (tx) => {
      // Looked up before the insert, in the same transaction: the new record is never its own candidate.
      const candidates = await this.visibleOnly(tx, actor, await this.duplicates.candidatesFor(tx, fields));
      const saved = await tx.save(
        tx.create(Beneficiary, {
          ...fields,
          mergedIntoId: null,
          importKey: null,
          createdBy: actor.username,
          createdAt: nowIso(),
        }),
      );
      return { ...this.view(saved, actor), possibleDuplicates: candidates.map(possibleDuplicate) };
    });
  }

  async get(actor: Actor, id: number): Promise<BeneficiaryDetail> {
    const manager = this.uow.manager;
    const scope = await householdScope(manager, actor);
    const beneficiary = await this.visibleById(manager, scope, id);
    // A user limited to some funds sees the totals of those funds only.
    const inScope =
      scope === null ? '' : ` AND fund_id IN (${scope.fundIds.map(() => '?').join(', ') || 'NULL'})`;
    const [paid] = await sql<{ n: number | string; total: string }>(
      manager,
      `SELECT COUNT(*) AS n, ${sumDong('amount')} AS total
         FROM disbursements WHERE beneficiary_id = ? AND status = 'paid'${inScope}`,
      [id, ...(scope?.fundIds ?? [])],
    );
    const merges = await manager.find(BeneficiaryMerge, {
      where: [{ fromId: id }, { intoId: id }],
      order: { id: 'ASC' },
    });
    const candidates =
      beneficiary.mergedIntoId === null
        ? await this.visibleOnly(
            manager,
            actor,
            await this.duplicates.candidatesFor(manager, beneficiary, beneficiary.id),
          )
        : [];
    return {
      ...this.view(beneficiary, actor),
      payouts: { paidCount: Number(paid.n), paidTotal: String(paid.total) },
      merges: merges.map(mergeTrace),
      possibleDuplicates: candidates.map(possibleDuplicate),
    };
  }

  /** A household as a user with `scope` may see it: outside their funds it is unknown, a 404. */
  async visibleById(manager: EntityManager, scope: HouseholdScope | null, id: number): Promise<Beneficiary> {
    const beneficiary = await this.byId(manager, id);
    if (!(await visibleHouseholds(manager, scope, [id])).has(id))
      throw new NotFoundError(`beneficiary ${id} does not exist`);
    return beneficiary;
  }

  /** Candidates the actor may see: another fund's household is not named to a user limited to some funds. */
  private async visibleOnly(
    manager: EntityManager,
    actor: Actor,
    candidates: Candidate[],
  ): Promise<Candidate[]> {
    const scope = await householdScope(manager, actor);
    const visible = await visibleHouseholds(
      manager,
      scope,
      candidates.map((c) => c.id),
    );
    return candidates.filter((c) => visible.has(c.id));
  }

  async byId(manager: EntityManager, id: number): Promise<Beneficiary> {
    const beneficiary = await manager.findOne(Beneficiary, { where: { id } });
    if (!beneficiary) throw new NotFoundError(`beneficiary ${id} does not exist`);
    return beneficiary;
  }

  /** Name search without diacritics: "nguyen van a" finds "Nguyễn Văn An". Merged records are left out. */
  async search(actor: Actor, q: SearchBeneficiariesQuery): Promise<Page<BeneficiaryView>> {
    const query = this.uow.manager.createQueryBuilder(Beneficiary, 'b').where('b.merged_into_id IS NULL');
    if (q.q) {
      const needle = nameKey(q.q).replace(/[%_\\]/g, '');
      query.andWhere('b.name_folded LIKE :q', { q: `%${needle}%` });
    }
    if (q.category) query.andWhere('b.category = :category', { category: q.category });
    if (q.commune) query.andWhere('b.commune_folded = :commune', { commune: communeKey(q.commune) });
    const scope = await householdScope(this.uow.manager, actor);
    if (scope !== null) {
      query.andWhere(
        `(b.id IN (SELECT beneficiary_id FROM disbursements WHERE fund_id IN (:...scopeFunds))
          OR b.id IN (SELECT beneficiary_id FROM house_projects WHERE fund_id IN (:...scopeFunds))
          OR b.commune_folded IN (:...scopeCommunes))`,
        {
          scopeFunds: scope.fundIds.length > 0 ? scope.fundIds : [0],
          scopeCommunes: scope.communeKeys.length > 0 ? scope.communeKeys : [''],
        },
      );
    }
    const [rows, total] = await query
      .orderBy('b.name_folded', 'ASC')
      .addOrderBy('b.id', 'ASC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    return { items: rows.map((b) => this.view(b, actor)), total, page: q.page, pageSize: q.pageSize };
  }

  /**
   * Merges a duplicate into the record that stays: its payouts and house projects move over, the merged record
   * stays with a pointer to the survivor, and a beneficiary_merges row says who did it, when and why.
   */
  merge(actor: Actor, fromId: number, intoId: number, reason: string): Promise<MergeResult> {
    if (fromId === intoId) throw new InvalidRequestError('intoId must be another beneficiary');
    return this.uow.write(async (tx) => {
      const scope = await householdScope(tx, actor);
      const from = await this.visibleById(tx, scope, fromId);
      const into = await this.visibleById(tx, scope, intoId);
      if (from.mergedIntoId !== null) {
        throw new BusinessRuleError(`beneficiary ${fromId} was already merged into ${from.mergedIntoId}`);
      }
      if (into.mergedIntoId !== null) {
        throw new BusinessRuleError(
          `beneficiary ${intoId} was merged into ${into.mergedIntoId}; merge into that one`,
        );
      }
      await this.assertMayMove(tx, actor, fromId);
      const moved = await this.moveReferences(tx, fromId, intoId);
      const disbursementsMoved = moved.disbursements ?? 0;
      const houseProjectsMoved = moved.houseProjects ?? 0;
      await tx.update(Beneficiary, { id: fromId }, { mergedIntoId: intoId });
      const trace = await tx.save(
        tx.create(BeneficiaryMerge, {
          fromId,
          intoId,
          disbursementsMoved,
          reason: reason.trim(),
          mergedBy: actor.username,
          at: nowIso(),
        }),
      );
      return { ...this.view(into, actor), merge: { ...mergeTrace(trace), houseProjectsMoved } };
    });
  }

  view(beneficiary: Beneficiary, actor: Actor | null): BeneficiaryView {
    return {
      id: beneficiary.id,
      fullName: beneficiary.fullName,
      nationalId: shownNationalId(beneficiary.nationalId, actor),
      idKind: beneficiary.idKind,
      legacyId: beneficiary.idKind === 'cmnd',
      birthYear: beneficiary.birthYear,
      category: beneficiary.category,
      categoryName: categoryByCode(beneficiary.category)?.nameVi ?? beneficiary.category,
      commune: beneficiary.commune,
      address: beneficiary.address,
      recordNo: beneficiary.recordNo,
      housingCondition: beneficiary.housingCondition,
      mergedIntoId: beneficiary.mergedIntoId,
      createdBy: beneficiary.createdBy,
      createdAt: beneficiary.createdAt,
    };
  }

  /**
   * A user limited to some funds may merge only a record whose payouts and house projects are all in those funds:
   * the merge moves them, and moving another fund's records is that fund's business.
   */
  private async assertMayMove(tx: EntityManager, actor: Actor, fromId: number): Promise<void> {
    if (actor.fundScope === null) return;
    const funds = await sql<{ code: string }>(
      tx,
      `SELECT DISTINCT f.code FROM funds f
        WHERE f.id IN (SELECT fund_id FROM disbursements WHERE beneficiary_id = ?
                       UNION SELECT fund_id FROM house_projects WHERE beneficiary_id = ?)
        ORDER BY f.code`,
      [fromId, fromId],
    );
    const outside = funds.map((f) => f.code).filter((code) => !canSeeFund(actor, code));
    if (outside.length > 0) {
      // Which funds, the user may not know: naming them would tell of another fund's payouts to this household.
      throw new ForbiddenError(
        `beneficiary ${fromId} has payouts or house projects outside the funds user ${actor.username} ` +
          'may write to; ask a user not limited to some funds to merge',
      );
    }
  }
}

function mergeTrace(merge: BeneficiaryMerge): MergeTrace {
  return {
    id: merge.id,
    fromId: merge.fromId,
    intoId: merge.intoId,
    disbursementsMoved: merge.disbursementsMoved,
    reason: merge.reason,
    mergedBy: merge.mergedBy,
    at: merge.at,
  };
}
