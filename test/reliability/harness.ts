import { Client } from 'pg';
import Database from 'better-sqlite3';
import type { DataSource, EntityManager } from 'typeorm';
import { Money } from '../../src/common/money';
import { openDatabase } from '../../src/database/data-source';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { nowIso } from '../../src/common/clock';
import { Fund } from '../../src/funds/fund.entity';
import { BalancesService } from '../../src/ledger/balances.service';
import { JournalQueryService } from '../../src/ledger/journal-query.service';
import type { EntryView } from '../../src/ledger/ledger.types';
import { PostingService } from '../../src/ledger/posting.service';
import { VerifyService } from '../../src/ledger/verify.service';
import { ledgerHead } from '../../src/ledger/chain-head';
import { createTestDatabase, TestDatabase } from '../support/database';

/**
 * Shared pieces of the reliability suite: the real services on a real, fresh database (SQLite file or
 * PostgreSQL), and checks that read the tables with plain SQL, independently of the services under test.
 * Every amount is read as text (CAST … AS TEXT) and compared as BigInt: no JavaScript number ever holds đồng.
 */

export const CASH_ACCOUNTS = ['111', '112'] as const;

export interface Ledger {
  db: TestDatabase;
  dataSource: DataSource;
  uow: UnitOfWork;
  posting: PostingService;
  books: BalancesService;
  verifier: VerifyService;
  query: JournalQueryService;
  close(): Promise<void>;
}

/**
 * The ledger's services, built directly on a fresh database (no Nest, no HTTP), or on `existing`, which
 * `close` then leaves for its owner to drop.
 */
export async function openLedger(existing?: TestDatabase): Promise<Ledger> {
  const db = existing ?? (await createTestDatabase());
  const dataSource = await openDatabase(db.config);
  return {
    db,
    dataSource,
    uow: new UnitOfWork(dataSource),
    posting: new PostingService(),
    books: new BalancesService(),
    verifier: new VerifyService(),
    query: new JournalQueryService(),
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      if (!existing) await db.drop();
    },
  };
}

/** Creates a fund and opens its books in one write, as FundsService does (`createdAt`: when it was opened). */
export async function createFund(ledger: Ledger, code: string, createdAt = nowIso()): Promise<void> {
  await ledger.uow.write(async (tx) => {
    const fund = await tx.save(
      tx.create(Fund, {
        code,
        name: `Quỹ ${code}`,
        level: 'province',
        parentId: null,
        validFrom: null,
        validTo: null,
        status: 'active',
        createdAt,
      }),
    );
    await ledger.books.open(tx, fund.id, fund.code);
  });
}

export interface SimpleLine {
  account: string;
  debit?: bigint;
  credit?: bigint;
}

/** Posts an entry through the one posting path, in its own UnitOfWork write. */
export function post(
  ledger: Ledger,
  fundCode: string,
  date: string,
  lines: SimpleLine[],
  description = 'Bút toán kiểm thử',
) {
  return ledger.uow.write((tx) =>
    ledger.posting.post(tx, {
      fundCode,
      date,
      description,
      source: 'manual',
      postedBy: 'reliability',
      lines: lines.map((l) => ({
        account: l.account,
        debit: l.debit === undefined ? undefined : Money.fromStored(l.debit),
        credit: l.credit === undefined ? undefined : Money.fromStored(l.credit),
      })),
    }),
  );
}

export function reverse(ledger: Ledger, entryId: number, date: string): Promise<EntryView> {
  return ledger.uow.write((tx) =>
    ledger.posting.reverse(tx, entryId, { date, reason: 'Ghi nhầm', postedBy: 'reliability' }),
  );
}

/** Runs SQL written with `?` placeholders on either driver. */
export function query<T>(manager: EntityManager, text: string, params: unknown[] = []): Promise<T[]> {
  let sql = text;
  if (manager.connection.options.type === 'postgres') {
    let n = 0;
    sql = text.replace(/\?/g, () => `$${++n}`);
  }
  return manager.query(sql, params);
}

/** Row counts of every table of the schema (whatever features add), except TypeORM's own. */
export async function rowCounts(manager: EntityManager): Promise<Record<string, number>> {
  const tables = await query<{ name: string }>(
    manager,
    manager.connection.options.type === 'postgres'
      ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
      : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
  );
  const result: Record<string, number> = {};
  for (const { name } of tables.sort((a, b) => a.name.localeCompare(b.name))) {
    if (name === 'migrations') continue;
    const [row] = await query<{ n: string | number }>(manager, `SELECT COUNT(*) AS n FROM "${name}"`);
    result[name] = Number(row.n);
  }
  return result;
}

export interface HeadRow {
  lastEntryId: number | null;
  hash: string;
  entryCount: number;
}

/** The books' head (src/ledger/chain-head.ts): every fund's chain head in one hash. */
export function chainHead(manager: EntityManager): Promise<HeadRow> {
  return ledgerHead(manager);
}

