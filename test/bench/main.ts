/**
 * `npm run bench`: what users wait for, each measured against a baseline taken in the same run on the same
 * machine (these machines are shared and noisy: compare ratios, not milliseconds). One file per benchmark
 * (test/bench/<name>.ts) on a shared harness (harness.ts); the raw baselines are in baselines.ts, the child
 * processes in child.ts. Issue 13 lists the workloads and the targets.
 *
 *   npm run bench                      every benchmark at full size (1,000,000-entry books; under 25 minutes)
 *   npm run bench -- --quick           every benchmark at small size, in under 2 minutes (CI runs it so that the
 *                                      benchmarks keep working; its figures are not the ones to quote)
 *   npm run bench -- --only post.http,verify   only these (the large books are built when one needs them)
 *
 * It prints a table and writes test/bench/results/latest.json: `{ name, unit, value, baseline, ratio, target,
 * pass }` per line (plus `skipped` when a program or database is missing). A missed target fails the full run.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { adminPages } from './admin.pages';
import { exportHledger } from './export.hledger';
import { Bench, QUICK, alongside, failed, fmt, machine, printTable, results, writeResults } from './harness';
import { importCsv, importCsvPg } from './import.csv';
import { postHttp, postHttpPg } from './post.http';
import { receiptPdf } from './receipt.pdf';
import { reportStatement } from './report.statement';
import { trialBalance } from './report.trial-balance';
import { startup } from './startup';
import { verify } from './verify';

/** In this order: import.csv builds the large books that export.hledger, report.statement and verify read. */
const BENCHES: Bench[] = [
  startup,
  postHttp,
  postHttpPg,
  importCsv,
  importCsvPg,
  exportHledger,
  reportStatement,
  verify,
  receiptPdf,
  trialBalance,
  adminPages,
];

async function main(): Promise<void> {
  const onlyArg = process.argv.find((a, i) => process.argv[i - 1] === '--only' || a.startsWith('--only='));
  const only = onlyArg ? onlyArg.replace(/^--only=/, '').split(',') : null;
  const unknown = only?.filter((name) => !BENCHES.some((b) => b.name === name)) ?? [];
  if (unknown.length)
    throw new Error(
      `unknown benchmark ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`,
    );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'den-on-bench-'));
  const shared = new Map<string, unknown>();
  const started = performance.now();
  console.error(
    QUICK ? 'benchmarking at small size (--quick)…' : 'benchmarking at full size (up to 25 minutes)…',
  );
  try {
    for (const bench of BENCHES) {
      if (only && !only.includes(bench.name)) continue;
      const start = performance.now();
      console.error(`${bench.name}…`);
      try {
        await bench.run({ dir, shared });
      } catch (error) {
        failed(bench.name, error);
      }
      console.error(`  (${fmt((performance.now() - start) / 1000, 1)} s)`);
    }
    // What was to run alongside a later benchmark that did not run (--only, or it failed before): alone, now.
    for (const job of alongside.splice(0)) {
      const start = performance.now();
      console.error(`${job.what} (alone)…`);
      await job.run().catch((error: unknown) => failed(job.name, error));
      console.error(`  (${fmt((performance.now() - start) / 1000, 1)} s)`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  printTable();
  const minutes = (performance.now() - started) / 60_000;
  console.log(
    `\nmeasured ${new Date().toISOString().slice(0, 10)} on ${machine()}${QUICK ? ' (--quick)' : ''} in ${fmt(minutes, 1)} min`,
  );
  console.log(`results: ${path.relative(process.cwd(), writeResults())}`);
  // A missed target fails the full run; --quick only proves that the benchmarks still work (and none throws).
  const broken = results.filter((r) => !r.skipped && r.unit === '-');
  if (broken.length || (!QUICK && results.some((r) => !r.pass && !r.skipped))) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
