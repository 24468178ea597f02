import { Injectable } from '@nestjs/common';
import { EntityManager, MoreThan } from 'typeorm';
import { Money } from '../common/money';
import { sql } from '../database/sql';
import { Account, Book, ChainHead, JournalEntry, JournalLine } from './entities';
import { entryHash, GENESIS_HASH } from './hash-chain';
import { combineHeads, FundHead } from './chain-head';

export interface VerifyReport {
  ok: boolean;
  entriesChecked: number;
  chainHead: string;
  /** In the order found: the first is the first thing that does not match. */
  problems: string[];
}

const BATCH = 1000;
const MAX_PROBLEMS = 100;

/**
 * Recomputes the hash chain, every entry's balance and every stored monthly balance from the lines (invariants
 * 1, 4, 6, 7). Reads in batches, so memory grows with accounts × months, not with entries.
 */
@Injectable()
export class VerifyService {
  async verify(
    manager: EntityManager,
    onProgress?: (checked: number, total: number) => void,
  ): Promise<VerifyReport> {
    const problems: string[] = [];
    const report = (problem: string) => {
      if (problems.length < MAX_PROBLEMS) problems.push(problem);
    };
    const accounts = new Map((await manager.find(Account)).map((a) => [a.id, a]));
    const books = new Map((await manager.find(Book)).map((b) => [b.fundId, b]));
    // Entries up to the old one-chain head follow the entry before them in id order; later ones their fund's last.
    const legacy = await manager.findOneOrFail(ChainHead, { where: { id: 1 } });
    const cutover = legacy.lastEntryId ?? 0;
    const total = await manager.count(JournalEntry);

    const turnover = new Map<string, { debit: Money; credit: Money }>();
    const lastNumber = new Map<number, number>();
    let prevHash = GENESIS_HASH;
    let legacyCount = 0;
    let legacyHash = GENESIS_HASH;
    const heads = new Map<number, FundHead>();
    let lastId = 0;
    let checked = 0;

    for (;;) {
      const entries = await manager.find(JournalEntry, {
        where: { id: MoreThan(lastId) },
        order: { id: 'ASC' },
        take: BATCH,
      });
      if (entries.length === 0) break;
      const lines = await manager
        .createQueryBuilder(JournalLine, 'l')
        .where('l.entry_id >= :first AND l.entry_id <= :last', {
          first: entries[0].id,
          last: entries[entries.length - 1].id,
        })
        .orderBy('l.entry_id', 'ASC')
        .addOrderBy('l.line_no', 'ASC')
        .getMany();
      const linesOf = new Map<number, JournalLine[]>();
      for (const line of lines) linesOf.set(line.entryId, [...(linesOf.get(line.entryId) ?? []), line]);

      for (const entry of entries) {
        const label = `entry ${entry.id} (fund ${books.get(entry.fundId)?.fundCode ?? entry.fundId} no. ${entry.number})`;
        const own = linesOf.get(entry.id) ?? [];
        const expectedPrev = entry.id <= cutover ? prevHash : (heads.get(entry.fundId)?.hash ?? GENESIS_HASH);
        if (entry.prevHash !== expectedPrev)
          report(
            `${label}: hash chain broken — prev_hash does not match the previous entry's hash (an entry was inserted or deleted before it)`,
          );
        const expected = entryHash(entry.prevHash, {
          fundCode: books.get(entry.fundId)?.fundCode ?? '?',
          number: entry.number,
          date: entry.entryDate,
          description: entry.description,
          source: entry.source,
          sourceRef: entry.sourceRef,
          reversalOfId: entry.reversalOfId,
          postedBy: entry.postedBy,
          postedAt: entry.postedAt,
          lines: own.map((l) => ({
            lineNo: l.lineNo,
            account: accounts.get(l.accountId)?.code ?? '?',
            debit: l.debit,
            credit: l.credit,
            memo: l.memo,
          })),
        });
        if (expected !== entry.hash)
          report(`${label}: content does not match its hash (an amount, account, line or field was changed)`);

        let debits = Money.ZERO;
        let credits = Money.ZERO;
        for (const line of own) {
          const debit = Money.fromStored(line.debit);
          const credit = Money.fromStored(line.credit);
          debits = debits.plus(debit);
          credits = credits.plus(credit);
          const key = `${line.accountId}|${entry.entryDate.slice(0, 7)}`;
          const sum = turnover.get(key) ?? { debit: Money.ZERO, credit: Money.ZERO };
          turnover.set(key, { debit: sum.debit.plus(debit), credit: sum.credit.plus(credit) });
        }
        if (own.length < 2 || !debits.equals(credits)) {
          report(
            `${label}: does not balance (${own.length} lines, debits ${debits.format()}, credits ${credits.format()})`,
          );
        }
        const expectedNumber = (lastNumber.get(entry.fundId) ?? 0) + 1;
        if (entry.number !== expectedNumber)
          report(`${label}: entry numbers of the fund jump from ${expectedNumber - 1} to ${entry.number}`);
        lastNumber.set(entry.fundId, entry.number);

        prevHash = entry.hash;
        lastId = entry.id;
        if (entry.id <= cutover) {
          legacyCount += 1;
          legacyHash = entry.hash;
        }
        heads.set(entry.fundId, {
          fundCode: books.get(entry.fundId)?.fundCode ?? '?',
          id: entry.id,
          number: entry.number,
          hash: entry.hash,
        });
        checked += 1;
      }
      onProgress?.(checked, total);
    }

    if (cutover > 0 && (legacy.hash !== legacyHash || legacy.entryCount !== legacyCount)) {
      report(
        `the one chain kept before the chain went per fund says ${legacy.entryCount} entries up to entry ${cutover} ending in ${legacy.hash.slice(0, 12)}…, the journal has ${legacyCount} ending in ${legacyHash.slice(0, 12)}…`,
      );
    }
    for (const book of books.values()) {
      const last = heads.get(book.fundId)?.hash ?? GENESIS_HASH;
      if (book.lastHash !== last) {
        report(
          `fund ${book.fundCode}: its chain head is ${book.lastHash.slice(0, 12)}…, its last entry in the journal ${last.slice(0, 12)}… (entries were added or removed at the end)`,
        );
      }
      if (book.lastEntryNo !== (lastNumber.get(book.fundId) ?? 0)) {
        report(
          `fund ${book.fundCode}: last entry number is ${lastNumber.get(book.fundId) ?? 0}, the books expect ${book.lastEntryNo}`,
        );
      }
    }

    // Read as text: better-sqlite3 would round an INTEGER above 2^53 to the nearest JavaScript number.
    const stored = await sql<{ account_id: number | string; period: string; debit: string; credit: string }>(
      manager,
      'SELECT account_id, period, CAST(debit AS TEXT) AS debit, CAST(credit AS TEXT) AS credit FROM account_balances',
    );
    for (const raw of stored) {
      const row = {
        accountId: Number(raw.account_id),
        period: raw.period,
        debit: raw.debit,
        credit: raw.credit,
      };
      const key = `${row.accountId}|${row.period}`;
      const sum = turnover.get(key) ?? { debit: Money.ZERO, credit: Money.ZERO };
      turnover.delete(key);
      if (
        !sum.debit.equals(Money.fromStored(row.debit)) ||
        !sum.credit.equals(Money.fromStored(row.credit))
      ) {
        report(
          `stored balance of account ${this.accountLabel(accounts, books, row.accountId)} for ${row.period} is ${row.debit}/${row.credit}, the lines sum to ${sum.debit.toString()}/${sum.credit.toString()}`,
        );
      }
    }
    for (const [key, sum] of turnover) {
      const [accountId, period] = key.split('|');
      report(
        `account ${this.accountLabel(accounts, books, Number(accountId))} has lines in ${period} (${sum.debit.toString()}/${sum.credit.toString()}) but no stored balance`,
      );
    }

    return {
      ok: problems.length === 0,
      entriesChecked: checked,
      chainHead: combineHeads([...heads.values()]).hash,
      problems,
    };
  }

  private accountLabel(accounts: Map<number, Account>, books: Map<number, Book>, accountId: number): string {
    const account = accounts.get(accountId);
    if (!account) return `#${accountId}`;
    return `${account.code} of fund ${books.get(account.fundId)?.fundCode ?? account.fundId}`;
  }
}
