/**
 * `npm run bench`: measures what DESIGN.md promises about speed, each against a baseline taken in the same run on
 * the same machine, and prints ratios (these machines are shared and noisy: compare ratios, not milliseconds).
 *
 *  1. Reports read stored balances: a trial balance over 10× more entries costs about the same.
 *  2. The posting path (checks, numbering, balances, hash chain) against plain INSERTs of the same rows.
 *  3. Receipts: the font is parsed once per process, so a warm receipt is much cheaper than the first.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { Money } from '../../src/common/money';
import { openDatabase } from '../../src/database/data-source';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { renderVoucher } from '../../src/documents/voucher.renderer';
import { BalancesService } from '../../src/ledger/balances.service';
import { JournalQueryService } from '../../src/ledger/journal-query.service';
import { PostingService } from '../../src/ledger/posting.service';

const rows: string[][] = [];
const report = (name: string, baseline: string, measured: string, ratio: number, meaning: string) =>
  rows.push([name, baseline, measured, ratio.toFixed(2), meaning]);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function time(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

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

  const small = 2_000;
  const large = 20_000;
  await postEntries(uow, posting, small, 0);
  const query = () => journal.trialBalance(dataSource.manager, [1], '2023-12-31');
  await time(5, query);
  const base = await time(30, query);
  await postEntries(uow, posting, large - small, small);
  await time(5, query);
  const grown = await time(30, query);
  report(
    'trial balance at a month end, 10 years',
    `${small.toLocaleString('en')} entries: ${base.toFixed(2)} ms`,
    `${large.toLocaleString('en')} entries: ${grown.toFixed(2)} ms`,
    grown / base,
    '≈1 means the cost does not grow with the entries (target < 2)',
  );

  // Posting path against plain INSERTs of the same two-line entries, in one transaction each 500.
  const postRate = await (async () => {
    const start = performance.now();
    await postEntries(uow, posting, 2_000, large);
    return 2_000 / ((performance.now() - start) / 1000);
  })();
  const insertRate = await (async () => {
    await dataSource.query(
      'CREATE TABLE plain_lines (id INTEGER PRIMARY KEY, entry INTEGER, account TEXT, debit INTEGER, credit INTEGER)',
    );
    const start = performance.now();
    for (let done = 0; done < 2_000; done += 500) {
      await dataSource.transaction(async (tx) => {
        for (let i = 0; i < 500; i++) {
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
    return 2_000 / ((performance.now() - start) / 1000);
  })();
  report(
    'posting path vs plain INSERT',
    `plain: ${Math.round(insertRate)} entries/s`,
    `posting: ${Math.round(postRate)} entries/s`,
    insertRate / postRate,
    'the price of the invariants per entry (lower is better)',
  );
  await dataSource.destroy();
}

async function receiptRendering(): Promise<void> {
  const view = (n: number) => ({
    kind: 'receipt' as const,
    header: { unitName: 'UBND tỉnh Lào Cai', fundName: 'Quỹ Đền ơn đáp nghĩa tỉnh Lào Cai', fundCode: 'LC' },
    bookNo: '2023',
    number: `PT-2023-${String(n).padStart(6, '0')}`,
    date: '2023-07-20',
    debitAccounts: ['112'],
    creditAccounts: ['5112'],
    partyName: 'Công ty Cổ phần Apatit Việt Nam',
    partyAddress: 'Phường Pom Hán, thành phố Lào Cai',
    reason: 'Đóng góp Quỹ Đền ơn đáp nghĩa',
    amount: '55500000000',
    attachments: null,
    notes: [],
    verifyUrl: `http://localhost:3000/verify/PT-2023-${n}?fund=LC`,
    mark: 'original' as const,
    voidNote: null,
    annex: [],
    issuedAt: '2023-07-20T03:00:00.000Z',
  });
  const start = performance.now();
  await renderVoucher(view(1));
  const first = performance.now() - start;
  const warm = await time(40, () => renderVoucher(view(2)));
  report(
    'receipt PDF',
    `first (parses the font): ${first.toFixed(1)} ms`,
    `warm: ${warm.toFixed(1)} ms (${Math.round(1000 / warm)}/s)`,
    warm / first,
    'the font is parsed once per process (lower is better)',
  );
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'den-on-bench-'));
  try {
    console.error('benchmarking… (about a minute)');
    await receiptRendering();
    await trialBalanceScaling(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const header = ['benchmark', 'baseline', 'measured', 'ratio', 'meaning'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  console.log(
    `\nmeasured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
