import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/actor';
import { sql } from '../database/sql';
import { communeKey } from './identity';

/**
 * Which households a user limited to some funds may see (docs/security.md, "Scope of personal data"): those with a
 * payout request or a house project in one of the user's funds, and those registered in the commune of one of
 * the user's commune funds. `null` for a user who sees every fund.
 */
export interface HouseholdScope {
  fundIds: number[];
  /** communeKey() of the places of the commune-level funds in scope. */
  communeKeys: string[];
}

const FUND_WORDS = /^quỹ(\s+đền ơn đáp nghĩa)?\s*/iu;
const UNIT_WORDS = /^(ubnd|ủy ban nhân dân|uỷ ban nhân dân)\s*/iu;

/** "Quỹ Đền ơn đáp nghĩa xã Tả Van" or "UBND xã Tả Van" → "ta van": the commune a commune fund serves. */
export function communeOfFund(text: string): string {
  return communeKey(text.normalize('NFC').trim().replace(FUND_WORDS, '').replace(UNIT_WORDS, ''));
}

export async function householdScope(manager: EntityManager, actor: Actor): Promise<HouseholdScope | null> {
  if (actor.fundScope === null) return null;
  const codes = [...actor.fundScope];
  if (codes.length === 0) return { fundIds: [], communeKeys: [] };
  const funds = await sql<{ id: number; level: string; name: string; unit_name: string | null }>(
    manager,
    `SELECT id, level, name, unit_name FROM funds WHERE code IN (${codes.map(() => '?').join(', ')})`,
    codes,
  );
  const communeKeys = new Set<string>();
  for (const fund of funds.filter((f) => f.level === 'commune')) {
    communeKeys.add(communeOfFund(fund.name));
    if (fund.unit_name) communeKeys.add(communeOfFund(fund.unit_name));
  }
  return { fundIds: funds.map((f) => Number(f.id)), communeKeys: [...communeKeys].filter((k) => k !== '') };
}

/** An SQL condition (with `?` parameters) that household `alias`.id is within the scope. */
export function householdVisibleSql(
  alias: string,
  scope: HouseholdScope,
): { clause: string; params: unknown[] } {
  const ids = scope.fundIds.length > 0 ? scope.fundIds : [0];
  const keys = scope.communeKeys.length > 0 ? scope.communeKeys : [''];
  const idList = ids.map(() => '?').join(', ');
  return {
    clause: `(${alias}.id IN (SELECT beneficiary_id FROM disbursements WHERE fund_id IN (${idList}))
           OR ${alias}.id IN (SELECT beneficiary_id FROM house_projects WHERE fund_id IN (${idList}))
           OR ${alias}.commune_folded IN (${keys.map(() => '?').join(', ')}))`,
    params: [...ids, ...ids, ...keys],
  };
}

/** The ids among `ids` that the scope lets its user see (all of them when unscoped). */
export async function visibleHouseholds(
  manager: EntityManager,
  scope: HouseholdScope | null,
  ids: readonly number[],
): Promise<Set<number>> {
  if (scope === null || ids.length === 0) return new Set(ids);
  const { clause, params } = householdVisibleSql('b', scope);
  const rows = await sql<{ id: number }>(
    manager,
    `SELECT b.id FROM beneficiaries b WHERE b.id IN (${ids.map(() => '?').join(', ')}) AND ${clause}`,
    [...ids, ...params],
  );
  return new Set(rows.map((r) => Number(r.id)));
}
