import { Injectable } from '@nestjs/common';
import { present } from '../common/assert';
import { EntityManager, In } from 'typeorm';
import { NotFoundError } from '../common/errors';
import { Money } from '../common/money';
import type { Page } from '../common/pagination';
import { sql, sumDong } from '../database/sql';
import { Account, Book, JournalEntry, JournalLine } from './entities';
import { EntryView } from './ledger.types';

export interface EntryFilter {
  /** Restrict to these funds; null means every fund. */
  fundCodes: string[] | null;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

export interface TrialBalanceRow {
  account: string;
  name: string;
  /** Cumulative debit turnover up to the date. */
  debit: string;
  credit: string;
  /** debit − credit */
  balance: string;
}

export interface TrialBalance {
  rows: TrialBalanceRow[];
  totalDebit: string;
  totalCredit: string;
}

/** Reads the books. Nothing here writes. */
@Injectable()
export class JournalQueryService {
  async get(manager: EntityManager, id: number): Promise<EntryView> {
    const entry = await manager.findOne(JournalEntry, { where: { id } });
    if (!entry) throw new NotFoundError(`journal entry ${id} does not exist`);
    const [view] = await this.views(manager, [entry]);
    return view;
  }

  async list(manager: EntityManager, filter: EntryFilter): Promise<Page<EntryView>> {
    const query = manager.createQueryBuilder(JournalEntry, 'e').innerJoin(Book, 'b', 'b.fund_id = e.fund_id');
    if (filter.fundCodes !== null)
      query.andWhere('b.fund_code IN (:...codes)', {
        codes: filter.fundCodes.length ? filter.fundCodes : [''],
      });
    if (filter.from) query.andWhere('e.entry_date >= :from', { from: filter.from });
    if (filter.to) query.andWhere('e.entry_date <= :to', { to: filter.to });
    const [entries, total] = await query
      .orderBy('e.entry_date', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .skip((filter.page - 1) * filter.pageSize)
      .take(filter.pageSize)
      .getManyAndCount();
    return { items: await this.views(manager, entries), total, page: filter.page, pageSize: filter.pageSize };
  }

  /** Entries with their lines, fund codes and reversal links, in three queries whatever the count. */
  async views(manager: EntityManager, entries: JournalEntry[]): Promise<EntryView[]> {
    if (entries.length === 0) return [];
    const ids = entries.map((e) => e.id);
    const lines = await manager.find(JournalLine, {
      where: { entryId: In(ids) },
      order: { entryId: 'ASC', lineNo: 'ASC' },
    });
    const accounts = await manager.find(Account, {
      where: { id: In([...new Set(lines.map((l) => l.accountId))]) },
    });
    const books = await manager.find(Book, {
      where: { fundId: In([...new Set(entries.map((e) => e.fundId))]) },
    });
    const reversals = await manager.find(JournalEntry, {
      select: { id: true, reversalOfId: true },
      where: { reversalOfId: In(ids) },
    });
    const codeOf = new Map(accounts.map((a) => [a.id, a.code]));
    const fundOf = new Map(books.map((b) => [b.fundId, b.fundCode]));
    const reversedBy = new Map(
      reversals.map((r) => [present(r.reversalOfId, `reversed entry of ${r.id}`), r.id]),
    );
    const linesOf = new Map<number, JournalLine[]>();
    for (const line of lines) linesOf.set(line.entryId, [...(linesOf.get(line.entryId) ?? []), line]);
    return entries.map((e) => ({
      id: e.id,
      number: e.number,
      fundCode: present(fundOf.get(e.fundId), `fund ${e.fundId}`),
      date: e.entryDate,
      description: e.description,
      source: e.source,
      sourceRef: e.sourceRef,
      postedBy: e.postedBy,
      postedAt: e.postedAt,
      hash: e.hash,
      reversalOf: e.reversalOfId,
      reversedBy: reversedBy.get(e.id) ?? null,
      lines: (linesOf.get(e.id) ?? []).map((l) => ({
        account: present(codeOf.get(l.accountId), `account ${l.accountId}`),
        debit: l.debit,
        credit: l.credit,
        memo: l.memo,
      })),
    }));
  }

  /**
   * Cumulative turnover per account code over the given funds up to `asOf`: the stored monthly rows of the
   * months before, plus the lines of `asOf`'s own month up to that day. Its cost grows with months, not entries.
   */
  async trialBalance(manager: EntityManager, fundIds: number[], asOf: string): Promise<TrialBalance> {
    const monthStart = `${asOf.slice(0, 7)}-01`;
    // On a month's last day the stored row of that month is complete: no line needs reading at all.
    const wholeMonth = isLastDayOfMonth(asOf);
    const throughPeriod = wholeMonth ? nextPeriod(asOf) : asOf.slice(0, 7);
    const marks = fundIds.map(() => '?').join(', ');
    const rows = await sql<{ code: string; name: string; debit: string; credit: string }>(
      manager,
      // Summed per account first, then per code: each account's name is read once, not once per month.
      `SELECT a.code, MIN(a.name_vi) AS name, ${sumDong('t.debit')} AS debit, ${sumDong('t.credit')} AS credit
         FROM (
          SELECT b.account_id, SUM(b.debit) AS debit, SUM(b.credit) AS credit
            FROM account_balances b
           WHERE b.fund_id IN (${marks}) AND b.period < ?
           GROUP BY b.account_id
          UNION ALL
          SELECT l.account_id, SUM(l.debit) AS debit, SUM(l.credit) AS credit
            FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
           WHERE e.fund_id IN (${marks}) AND e.entry_date >= ? AND e.entry_date <= ?
           GROUP BY l.account_id
       ) t JOIN accounts a ON a.id = t.account_id
        GROUP BY a.code ORDER BY a.code`,
      // An empty line range (monthStart > asOf) when the whole month comes from the stored row.
      [...fundIds, throughPeriod, ...fundIds, wholeMonth ? '9999-12-31' : monthStart, asOf],
    );
    const result = rows.map((r) => {
      const debit = Money.fromStored(r.debit);
      const credit = Money.fromStored(r.credit);
      return {
        account: r.code,
        name: r.name,
        debit: debit.toString(),
        credit: credit.toString(),
        balance: debit.minus(credit).toString(),
      };
    });
    return {
      rows: result,
      totalDebit: Money.sum(result.map((r) => Money.fromStored(r.debit))).toString(),
      totalCredit: Money.sum(result.map((r) => Money.fromStored(r.credit))).toString(),
    };
  }
}

/** Whether a YYYY-MM-DD date is the last day of its month (its month's stored row is then complete). */
export function isLastDayOfMonth(date: string): boolean {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.getUTCDate() === 1;
}

/** "2023-12-31" → "2024-01": the first period after the date's month. */
export function nextPeriod(date: string): string {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return month === 12
    ? `${String(year + 1).padStart(4, '0')}-01`
    : `${date.slice(0, 4)}-${String(month + 1).padStart(2, '0')}`;
}
