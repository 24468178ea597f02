import type { EntityManager } from 'typeorm';
import type { FundHeader } from '../documents/document.types';
import { FundUnitName, type Fund } from './fund.entity';

/** The top of every document a fund issues: the unit that keeps it (as named on `date`), and the fund. */
export async function fundHeaderOn(manager: EntityManager, fund: Fund, date: string): Promise<FundHeader> {
  const row = await unitNameRowOn(manager, fund, date);
  return {
    unitName: row?.name ?? fund.unitName ?? fund.name,
    fundName: fund.name,
    fundCode: fund.code,
    place: row?.place ?? placeInName(fund.name),
  };
}

/**
 * The name of the fund's unit in force on `date` (YYYY-MM-DD): the last name added from that day or before, or
 * else the unit the fund was created with (the fund's own name when it has none).
 */
export async function unitNameOn(manager: EntityManager, fund: Fund, date: string): Promise<string> {
  return (await unitNameRowOn(manager, fund, date))?.name ?? fund.unitName ?? fund.name;
}

function unitNameRowOn(manager: EntityManager, fund: Fund, date: string): Promise<FundUnitName | null> {
  return manager
    .createQueryBuilder(FundUnitName, 'u')
    .where('u.fund_id = :fundId AND u.valid_from <= :date', { fundId: fund.id, date })
    .orderBy('u.valid_from', 'DESC')
    .getOne();
}

const LEVEL_WORDS = /(?:^|\s)(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s+(\p{Lu}.*)$/u;

/** The place a fund's name ends with: "Quỹ Đền ơn đáp nghĩa tỉnh Lào Cai" → "Lào Cai"; null when none. */
export function placeInName(name: string): string | null {
  return LEVEL_WORDS.exec(name.trim())?.[1] ?? null;
}

/** The header with the unit the fund was created with: for documents that have no date of their own. */
export function fundHeader(fund: Fund): FundHeader {
  return {
    unitName: fund.unitName ?? fund.name,
    fundName: fund.name,
    fundCode: fund.code,
    place: placeInName(fund.name),
  };
}
