import Database from 'better-sqlite3';
import { NestFactory } from '@nestjs/core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UnitOfWork } from '../database/unit-of-work';
import { VerifyService } from '../ledger/verify.service';
import { combineHeads, FUND_HEADS_SQL, fundHeadsFromRows, LATEST, LedgerHead } from '../ledger/chain-head';
import { loadConfig } from '../config/app-config';
import { openDatabase } from '../database/data-source';
import { CliModule } from './cli.module';

export const BACKUP_HELP = `  backup <file> [--force] [--json]
                    An online, consistent copy of the SQLite database (SQLite's backup API), taken while the
                    server keeps writing: the copy holds every write committed before it started and none of
                    those after. Refuses to overwrite <file> unless --force. PostgreSQL: use pg_dump
                    (docs/backup.md).
  restore <file> [--force] [--json]
                    Puts a backup back into DATABASE_URL's SQLite file, then verifies the books. Refuses when
                    the database holds entries or other changes that the backup does not (newer than the
                    backup), unless --force. Stop the server first. PostgreSQL: use pg_restore.`;

const BACKUP_USAGE = 'usage: npm run cli -- backup <file> [--force] [--json]';
const RESTORE_USAGE = 'usage: npm run cli -- restore <file> [--force] [--json]';
const PG_BACKUP =
  'DATABASE_URL is PostgreSQL: back it up with pg_dump --format=custom --file=<file> "$DATABASE_URL" (docs/backup.md)';
const PG_RESTORE =
  'DATABASE_URL is PostgreSQL: restore with pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" <file> (docs/backup.md)';

/** Copy every page in one step: one read transaction, so the copy is one consistent moment of the books. */
const ALL_PAGES = 0x7fffffff;

interface Args {
  file: string;
  force: boolean;
  json: boolean;
}

function parseArgs(args: string[], usage: string): Args | string {
  const parsed: Args = { file: '', force: false, json: false };
  for (const arg of args) {
    if (arg === '--force') parsed.force = true;
    else if (arg === '--json') parsed.json = true;
    else if (arg.startsWith('--') || parsed.file !== '') return `unexpected argument "${arg}"\n${usage}`;
    else parsed.file = arg;
  }
  if (parsed.file === '') return `which file?\n${usage}`;
  return parsed;
}

/** What a database (or a backup) holds: its chain head and its last audit-log row. */
interface BooksState {
  entryCount: number;
  lastEntryId: number | null;
  headHash: string;
  lastAuditId: number;
  lastAuditAt: string | null;
}

function booksState(db: Database.Database): BooksState {
  const head = headOf(db, LATEST);
  const audit = db.prepare('SELECT id, at FROM audit_log ORDER BY id DESC LIMIT 1').get() as
    { id: number; at: string } | undefined;
  return {
    entryCount: head.entryCount,
    lastEntryId: head.lastEntryId,
    headHash: head.hash,
    lastAuditId: audit?.id ?? 0,
    lastAuditAt: audit?.at ?? null,
  };
}

/** The books' head as of entry `upTo` (chain-head.ts), read with the raw handle. */
function headOf(db: Database.Database, upTo: number): LedgerHead {
  return combineHeads(
    fundHeadsFromRows(db.prepare(FUND_HEADS_SQL).all(upTo) as Parameters<typeof fundHeadsFromRows>[0]),
  );
}

function isLedger(db: Database.Database): boolean {
  const tables = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('chain_head', 'journal_entries', 'audit_log')",
    )
    .all();
  return tables.length === 3;
}

function integrityProblems(db: Database.Database): string[] {
  const rows = db.pragma('integrity_check') as { integrity_check: string }[];
  return rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
}

/**
 * Why restoring `backup` over `target` would lose something, or null when the target holds nothing the backup does
 * not: the backup's head as of the target's last entry is the target's head (so the chains up to it are the same), and its
 * last audit-log row (every write has one) is in the backup as well.
 */
function newerThanBackup(target: Database.Database, backup: Database.Database): string | null {
  const t = booksState(target);
  const b = booksState(backup);
  const reasons: string[] = [];
  if (t.lastEntryId !== null) {
    const same = headOf(backup, t.lastEntryId);
    if (same.hash !== t.headHash || same.entryCount !== t.entryCount) {
      const later = target
        .prepare('SELECT COUNT(*) AS n FROM journal_entries WHERE id > ?')
        .get(b.lastEntryId ?? 0) as { n: number };
      reasons.push(
        `it holds ${t.entryCount} journal entries up to #${t.lastEntryId}, the backup ${b.entryCount} up to ` +
          `#${b.lastEntryId ?? '–'}: ${later.n > 0 ? `${later.n} entries are newer than the backup` : 'the chains differ'}`,
      );
    }
  }
  if (t.lastAuditId > 0) {
    const same = backup.prepare('SELECT at FROM audit_log WHERE id = ?').get(t.lastAuditId) as
      { at: string } | undefined;
    if (same?.at !== t.lastAuditAt) {
      reasons.push(
        `its audit log runs to #${t.lastAuditId} (${t.lastAuditAt}), the backup's to #${b.lastAuditId} (${b.lastAuditAt ?? '–'})`,
      );
    }
  }
  return reasons.length > 0 ? reasons.join('; ') : null;
}

