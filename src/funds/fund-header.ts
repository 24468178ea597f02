import type { FundHeader } from '../documents/document.types';
import type { Fund } from './fund.entity';

/** The top of every document a fund issues: the unit that keeps it, and the fund. */
export function fundHeader(fund: Fund): FundHeader {
  return { unitName: fund.unitName ?? fund.name, fundName: fund.name, fundCode: fund.code };
}
