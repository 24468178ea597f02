import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { Money } from '../common/money';
import { ADMIN_ACTOR, LedgerBooks } from '../../test/support/ledger-books';
import { FundsService } from '../funds/funds.service';
import { BalancesService } from '../ledger/balances.service';
import { JournalQueryService } from '../ledger/journal-query.service';
import { keptArrays, keptRead } from './read-cache';
import { ReportsService } from './reports.service';
import { scopeFunds } from './statement.service';

/**
 * The statement's and trial balance's reads are kept while the books stay as they were (read-cache.ts): every
 * way the books can change must show in the next report — a write through the app, a write by another connection
 * (another process, a cli command), and a write rolled back after a report read inside it. In both shapes: reports
 * read on the app's query_only reader connection (`openReader`, as DatabaseModule wires it for a file), where only
 * `data_version` moves; and on the one connection that also writes (an in-memory database), where
 * `total_changes()` moves too.
 */
describe.each([
  { shape: 'reads on the query_only reader connection, as the app does', reader: true },
  { shape: 'reads on the one connection that writes', reader: false },
])('kept reads of the statement and trial balance: $shape', ({ reader }) => {
  let dir: string;
  let file: string;
  let books: LedgerBooks;
  let reports: ReportsService;

  const statement = () => books.statements.statement(ADMIN_ACTOR, 'P', '2022-01-01', '2023-12-31', true);
  const trial = () => reports.trialBalance(ADMIN_ACTOR, 'P', '2023-12-31', true);
  const receipts = async () => (await statement()).receipts.total;
  const cash = async () => (await trial()).rows.find((r) => r.account === '112')?.debit ?? '0';

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-cache-'));
    file = path.join(dir, 'books.sqlite');
    books = await LedgerBooks.open({ type: 'sqlite', path: file }, { reader });
    reports = new ReportsService(
      books.uow,
      new FundsService(books.uow, new BalancesService()),
      new JournalQueryService(),
    );
    const province = await books.newFund('P', 'province');
    await books.newFund('C', 'commune', province);
    await books.post('C', '2022-05-01', [
      ['112', 1_000, 0],
      ['5111', 0, 1_000],
    ]);
  });
  afterEach(async () => {
    await books.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads where the app reads', () => {
    expect(books.uow.manager.connection).toBe(books.reader);
    expect(books.reader !== books.dataSource).toBe(reader);
  });

  it('answers the same reports the same, and a write through the app shows in the next ones', async () => {
    expect([await receipts(), await cash()]).toEqual(['1000', '1000']);
    expect([await receipts(), await cash()]).toEqual(['1000', '1000']);
    await books.post('P', '2023-03-01', [
      ['112', 250, 0],
      ['5111', 0, 250],
    ]);
    expect([await receipts(), await cash()]).toEqual(['1250', '1250']);
  });

  it("shows another connection's write (another process on the same file)", async () => {
    expect([await receipts(), await cash()]).toEqual(['1000', '1000']);
    const other = new Database(file);
    try {
      // Another writer's change to the stored months, as a cli command would commit it.
      other
        .prepare(
          `UPDATE account_balances SET debit = debit + 7
            WHERE account_id = (SELECT a.id FROM accounts a JOIN funds f ON f.id = a.fund_id
                                 WHERE f.code = 'C' AND a.code = '112') AND period = '2022-05'`,
        )
        .run();
    } finally {
      other.close();
    }
    expect(await cash()).toBe('1007');
    expect((await statement()).closingBalance).toBe('1007');
  });

  it('keeps nothing read inside a write that is then rolled back', async () => {
    expect([await receipts(), await cash()]).toEqual(['1000', '1000']);
    const inside: string[] = [];
    await expect(
      books.uow.write(async (tx) => {
        await books.posting.post(tx, {
          fundCode: 'P',
          date: '2023-03-01',
          description: 'rolled back',
          source: 'manual',
          postedBy: 'tester',
          lines: [
            { account: '112', debit: Money.parse(500) },
            { account: '5111', credit: Money.parse(500) },
          ],
        });
        // Reports outside the transaction's manager while the write is open: on the one connection they see it,
        // on the reader only what is committed.
        inside.push(await receipts(), await cash());
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(inside).toEqual(reader ? ['1000', '1000'] : ['1500', '1500']);
    expect([await receipts(), await cash()]).toEqual(['1000', '1000']);
  });

  it('reads the stored months once for reports on unchanged books', async () => {
    const connection = (
      books.reader.driver as unknown as {
        databaseConnection: { prepare(text: string): { all(...params: unknown[]): unknown[] } };
      }
    ).databaseConnection;
    const prepare = connection.prepare.bind(connection);
    const reads: string[] = [];
    connection.prepare = (text: string) => {
      const statement = prepare(text);
      const all = statement.all.bind(statement);
      statement.all = (...params: unknown[]) => {
        if (text.includes('account_balances')) reads.push(text);
        return all(...params);
      };
      return statement;
    };
    try {
      await statement();
      await trial();
      const first = reads.length;
      expect(first).toBeGreaterThan(0);
      await statement();
      await trial();
      expect(reads.length).toBe(first);
      let calls = 0;
      const read = () => Promise.resolve(++calls);
      expect([
        await keptRead(books.uow.manager, 'k', read),
        await keptRead(books.uow.manager, 'k', read),
      ]).toEqual([1, 1]);
    } finally {
      connection.prepare = prepare;
    }
  });

  it('hands each caller its own answer: changing one leaves the next reports as they were', async () => {
    const first = await trial();
    for (const row of first.rows) row.debit = '999';
    first.rows.length = 0;
    const report = await statement();
    report.receipts.total = '0';
    report.closingBalance = '0';
    expect([await receipts(), await cash()]).toEqual(['1000', '1000']);
    expect((await statement()).closingBalance).toBe('1000');
  });

  it('shares the stored days between requests, read-only and frozen', async () => {
    const funds = await scopeFunds(
      books.uow.manager,
      new FundsService(books.uow, new BalancesService()),
      'P',
      true,
    );
    const scope = { root: funds[0], funds, consolidated: true };
    const storedOf = async () => {
      const reader = books.statements.reader(scope);
      await reader.prefetch(['2022-12-31', '2023-12-31']);
      return (reader as unknown as { stored: Map<string, ReadonlyMap<string, ReadonlyMap<string, object>>> })
        .stored;
    };
    const [one, two] = [await storedOf(), await storedOf()];
    expect(two.get('2023-12-31')).toBe(one.get('2023-12-31'));
    const turnovers = [...one.values()].flatMap((byLevel) =>
      [...byLevel.values()].flatMap((t) => [...t.values()]),
    );
    expect(turnovers.length).toBeGreaterThan(0);
    expect(turnovers.every((t) => Object.isFrozen(t))).toBe(true);
  });

  it('hands out frozen rows', async () => {
    const rows = await keptArrays<[string]>(books.uow.manager, 'SELECT code FROM funds ORDER BY code');
    expect(rows.map(([code]) => code)).toEqual(['C', 'P']);
    expect(Object.isFrozen(rows) && rows.every((row) => Object.isFrozen(row))).toBe(true);
  });
});
