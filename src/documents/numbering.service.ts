import * as fs from 'node:fs';
import * as path from 'node:path';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { nowIso } from '../common/clock';
import { DATA_DIR } from '../common/paths';
import { DocumentSeries } from './document-series.entity';
import { IssuedDocument } from './issued-document.entity';

/**
 * The series a fund numbers its documents in. Cash receipts (PT) and cash payment vouchers (PC) are fixed by
 * the API contract; the others are the fund's choice, in data/document-series.json: the acknowledgement of money
 * received through a bank or the Treasury (XN), the payment order (UNC), the letter of thanks (TC) and the
 * statement (BC).
 */
export interface SeriesCodes {
  cashReceipt: 'PT';
  cashPayment: 'PC';
  bankReceipt: string;
  bankPayment: string;
  letterOfThanks: string;
  statement: string;
}
export type SeriesCode = string;

let codes: SeriesCodes | undefined;

export function seriesCodes(): SeriesCodes {
  if (codes) return codes;
  const file = path.join(DATA_DIR, 'document-series.json');
  const given = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const keys = ['bankReceipt', 'bankPayment', 'letterOfThanks', 'statement'] as const;
  const seen = new Set(['PT', 'PC', 'CK']);
  for (const key of Object.keys(given)) {
    if (!(keys as readonly string[]).includes(key)) throw new Error(`${file}: ${key} is not a known series`);
  }
  for (const key of keys) {
    const value = given[key];
    if (typeof value !== 'string' || !/^[A-Z]{2,4}$/.test(value) || seen.has(value)) {
      throw new Error(`${file}: ${key} must be 2 to 4 capital letters, other than PT, PC, CK and the others`);
    }
    seen.add(value);
  }
  codes = {
    cashReceipt: 'PT',
    cashPayment: 'PC',
    ...(given as Omit<SeriesCodes, 'cashReceipt' | 'cashPayment'>),
  };
  return codes;
}

/** The series of a receipt (`in`) or a payment (`out`) by how the money moves: cash, or a bank or the Treasury. */
export function moneySeries(direction: 'in' | 'out', method: string): string {
  const series = seriesCodes();
  if (direction === 'in') return method === 'cash' ? series.cashReceipt : series.bankReceipt;
  return method === 'cash' ? series.cashPayment : series.bankPayment;
}

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

  /**
   * The number of a document printed on demand: the one it was first issued under, or the next of its series
   * in the year of `date`, recorded for `subject` (call inside a write transaction).
   */
  async issued(
    tx: EntityManager,
    fundId: number,
    series: SeriesCode,
    date: string,
    subject: string,
  ): Promise<string> {
    const found = await tx.findOne(IssuedDocument, { where: { fundId, series, subject } });
    if (found) return found.number;
    const number = await this.next(tx, fundId, series, date);
    await tx.insert(IssuedDocument, { fundId, series, subject, number, createdAt: nowIso() });
    return number;
  }
}

export function formatNumber(series: string, year: number, sequence: number): string {
  return `${series}-${year}-${String(sequence).padStart(6, '0')}`;
}
