import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Money } from '../common/money';
import { preparedArrays } from '../database/prepared';
import { sql } from '../database/sql';
import { Account, Book, ChainHead } from './entities';
import { entryHash, GENESIS_HASH } from './hash-chain';
import { combineHeads, FundHead } from './chain-head';

export interface VerifyReport {
  ok: boolean;
  entriesChecked: number;
  chainHead: string;
  /** In the order found: the first is the first thing that does not match. */
  problems: string[];
}

/** Entry ids per page: each page is two queries (its entries, their lines), each read whole before the next. */
export const VERIFY_PAGE_SIZE = 2000;
const MAX_PROBLEMS = 100;

/** A journal entry's columns, in ENTRIES_SQL's order. */
type EntryRow = [
  id: number,
  fundId: number,
  number: number,
  date: string,
  description: string,
  source: string,
  sourceRef: string | null,
  reversalOfId: number | null,
  postedBy: string,
  postedAt: string,
  prevHash: string,
  hash: string,
];
/** A journal line's columns, in LINES_SQL's order; amounts as text. */
type LineRow = [
  entryId: number,
  lineNo: number,
  accountId: number,
  debit: string,
  credit: string,
  memo: string | null,
];

// A window of entry ids, and the lines of the same window in entry and line order. Two queries, not one join: a
// join would repeat each entry's text and hashes on every one of its lines. Amounts as text: better-sqlite3 would
// round an INTEGER above 2^53 to the nearest JavaScript number.
const ENTRIES_SQL = `SELECT id, fund_id, number, entry_date, description, source, source_ref, reversal_of_id,
       posted_by, posted_at, prev_hash, hash
  FROM journal_entries WHERE id > ? AND id <= ? ORDER BY id`;
const LINES_SQL = `SELECT entry_id, line_no, account_id, CAST(debit AS TEXT) AS debit,
       CAST(credit AS TEXT) AS credit, memo
  FROM journal_lines WHERE entry_id > ? AND entry_id <= ? ORDER BY entry_id, line_no`;

/** Where the one chain kept before the chain went per fund has got to in the walk: its last entry, its length. */
interface ChainTip {
  hash: string;
  lastEntryId: number;
  entries: number;
}

/** Debit and credit turnover of one account in one month, summed from the lines. */
interface Turnover {
  debit: bigint;
  credit: bigint;
}

/**
 * Recomputes the hash chain, every entry's balance and every stored monthly balance from the lines (invariants
 * 1, 4, 6, 7), in one pass over the journal in entry order: pages of entry ids, each one query of the entries
 * joined with their lines, on raw statements (no entities). Amounts are summed exactly as BigInt. Memory grows
 * with accounts × months, not with entries.
 */
@Injectable()
export class VerifyService {
  /** Entry ids per page (a test lowers it so that entries and their lines fall on page boundaries). */
  pageSize = VERIFY_PAGE_SIZE;

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
    // Each fund has its own chain (chain-head.ts); entries up to `cutover`, posted before it went per fund, are
    // one chain over all funds in id order, whose end chain_head keeps.
    const legacy = await manager.findOneOrFail(ChainHead, { where: { id: 1 } });
    const cutover = legacy.lastEntryId ?? 0;
    const [span] = await sql<{ n: number | string; last: number | string | null }>(
      manager,
      'SELECT COUNT(*) AS n, MAX(id) AS last FROM journal_entries',
    );
    const total = Number(span.n);
    const lastId = Number(span.last ?? 0);
    const codeOf = new Map([...accounts.values()].map((a) => [a.id, a.code]));
    const fundCodeOf = (fundId: number) => books.get(fundId)?.fundCode;

    const turnover = new Map<string, Turnover>();
    const lastNumber = new Map<number, number>();
    let oneChain: ChainTip = { hash: GENESIS_HASH, lastEntryId: 0, entries: 0 };
    const fundHeads = new Map<number, FundHead>();
    let checked = 0;

