/**
 * The shared harness of `npm run bench`: sizes (full or --quick), the results table and results/latest.json,
 * timing helpers, child processes whose peak RSS is measured from outside, and the built app as a child.
 *
 * Every benchmark is a file test/bench/<name>.ts exporting a `Bench`; main.ts runs them in order. A benchmark
 * measures the product and its baseline in the same run, on the same machine, and reports both: these machines
 * are shared and noisy, so the ratio is the figure to compare, not the milliseconds.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

export const QUICK = process.argv.includes('--quick');

/** The repository root (dist-bench/test/bench/harness.js → three folders up). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
/** The built benchmark tree: the app and the command line, compiled with the benchmarks (test/bench/tsconfig.json). */
export const DIST = path.join(ROOT, 'dist-bench');
export const APP_MAIN = path.join(DIST, 'src', 'main.js');
export const CLI_MAIN = path.join(DIST, 'src', 'cli', 'main.js');
export const CHILD_MAIN = path.join(DIST, 'test', 'bench', 'child.js');
const HWM_PRELOAD = path.join(DIST, 'test', 'bench', 'hwm-preload.js');

export const PG_SERVER = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const ADMIN_PASSWORD = 'bench-admin-password-1';

/** One line of results/latest.json: `value` against `baseline` in `unit`; `pass` when `target` is met. */
export interface BenchResult {
  name: string;
  unit: string;
  value: number;
  baseline: number;
  ratio: number;
  target: string;
  pass: boolean;
  /** Set when the benchmark could not run here (a missing program or database): neither passed nor failed. */
  skipped?: string;
}

export interface Bench {
  name: string;
  run(ctx: BenchContext): Promise<void>;
}

export interface BenchContext {
  /** A temporary folder of this run, removed at the end. */
  dir: string;
  /** What one benchmark leaves for the next (e.g. the large books built by import.csv). */
  shared: Map<string, unknown>;
}

const rows: string[][] = [];
export const results: BenchResult[] = [];

/**
 * Records a result and its line of the printed table. Returns a function that replaces both later, in place (a
 * benchmark whose check finishes alongside a later one keeps its place in the table).
 */
export function report(
  result: BenchResult,
  baselineText: string,
  measuredText: string,
  meaning: string,
): (result: BenchResult, baselineText: string, measuredText: string, meaning: string) => void {
  const at = results.length;
  const record = (r: BenchResult, baselineText: string, measuredText: string, meaning: string) => {
    results[at] = r;
    rows[at] = [
      r.name,
      baselineText,
      measuredText,
      Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : '-',
      r.target,
      r.skipped ? 'skipped' : r.pass ? 'yes' : 'NO',
      meaning,
    ];
    console.error(
      `  ${r.name}: ${measuredText} | baseline ${baselineText} | ratio ${rows[at][3]} | ${rows[at][5]}`,
    );
  };
  record(result, baselineText, measuredText, meaning);
  return record;
}

/**
 * Work that a benchmark leaves to run alongside a later phase whose figure is not a time: report.statement's
 * `hledger bal` totals check (printed, in no ratio) runs beside receipt.pdf.zip, whose figure is the child's peak
 * RSS, measured from outside; receipt.pdf takes it from here, and main.ts runs whatever is left at the end, alone.
 */
export const alongside: { name: string; what: string; run(beside?: string): Promise<void> }[] = [];

/** A benchmark that cannot run here: printed as `skipped: <why>` and recorded as skipped, never as passed. */
export function skip(name: string, unit: string, target: string, why: string): void {
  console.log(`${name}: skipped: ${why}`);
  report(
    { name, unit, value: NaN, baseline: NaN, ratio: NaN, target, pass: false, skipped: why },
    '-',
    `skipped: ${why}`,
    '',
  );
}

/** A benchmark that threw: recorded as failed with its error, so the others still run. */
export function failed(name: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`${name}: FAILED`, error);
  report(
    { name, unit: '-', value: NaN, baseline: NaN, ratio: NaN, target: '-', pass: false },
    '-',
    `error: ${message.split('\n')[0].slice(0, 100)}`,
    '',
  );
}

