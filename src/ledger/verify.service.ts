import { Injectable } from '@nestjs/common';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { EntityManager } from 'typeorm';
import { Money } from '../common/money';
import { preparedArrays } from '../database/prepared';
import { sql } from '../database/sql';
import { Account, Book, ChainHead } from './entities';
import { entryHash, GENESIS_HASH } from './hash-chain';
import { combineHeads, FundHead } from './chain-head';
import { checkPageFast, FastWorkerData, PageSummary } from './verify-fast';

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
/** From this many entry ids on, `auto` checks pages on worker threads (starting them costs tens of milliseconds). */
export const WORKER_MIN_ENTRIES = 50_000;
/** The worker's script, when it is compiled JavaScript (not under ts-jest, where a spec names the built one). */
const WORKER_SCRIPT = path.join(__dirname, 'verify-fast.js');

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
  FROM journal_lines WHERE entry_id > ? AND entry_id <= ? ORDER BY entry_id, line_no, id`;

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
 * 1, 4, 6, 7), in one pass over the journal in entry order: pages of entry ids, on raw statements (no entities).
 * On SQLite a page is first checked by the fast path (verify-fast.ts: SQLite builds each entry's canonical text,
 * JavaScript only hashes it; on worker threads for large journals); a page it does not find clean, and every page
 * on PostgreSQL, goes through the JavaScript path (two queries, the entries and their lines), which alone words the
 * problems. Amounts are summed exactly as BigInt. Memory grows with accounts × months, not with entries.
 */
@Injectable()
export class VerifyService {
  /** Entry ids per page (a test lowers it so that entries and their lines fall on page boundaries). */
  pageSize = VERIFY_PAGE_SIZE;
  /**
   * How pages are checked: `js` reads columns and builds each canonical text in JavaScript (every database);
   * `sql` lets SQLite build the texts (verify-fast.ts), on the caller's connection; `workers` does so on worker
   * threads; `auto` is `workers` from WORKER_MIN_ENTRIES entry ids on, else `sql`, on SQLite, and `js` on PostgreSQL.
   * Whatever the mode, a page that is not clean is checked again by `js`, which alone words the problems.
   */
  mode: 'auto' | 'js' | 'sql' | 'workers' = 'auto';
  /** Worker threads for `workers`: one per core, up to 4. */
  workers = Math.max(1, Math.min(4, os.availableParallelism()));
  workerScript: string | null = fs.existsSync(WORKER_SCRIPT) ? WORKER_SCRIPT : null;
  /** How the last run went: where clean pages came from, how many pages, how many the fast path found clean. */
  lastRun: { via: 'js' | 'sql' | 'workers'; pages: number; cleanPages: number } | null = null;

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
    // Two queries: asked together, SQLite reads every entry for them (37 ms over 10⁶ entries, before any page is
    // checked); apart, the last id is one look-up and the count a walk of a small index's pages (12 ms).
    const [span] = await sql<{ last: number | string | null }>(
      manager,
      'SELECT MAX(id) AS last FROM journal_entries',
    );
    const [count] = await sql<{ n: number | string }>(manager, 'SELECT COUNT(*) AS n FROM journal_entries');
    const total = Number(count.n);
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

    /** The JavaScript path over one page: reads its entries and lines, checks each entry (and sums its turnover). */
    const checkPage = async (after: number, upTo: number) => {
      const entries = await preparedArrays<EntryRow>(manager, ENTRIES_SQL, [after, upTo]);
      const lines = await preparedArrays<LineRow>(manager, LINES_SQL, [after, upTo]);
      let next = 0;
      for (const entry of entries) {
        const id = Number(entry[0]);
        // A line whose entry is gone belongs to no entry: it shows in the stored balances' check.
        while (next < lines.length && Number(lines[next][0]) < id) next += 1;
        const first = next;
        while (next < lines.length && Number(lines[next][0]) === id) next += 1;
        check(entry, lines.slice(first, next));
      }
    };

    /**
     * A page the fast path found clean (verify-fast.ts): its first entries must link to and number on from the
     * pages before it; then the walk carries on from its last entries. False when the JavaScript path must look.
     */
    const takeClean = (page: PageSummary | null): boolean => {
      if (!page?.clean) return false;
      if (page.legacy && page.legacy[0] !== oneChain.hash) return false;
      for (const [fundId, firstNumber, firstPrev] of page.funds) {
        if (firstPrev !== null && firstPrev !== (fundHeads.get(fundId)?.hash ?? GENESIS_HASH)) return false;
        if (firstNumber !== (lastNumber.get(fundId) ?? 0) + 1) return false;
      }
      if (page.legacy) {
        const [, hash, lastEntryId, count] = page.legacy;
        oneChain = { hash, lastEntryId, entries: oneChain.entries + count };
      }
      for (const [fundId, , , id, number, hash] of page.funds) {
        fundHeads.set(fundId, { fundCode: fundCodeOf(fundId) ?? '?', id, number, hash });
        lastNumber.set(fundId, number);
      }
      for (const [accountId, period, debit, credit] of page.turnover) {
        const key = `${Number(accountId)}|${period}`;
        const sum = turnover.get(key);
        if (sum) {
          sum.debit += BigInt(debit);
          sum.credit += BigInt(credit);
        } else turnover.set(key, { debit: BigInt(debit), credit: BigInt(credit) });
      }
      checked += page.entries;
      return true;
    };

    const pages = Math.ceil(lastId / this.pageSize);
    const fast = await this.fastSource(manager, { pages, pageSize: this.pageSize, lastId, cutover });
    const run: NonNullable<VerifyService['lastRun']> = { via: fast?.via ?? 'js', pages, cleanPages: 0 };
    this.lastRun = run;
    try {
      for (let page = 0; page < pages; page++) {
        const after = page * this.pageSize;
        const upTo = Math.min(after + this.pageSize, lastId);
        if (takeClean(fast ? await fast.next(page) : null)) run.cleanPages += 1;
        else await checkPage(after, upTo);
        onProgress?.(checked, total);
      }
    } finally {
      await fast?.close();
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

  /**
   * Where clean pages come from: worker threads on SQLite files with many entries, SQLite's own connection otherwise
   * on SQLite, nowhere on PostgreSQL (every page through the JavaScript path).
   */
  private async fastSource(
    manager: EntityManager,
    walk: { pages: number; pageSize: number; lastId: number; cutover: number },
  ): Promise<FastSource | null> {
    if (this.mode === 'js' || manager.connection.options.type !== 'better-sqlite3') return null;
    const file = String(manager.connection.options.database ?? '');
    const inThread = inThreadSource(manager, walk);
    const workers = Math.min(this.workers, walk.pages);
    const wanted = this.mode === 'workers' || (this.mode === 'auto' && walk.lastId >= WORKER_MIN_ENTRIES);
    if (!wanted || workers < 1 || !this.workerScript || file === '' || file === ':memory:') return inThread;
    // The workers see what is committed: not the caller's own unfinished writes, if it is inside a write.
    const connection = (await sqliteConnection(manager)) as {
      inTransaction: boolean;
      pragma(text: string, options: object): unknown;
    };
    if (connection.inTransaction && connection.pragma('query_only', { simple: true }) !== 1) return inThread;
    return workerSource(this.workerScript, { file, workers, ...walk }, inThread);
  }

  private accountLabel(accounts: Map<number, Account>, books: Map<number, Book>, accountId: number): string {
    const account = accounts.get(accountId);
    if (!account) return `#${accountId}`;
    return `${account.code} of fund ${books.get(account.fundId)?.fundCode ?? account.fundId}`;
  }
}

