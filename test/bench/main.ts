/**
 * `npm run bench`: measures what DESIGN.md promises about speed, each against a baseline taken in the same run on
 * the same machine, and prints ratios (these machines are shared and noisy: compare ratios, not milliseconds).
 *
 *  1. Reports read stored balances: a trial balance over 10× more entries costs about the same.
 *  2. The posting path (checks, numbering, balances, hash chain) against plain INSERTs of the same rows.
 *  3. Receipts: the font is parsed once per process, so a warm receipt is much cheaper than the first.
 *  4. Web admin pages (dashboard, contributions list, statement) on the Lào Cai demo books answer in under 300 ms
 *     (median of 200 requests each, beside /api/health on the same server); --quick uses a small hand-built book.
 *
 * `--quick` runs every benchmark at a tenth of its size (CI runs it so that the benchmarks keep working); its
 * figures are not the ones to quote. Results also go to test/bench/results/latest.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { Money } from '../../src/common/money';
import { loadConfig } from '../../src/config/app-config';
import { buildDemo } from '../../src/demo/demo-builder';
import { openDatabase } from '../../src/database/data-source';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { renderVoucher } from '../../src/documents/voucher.renderer';
import { BalancesService } from '../../src/ledger/balances.service';
import { JournalQueryService } from '../../src/ledger/journal-query.service';
import { PostingService } from '../../src/ledger/posting.service';

const QUICK = process.argv.includes('--quick');
/** Workload sizes: full, or a tenth with --quick. */
const size = (full: number) => (QUICK ? Math.max(1, Math.round(full / 10)) : full);

/** One line of results/latest.json: `value` against `baseline` in `unit`; `pass` when the ratio meets `target`. */
interface BenchResult {
  name: string;
  unit: string;
  value: number;
  baseline: number;
  ratio: number;
  target: string;
  pass: boolean;
}

const rows: string[][] = [];
const results: BenchResult[] = [];
function report(
  result: Omit<BenchResult, 'ratio' | 'pass'> & { ratio: number; pass: boolean },
  baselineText: string,
  measuredText: string,
  meaning: string,
): void {
  results.push(result);
  rows.push([
    result.name,
    baselineText,
    measuredText,
    result.ratio.toFixed(2),
    result.target,
    result.pass ? 'yes' : 'NO',
    meaning,
  ]);
}

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
    onBehalfOf: null,
    attachments: null,
    bank: null,
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
  const warm = await time(size(40), () => renderVoucher(view(2)));
  report(
    {
      name: 'receipt.pdf.warm',
      unit: 'ms',
      value: warm,
      baseline: first,
      ratio: warm / first,
      target: '< 0.5',
      pass: warm / first < 0.5,
    },
    `first (parses the font): ${first.toFixed(1)} ms`,
    `warm: ${warm.toFixed(1)} ms (${Math.round(1000 / warm)}/s)`,
    'the font is parsed once per process',
  );
}

/** A small book for --quick: one fund, one donor and 300 receipts over three years, through the API. */
async function smallBook(base: string, token: string): Promise<void> {
  const post = async (url: string, body: unknown) => {
    const res = await fetch(`${base}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: number };
  };
  await post('/api/funds', { code: 'LC', name: 'Quỹ Đền ơn đáp nghĩa tỉnh Lào Cai', level: 'province' });
  const donor = await post('/api/donors', { name: 'Công ty CP Apatit Việt Nam', kind: 'enterprise' });
  for (let i = 0; i < 300; i++) {
    const year = 2021 + (i % 3);
    const date = `${year}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    await post('/api/contributions', {
      fundCode: 'LC',
      donorId: donor.id,
      date,
      amount: String(1_000_000 + i * 1000),
      method: i % 2 ? 'cash' : 'bank',
    });
  }
}

/** Web admin pages on the demo books (or, with --quick, a small book): median answer against /api/health. */
async function adminPages(dir: string): Promise<void> {
  const adminPassword = 'bench-admin-password-1';
  const file = path.join(dir, QUICK ? 'small.sqlite' : 'demo.sqlite');
  const database = { type: 'sqlite' as const, path: file };
  if (!QUICK) await buildDemo({ database, adminPassword });
  const app = await createApp({ ...loadConfig({}), database, adminPassword, logLevel: 'silent', port: 0 });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const base = `http://127.0.0.1:${address.port}`;
  try {
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: adminPassword }),
    });
    const token = ((await login.json()) as { token: string }).token;
    if (QUICK) await smallBook(base, token);
    const headers = { cookie: `den_admin_session=${token}; den_admin_fund=LC` };
    const requests = QUICK ? 20 : 200;
    const p50 = async (url: string) => {
      const first = await fetch(`${base}${url}`, { headers });
      if (first.status !== 200) throw new Error(`${url}: ${first.status}`);
      await first.text();
      return time(requests, async () => (await fetch(`${base}${url}`, { headers })).text());
    };
    const health = await p50('/api/health');
    const pages: [string, string][] = [
      ['dashboard', '/admin?consolidated=on'],
      ['contributions', '/admin/contributions'],
      ['statement', '/admin/reports?from=01/01/2013&to=31/12/2023&consolidated=on'],
    ];
    for (const [name, url] of pages) {
      const page = await p50(url);
      report(
        {
          name: `admin.pages.${name}`,
          unit: 'ms',
          value: page,
          baseline: health,
          ratio: page / health,
          target: 'p50 ≤ 300 ms',
          pass: page <= 300,
        },
        `/api/health p50: ${health.toFixed(1)} ms`,
        `${url.split('?')[0]} p50: ${page.toFixed(1)} ms (${requests} requests)`,
        `a page of the web admin on the ${QUICK ? 'small' : 'demo'} books`,
      );
    }
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'den-on-bench-'));
  try {
    console.error(
      QUICK ? 'benchmarking at a tenth of the size (--quick)…' : 'benchmarking… (about a minute)',
    );
    await receiptRendering();
    await trialBalanceScaling(dir);
    await adminPages(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const header = ['benchmark', 'baseline', 'measured', 'ratio', 'target', 'pass', 'meaning'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`;
  console.log(
    `\nmeasured ${new Date().toISOString().slice(0, 10)} on ${machine}${QUICK ? ' (--quick)' : ''}`,
  );
  const out = path.join(__dirname, '..', '..', '..', 'test', 'bench', 'results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  // A missed target fails the full run; --quick only proves that the benchmarks still work.
  if (!QUICK && results.some((r) => !r.pass)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
