import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openDatabase } from '../../src/database/data-source';
import { VerifyService } from '../../src/ledger/verify.service';
import { createTestDatabase, DB_LABEL, TestDatabase } from '../support/database';
import { seededRandom, startCli, startPoster, transpileFixture } from './child';
import { chainHead, createFund, openLedger, query, tableInvariantProblems } from './harness';

/**
 * Crash rounds: processes killed with SIGKILL at seeded random moments while they write. A poster process
 * posts entries and reversals into fund KX (one every 2 ms or so); in every third round an import of 200
 * contributions into fund KI (one all-or-nothing transaction, in a second process) runs at the same time.
 * After every round the books are opened again and must verify, hold every acknowledged write, and hold no
 * half-written one: no entry without its lines, no import with part of its rows, no gap in any numbering.
 */

const ROUNDS = 20;
const ROWS_PER_IMPORT = 200;
const SEED = 20261202;

function importFile(dir: string, n: number): string {
  const file = path.join(dir, `import-${n}.csv`);
  const rows = ['fund_code,date,donor_name,donor_kind,amount,method,reference'];
  for (let r = 0; r < ROWS_PER_IMPORT; r++) {
    const day = String((r % 28) + 1).padStart(2, '0');
    rows.push(
      `KI,2024-03-${day},Nhà hảo tâm ${n}-${r},individual,${100_000 + n * 1_000 + r},bank,IMP-${n}-${r}`,
    );
  }
  fs.writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

interface RoundLog {
  round: number;
  postedAcknowledged: number;
  importsAcknowledged: number;
  importKilled: boolean;
}

describe(`processes killed mid-write, ${ROUNDS} rounds (${DB_LABEL})`, () => {
  let db: TestDatabase;
  let dir: string;
  let poster: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'den-on-crash-'));
    poster = transpileFixture('crash-poster');
    const setup = await openLedger(db);
    await createFund(setup, 'KX');
    await createFund(setup, 'KI');
    await setup.close();
  }, 120_000);

  afterAll(async () => {
    fs.rmSync(poster, { force: true });
    fs.rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }, 60_000);

  it('every acknowledged write survives, nothing is half-written, the books verify after each kill', async () => {
    const random = seededRandom(SEED);
    let acknowledged = 0;
    let importsDone = 0; // files whose import committed (acknowledged or not)
    let nextFile = 0; // the file the next import round runs: a killed import is run again later
    const log: RoundLog[] = [];
    let importMs: number | null = null;
    // Children still running when an expectation fails are killed, so that jest can end.
    const running = new Set<{ kill(signal: NodeJS.Signals): boolean }>();
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        const withImport = round % 3 === 2;
        const child = startPoster(poster, db.config, 'KX', 2);
        running.add(child.child);
        const file = withImport ? importFile(dir, nextFile) : null;
        const startedMs = Date.now();
        const importer = file ? startCli(['import', 'contributions', file, '--json'], db.config) : null;
        if (importer) running.add(importer.child);
        let importAcknowledged = false;
        if (importer) {
          // The first import runs to its end, to learn how long one takes on this machine now; later ones are
          // killed at a random moment of that span and a bit beyond: while starting, checking or writing their
          // rows, or just after they finished.
          if (importMs === null) await importer.done;
          else
            await Promise.race([
              importer.done,
              new Promise((r) => setTimeout(r, random() * importMs!).unref()),
            ]);
          importMs ??= Date.now() - startedMs;
          if (importer.child.exitCode === null && importer.child.signalCode === null)
            importer.child.kill('SIGKILL');
          const result = await importer.done;
          if (result.signal !== 'SIGKILL') {
            expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
            importAcknowledged = true;
          }
        }
        // The poster dies after 1–40 further acknowledged entries and 0–300 ms more.
        await child.waitFor(child.seen + 1 + Math.floor(random() * 40));
        await new Promise((r) => setTimeout(r, Math.floor(random() * 300)));
        const last = await child.kill();
        expect(last).toBeGreaterThanOrEqual(acknowledged);
        acknowledged = last;

        const dataSource = await openDatabase(db.config);
        try {
          const manager = dataSource.manager;
          const report = await new VerifyService().verify(manager);
          expect(report.problems).toEqual([]);
          expect(await tableInvariantProblems(manager)).toEqual([]);

          const counts = await query<{ fund_code: string; n: number | string; last_no: number | string }>(
            manager,
            `SELECT b.fund_code, COUNT(e.id) AS n, MAX(b.last_entry_no) AS last_no
             FROM books b LEFT JOIN journal_entries e ON e.fund_id = b.fund_id
            GROUP BY b.fund_code ORDER BY b.fund_code`,
          );
          const byFund = new Map(
            counts.map((c) => [c.fund_code, { n: Number(c.n), last: Number(c.last_no) }]),
          );
          const kx = byFund.get('KX') ?? { n: -1, last: -1 };
          const ki = byFund.get('KI') ?? { n: -1, last: -1 };
          // Numbers per fund 1..n without a gap, and the chain head counts every entry.
          expect(kx.last).toBe(kx.n);
          expect(ki.last).toBe(ki.n);
          expect((await chainHead(manager)).entryCount).toBe(kx.n + ki.n);
          // Every acknowledged posting is there; at most the one in flight committed without its acknowledgement.
          expect(kx.n).toBeGreaterThanOrEqual(acknowledged);
          expect(kx.n).toBeLessThanOrEqual(acknowledged + 1);
          acknowledged = kx.n;

          // Imports: whole files or nothing; one contribution, one entry and one receipt number per row.
          const [gifts] = await query<{ n: number | string; receipts: number | string }>(
            manager,
            `SELECT COUNT(*) AS n, COUNT(DISTINCT c.receipt_no) AS receipts
             FROM contributions c JOIN books b ON b.fund_id = c.fund_id WHERE b.fund_code = 'KI'`,
          );
          const imported = Number(gifts.n);
          expect(imported % ROWS_PER_IMPORT).toBe(0);
          expect(Number(gifts.receipts)).toBe(imported);
          expect(ki.n).toBe(imported);
          const committedFiles = imported / ROWS_PER_IMPORT;
          if (importAcknowledged) expect(committedFiles).toBe(importsDone + 1);
          else expect([importsDone, importsDone + 1]).toContain(committedFiles);
          const killedBeforeCommit = file !== null && committedFiles === importsDone;
          importsDone = committedFiles;
          // A file that did not get in is imported again in a later round; one that did is never imported twice.
          if (file && !killedBeforeCommit) nextFile += 1;
          log.push({
            round,
            postedAcknowledged: acknowledged,
            importsAcknowledged: importsDone,
            importKilled: file !== null && !importAcknowledged,
          });
        } finally {
          await dataSource.destroy();
        }
      }
    } finally {
      for (const child of running) child.kill('SIGKILL');
    }

    // Re-importing a file that is already in adds nothing.
    if (importsDone > 0) {
      const again = await startCli(
        ['import', 'contributions', path.join(dir, 'import-0.csv'), '--json'],
        db.config,
      ).done;
      expect(again.status).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ imported: 0, skipped: ROWS_PER_IMPORT });
    }
    expect(log).toHaveLength(ROUNDS);
    expect(log.some((r) => r.importKilled)).toBe(true);
    expect(log.filter((r) => r.importKilled).length).toBeLessThan(
      log.filter((r) => r.importsAcknowledged >= 0 && r.round % 3 === 2).length,
    );
    console.log(
      `crash rounds (${DB_LABEL}): ${ROUNDS} SIGKILLs of the poster, ${log.filter((r) => r.importKilled).length} of them ` +
        `also killing an import; ${acknowledged} entries acknowledged and present, ${importsDone} imports of ` +
        `${ROWS_PER_IMPORT} rows whole, 0 lost, 0 half-written`,
    );
  }, 600_000);
});
