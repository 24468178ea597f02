import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import type { DatabaseConfig } from '../../src/config/app-config';
import { openDatabase } from '../../src/database/data-source';
import { VerifyService } from '../../src/ledger/verify.service';
import { createTestDatabase, DB_LABEL, POSTGRES_URL, TestDatabase } from '../support/database';
import { startCli, startPoster, transpileFixture } from './child';
import { ledgerHead } from '../../src/ledger/chain-head';
import { chainHead, createFund, openLedger, post, query, rowCounts, tableInvariantProblems } from './harness';
import type { EntityManager } from 'typeorm';

/**
 * Backup and restore. SQLite: `npm run cli -- backup <file>` copies the database online with SQLite's backup
 * API while another process keeps posting; `restore <file>` puts it back, refuses to overwrite newer books
 * without --force, and the restored books verify with the trial balance of the moment of the backup.
 * PostgreSQL: the documented pg_dump / pg_restore round trip (docs/backup.md).
 */

/** The trial balance per fund and account (cumulative debit and credit), from the stored monthly balances. */
async function trialBalance(
  manager: EntityManager,
  throughEntryId?: number,
): Promise<Record<string, string>> {
  const rows =
    throughEntryId === undefined
      ? await query<{ fund: string; account: string; debit: string; credit: string }>(
          manager,
          `SELECT b.fund_code AS fund, a.code AS account, CAST(SUM(s.debit) AS TEXT) AS debit, CAST(SUM(s.credit) AS TEXT) AS credit
             FROM account_balances s JOIN accounts a ON a.id = s.account_id JOIN books b ON b.fund_id = a.fund_id
            GROUP BY b.fund_code, a.code`,
        )
      : // The same, from the lines of the entries up to one id: the books as they were when that was the last.
        await query<{ fund: string; account: string; debit: string; credit: string }>(
          manager,
          `SELECT b.fund_code AS fund, a.code AS account, CAST(SUM(l.debit) AS TEXT) AS debit, CAST(SUM(l.credit) AS TEXT) AS credit
             FROM journal_lines l JOIN accounts a ON a.id = l.account_id JOIN books b ON b.fund_id = a.fund_id
            WHERE l.entry_id <= ?
            GROUP BY b.fund_code, a.code`,
          [throughEntryId],
        );
  const result: Record<string, string> = {};
  for (const r of rows.sort((x, y) => `${x.fund}|${x.account}`.localeCompare(`${y.fund}|${y.account}`))) {
    if (BigInt(r.debit) === 0n && BigInt(r.credit) === 0n) continue;
    result[`${r.fund} ${r.account}`] = `${BigInt(r.debit)} / ${BigInt(r.credit)}`;
  }
  return result;
}

async function withBooks<T>(config: DatabaseConfig, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
  const dataSource = await openDatabase(config);
  try {
    return await fn(dataSource.manager);
  } finally {
    await dataSource.destroy();
  }
}

async function verifyClean(manager: EntityManager): Promise<void> {
  const report = await new VerifyService().verify(manager);
  expect(report.problems).toEqual([]);
  expect(await tableInvariantProblems(manager)).toEqual([]);
}

