import * as fs from 'node:fs';
import * as path from 'node:path';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { formatDateVi, nowIso, todayInVietnam } from '../common/clock';
import { BusinessRuleError, ConflictError } from '../common/errors';
import { msg } from '../common/messages';
import { DATA_DIR } from '../common/paths';
import { present } from '../common/assert';
import { prepared } from '../database/prepared';
import { holdFunds } from '../database/unit-of-work';
import { DocumentSeries } from './document-series.entity';
import { IssuedDocument } from './issued-document.entity';
import { LateEntry } from './late-entry.entity';

/**
 * The series a fund numbers its documents in. Cash receipts (PT) and cash payment vouchers (PC) are fixed by
 * the API contract; the others are the fund's choice, in data/document-series.json: the acknowledgement of money
 * received through a bank or the Treasury (XN), the payment order (UNC), the letter of thanks (TC), the
 * statement (BC) and the historical series (LS) that imported old documents are filed under, apart from the live
 * series, beside their paper numbers.
 */
export interface SeriesCodes {
  cashReceipt: 'PT';
  cashPayment: 'PC';
  bankReceipt: string;
  bankPayment: string;
  letterOfThanks: string;
  statement: string;
  historicalImport: string;
}
export type SeriesCode = string;

let codes: SeriesCodes | undefined;