/** A snapshot of everything a write changes: row counts, the chain head, every stored balance and lock date. */
export async function snapshot(manager: EntityManager): Promise<unknown> {
  return {
    counts: await rowCounts(manager),
    head: await chainHead(manager),
    balances: await query(
      manager,
      `SELECT account_id, period, CAST(debit AS TEXT) AS debit, CAST(credit AS TEXT) AS credit
         FROM account_balances ORDER BY account_id, period`,
    ),
    books: await query(
      manager,
      'SELECT fund_code, locked_through, last_entry_no, last_hash FROM books ORDER BY fund_code',
    ),
  };
}

/**
 * Checks invariants 1, 4 and 5 straight from the tables, and returns the problems found (empty when all hold):
 * every entry has ≥ 2 one-sided positive lines that balance; every stored monthly balance equals the sum of
 * its lines (and no month with lines lacks a stored row); cash and bank never end a day below zero.
 */
export async function tableInvariantProblems(manager: EntityManager): Promise<string[]> {
  const problems: string[] = [];

  const entries = await query<{
    id: number | string;
    n: number | string;
    debit: string | null;
    credit: string | null;
  }>(
    manager,
    `SELECT e.id, COUNT(l.id) AS n, CAST(SUM(l.debit) AS TEXT) AS debit, CAST(SUM(l.credit) AS TEXT) AS credit
       FROM journal_entries e LEFT JOIN journal_lines l ON l.entry_id = e.id
      GROUP BY e.id`,
  );
  for (const e of entries) {
    if (Number(e.n) < 2) problems.push(`entry ${e.id} has ${e.n} lines`);
    if (BigInt(e.debit ?? 0) !== BigInt(e.credit ?? 0))
      problems.push(`entry ${e.id}: debits ${e.debit} ≠ credits ${e.credit}`);
  }
  const [bad] = await query<{ n: number | string }>(
    manager,
    'SELECT COUNT(*) AS n FROM journal_lines WHERE NOT ((debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0))',
  );
  if (Number(bad.n) > 0) problems.push(`${bad.n} lines are not one-sided and positive`);

  const fromLines = await query<{
    account_id: number | string;
    period: string;
    debit: string;
    credit: string;
  }>(
    manager,
    `SELECT l.account_id, SUBSTR(e.entry_date, 1, 7) AS period,
            CAST(SUM(l.debit) AS TEXT) AS debit, CAST(SUM(l.credit) AS TEXT) AS credit
       FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
      GROUP BY l.account_id, SUBSTR(e.entry_date, 1, 7)`,
  );
  const stored = await query<{ account_id: number | string; period: string; debit: string; credit: string }>(
    manager,
    'SELECT account_id, period, CAST(debit AS TEXT) AS debit, CAST(credit AS TEXT) AS credit FROM account_balances',
  );
  const expected = new Map(fromLines.map((r) => [`${r.account_id}|${r.period}`, r]));
  for (const row of stored) {
    const key = `${row.account_id}|${row.period}`;
    const sum = expected.get(key);
    expected.delete(key);
    const debit = BigInt(sum?.debit ?? 0);
    const credit = BigInt(sum?.credit ?? 0);
    if (BigInt(row.debit) !== debit || BigInt(row.credit) !== credit) {
      problems.push(`stored balance ${key} is ${row.debit}/${row.credit}, lines sum to ${debit}/${credit}`);
    }
  }
  for (const [key, sum] of expected)
    problems.push(`lines ${key} (${sum.debit}/${sum.credit}) have no stored balance`);

  const days = await query<{ account_id: number | string; day: string; debit: string; credit: string }>(
    manager,
    `SELECT a.id AS account_id, e.entry_date AS day, CAST(SUM(l.debit) AS TEXT) AS debit, CAST(SUM(l.credit) AS TEXT) AS credit
       FROM accounts a JOIN journal_lines l ON l.account_id = a.id JOIN journal_entries e ON e.id = l.entry_id
      WHERE a.code IN ('111', '112')
      GROUP BY a.id, e.entry_date
      ORDER BY a.id, e.entry_date`,
  );
  const running = new Map<string, bigint>();
  for (const d of days) {
    const key = String(d.account_id);
    const balance = (running.get(key) ?? 0n) + BigInt(d.debit) - BigInt(d.credit);
    running.set(key, balance);
    if (balance < 0n) problems.push(`cash/bank account #${key} ends ${d.day} at ${balance}`);
  }
  return problems;
}

/** A connection to the same database that bypasses the application: to change rows behind its back. */
export interface Backdoor {
  exec(sql: string, params?: (string | number | null)[]): Promise<void>;
  close(): Promise<void>;
}

export async function openBackdoor(db: TestDatabase): Promise<Backdoor> {
  if (db.file) {
    const conn = new Database(db.file);
    return {
      exec(sql, params = []) {
        conn.prepare(sql).run(...params);
        return Promise.resolve();
      },
      close() {
        conn.close();
        return Promise.resolve();
      },
    };
  }
  if (db.config.type !== 'postgres') throw new Error('no backdoor for this database');
  const client = new Client({ connectionString: db.config.url });
  await client.connect();
  return {
    async exec(sql, params = []) {
      let n = 0;
      await client.query(
        sql.replace(/\?/g, () => `$${++n}`),
        params,
      );
    },
    close: () => client.end(),
  };
}
