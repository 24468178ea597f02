import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';

// The Lào Cai demonstration books, built ONCE per dist build and shared by every spec that needs them
// (test/e2e/demo.e2e-spec.ts, test/browser/admin-demo.browser-spec.ts): a build takes ~100 s of a core.
//
// - The file is test/.tmp/demo-<key>.sqlite, where <key> hashes dist/**/*.js and data/ (what the build runs and
//   reads), so a new build of the code or an edited data/demo/ builds it again, and a rerun with the same dist
//   reuses it.
// - A child node process builds it with dist's own buildDemo, holding test/.tmp/demo-<key>.lock (its pid) for the
//   build. Other callers, in any jest worker or project, see the lock held by a live process and wait; a lock left
//   by a dead process is taken over.
// - The file appears by an atomic rename only once complete (checkpointed, no WAL beside it), with its users in
//   demo-<key>.json. Callers copy it (copyDemoBooks) and never write the shared file.
// - test/browser/support/global-setup.js starts the build in the background when the run has a spec that needs it
//   (test/browser/support/global-sequencer.js marks such a run and runs those specs last), so the build overlaps
//   the other tests instead of keeping a worker waiting.

const ROOT = path.resolve(__dirname, '..', '..');
const TMP = path.join(ROOT, 'test', '.tmp');
const DIST = path.join(ROOT, 'dist');
const DATA = path.join(ROOT, 'data');
const BUILD_WAIT_MS = 15 * 60_000;
const POLL_MS = 500;

/** The demo's admin password: test/support/app.ts's ADMIN_PASSWORD, so startTestApp on a copy signs in as admin. */
export const DEMO_ADMIN_PASSWORD = 'admin-password-1';

export interface DemoUser {
  username: string;
  password: string;
  role: 'admin' | 'accountant' | 'approver' | 'cashier' | 'auditor';
  fundCode: string | null;
  label: string;
}

export interface DemoBooks {
  /** The shared, read-only file: copy it with copyDemoBooks before opening it. */
  file: string;
  /** Everyone who can log in, admin (with DEMO_ADMIN_PASSWORD) first. */
  users: DemoUser[];
  /** How long the build took, whenever it ran. */
  elapsedMs: number;
}

/** Runs in the child: takes the lock or exits 3, builds into a temporary file, checkpoints it and renames it. */
const BUILDER = `
const fs = require('node:fs');
const [file, lock, meta, password, dist] = process.argv.slice(1);
let fd;
try { fd = fs.openSync(lock, 'wx'); } catch { process.exit(3); }
fs.writeSync(fd, String(process.pid));
fs.closeSync(fd);
const tmp = file + '.' + process.pid + '.building';
const clean = () => {
  for (const s of ['', '-wal', '-shm', '-journal']) fs.rmSync(tmp + s, { force: true });
  fs.rmSync(lock, { force: true });
};
process.on('SIGTERM', () => { clean(); process.exit(143); });
require('reflect-metadata');
const { buildDemo } = require(dist + '/demo/demo-builder.js');
buildDemo({ database: { type: 'sqlite', path: tmp }, adminPassword: password }).then((built) => {
  const Database = require('better-sqlite3');
  const db = new Database(tmp);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('journal_mode = DELETE');
  db.close();
  fs.writeFileSync(meta, JSON.stringify({ users: built.users, elapsedMs: built.elapsedMs }));
  fs.renameSync(tmp, file);
  clean();
  // Older builds (of another dist) are no longer needed.
  const path = require('node:path');
  for (const other of fs.readdirSync(path.dirname(file))) {
    const m = /^(demo-[0-9a-f]{16})\\.(sqlite|json)$/.exec(other);
    if (m && m[1] !== path.basename(file, '.sqlite')) fs.rmSync(path.join(path.dirname(file), other), { force: true });
  }
}, (error) => { console.error(error); clean(); process.exit(1); });
`;

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full, keep));
    else if (keep(entry.name)) out.push(full);
  }
  return out.sort();
}

