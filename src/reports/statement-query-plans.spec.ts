import type { QueryRunner } from 'typeorm';
import { ADMIN_ACTOR, LedgerBooks } from '../../test/support/ledger-books';
import { FundsService } from '../funds/funds.service';
import { BalancesService } from '../ledger/balances.service';
import { JournalQueryService } from '../ledger/journal-query.service';
import { ReportsService } from './reports.service';

/** The tables that grow with the books: a report that scans them costs more with every entry. */
const GROWING = ['journal_entries', 'journal_lines', 'contributions', 'disbursements', 'account_balances'];

interface Plan {
  sql: string;
  details: string[];
  request: Request;
}

type Request = 'statement' | 'trial balance';

/** Table per alias in an SQL text (`FROM journal_entries e`, `JOIN accounts a`). */
function aliases(sql: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of sql.matchAll(/\b(?:FROM|JOIN)\s+"?(\w+)"?\s+(?:AS\s+)?"?(\w+)"?/gi)) {
    found.set(match[2], match[1]);
  }
  return found;
}

/**
 * The consolidated statement and trial balance read the stored monthly balances and a few small indexed sets
 * (closes, transfers, payouts of the period), never every entry of the funds (issue 13, report.statement): each
 * query they run is checked with SQLite's EXPLAIN QUERY PLAN. No timing: the plan says what grows with the books.
 */
describe('statement and trial balance query plans', () => {
  let books: LedgerBooks;
  let plans: Plan[];

  beforeAll(async () => {
    books = await LedgerBooks.open();
    const province = await books.newFund('P', 'province');
    await books.newFund('C', 'commune', province);
    for (const [fund, date] of [
      ['P', '2022-03-01'],
      ['C', '2022-05-01'],
      ['P', '2023-02-01'],
    ]) {
      await books.post(fund, date, [
        ['112', 1_000, 0],
        ['5111', 0, 1_000],
      ]);
    }
    await books.transfer('P', 'C', 400, '2022-06-01');
    await books.post(
      'P',
      '2022-12-31',
      [
        ['5111', 2_000, 0],
        ['6121', 0, 400],
        ['431', 0, 1_600],
      ],
      'closing',
    );

    const queries: { sql: string; params: unknown[]; request: Request }[] = [];
    let request: Request = 'statement';
    const runner = books.dataSource.createQueryRunner() as QueryRunner & { query: QueryRunner['query'] };
    const query = runner.query.bind(runner);
    // SQLite has one query runner: every read of the services below goes through it.
    let inRunner = false;
    runner.query = (async (sql: string, params?: unknown[], ...rest: [never]) => {
      if (/^\s*(SELECT|WITH)\b/i.test(sql)) queries.push({ sql, params: params ?? [], request });
      inRunner = true;
      try {
        return await query(sql, params, ...rest);
      } finally {
        inRunner = false;
      }
    }) as QueryRunner['query'];
    // The reads on prepared statements (database/prepared.ts) go to better-sqlite3's connection itself.
    const connection = (
      books.dataSource.driver as unknown as {
        databaseConnection: { prepare(text: string): { all(...params: unknown[]): unknown[] } };
      }
    ).databaseConnection;
    const prepare = connection.prepare.bind(connection);
    connection.prepare = (text: string) => {
      const statement = prepare(text);
      const all = statement.all.bind(statement);
      statement.all = (...params: unknown[]) => {
        if (!inRunner && /^\s*(SELECT|WITH)\b/i.test(text)) queries.push({ sql: text, params, request });
        return all(...params);
      };
      return statement;
    };
    const funds = new FundsService(books.uow, new BalancesService());
    await books.statements.statement(ADMIN_ACTOR, 'P', '2014-01-01', '2023-12-31', true);
    request = 'trial balance';
    await new ReportsService(books.uow, funds, new JournalQueryService()).trialBalance(
      ADMIN_ACTOR,
      'P',
      '2023-12-31',
      true,
    );
    runner.query = query;
    connection.prepare = prepare;

    plans = [];
    for (const { sql, params, request } of queries) {
      const rows = await books.dataSource.query<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql}`, params);
      plans.push({ sql, details: rows.map((r) => r.detail), request });
    }
  });
  afterAll(() => books.close());

  it('reads the closes, transfers and stored balances that the statement needs', () => {
    const text = plans.map((p) => p.details.join('\n')).join('\n');
    expect(text).toContain('ix_entries_closing');
    expect(text).toContain('uq_entries_reversal_of');
    expect(text).toContain('ix_balances_fund_period');
  });

  it('reads the stored monthly balances once per request', () => {
    // The statement's day before its start, its year ends and its end, per fund level, in one query (prefetch).
    const reads = (request: Request) =>
      plans.filter((p) => p.request === request && p.sql.includes('account_balances')).length;
    expect([reads('statement'), reads('trial balance')]).toEqual([1, 1]);
  });

  it('scans no table that grows with the books', () => {
    const scans = plans.flatMap(({ sql, details }) => {
      const tables = aliases(sql);
      return details
        .map((detail) => /^SCAN (\w+)/.exec(detail)?.[1])
        .filter((alias): alias is string => alias !== undefined && GROWING.includes(tables.get(alias) ?? ''))
        .map((alias) => `${tables.get(alias)}: ${sql.replace(/\s+/g, ' ').slice(0, 160)}`);
    });
    expect(scans).toEqual([]);
  });

  it("walks the entries by date only for the trial balance's own month, never over the whole range", () => {
    const walks = plans
      .filter((p) => p.details.some((d) => d.includes('ix_entries_fund_date')))
      .filter((p) => !p.sql.includes('account_balances'))
      .map((p) => p.sql.replace(/\s+/g, ' ').slice(0, 160));
    expect(walks).toEqual([]);
  });
});