/** Summaries of the pages in page order; null where none could be had (the JavaScript path then checks the page). */
interface FastSource {
  via: 'sql' | 'workers';
  next(page: number): Promise<PageSummary | null>;
  close(): Promise<void>;
}

async function sqliteConnection(manager: EntityManager): Promise<unknown> {
  const runner = manager.queryRunner;
  if (runner) return runner.connect();
  return (manager.connection.driver as unknown as { databaseConnection: unknown }).databaseConnection;
}

/** The fast path on the caller's own connection: the page's canonical texts, then (if clean) its turnover. */
function inThreadSource(
  manager: EntityManager,
  walk: { pageSize: number; lastId: number; cutover: number },
): FastSource {
  return {
    via: 'sql',
    async next(page) {
      const after = page * walk.pageSize;
      const upTo = Math.min(after + walk.pageSize, walk.lastId);
      try {
        return await checkPageFast(page, after, upTo, walk.cutover, (text, params) =>
          preparedArrays(manager, text, params),
        );
      } catch {
        return null;
      }
    },
    close: () => Promise.resolve(),
  };
}

/**
 * The fast path on `workers` threads, each with its own read-only connection and read transaction, taking every
 * `workers`-th page. Their view of the pages is the caller's: entries and lines are only ever added (each with a
 * higher id than any before it), never changed, so a connection opened after the caller's snapshot sees the same
 * rows up to `lastId` (the pages stop there). A page that a worker could not deliver (it failed or ended early) is
 * checked on the caller's connection.
 */
function workerSource(
  script: string,
  walk: { file: string; workers: number; pages: number; pageSize: number; lastId: number; cutover: number },
  fallback: FastSource,
): FastSource {
  const arrived = new Map<number, PageSummary>();
  const waiting = new Map<number, (summary: PageSummary | null) => void>();
  const alive: boolean[] = [];
  const threads: Worker[] = [];
  const owner = (page: number) => page % walk.workers;
  for (let k = 0; k < walk.workers; k++) {
    const data: FastWorkerData = {
      kind: 'den-on-verify',
      file: walk.file,
      pageSize: walk.pageSize,
      lastId: walk.lastId,
      cutover: walk.cutover,
      first: k,
      stride: walk.workers,
    };
    let thread: Worker;
    try {
      thread = new Worker(script, { workerData: data });
    } catch {
      // No thread could start (out of resources): its pages, like those of a worker that fails, fall back.
      alive[k] = false;
      continue;
    }
    alive[k] = true;
    thread.on('message', (summary: PageSummary) => {
      const resolve = waiting.get(summary.page);
      if (resolve) {
        waiting.delete(summary.page);
        resolve(summary);
      } else arrived.set(summary.page, summary);
    });
    const gone = () => {
      alive[k] = false;
      for (const [page, resolve] of waiting) {
        if (owner(page) !== k) continue;
        waiting.delete(page);
        resolve(null);
      }
    };
    thread.on('error', gone);
    thread.on('exit', gone);
    threads.push(thread);
  }
  return {
    via: 'workers',
    async next(page) {
      const summary = arrived.get(page);
      if (summary) {
        arrived.delete(page);
        return summary;
      }
      const delivered = alive[owner(page)]
        ? await new Promise<PageSummary | null>((resolve) => waiting.set(page, resolve))
        : null;
      return delivered ?? fallback.next(page);
    },
    async close() {
      await Promise.all(threads.map((thread) => thread.terminate()));
    },
  };
}
