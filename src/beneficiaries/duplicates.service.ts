import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/actor';
import { nowIso } from '../common/clock';
import { BusinessRuleError, ConflictError, InvalidRequestError, NotFoundError } from '../common/errors';
import type { Page } from '../common/pagination';
import { maskNationalId } from '../common/redact';
import { sql } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { DuplicateRule, IdKind, matchingRules, MatchFields, nameRuleKey, reasonText } from './identity';
import { BeneficiaryDistinctPair } from './entities';
import { householdScope, householdVisibleSql, visibleHouseholds } from './visibility';

/** Most candidates named for one household (a CCCD typed into many records must not flood an answer). */
export const MAX_CANDIDATES = 50;
/** Most values in one `IN (…)` list: far under SQLite's and PostgreSQL's parameter limits. */
export const MAX_LOOKUP_ROWS = 500;

/** An existing household that may be the same as the one at hand. */
export interface Candidate {
  id: number;
  /** "same CCCD", "same name, birth year and commune", or both joined by "; ". */
  reason: string;
  rules: DuplicateRule[];
  fullName: string;
  birthYear: number | null;
  commune: string;
}

/** One side of a pair of the duplicates report. */
export interface PairMember {
  id: number;
  fullName: string;
  /** Masked unless the reader may see it whole. */
  nationalId: string | null;
  idKind: IdKind | null;
  birthYear: number | null;
  category: string;
  commune: string;
  recordNo: string | null;
}

/** A pair someone found to be two households: the duplicates report no longer lists it. */
export interface DistinctPairView {
  aId: number;
  bId: number;
  reason: string;
  decidedBy: string;
  decidedAt: string;
}

export interface DuplicatePair {
  a: PairMember;
  b: PairMember;
  reasons: string[];
}

interface CandidateRow {
  id: number;
  full_name: string;
  national_id: string | null;
  id_kind: IdKind | null;
  name_folded: string;
  birth_year: number | null;
  commune: string;
  commune_folded: string;
}

const CANDIDATE_COLUMNS =
  'id, full_name, national_id, id_kind, name_folded, birth_year, commune, commune_folded';

/** Roles that need a household's whole citizen ID (to register, pay and check duplicates). */
export const SEES_NATIONAL_ID: ReadonlySet<string> = new Set(['admin', 'accountant']);

export function shownNationalId(id: string | null, actor: Actor | null): string | null {
  if (id === null) return null;
  return actor !== null && SEES_NATIONAL_ID.has(actor.role) ? id : maskNationalId(id);
}

/**
 * The duplicate rules of DESIGN.md §6 against the registry: two households may be one when they have the same
 * citizen ID, or the same name, birth year and commune (without diacritics). Records merged away are never
 * candidates. Every lookup is an indexed query (`ix_beneficiaries_national_id`, `ix_beneficiaries_match`).
 */
@Injectable()
export class DuplicatesService {
  constructor(private readonly uow: UnitOfWork) {}

  /** The registry's candidates for one household, best evidence first. */
  async candidatesFor(manager: EntityManager, fields: MatchFields, excludeId?: number): Promise<Candidate[]> {
    const [found] = await this.matchAll(manager, [fields], { excludeId });
    return found.slice(0, MAX_CANDIDATES);
  }