function describe(state: BooksState): string {
  return `${state.entryCount} entries (last #${state.lastEntryId ?? '–'}, chain head ${state.headHash || '–'})`;
}

export async function runBackup(argv: string[]): Promise<number> {
  const args = parseArgs(argv, BACKUP_USAGE);
  if (typeof args === 'string') {
    console.error(args);
    return 2;
  }
  const config = loadConfig();
  if (config.database.type !== 'sqlite') {
    console.error(PG_BACKUP);
    return 2;
  }
  const source = config.database.path;
  const target = path.resolve(args.file);
  if (!fs.existsSync(source)) {
    console.error(`there is no database at ${source} to back up`);
    return 2;
  }
  if (target === source) {
    console.error('the backup file must not be the database itself');
    return 2;
  }
  if (fs.existsSync(target) && !args.force) {
    console.error(`${target} exists; give --force to overwrite it`);
    return 2;
  }
  // Written next to the target and renamed at the end: a backup file is either whole or absent.
  const partial = `${target}.partial-${process.pid}`;
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    if (!isLedger(db)) {
      console.error(`${source} is not a ledger database`);
      return 2;
    }
    await db.backup(partial, { progress: () => ALL_PAGES });
  } finally {
    db.close();
  }
  const copy = new Database(partial);
  let state: BooksState;
  try {
    // One self-contained file, without -wal and -shm companions.
    copy.pragma('journal_mode = DELETE');
    const problems = integrityProblems(copy);
    if (problems.length > 0) throw new Error(`the copy failed its integrity check: ${problems.join('; ')}`);
    state = booksState(copy);
  } catch (error) {
    copy.close();
    fs.rmSync(partial, { force: true });
    throw error;
  }
  copy.close();
  fs.renameSync(partial, target);
  const bytes = fs.statSync(target).size;
  if (args.json) console.log(JSON.stringify({ ok: true, file: target, bytes, ...state }, null, 2));
  else console.log(`Backed up ${source} to ${target} (${bytes} bytes): ${describe(state)}.`);
  return 0;
}

export async function runRestore(argv: string[]): Promise<number> {
  const args = parseArgs(argv, RESTORE_USAGE);
  if (typeof args === 'string') {
    console.error(args);
    return 2;
  }
  const config = loadConfig();
  if (config.database.type !== 'sqlite') {
    console.error(PG_RESTORE);
    return 2;
  }
  const target = config.database.path;
  const file = path.resolve(args.file);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    console.error(`backup file ${file} does not exist`);
    return 2;
  }
  if (file === target) {
    console.error('the backup file is the database itself');
    return 2;
  }

  const backup = new Database(file, { readonly: true, fileMustExist: true });
  let state: BooksState;
  try {
    const problems = isLedger(backup) ? integrityProblems(backup) : ['it is not a ledger database'];
    if (problems.length > 0) {
      console.error(`REFUSED: ${file} is not a usable backup: ${problems.join('; ')}`);
      return 1;
    }
    state = booksState(backup);
    if (fs.existsSync(target)) {
      const current = new Database(target, { fileMustExist: true });
      try {
        const newer = isLedger(current) ? newerThanBackup(current, backup) : null;
        if (newer && !args.force) {
          console.error(
            `REFUSED: ${target} holds changes that ${path.basename(file)} does not — ${newer}. ` +
              'Restoring would lose them; give --force to restore anyway.',
          );
          return 1;
        }
      } finally {
        current.close();
      }
    }
    // The backup API writes the pages into the database through SQLite, under its write lock: a reader (or a
    // server left running) sees the old books or the restored ones, never a mixture.
    await backup.backup(target, { progress: () => ALL_PAGES });
  } finally {
    backup.close();
  }

  // Open as the server does (pending migrations for an older backup), then verify.
  const dataSource = await openDatabase(config.database);
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config, dataSource), {
    logger: ['error'],
  });
  try {
    // Checked, not recorded: a verify run written here would make the restored books differ from the backup.
    const verifier = app.get(VerifyService);
    const report = await app.get(UnitOfWork).snapshot((manager) => verifier.verify(manager));
    if (args.json)
      console.log(JSON.stringify({ ok: report.ok, file, restored: state, verify: report }, null, 2));
    else if (report.ok)
      console.log(
        `Restored ${file} into ${target}: ${describe(state)}. Verify: OK, ${report.entriesChecked} entries.`,
      );
    else {
      console.log(`Restored ${file} into ${target}, but verify FAILED:`);
      for (const problem of report.problems) console.log(`  - ${problem}`);
    }
    return report.ok ? 0 : 1;
  } finally {
    await app.close();
  }
}