export function printTable(): void {
  const header = ['benchmark', 'baseline', 'measured', 'ratio', 'target', 'pass', 'meaning'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

export function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`;
}

export function writeResults(): string {
  const out = path.join(ROOT, 'test', 'bench', 'results');
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, 'latest.json');
  // JSON has no NaN: a skipped or failed benchmark's figures are null.
  fs.writeFileSync(file, JSON.stringify(results, (_, v: unknown) => (Number.isNaN(v) ? null : v), 2) + '\n');
  return file;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

export const median = (values: number[]) => percentile(values, 50);

/** Runs `fn` `runs` times one after the other and returns each duration in ms. */
export async function samples(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    out.push(performance.now() - start);
  }
  return out;
}

export async function time(runs: number, fn: () => Promise<unknown>): Promise<number> {
  return median(await samples(runs, fn));
}

export async function elapsed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024)} MB`;

/** VmHWM (peak resident set) or VmRSS of a live process, in bytes; null once it has gone. */
export function procMemory(pid: number, field: 'VmHWM' | 'VmRSS' = 'VmHWM'): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Peak RSS of the child in bytes: the higher of VmHWM sampled every 50 ms and VmHWM read by the child at exit. */
  peakRss: number;
}

/**
 * Runs `node <script> <args>` to its end and measures its peak RSS from outside: /proc/<pid>/status VmHWM is
 * sampled every 50 ms, and a preloaded hook (hwm-preload.js) writes the child's final VmHWM as it exits, so the
 * peak between the last sample and the exit is not missed.
 */
export async function runNode(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  options: { stdoutFile?: string } = {},
): Promise<ChildRun> {
  const hwmFile = path.join(os.tmpdir(), `den-on-bench-hwm-${process.pid}-${Date.now()}-${Math.random()}`);
  const start = performance.now();
  const out = options.stdoutFile ? fs.openSync(options.stdoutFile, 'w') : 'pipe';
  const child = spawn(process.execPath, ['--require', HWM_PRELOAD, script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, BENCH_HWM_FILE: hwmFile },
    stdio: ['ignore', out, 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  let peak = 0;
  const sampler = setInterval(() => {
    const hwm = child.pid ? procMemory(child.pid) : null;
    if (hwm !== null && hwm > peak) peak = hwm;
  }, 50);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c));
  });
  clearInterval(sampler);
  if (typeof out === 'number') fs.closeSync(out);
  const ms = performance.now() - start;
  try {
    peak = Math.max(peak, Number(fs.readFileSync(hwmFile, 'utf8')) * 1024);
    fs.rmSync(hwmFile, { force: true });
  } catch {
    // the child died before its exit hook: the samples are all there is
  }
  return { code, stdout, stderr, ms, peakRss: peak };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until GET `url` answers 200; returns the ms from `since` to that answer. */
export async function waitFor200(
  url: string,
  since: number,
  child?: ChildProcess,
  limitMs = 120_000,
): Promise<number> {
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${url}: the server exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - since;
    } catch {
      // not listening yet
    }
    if (performance.now() - since > limitMs) throw new Error(`${url}: no 200 within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface Server {
  base: string;
  child: ChildProcess;
  /** ms from spawn to the first 200 from the health URL. */
  startupMs: number;
  rss(): number | null;
  stop(): Promise<void>;
  output(): string;
}

/** Starts `node <script>` as a server on a free port (PORT) and waits for `healthPath` to answer 200. */
export async function startServer(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  healthPath = '/api/health',
): Promise<Server> {
  const port = await freePort();
  const start = performance.now();
  const child = spawn(process.execPath, [script, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const base = `http://127.0.0.1:${port}`;
  let startupMs: number;
  try {
    startupMs = await waitFor200(`${base}${healthPath}`, start, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return {
    base,
    child,
    startupMs,
    rss: () => (child.pid ? procMemory(child.pid, 'VmRSS') : null),
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** The built app on `databaseUrl`, with the bench admin's password and logging off. */
export function startApp(databaseUrl: string, env: NodeJS.ProcessEnv = {}): Promise<Server> {
  return startServer(APP_MAIN, [], {
    DATABASE_URL: databaseUrl,
    ADMIN_PASSWORD,
    LOGIN_ATTEMPTS_PER_MINUTE: '10000',
    LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE: '100000',
    ...env,
  });
}

/** A small JSON client with the bench admin's token. */
export class Api {
  constructor(
    readonly base: string,
    readonly token: string,
  ) {}

  static async login(base: string): Promise<Api> {
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`);
    return new Api(base, ((await res.json()) as { token: string }).token);
  }

  async post<T>(url: string, body: unknown): Promise<T> {
    const res = await fetch(`${this.base}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async get<T>(url: string): Promise<T> {
    const res = await fetch(`${this.base}${url}`, { headers: { authorization: `Bearer ${this.token}` } });
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
}

/** The province fund and its nine communes: the 10 funds of the large books. */
export const FUNDS = ['P', ...Array.from({ length: 9 }, (_, i) => `C${i + 1}`)];

/** Creates the 10 funds (a province and nine communes under it) through the API. */
export async function createFunds(api: Api): Promise<void> {
  await api.post('/api/funds', { code: 'P', name: 'Quỹ Đền ơn đáp nghĩa tỉnh (bench)', level: 'province' });
  for (const code of FUNDS.slice(1)) {
    await api.post('/api/funds', {
      code,
      name: `Quỹ Đền ơn đáp nghĩa xã ${code}`,
      level: 'commune',
      parentCode: 'P',
    });
  }
}

/** A fresh PostgreSQL database for one benchmark, or null when no server answers. */
export async function createPgDatabase(name: string): Promise<{ url: string; drop(): Promise<void> } | null> {
  const { Client } = await import('pg');
  const admin = new Client({ connectionString: `${PG_SERVER}/postgres`, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  const db = `den_on_bench_${name}_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${db}`);
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.end();
  return {
    url: `${PG_SERVER}/${db}`,
    drop: async () => {
      const again = new Client({ connectionString: `${PG_SERVER}/postgres` });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await again.end();
    },
  };
}
