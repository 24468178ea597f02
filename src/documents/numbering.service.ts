import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DocumentSeries } from './document-series.entity';

export type SeriesCode = 'PT' | 'PC';

/**
 * Gap-free document numbers: `PT-2023-000042`. Call inside the write transaction that uses the number, so a
 * rolled-back write gives its number back and no number is ever skipped or used twice.
 */
@Injectable()
export class NumberingService {
  async next(tx: EntityManager, fundId: number, series: SeriesCode, date: string): Promise<string> {
    const year = Number(date.slice(0, 4));
    const row = await tx.findOne(DocumentSeries, { where: { fundId, series, year } });
    const lastNo = (row?.lastNo ?? 0) + 1;
    if (row) await tx.update(DocumentSeries, { fundId, series, year }, { lastNo });
    else await tx.insert(DocumentSeries, { fundId, series, year, lastNo });
    return formatNumber(series, year, lastNo);
  }
}

export function formatNumber(series: string, year: number, sequence: number): string {
  return `${series}-${year}-${String(sequence).padStart(6, '0')}`;
}