  /**
   * The candidates of each of up to MAX_LOOKUP_ROWS households (in their order), with two queries in all. Only
   * records with an id up to `maxId` are looked at, when given: an import compares its rows with the registry as
   * it was before, and with each other separately.
   */
  async matchAll(
    manager: EntityManager,
    rows: readonly MatchFields[],
    options: { maxId?: number; excludeId?: number } = {},
  ): Promise<Candidate[][]> {
    if (rows.length > MAX_LOOKUP_ROWS) throw new Error(`at most ${MAX_LOOKUP_ROWS} rows per lookup`);
    const ids = [...new Set(rows.flatMap((r) => (r.nationalId === null ? [] : [r.nationalId])))];
    const names = [...new Set(rows.flatMap((r) => (r.birthYear === null ? [] : [r.nameFolded])))];
    let scope = 'merged_into_id IS NULL';
    const scopeParams: number[] = [];
    if (options.maxId !== undefined) {
      scope += ' AND id <= ?';
      scopeParams.push(options.maxId);
    }
    if (options.excludeId !== undefined) {
      scope += ' AND id <> ?';
      scopeParams.push(options.excludeId);
    }
    const found = new Map<number, CandidateRow>();
    if (ids.length > 0) {
      const byId = await sql<CandidateRow>(
        manager,
        `SELECT ${CANDIDATE_COLUMNS} FROM beneficiaries
          WHERE ${scope} AND national_id IN (${ids.map(() => '?').join(', ')})`,
        [...scopeParams, ...ids],
      );
      for (const row of byId) found.set(Number(row.id), row);
    }
    if (names.length > 0) {
      const byName = await sql<CandidateRow>(
        manager,
        `SELECT ${CANDIDATE_COLUMNS} FROM beneficiaries
          WHERE ${scope} AND birth_year IS NOT NULL AND name_folded IN (${names.map(() => '?').join(', ')})`,
        [...scopeParams, ...names],
      );
      for (const row of byName) found.set(Number(row.id), row);
    }
    const byNationalId = new Map<string, CandidateRow[]>();
    const byNameKey = new Map<string, CandidateRow[]>();
    for (const row of [...found.values()].sort((x, y) => Number(x.id) - Number(y.id))) {
      const fields = matchFieldsOf(row);
      if (fields.nationalId !== null) push(byNationalId, fields.nationalId, row);
      const key = nameRuleKey(fields);
      if (key !== null) push(byNameKey, key, row);
    }
    return rows.map((fields) => {
      const seen = new Set<number>();
      const candidates: Candidate[] = [];
      const pool = [
        ...(fields.nationalId === null ? [] : (byNationalId.get(fields.nationalId) ?? [])),
        ...(byNameKey.get(nameRuleKey(fields) ?? '') ?? []),
      ];
      for (const row of pool) {
        const id = Number(row.id);
        if (seen.has(id)) continue;
        seen.add(id);
        const rules = matchingRules(fields, matchFieldsOf(row));
        if (rules.length === 0) continue;
        candidates.push({
          id,
          reason: rules.map((rule) => reasonText(rule, row.id_kind)).join('; '),
          rules,
          fullName: row.full_name,
          birthYear: row.birth_year === null ? null : Number(row.birth_year),
          commune: row.commune,
        });
      }
      return candidates.sort((x, y) => y.rules.length - x.rules.length || x.id - y.id);
    });
  }

  /**
   * Records that two households flagged as possible duplicates are two ("not a duplicate"), with the reason: the
   * report then stops listing the pair. Both must be visible to the actor, not merged away, and flagged by a rule
   * today; marking a pair twice is a conflict.
   */
  async markDistinct(actor: Actor, id: number, otherId: number, reason: string): Promise<DistinctPairView> {
    if (id === otherId) throw new InvalidRequestError('otherId must be another beneficiary');
    const [aId, bId] = id < otherId ? [id, otherId] : [otherId, id];
    return this.uow.write(async (tx) => {
      const scope = await householdScope(tx, actor);
      const visible = await visibleHouseholds(tx, scope, [aId, bId]);
      const rows = await sql<CandidateRow & { merged_into_id: number | null }>(
        tx,
        `SELECT ${CANDIDATE_COLUMNS}, merged_into_id FROM beneficiaries WHERE id IN (?, ?)`,
        [aId, bId],
      );
      const byId = new Map(rows.map((r) => [Number(r.id), r]));
      for (const one of [aId, bId]) {
        const row = byId.get(one);
        if (!row || !visible.has(one)) throw new NotFoundError(`beneficiary ${one} does not exist`);
        if (row.merged_into_id !== null)
          throw new BusinessRuleError(`beneficiary ${one} was already merged into ${row.merged_into_id}`);
      }
      const a = byId.get(aId) as CandidateRow;
      const b = byId.get(bId) as CandidateRow;
      if (matchingRules(matchFieldsOf(a), matchFieldsOf(b)).length === 0) {
        throw new BusinessRuleError(`beneficiaries ${aId} and ${bId} are not flagged as possible duplicates`);
      }
      if (await tx.exists(BeneficiaryDistinctPair, { where: { aId, bId } })) {
        throw new ConflictError(`beneficiaries ${aId} and ${bId} are already marked as not duplicates`);
      }
      const row = await tx.save(
        tx.create(BeneficiaryDistinctPair, {
          aId,
          bId,
          reason: reason.trim(),
          decidedBy: actor.username,
          decidedAt: nowIso(),
        }),
      );
      return { aId, bId, reason: row.reason, decidedBy: row.decidedBy, decidedAt: row.decidedAt };
    });
  }

