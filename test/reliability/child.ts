import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import type { DatabaseConfig } from '../../src/config/app-config';
import { databaseUrl } from '../support/cli';

/** Child processes of the reliability suite: the poster fixture, and the built command line. */

const ROOT = path.resolve(__dirname, '..', '..');

/** Transpiles a fixture into test/.tmp (gitignored), where node finds the project's modules. */
export function transpileFixture(name: string): string {
  const source = fs.readFileSync(path.join(__dirname, 'fixtures', `${name}.ts`), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  });
  const dir = path.join(ROOT, 'test', '.tmp');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${process.pid}.js`);
  fs.writeFileSync(file, outputText);
  return file;
}

/** The poster fixture, running: it prints each committed entry's number; `acknowledged` is the last one read. */
export interface Poster {
  child: ChildProcess;
  /** Entries acknowledged so far, and the last number acknowledged. */
  readonly seen: number;
  readonly acknowledged: number;
  /** Resolves once `count` entries have been acknowledged in all. */
  waitFor(count: number): Promise<void>;
  /** SIGKILL, then resolves with the last number acknowledged (every line written before the kill read). */
  kill(): Promise<number>;
}

/** `pauseMs` between writes keeps the books (and the checks after each round) small. */
export function startPoster(script: string, config: DatabaseConfig, fundCode: string, pauseMs = 0): Poster {
  const args = [script, path.join(ROOT, 'dist'), JSON.stringify(config), fundCode, String(pauseMs)];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let seen = 0;
  let acknowledged = 0;
  const waiters: { count: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
    const lines = out.split('\n');
    out = lines.pop() ?? '';
    for (const line of lines) {
      acknowledged = Number(line);
      seen += 1;
    }
    for (const w of waiters.filter((w) => seen >= w.count)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  child.stderr.on('data', (chunk: string) => (err += chunk));
  // 'close', not 'exit': every acknowledgement written before the kill has been read by then.
  const closed = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('close', (_code, signal) => resolve(signal)),
  );
  void closed.then((signal) => {
    if (signal !== 'SIGKILL')
      for (const w of waiters.splice(0)) w.reject(new Error(`poster exited (${String(signal)}): ${err}`));
  });
  return {
    child,
    get seen() {
      return seen;
    },
    get acknowledged() {
      return acknowledged;
    },
    waitFor(count) {
      if (seen >= count) return Promise.resolve();
      return new Promise((resolve, reject) => waiters.push({ count, resolve, reject }));
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      const signal = await closed;
      if (signal !== 'SIGKILL') throw new Error(`poster exited by itself (${String(signal)}): ${err}`);
      return acknowledged;
    },
  };
}

export interface CliRun {
  child: ChildProcess;
  /** Resolves when the process ends: its exit code (null when killed) and output. */
  done: Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** `npm run cli -- …` on the built code, without blocking the test's event loop. */
export function startCli(args: string[], database: DatabaseConfig): CliRun {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'cli', 'main.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl(database), LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (stdout += chunk));
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<{
    status: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
  return { child, done };
}

/** A deterministic generator (mulberry32): the same seed gives the same "random" moments on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