    /** Checks one entry and its lines against its chain, its own balance and its fund's numbering. */
    const check = (entry: EntryRow, lines: LineRow[]) => {
      const [id, , , date, description, source, sourceRef, , postedBy, postedAt, prevHash, hash] = entry;
      const fundId = Number(entry[1]);
      const number = Number(entry[2]);
      const label = () => `entry ${id} (fund ${fundCodeOf(fundId) ?? fundId} no. ${number})`;
      const previous = Number(id) <= cutover ? oneChain.hash : (fundHeads.get(fundId)?.hash ?? GENESIS_HASH);
      if (prevHash !== previous)
        report(
          `${label()}: hash chain broken — prev_hash does not match the previous entry's hash (an entry was inserted or deleted before it)`,
        );
      const expected = entryHash(prevHash, {
        fundCode: fundCodeOf(fundId) ?? '?',
        number,
        date,
        description,
        source,
        sourceRef,
        reversalOfId: entry[7] === null ? null : Number(entry[7]),
        postedBy,
        postedAt,
        lines: lines.map(([, lineNo, accountId, debit, credit, memo]) => ({
          lineNo: Number(lineNo),
          account: codeOf.get(Number(accountId)) ?? '?',
          debit,
          credit,
          memo,
        })),
      });
      if (expected !== hash)
        report(`${label()}: content does not match its hash (an amount, account, line or field was changed)`);

      let debits = 0n;
      let credits = 0n;
      const period = date.slice(0, 7);
      for (const line of lines) {
        const debit = BigInt(line[3]);
        const credit = BigInt(line[4]);
        debits += debit;
        credits += credit;
        const key = `${Number(line[2])}|${period}`;
        const sum = turnover.get(key);
        if (sum) {
          sum.debit += debit;
          sum.credit += credit;
        } else turnover.set(key, { debit, credit });
      }
      if (lines.length < 2 || debits !== credits) {
        report(
          `${label()}: does not balance (${lines.length} lines, debits ${Money.fromStored(debits).format()}, credits ${Money.fromStored(credits).format()})`,
        );
      }
      const expectedNumber = (lastNumber.get(fundId) ?? 0) + 1;
      if (number !== expectedNumber)
        report(`${label()}: entry numbers of the fund jump from ${expectedNumber - 1} to ${number}`);
      lastNumber.set(fundId, number);

      if (Number(id) <= cutover) oneChain = { hash, lastEntryId: Number(id), entries: oneChain.entries + 1 };
      fundHeads.set(fundId, { fundCode: fundCodeOf(fundId) ?? '?', id: Number(id), number, hash });
      checked += 1;
    };

    for (let after = 0; after < lastId; after += this.pageSize) {
      const page = [after, after + this.pageSize];
      const entries = await preparedArrays<EntryRow>(manager, ENTRIES_SQL, page);
      const lines = await preparedArrays<LineRow>(manager, LINES_SQL, page);
      let next = 0;
      for (const entry of entries) {
        const id = Number(entry[0]);
        // A line whose entry is gone belongs to no entry: it shows in the stored balances' check.
        while (next < lines.length && Number(lines[next][0]) < id) next += 1;
        const first = next;
        while (next < lines.length && Number(lines[next][0]) === id) next += 1;
        check(entry, lines.slice(first, next));
      }
      onProgress?.(checked, total);
    }

    if (
      cutover > 0 &&
      (legacy.hash !== oneChain.hash ||
        legacy.entryCount !== oneChain.entries ||
        cutover !== oneChain.lastEntryId)
    ) {
      report(
        `the one chain kept before the chain went per fund says ${legacy.entryCount} entries up to entry ${cutover} ending in ${legacy.hash.slice(0, 12)}…, the journal has ${oneChain.entries} ending in ${oneChain.hash.slice(0, 12)}…`,
      );
    }
    for (const book of books.values()) {
      const last = fundHeads.get(book.fundId)?.hash ?? GENESIS_HASH;
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

    const stored = await sql<{ account_id: number | string; period: string; debit: string; credit: string }>(
      manager,
      'SELECT account_id, period, CAST(debit AS TEXT) AS debit, CAST(credit AS TEXT) AS credit FROM account_balances',
    );
    for (const row of stored) {
      const accountId = Number(row.account_id);
      const key = `${accountId}|${row.period}`;
      const sum = turnover.get(key) ?? { debit: 0n, credit: 0n };
      turnover.delete(key);
      if (
        sum.debit.toString() !== Money.fromStored(row.debit).toString() ||
        sum.credit.toString() !== Money.fromStored(row.credit).toString()
      ) {
        report(
          `stored balance of account ${this.accountLabel(accounts, books, accountId)} for ${row.period} is ${row.debit}/${row.credit}, the lines sum to ${sum.debit}/${sum.credit}`,
        );
      }
    }
    for (const [key, sum] of turnover) {
      const [accountId, period] = key.split('|');
      report(
        `account ${this.accountLabel(accounts, books, Number(accountId))} has lines in ${period} (${sum.debit}/${sum.credit}) but no stored balance`,
      );
    }

    return {
      ok: problems.length === 0,
      entriesChecked: checked,
      chainHead: combineHeads([...fundHeads.values()]).hash,
      problems,
    };
  }

  private accountLabel(accounts: Map<number, Account>, books: Map<number, Book>, accountId: number): string {
    const account = accounts.get(accountId);
    if (!account) return `#${accountId}`;
    return `${account.code} of fund ${books.get(account.fundId)?.fundCode ?? account.fundId}`;
  }
}
