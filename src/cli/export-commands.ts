import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import * as fs from 'node:fs';
import type { Writable } from 'node:stream';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { CLI_ACTOR } from '../common/actor';
import { DomainError } from '../common/errors';
import { requestContext } from '../common/request-context';
import { loadConfig } from '../config/app-config';
import { openDatabase } from '../database/data-source';
import { MANIFEST_FILE } from '../exports/bundle';
import { exportParameters, JournalExportQuery } from '../exports/dto';
import type { ExportPlan } from '../exports/export.types';
import { ExportsService } from '../exports/exports.service';
import { OutputClosedError } from '../exports/formats/output';
import { verifyBundle } from '../exports/verify-bundle';
import { CliModule } from './cli.module';

export const EXPORT_HELP = `  export journal --format csv|xlsx|hledger|beancount [--fund <code> [--consolidated]] [--from <date>]
                 [--to <date>] [--out <file>]
                    Write the journal (to stdout unless --out). Without --fund: every fund. hledger/ledger and
                    beancount files end with balance assertions that hold against the books' trial balance.
  export bundle --out <bundle.zip> [--fund <code> [--consolidated]] [--from <date>] [--to <date>]
                    The audit bundle: journal.csv, journal.xlsx, journal.hledger, journal.beancount,
                    trial-balance.json and manifest.json (SHA-256 of each file, the hash chain's head).
  verify-bundle <bundle.zip> [--db] [--json]
                    Recompute every file's SHA-256 against the bundle's manifest (no database needed).
                    --db also checks the bundle's chain head against the books (DATABASE_URL): the entry it
                    ends at must still have the same hash. Exits 0 when everything matches, 1 naming each
                    thing that does not.`;

/** The features without the HTTP faces, on DATABASE_URL. */
async function openApp(): Promise<INestApplicationContext> {
  const config = loadConfig();
  const dataSource = await openDatabase(config.database);
  return NestFactory.createApplicationContext(CliModule.forRoot(config, dataSource), { logger: ['error'] });
}

const JOURNAL_USAGE =
  'usage: npm run cli -- export journal --format csv|xlsx|hledger|beancount [--fund <code> [--consolidated]] [--from <date>] [--to <date>] [--out <file>]';
const BUNDLE_USAGE =
  'usage: npm run cli -- export bundle --out <bundle.zip> [--fund <code> [--consolidated]] [--from <date>] [--to <date>]';

interface ExportArgs {
  kind: 'journal' | 'bundle';
  query: JournalExportQuery;
  out: string | null;
}

const VALUE_OPTIONS = ['--format', '--fund', '--from', '--to', '--out'] as const;

async function exportArgs(args: string[]): Promise<ExportArgs | string> {
  const [kind, ...rest] = args;
  if (kind !== 'journal' && kind !== 'bundle')
    return `export what? "journal" or "bundle"\n${JOURNAL_USAGE}\n${BUNDLE_USAGE}`;
  const usage = kind === 'journal' ? JOURNAL_USAGE : BUNDLE_USAGE;
  const values: Record<string, string> = {};
  let consolidated = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const option = VALUE_OPTIONS.find((o) => o === arg);
    if (arg === '--consolidated') consolidated = true;
    else if (option && rest[i + 1] !== undefined && !(option === '--format' && kind === 'bundle'))
      values[option.slice(2)] = rest[++i];
    else return `unexpected argument "${arg}"\n${usage}`;
  }
  // The same checks as the HTTP route's query.
  const { out, ...options } = values;
  const query = plainToInstance(JournalExportQuery, {
    ...options,
    format: kind === 'bundle' ? 'csv' : values.format,
    consolidated: consolidated ? 'true' : undefined,
  });
  const errors = await validate(query, { whitelist: true, forbidNonWhitelisted: true });
  const problems = errors.flatMap((e) => Object.values(e.constraints ?? {}));
  if (problems.length) return `${problems.join('\n')}\n${usage}`;
  if (kind === 'bundle' && out === undefined && process.stdout.isTTY)
    return `a zip is not for a terminal: give --out <bundle.zip>\n${usage}`;
  if (values.format === 'xlsx' && out === undefined && process.stdout.isTTY)
    return `a workbook is not for a terminal: give --out <file.xlsx>\n${usage}`;
  return { kind, query, out: out ?? null };
}