(POSTGRES_URL ? describe.skip : describe)(
  'SQLite backup and restore (npm run cli -- backup / restore)',
  () => {
    let dir: string;

    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'den-on-backup-'));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('takes a consistent backup while another process keeps posting; the restored books verify', async () => {
      const db = await createTestDatabase();
      const script = transpileFixture('crash-poster');
      try {
        const setup = await openLedger(db);
        await createFund(setup, 'BK');
        await setup.close();

        const poster = startPoster(script, db.config, 'BK');
        await poster.waitFor(100);
        const before = poster.acknowledged;
        const file = path.join(dir, 'online.sqlite');
        const backup = await startCli(['backup', file, '--json'], db.config).done;
        const during = poster.acknowledged;
        // Writes went on during the backup and after it.
        await poster.waitFor(poster.seen + 20);
        const last = await poster.kill();
        expect({ status: backup.status, stderr: backup.stderr }).toEqual({ status: 0, stderr: '' });
        const taken = JSON.parse(backup.stdout) as {
          entryCount: number;
          lastEntryId: number;
          headHash: string;
        };
        // Everything acknowledged before the backup started is in it; what came after is not.
        expect(taken.entryCount).toBeGreaterThanOrEqual(before);
        expect(taken.entryCount).toBeLessThanOrEqual(during + 1);
        expect(last).toBeGreaterThan(taken.entryCount);
        // One self-contained file.
        expect(fs.existsSync(`${file}-wal`)).toBe(false);

        // Restored into a new file: verify is clean, and the books are those of the moment of the backup.
        const restoredConfig: DatabaseConfig = { type: 'sqlite', path: path.join(dir, 'restored.sqlite') };
        const restore = await startCli(['restore', file], restoredConfig).done;
        expect({ status: restore.status, stderr: restore.stderr }).toEqual({ status: 0, stderr: '' });
        expect(restore.stdout).toMatch(/Verify: OK/);
        const expected = await withBooks(db.config, async (live) => {
          // The live books, read up to the backup's last entry, have the backup's head.
          expect((await ledgerHead(live, { upTo: taken.lastEntryId })).hash).toBe(taken.headHash);
          return trialBalance(live, taken.lastEntryId);
        });
        await withBooks(restoredConfig, async (restored) => {
          await verifyClean(restored);
          const head = await chainHead(restored);
          expect(head).toEqual({
            lastEntryId: taken.lastEntryId,
            hash: taken.headHash,
            entryCount: taken.entryCount,
          });
          const [book] = await query<{ last_entry_no: number | string }>(
            restored,
            "SELECT last_entry_no FROM books WHERE fund_code = 'BK'",
          );
          expect(Number(book.last_entry_no)).toBe(taken.entryCount);
          expect(await trialBalance(restored)).toEqual(expected);
        });
      } finally {
        fs.rmSync(script, { force: true });
        await db.drop();
      }
    }, 120_000);

    it('restore refuses to overwrite newer books without --force; with it, the books are those of the backup', async () => {
      const ledger = await openLedger();
      const config = ledger.db.config;
      try {
        await createFund(ledger, 'BR');
        for (let i = 1; i <= 6; i++) {
          await post(ledger, 'BR', `2024-02-0${i}`, [
            { account: '111', debit: BigInt(1_000_000 * i) },
            { account: '5114', credit: BigInt(1_000_000 * i) },
          ]);
        }
        const atBackup = await trialBalance(ledger.dataSource.manager);
        const headAtBackup = await chainHead(ledger.dataSource.manager);
        const file = path.join(dir, 'quiet.sqlite');
        const backup = await startCli(['backup', file], config).done;
        expect({ status: backup.status, stderr: backup.stderr }).toEqual({ status: 0, stderr: '' });
        expect(backup.stdout).toMatch(/6 entries/);
        // The backup file is never overwritten by accident.
        const again = await startCli(['backup', file], config).done;
        expect(again.status).toBe(2);
        expect(again.stderr).toMatch(/exists; give --force/);

        // The books move on: two more entries.
        await post(ledger, 'BR', '2024-03-01', [
          { account: '6113', debit: 500_000n },
          { account: '111', credit: 500_000n },
        ]);
        await post(ledger, 'BR', '2024-03-02', [
          { account: '112', debit: 70_000n },
          { account: '5118', credit: 70_000n },
        ]);
        const newer = await rowCounts(ledger.dataSource.manager);
        await ledger.dataSource.destroy(); // the server is stopped before a restore

        const refused = await startCli(['restore', file], config).done;
        expect(refused.status).toBe(1);
        expect(refused.stderr).toMatch(
          /REFUSED: .* holds changes that quiet.sqlite does not — .*2 entries are newer/,
        );
        expect(refused.stderr).toMatch(/--force/);
        await withBooks(config, async (m) => expect(await rowCounts(m)).toEqual(newer));

        const forced = await startCli(['restore', file, '--force'], config).done;
        expect({ status: forced.status, stderr: forced.stderr }).toEqual({ status: 0, stderr: '' });
        expect(forced.stdout).toMatch(/Verify: OK, 6 entries/);
        await withBooks(config, async (m) => {
          await verifyClean(m);
          expect(await chainHead(m)).toEqual(headAtBackup);
          expect(await trialBalance(m)).toEqual(atBackup);
        });
        // Books equal to the backup hold nothing newer: restoring again needs no --force.
        const same = await startCli(['restore', file], config).done;
        expect({ status: same.status, stderr: same.stderr }).toEqual({ status: 0, stderr: '' });

        // A file that is not a backup of these books is refused, and changes nothing.
        const junk = path.join(dir, 'junk.sqlite');
        new Database(junk).exec('CREATE TABLE t (a)');
        const bad = await startCli(['restore', junk, '--force'], config).done;
        expect(bad.status).toBe(1);
        expect(bad.stderr).toMatch(/not a usable backup: it is not a ledger database/);
        await withBooks(config, async (m) => expect(await chainHead(m)).toEqual(headAtBackup));
      } finally {
        await ledger.close();
      }
    }, 120_000);
  },
);

