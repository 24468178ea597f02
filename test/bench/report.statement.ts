/**
 * report.statement: the consolidated 10-year statement and trial balance of the province fund over the large
 * books (1,000,000 entries over 10 funds; books.ts), 50 runs through the built app's API (10 with --quick), each
 * after another connection's commit (so that no run is answered from the reads the app keeps);
 * against `ledger bal` and `hledger bal` on our hledger export of the same books, whose totals per account are
 * checked equal to the trial balance's.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { hledgerJournal } from './export.hledger';
import { largeBooks } from './import.csv';
import { Api, Bench, QUICK, alongside, fmt, median, report, samples, skip, startApp } from './harness';

const RUNS = QUICK ? 10 : 50;
const TARGET = '≥ 100× faster than ledger; p50 ≤ 20 ms';

/** Runs a program to its end; null when it is not installed. */
function program(
  cmd: string,
  args: string[],
): Promise<{ ms: number; stdout: string; code: number | null } | null> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ENOENT' ? resolve(null) : reject(error),
    );
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}: ${stderr.slice(0, 500)}`));
      resolve({ ms: performance.now() - start, stdout, code });
    });
  });
}

/** `  12345 VND  assets:P:111 Tiền mặt` lines → net balance per account code, summed over the funds. */
function totalsByCode(output: string): Map<string, bigint> {
  const totals = new Map<string, bigint>();
  for (const line of output.split('\n')) {
    const match = /^\s*(-?[\d,.]+) VND\s+\S+?:[^:\s]+:(\d+)\b/.exec(line);
    if (!match) continue;
    const amount = BigInt(match[1].replace(/[,.]/g, ''));
    totals.set(match[2], (totals.get(match[2]) ?? 0n) + amount);
  }
  for (const [code, amount] of totals) if (amount === 0n) totals.delete(code);
  return totals;
}

function sameTotals(a: Map<string, bigint>, b: Map<string, bigint>): boolean {
  return a.size === b.size && [...a].every(([code, amount]) => b.get(code) === amount);
}

export const reportStatement: Bench = {
  name: 'report.statement',
  async run(ctx) {
    const books = await largeBooks(ctx);
    const server = await startApp(`sqlite:${books.file}`);
    let p50: number;
    let warm: number;
    let trial: Map<string, bigint>;
    try {
      const api = await Api.login(server.base);
      const statement = '/api/reports/statement?fund=P&from=2014-01-01&to=2023-12-31&consolidated=true';
      const balance = '/api/reports/trial-balance?fund=P&asOf=2023-12-31&consolidated=true';
      const tb = await api.get<{ rows: { account: string; debit: string; credit: string }[] }>(balance);
      trial = new Map(tb.rows.map((r) => [r.account, BigInt(r.debit) - BigInt(r.credit)]));
      for (const [code, amount] of trial) if (amount === 0n) trial.delete(code);
      const pair = async () => {
        await api.get(statement);
        await api.get(balance);
      };
      await samples(5, pair);
      // The app keeps a report's reads while the books stay as they were (src/reports/read-cache.ts). The figure
      // is a report after a change: before each run another connection commits (the file's user_version, which
      // the app does not use), as another process posting would, so every run reads the books again. The same
      // pair on unchanged books, answered from what was kept, is printed beside it.
      const other = new Database(books.file);
      const version = other.pragma('user_version', { simple: true }) as number;
      const cold: number[] = [];
      try {
        for (let i = 1; i <= RUNS; i++) {
          other.pragma(`user_version = ${version + i}`);
          cold.push(...(await samples(1, pair)));
        }
      } finally {
        other.pragma(`user_version = ${version}`);
        other.close();
      }
      p50 = median(cold);
      warm = median(await samples(RUNS, pair));
    } finally {
      await server.stop();
    }

    const journal = await hledgerJournal(ctx);
    const ledger = await program('ledger', ['-f', journal, 'bal', '--flat', '--no-total']);
    if (!ledger) {
      console.log(`report.statement: p50 ${fmt(p50, 1)} ms over ${fmt(books.entries)} entries`);
      return skip(
        'report.statement',
        'ms',
        TARGET,
        'hledger/ledger not installed (apt-get install hledger ledger)',
      );
    }
    const ledgerEqual = sameTotals(totalsByCode(ledger.stdout), trial);
    if (!ledgerEqual)
      console.error(
        'report.statement: ledger totals differ from the trial balance',
        ledger.stdout.slice(0, 2000),
      );
    const ratio = ledger.ms / p50;
    const result = (equal: boolean) => ({
      name: 'report.statement',
      unit: 'ms',
      value: p50,
      baseline: ledger.ms,
      ratio,
      target: TARGET,
      pass: equal && ratio >= 100 && p50 <= 20,
    });
    const measured =
      `statement + trial balance p50 ${fmt(p50, 1)} ms after a change (${RUNS} runs, ${fmt(books.entries)} entries); ` +
      `unchanged books ${fmt(warm, 1)} ms`;
    const meaning =
      'consolidated 10-year statement and trial balance over 10 funds; ratio = ledger time / ours';
    const amend = report(
      result(ledgerEqual),
      `ledger bal ${fmt(ledger.ms)} ms, hledger bal pending`,
      measured,
      meaning,
    );
    // `hledger bal` is only a check of the totals (its time is printed, in no ratio): it runs later, beside the
    // receipt zip (whose figure is its peak RSS), or alone at the end when that does not run.
    alongside.push({
      name: 'report.statement',
      what: "hledger bal (report.statement's totals check)",
      run: async (with_) => {
        const beside = with_ ? ` beside ${with_}` : '';
        const hledger = await program('hledger', ['-f', journal, 'bal', '--flat', '--no-total']);
        const equal = ledgerEqual && hledger !== null && sameTotals(totalsByCode(hledger.stdout), trial);
        if (hledger && !equal)
          console.error(
            'report.statement: hledger totals differ from the trial balance',
            hledger.stdout.slice(0, 2000),
          );
        if (!hledger)
          return amend(
            {
              ...result(false),
              pass: false,
              skipped: 'hledger not installed (apt-get install hledger ledger)',
            },
            `ledger bal ${fmt(ledger.ms)} ms, hledger not installed`,
            measured,
            meaning,
          );
        amend(
          result(equal),
          `ledger bal ${fmt(ledger.ms)} ms, hledger bal ${fmt(hledger.ms)} ms${beside}${equal ? ', totals equal' : ', TOTALS DIFFER'}`,
          measured,
          meaning,
        );
      },
    });
  },
};
