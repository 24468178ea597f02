import { Injectable } from '@nestjs/common';
import { EntityManager, MoreThan } from 'typeorm';
import { Money } from '../common/money';
import { sql } from '../database/sql';
import { Account, Book, ChainHead, JournalEntry, JournalLine } from './entities';
import { entryHash, GENESIS_HASH } from './hash-chain';

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
    const head = await manager.findOneOrFail(ChainHead, { where: { id: 1 } });
    const total = await manager.count(JournalEntry);

    const turnover = new Map<string, { debit: Money; credit: Money }>();
    const lastNumber = new Map<number, number>();
    let prevHash = GENESIS_HASH;
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
        if (entry.prevHash !== prevHash)
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
        checked += 1;
      }
      onProgress?.(checked, total);
    }

    if (head.hash !== prevHash || head.entryCount !== checked || (head.lastEntryId ?? 0) !== lastId) {
      report(
        `chain head says ${head.entryCount} entries ending in ${head.hash.slice(0, 12)}…, the journal has ${checked} ending in ${prevHash.slice(0, 12)}… (entries were added or removed at the end)`,
      );
    }
    for (const book of books.values()) {
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

    return { ok: problems.length === 0, entriesChecked: checked, chainHead: prevHash, problems };
  }

  private accountLabel(accounts: Map<number, Account>, books: Map<number, Book>, accountId: number): string {
    const account = accounts.get(accountId);
    if (!account) return `#${accountId}`;
    return `${account.code} of fund ${books.get(account.fundId)?.fundCode ?? account.fundId}`;
  }
}