  /**
   * Every pair of records that may be one household, computed in SQL: a self-join on the citizen ID, and one on
   * name, birth year and commune. A pair both rules find is listed once with both reasons. Ordered by the ids.
   */
  async report(actor: Actor, page: number, pageSize: number): Promise<Page<DuplicatePair>> {
    const manager = this.uow.manager;
    // A user limited to some funds sees only pairs of households both within those funds (visibility.ts).
    const scope = await householdScope(manager, actor);
    let visible = '';
    let scopeParams: unknown[] = [];
    if (scope !== null) {
      const a = householdVisibleSql('a', scope);
      const b = householdVisibleSql('b', scope);
      visible = ` AND ${a.clause} AND ${b.clause}`;
      scopeParams = [...a.params, ...b.params];
    }
    const pairs = `
      WITH pairs AS (
        SELECT a.id AS a_id, b.id AS b_id, 1 AS by_id, 0 AS by_name
          FROM beneficiaries a
          JOIN beneficiaries b ON b.national_id = a.national_id AND b.id > a.id
         WHERE a.national_id IS NOT NULL AND a.merged_into_id IS NULL AND b.merged_into_id IS NULL${visible}
        UNION ALL
        SELECT a.id, b.id, 0, 1
          FROM beneficiaries a
          JOIN beneficiaries b
            ON b.name_folded = a.name_folded AND b.birth_year = a.birth_year
           AND b.commune_folded = a.commune_folded AND b.id > a.id
         WHERE a.birth_year IS NOT NULL AND a.merged_into_id IS NULL AND b.merged_into_id IS NULL${visible}
      )`;
    const pairParams = [...scopeParams, ...scopeParams];
    // A pair someone marked "not a duplicate" is not flagged again (beneficiary_distinct_pairs, a_id < b_id).
    const notDistinct = `NOT EXISTS (SELECT 1 FROM beneficiary_distinct_pairs d WHERE d.a_id = pairs.a_id AND d.b_id = pairs.b_id)`;
    const [{ n }] = await sql<{ n: number | string }>(
      manager,
      `${pairs} SELECT COUNT(*) AS n FROM (SELECT a_id FROM pairs WHERE ${notDistinct} GROUP BY a_id, b_id) g`,
      pairParams,
    );
    const rows = await sql<{ a_id: number; b_id: number; by_id: number; by_name: number }>(
      manager,
      `${pairs}
       SELECT a_id, b_id, MAX(by_id) AS by_id, MAX(by_name) AS by_name
         FROM pairs WHERE ${notDistinct} GROUP BY a_id, b_id ORDER BY a_id, b_id LIMIT ? OFFSET ?`,
      [...pairParams, pageSize, (page - 1) * pageSize],
    );
    const ids = [...new Set(rows.flatMap((r) => [Number(r.a_id), Number(r.b_id)]))];
    const members = new Map<number, PairMember>();
    if (ids.length > 0) {
      const records = await sql<{
        id: number;
        full_name: string;
        national_id: string | null;
        id_kind: IdKind | null;
        birth_year: number | null;
        category: string;
        commune: string;
        record_no: string | null;
      }>(
        manager,
        `SELECT id, full_name, national_id, id_kind, birth_year, category, commune, record_no
           FROM beneficiaries WHERE id IN (${ids.map(() => '?').join(', ')})`,
        ids,
      );
      for (const r of records) {
        members.set(Number(r.id), {
          id: Number(r.id),
          fullName: r.full_name,
          nationalId: shownNationalId(r.national_id, actor),
          idKind: r.id_kind,
          birthYear: r.birth_year === null ? null : Number(r.birth_year),
          category: r.category,
          commune: r.commune,
          recordNo: r.record_no,
        });
      }
    }
    const items = rows.map((r): DuplicatePair => {
      const a = members.get(Number(r.a_id));
      const b = members.get(Number(r.b_id));
      if (!a || !b) throw new Error(`pair ${r.a_id}/${r.b_id} lost a record`);
      const reasons: string[] = [];
      if (Number(r.by_id) === 1) reasons.push(reasonText('national_id', a.idKind));
      if (Number(r.by_name) === 1) reasons.push(reasonText('name_birth_year_commune'));
      return { a, b, reasons };
    });
    return { items, total: Number(n), page, pageSize };
  }
}

function matchFieldsOf(row: CandidateRow): MatchFields {
  return {
    nationalId: row.national_id,
    nameFolded: row.name_folded,
    birthYear: row.birth_year === null ? null : Number(row.birth_year),
    communeFolded: row.commune_folded,
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