/** Hashes what a build runs and reads: the compiled code and the reference data (not runtime databases). */
function buildKey(): string {
  if (!fs.existsSync(path.join(DIST, 'demo', 'demo-builder.js')))
    throw new Error('dist/ is not built: run npm run build (the e2e and browser global set-ups build it)');
  const hash = createHash('sha256').update(`${DEMO_ADMIN_PASSWORD}\n`);
  const files = [
    ...filesUnder(DIST, (n) => n.endsWith('.js')),
    ...filesUnder(DATA, (n) => !/\.sqlite(-\w+)?$|\.log$/.test(n)),
  ];
  for (const file of files) hash.update(path.relative(ROOT, file)).update('\0').update(fs.readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

function pathsOf(key: string) {
  const file = path.join(TMP, `demo-${key}.sqlite`);
  return { file, lock: path.join(TMP, `demo-${key}.lock`), meta: path.join(TMP, `demo-${key}.json`) };
}

/** Starts the builder; its exit code: 0 built, 3 someone else holds the lock, else failed. */
function spawnBuilder(key: string, stdio: 'pipe' | 'ignore'): ChildProcess {
  fs.mkdirSync(TMP, { recursive: true });
  const { file, lock, meta } = pathsOf(key);
  return spawn(process.execPath, ['-e', BUILDER, file, lock, meta, DEMO_ADMIN_PASSWORD, DIST], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', stdio === 'pipe' ? 'pipe' : 'inherit'],
  });
}

/** The live process holding the lock, if any; a lock left by a dead process is removed. */
function lockHeld(lock: string): boolean {
  let text: string;
  let ageMs: number;
  try {
    text = fs.readFileSync(lock, 'utf8');
    ageMs = Date.now() - fs.statSync(lock).mtimeMs;
  } catch {
    return false;
  }
  const pid = Number(text);
  // Between taking the lock and writing its pid, the file is empty for a moment.
  if (!Number.isInteger(pid) || pid <= 0) return ageMs < 10_000;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EPERM') return true;
    fs.rmSync(lock, { force: true });
    return false;
  }
}

/**
 * Starts building the demo books in the background, unless they are built or being built: for a global set-up,
 * after dist/ is built. Returns the child (to stop it at teardown), or null.
 */
export function startDemoBuild(): ChildProcess | null {
  const key = buildKey();
  const { file, lock } = pathsOf(key);
  if (fs.existsSync(file) || lockHeld(lock)) return null;
  return spawnBuilder(key, 'ignore');
}

/** The shared demo books of this dist build: waits for the build in progress, or builds them. */
export async function demoBooks(): Promise<DemoBooks> {
  const key = buildKey();
  const { file, lock, meta } = pathsOf(key);
  const end = Date.now() + BUILD_WAIT_MS;
  while (Date.now() < end) {
    if (fs.existsSync(file)) {
      const { users, elapsedMs } = JSON.parse(fs.readFileSync(meta, 'utf8')) as Omit<DemoBooks, 'file'>;
      return { file, users, elapsedMs };
    }
    if (lockHeld(lock)) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      continue;
    }
    const child = spawnBuilder(key, 'pipe');
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0 && code !== 3)
      throw new Error(`building the demo books failed (exit ${code}):\n${stderr}`);
  }
  throw new Error(`the demo books were not built within ${BUILD_WAIT_MS / 60_000} minutes`);
}

/** A private copy of the demo books in `dir`, to open and write. */
export async function copyDemoBooks(dir: string): Promise<{ file: string; books: DemoBooks }> {
  const books = await demoBooks();
  const file = path.join(dir, 'demo.sqlite');
  fs.copyFileSync(books.file, file);
  return { file, books };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Serves a copy of the demo books with dist/main.js (as `npm run demo -- --serve-only` does), on a free port. */
export async function serveDemoBooks(dir: string): Promise<{ base: string; books: DemoBooks; stop(): void }> {
  const { file, books } = await copyDemoBooks(dir);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = spawn(process.execPath, [path.join(DIST, 'main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${file}`,
      ADMIN_PASSWORD: DEMO_ADMIN_PASSWORD,
      PUBLIC_URL: base,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = () => void app.kill();
  for (let i = 0; i < 600; i++) {
    if (app.exitCode !== null) break;
    try {
      if ((await fetch(`${base}/api/health`)).ok) return { base, books, stop };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  throw new Error('the app on the demo books did not start');
}
