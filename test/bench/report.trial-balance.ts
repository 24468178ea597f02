/**
 * report.trial-balance.scaling and post.in-process, in process on SQLite:
 *  - reports read stored balances, so a trial balance over 10× more entries costs about the same;
 *  - the posting path (checks, numbering, balances, hash chain) against plain INSERTs of the same lines.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { Money } from '../../src/common/money';
import { openDatabase } from '../../src/database/data-source';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { BalancesService } from '../../src/ledger/balances.service';
import { JournalQueryService } from '../../src/ledger/journal-query.service';
import { PostingService } from '../../src/ledger/posting.service';
import { Bench, QUICK, report, time } from './harness';

/** Workload sizes: full, or a tenth with --quick. */
const size = (full: number) => (QUICK ? Math.max(1, Math.round(full / 10)) : full);

/** Posts `count` receipts spread over 2014–2023 into fund F (id 1), in batches of 500 per transaction. */
async function postEntries(
  uow: UnitOfWork,
  posting: PostingService,
  count: number,
  offset: number,
): Promise<void> {
  for (let done = 0; done < count;) {
    const batch = Math.min(500, count - done);
    await uow.write(async (tx) => {
      for (let i = 0; i < batch; i++) {
        const n = offset + done + i;
        const month = n % 120;
        const date = `${2014 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}-15`;
        await posting.post(tx, {
          fundCode: 'F',
          date,
          description: `Thu đóng góp ${n}`,
          source: 'manual',
          postedBy: 'bench',
          lines: [
            { account: n % 2 ? '111' : '112', debit: Money.parse(1000 + (n % 997)) },
            { account: '5114', credit: Money.parse(1000 + (n % 997)) },
          ],
        });
      }
    });
    done += batch;
  }
}

async function trialBalanceScaling(dir: string): Promise<void> {
  const dataSource: DataSource = await openDatabase({ type: 'sqlite', path: path.join(dir, 'tb.sqlite') });
  const uow = new UnitOfWork(dataSource);
  const posting = new PostingService();
  const journal = new JournalQueryService();
  await uow.write((tx) => new BalancesService().open(tx, 1, 'F'));

  const small = size(2_000);
  const large = size(20_000);
  await postEntries(uow, posting, small, 0);
  const query = () => journal.trialBalance(dataSource.manager, [1], '2023-12-31');
  await time(5, query);
  const base = await time(30, query);
  await postEntries(uow, posting, large - small, small);
  await time(5, query);
  const grown = await time(30, query);
  report(
    {
      name: 'report.trial-balance.scaling',
      unit: 'ms',
      value: grown,
      baseline: base,
      ratio: grown / base,
      target: '< 2',
      pass: grown / base < 2,
    },
    `${small.toLocaleString('en')} entries: ${base.toFixed(2)} ms`,
    `${large.toLocaleString('en')} entries: ${grown.toFixed(2)} ms`,
    'trial balance at a month end over 10 years: ≈1 means the cost does not grow with the entries',
  );

  // Posting path against plain INSERTs of the same two-line entries, in one transaction each 500.
  const compared = size(2_000);
  const postRate = await (async () => {
    const start = performance.now();
    await postEntries(uow, posting, compared, large);
    return compared / ((performance.now() - start) / 1000);
  })();
  const insertRate = await (async () => {
    await dataSource.query(
      'CREATE TABLE plain_lines (id INTEGER PRIMARY KEY, entry INTEGER, account TEXT, debit INTEGER, credit INTEGER)',
    );
    const start = performance.now();
    for (let done = 0; done < compared; done += 500) {
      await dataSource.transaction(async (tx) => {
        for (let i = 0; i < Math.min(500, compared - done); i++) {
          await tx.query('INSERT INTO plain_lines (entry, account, debit, credit) VALUES (?, ?, ?, 0)', [
            done + i,
            '111',
            1000,
          ]);
          await tx.query('INSERT INTO plain_lines (entry, account, debit, credit) VALUES (?, ?, 0, ?)', [
            done + i,
            '5114',
            1000,
          ]);
        }
      });
    }
    return compared / ((performance.now() - start) / 1000);
  })();
  report(
    {
      name: 'post.in-process',
      unit: 'entries/s',
      value: postRate,
      baseline: insertRate,
      ratio: postRate / insertRate,
      target: 'informational',
      pass: true,
    },
    `plain INSERT: ${Math.round(insertRate)} entries/s`,
    `posting path: ${Math.round(postRate)} entries/s`,
    'the posting path (checks, numbering, balances, hash chain) against plain INSERTs of the same lines',
  );
  await dataSource.destroy();
}

export const trialBalance: Bench = {
  name: 'report.trial-balance',
  run: ({ dir }) => trialBalanceScaling(dir),
};