/** `\r12,000/1,000,000 entries` on a terminal, redrawn at most ten times a second. */
function progress(): { update: (done: number, total: number) => void; done: () => void } {
  if (!process.stderr.isTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let shown = false;
  return {
    update(done, total) {
      if (Date.now() - last < 100 && done < total) return;
      last = Date.now();
      shown = true;
      process.stderr.write(
        `\rexporting: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} entries`,
      );
    },
    done() {
      if (shown) process.stderr.write('\n');
    },
  };
}

/**
 * V8's collections, on demand. `young`: a collection of the young generation (a scavenge: a few milliseconds,
 * little lives there), for every few pages. The hledger text SQLite makes (src/exports/formats/hledger-sql.ts) comes
 * as Buffers, memory outside V8's heap that is dead once written; V8 counts such memory and collects after tens of
 * MB more of it, but a scavenge frees the Buffers that died young, which these all do. 300,000 entries to hledger:
 * peak RSS 186-191 -> 144-162 MB, the same CPU time (issue 13). `full`: a whole collection, once.
 */
function collector(): { young(): void; full(): void } {
  v8.setFlagsFromString('--expose-gc');
  try {
    const gc = vm.runInNewContext('gc') as (options?: { type: 'minor' }) => void;
    return { young: () => gc({ type: 'minor' }), full: () => gc() };
  } catch {
    // a Node that ignores the flag at run time: V8 collects as it would anyway
    return { young: () => undefined, full: () => undefined };
  }
}

/** Pages between two young-generation collections (see `collector`). */
const COLLECT_EVERY = 3;

/**
 * `export journal|bundle`: the same snapshot, files and checks as GET /api/exports/…, as the command line (all
 * funds visible). A file given with --out is written next to it as `<file>.partial` and renamed only when whole.
 */
export async function runExport(args: string[]): Promise<number> {
  const parsed = await exportArgs(args);
  if (typeof parsed === 'string') {
    console.error(parsed);
    return 2;
  }
  // An export makes garbage as fast as the disk takes text, and V8 lets the heap grow by a hundred MB and more
  // before it collects (nothing is kept: a forced collection brings it back to its size at start). Told to favour
  // size, it collects early: 300,000 entries to hledger, peak RSS 300 -> 180 MB at the same speed (issue 13).
  v8.setFlagsFromString('--optimize-for-size');
  const collect = collector();
  const context = await openApp();
  const bar = progress();
  // A scavenge costs about 3 ms even with little to free (the application's heap is its roots): once every third
  // page, not every page. 10^6 entries to hledger, alternately: CPU 6.9-7.4 -> 5.8-6.6 s, peak RSS 155-156 ->
  // 157-159 MB (every sixth page: 0.2-0.5 s less again, 3 MB more).
  let pages = 0;
  const onProgress = (done: number, total: number) => {
    if (++pages % COLLECT_EVERY === 0) collect.young();
    bar.update(done, total);
  };
  const partial = parsed.out === null ? null : `${parsed.out}.partial`;
  try {
    // The application's start leaves its garbage in the heap until V8 next collects it all, and the export's worker
    // thread and first pages came on top of it. Collected once here: 10^6 entries to hledger on an Intel Xeon with
    // the worker, alternately, peak RSS 182-189 -> 164-178 MB, the same time (issue 13).
    collect.full();
    const exports = context.get(ExportsService);
    const what = parsed.kind === 'journal' ? `journal (${parsed.query.format})` : 'bundle';
    const plan: ExportPlan = await requestContext.run(
      { requestId: `cli-${process.pid}`, actor: CLI_ACTOR, action: `cli export ${what}` },
      () => exports.plan(CLI_ACTOR, exportParameters(parsed.query), what),
    );
    const out: Writable = partial === null ? process.stdout : fs.createWriteStream(partial);
    if (parsed.kind === 'journal') await exports.writeJournal(plan, parsed.query.format, out, onProgress);
    else await exports.writeBundle(plan, out, onProgress);
    bar.done();
    if (partial !== null && parsed.out !== null) {
      fs.renameSync(partial, parsed.out);
      console.error(
        `${parsed.out}: ${plan.entryCount} entries of ${plan.funds.map((f) => f.code).join(', ') || 'no fund'}, ` +
          `${plan.from ?? 'from the start'} to ${plan.to}; chain head ${plan.chainHead.hash}`,
      );
    }
    return 0;
  } catch (error) {
    bar.done();
    if (partial !== null) fs.rmSync(partial, { force: true });
    if (error instanceof DomainError) {
      console.error(error.messages.join('\n'));
      return 2;
    }
    // A closed pipe (`… | head`): the reader has what it wanted.
    if (error instanceof OutputClosedError || (error as NodeJS.ErrnoException).code === 'EPIPE') return 1;
    throw error;
  } finally {
    await context.close();
  }
}

/** `verify-bundle <bundle.zip> [--db] [--json]`: needs no database unless --db. */
export async function runVerifyBundle(args: string[]): Promise<number> {
  const json = args.includes('--json');
  const againstBooks = args.includes('--db');
  const files = args.filter((a) => a !== '--json' && a !== '--db');
  if (files.length !== 1 || files[0].startsWith('--')) {
    console.error('usage: npm run cli -- verify-bundle <bundle.zip> [--db] [--json]');
    return 2;
  }
  const [file] = files;
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    console.error(`file ${file} does not exist`);
    return 2;
  }
  const check = await verifyBundle(file);
  if (againstBooks && check.manifest) {
    const context = await openApp();
    try {
      check.problems.push(
        ...(await context.get(ExportsService).checkChainHead(check.manifest.chainHead, check.manifest.funds)),
      );
      check.ok = check.problems.length === 0;
    } finally {
      await context.close();
    }
  }
  if (json) {
    console.log(JSON.stringify(check, null, 2));
  } else if (check.ok && check.manifest) {
    const m = check.manifest;
    console.log(
      `OK: ${file}: ${check.files.length} files match ${MANIFEST_FILE} ` +
        `(funds ${m.funds.join(', ') || '-'}, ${m.parameters.from ?? 'from the start'} to ${m.parameters.to}, ` +
        `${m.entries} entries; chain head ${m.chainHead.hash} after ${m.chainHead.entryCount} entries` +
        `${againstBooks ? ', the same in the books' : ''})`,
    );
  } else {
    console.log(`FAILED: ${file}: ${check.problems.length} problem(s)`);
    for (const problem of check.problems) console.log(`  - ${problem}`);
  }
  return check.ok ? 0 : 1;
}