(POSTGRES_URL ? describe : describe.skip)(`PostgreSQL: pg_dump / pg_restore round trip (${DB_LABEL})`, () => {
  let source: TestDatabase;
  let restoredName: string;

  beforeAll(async () => {
    source = await createTestDatabase();
    restoredName = `r_${process.pid}_${Date.now()}`;
  }, 60_000);
  afterAll(async () => {
    const admin = new Client({ connectionString: POSTGRES_URL as string });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${restoredName} WITH (FORCE)`);
    await admin.end();
    await source.drop();
  }, 60_000);

  it('the dump restores into an empty database whose books verify with the same chain head and trial balance', async () => {
    // Here pg_dump is required, not optional: the PostgreSQL run must not pass by skipping this.
    expect(execFileSync('pg_dump', ['--version'], { encoding: 'utf8' })).toMatch(/pg_dump \(PostgreSQL\)/);
    const ledger = await openLedger(source);
    await createFund(ledger, 'PD');
    for (let i = 1; i <= 5; i++)
      await post(ledger, 'PD', `2024-04-0${i}`, [
        { account: '112', debit: BigInt(2_500_000 * i) },
        { account: '5111', credit: BigInt(2_500_000 * i) },
      ]);
    const expected = await trialBalance(ledger.dataSource.manager);
    const head = await chainHead(ledger.dataSource.manager);
    const counts = await rowCounts(ledger.dataSource.manager);
    await ledger.close();

    // The command line points PostgreSQL users at pg_dump instead of pretending.
    const cli = await startCli(['backup', '/tmp/unused.dump'], source.config).done;
    expect(cli.status).toBe(2);
    expect(cli.stderr).toMatch(/pg_dump --format=custom/);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'den-on-pgdump-'));
    try {
      const file = path.join(dir, 'ledger.dump');
      const sourceUrl = (source.config as { url: string }).url;
      execFileSync('pg_dump', ['--format=custom', `--file=${file}`, sourceUrl], { stdio: 'pipe' });
      const admin = new Client({ connectionString: POSTGRES_URL as string });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${restoredName}`);
      await admin.end();
      const url = new URL(POSTGRES_URL as string);
      url.pathname = `/${restoredName}`;
      execFileSync('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${url.toString()}`, file], {
        stdio: 'pipe',
      });
      await withBooks({ type: 'postgres', url: url.toString() }, async (m) => {
        await verifyClean(m);
        expect(await chainHead(m)).toEqual(head);
        expect(await trialBalance(m)).toEqual(expected);
        expect(await rowCounts(m)).toEqual(counts);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