export function seriesCodes(): SeriesCodes {
  if (codes) return codes;
  const file = path.join(DATA_DIR, 'document-series.json');
  const given = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const keys = ['bankReceipt', 'bankPayment', 'letterOfThanks', 'statement', 'historicalImport'] as const;
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

/** 409: a document dated before the latest of its series, without an approver's confirmation of the late entry. */
export class LateEntryRequiredError extends ConflictError {}

/** The confirmation a late document is numbered under (`lateEntryId` of the request), and who posts it. */
export interface LateEntryPermit {
  lateEntryId: number | null;
  /** The document's amount, whole đồng: it must be the amount the approver confirmed. */
  amount: string;
  /** The user posting the document: never the approver who confirmed it (maker–checker). */
  usedBy: string;
}

/** A number drawn by `next`: `late` when it was drawn under a confirmation (dated before its series' latest). */
export interface DrawnNumber {
  number: string;
  late: boolean;
}

/**
 * Gap-free document numbers: `PT-2023-000042`. Call inside the write transaction that uses the number, so a
 * rolled-back write gives its number back and no number is ever skipped or used twice.
 *
 * Numbers follow dates (issue 10 item 3): a series remembers the date of its latest document, and a document dated
 * before it is a late entry ("ghi bổ sung"). It is refused (409, rule `late_entry`) unless it names an approver's
 * confirmation (`late`); then it takes the next number all the same — numbers are never reused or inserted — and
 * the confirmation, found by that number (`lateEntryOf`), marks it as late on the document and in the books.
 */
@Injectable()
export class NumberingService {
  async next(
    tx: EntityManager,
    fundId: number,
    series: SeriesCode,
    date: string,
    late: LateEntryPermit | null = null,
  ): Promise<DrawnNumber> {
    await holdFunds(tx);
    const year = Number(date.slice(0, 4));
    // One prepared statement (database/prepared.ts) on the posting path's transaction: the next number, and the
    // series' latest date moved on to this document's if it is later. So the answered date is later than this
    // document's exactly when the series already held a later one: a late entry.
    const [row] = await prepared<{ last_no: number; last_date: string }>(
      tx,
      `INSERT INTO document_series (fund_id, series, year, last_no, last_date) VALUES (?, ?, ?, 1, ?)
       ON CONFLICT (fund_id, series, year) DO UPDATE SET last_no = document_series.last_no + 1,
         last_date = CASE WHEN document_series.last_date > excluded.last_date THEN document_series.last_date
                          ELSE excluded.last_date END
       RETURNING last_no, last_date`,
      [fundId, series, year, date],
    );
    const lastNo = Number(row.last_no);
    const number = formatNumber(series, year, lastNo);
    const isLate = row.last_date > date;
    if (isLate) {
      // Refused: the caller's transaction, this number's included, is rolled back.
      if (late?.lateEntryId === null || late?.lateEntryId === undefined) {
        throw new LateEntryRequiredError(
          msg('lateEntries.required', {
            date,
            series,
            year,
            lastDate: row.last_date,
            lastNo: formatNumber(series, year, lastNo - 1),
          }),
        );
      }
      await useLateEntry(tx, fundId, series, date, number, { ...late, lateEntryId: late.lateEntryId });
    }
    return { number, late: isLate };
  }

  /**
   * The number of an imported historical document (data/document-series.json `historicalImport`, e.g.
   * `LS-2015-000012`): its own gap-free series per fund and year, so old paper documents never draw from, nor
   * move, the live series; the paper number is kept beside it (`original_no`).
   */
  async historical(tx: EntityManager, fundId: number, date: string): Promise<string> {
    const [number] = await this.historicalMany(tx, [{ fundId, date }]);
    return number;
  }

  /**
   * The numbers of imported historical documents, in order, as `historical` would give them one after the other:
   * each fund and year's series reserves its count in one statement (an import numbers a chunk of rows at once).
   */
  async historicalMany(tx: EntityManager, documents: { fundId: number; date: string }[]): Promise<string[]> {
    const series = seriesCodes().historicalImport;
    const counts = new Map<string, { fundId: number; year: number; count: number; next: number }>();
    const keys = documents.map(({ fundId, date }) => {
      const year = Number(date.slice(0, 4));
      const key = `${fundId}:${year}`;
      const reserved = counts.get(key) ?? { fundId, year, count: 0, next: 0 };
      reserved.count += 1;
      counts.set(key, reserved);
      return key;
    });
    for (const reserved of counts.values()) {
      const [row] = await prepared<{ last_no: number }>(
        tx,
        `INSERT INTO document_series (fund_id, series, year, last_no) VALUES (?, ?, ?, ?)
         ON CONFLICT (fund_id, series, year) DO UPDATE SET last_no = document_series.last_no + excluded.last_no
         RETURNING last_no`,
        [reserved.fundId, series, reserved.year, reserved.count],
      );
      reserved.next = Number(row.last_no) - reserved.count + 1;
    }
    return keys.map((key) => {
      const reserved = present(counts.get(key), key);
      return formatNumber(series, reserved.year, reserved.next++);
    });
  }

  private async draw(tx: EntityManager, fundId: number, series: SeriesCode, date: string): Promise<string> {
    const year = Number(date.slice(0, 4));
    const row = await tx.findOne(DocumentSeries, { where: { fundId, series, year } });
    const lastNo = (row?.lastNo ?? 0) + 1;
    if (row) await tx.update(DocumentSeries, { fundId, series, year }, { lastNo });
    else await tx.insert(DocumentSeries, { fundId, series, year, lastNo, lastDate: null });
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
    // Printed on demand, for a period: not a late entry when an earlier period's is printed later.
    const number = await this.draw(tx, fundId, series, date);
    await tx.insert(IssuedDocument, { fundId, series, subject, number, createdAt: nowIso() });
    return number;
  }
}

export function formatNumber(series: string, year: number, sequence: number): string {
  return `${series}-${year}-${String(sequence).padStart(6, '0')}`;
}

/**
 * What a late entry's document prints beside its reason: why it is late, and who confirmed it when, e.g.
 * "Chứng từ gốc nhận muộn từ xã — xác nhận: pheduyet, ngày 05/03/2024". Null for a document in date order.
 */
export async function lateNoteOf(
  manager: EntityManager,
  fundId: number,
  documentNo: string,
): Promise<string | null> {
  const late = await lateEntryOf(manager, fundId, documentNo);
  if (!late) return null;
  const on = late.decidedAt ? `, ngày ${formatDateVi(todayInVietnam(new Date(late.decidedAt)))}` : '';
  return `${late.reason} — xác nhận: ${late.decidedBy ?? '?'}${on}`;
}

/** The mark a late entry's journal entry carries at the head of its description, so every book shows it. */
export const LATE_ENTRY_MARK = '[Ghi bổ sung] ';

/** `description` marked as a late entry's when its document's number was drawn under a confirmation. */
export function markLate(drawn: DrawnNumber | null, description: string): string {
  return drawn?.late ? `${LATE_ENTRY_MARK}${description}` : description;
}

/** The confirmation that marks a document as a late entry, if it is one. */
export function lateEntryOf(
  manager: EntityManager,
  fundId: number,
  documentNo: string,
): Promise<LateEntry | null> {
  return manager.findOne(LateEntry, { where: { fundId, documentNo, status: 'used' } });
}

/** Checks the confirmation against the document and spends it on `number` (once). */
async function useLateEntry(
  tx: EntityManager,
  fundId: number,
  series: string,
  date: string,
  number: string,
  permit: LateEntryPermit & { lateEntryId: number },
): Promise<void> {
  const id = permit.lateEntryId;
  const late = await tx.findOne(LateEntry, { where: { id } });
  if (!late || late.fundId !== fundId) throw new ConflictError(msg('lateEntries.unknown', { id }));
  if (late.status !== 'confirmed') {
    throw new ConflictError(
      late.status === 'used'
        ? msg('lateEntries.alreadyUsed', { id, documentNo: late.documentNo ?? '' })
        : msg('lateEntries.notConfirmed', { id, status: late.status }),
    );
  }
  const problems: string[] = [];
  if (late.series !== series) problems.push(`series ${late.series} ≠ ${series}`);
  if (late.documentDate !== date) problems.push(`date ${late.documentDate} ≠ ${date}`);
  if (late.amount !== permit.amount) problems.push(`amount ${late.amount} ≠ ${permit.amount}`);
  if (problems.length) {
    throw new ConflictError(msg('lateEntries.mismatch', { id, problems: problems.join(', ') }));
  }
  if (late.decidedBy === permit.usedBy) {
    throw new BusinessRuleError(msg('lateEntries.checkerPosts', { id, username: permit.usedBy }));
  }
  await tx.update(
    LateEntry,
    { id },
    { status: 'used', documentNo: number, usedBy: permit.usedBy, usedAt: nowIso() },
  );
}
