/**
 * export.hledger: the large books (books.ts: import.csv's database) written as one hledger journal by the
 * product's command line (`cli export journal --format hledger --out …`) in a child process whose peak RSS is
 * measured; against writing the very same bytes from memory to a file, in the same run. The journal is kept for
 * report.statement (ledger and hledger read it).
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { largeBooks } from './import.csv';
import { Bench, BenchContext, CLI_MAIN, fmt, mb, report, runNode } from './harness';

/** The large books as an hledger journal: exported by export.hledger, or now if it did not run. */
export async function hledgerJournal(ctx: BenchContext): Promise<string> {
  const done = ctx.shared.get('hledger') as string | undefined;
  if (done) return done;
  await exportJournal(ctx);
  return ctx.shared.get('hledger') as string;
}

async function exportJournal(ctx: BenchContext) {
  const books = await largeBooks(ctx);
  const out = path.join(ctx.dir, 'large.hledger');
  const run = await runNode(CLI_MAIN, ['export', 'journal', '--format', 'hledger', '--out', out], {
    DATABASE_URL: `sqlite:${books.file}`,
    LOG_LEVEL: 'silent',
  });
  if (run.code !== 0) throw new Error(`cli export exited ${run.code}: ${run.stderr.slice(0, 1000)}`);
  ctx.shared.set('hledger', out);
  return { books, out, run };
}

export const exportHledger: Bench = {
  name: 'export.hledger',
  async run(ctx) {
    const { books, out, run } = await exportJournal(ctx);
    const db = new Database(books.file, { readonly: true });
    const postings = (db.prepare('SELECT COUNT(*) AS n FROM journal_lines').get() as { n: number }).n;
    db.close();

    // The baseline: the same bytes, already in memory, written to a file in 64 kB writes.
    const bytes = fs.readFileSync(out);
    const copy = path.join(ctx.dir, 'copy.hledger');
    const start = performance.now();
    const fd = fs.openSync(copy, 'w');
    for (let at = 0; at < bytes.length; at += 65_536)
      fs.writeSync(fd, bytes, at, Math.min(65_536, bytes.length - at));
    fs.closeSync(fd);
    const rawMs = performance.now() - start;
    fs.rmSync(copy);

    const rate = postings / (run.ms / 1000);
    const rawRate = postings / (rawMs / 1000);
    report(
      {
        name: 'export.hledger',
        unit: 'postings/s',
        value: rate,
        baseline: rawRate,
        ratio: rate / rawRate,
        target: '≥ 200,000 postings/s',
        pass: rate >= 200_000,
      },
      `the same ${mb(bytes.length)} from memory: ${fmt(rawMs)} ms`,
      `${fmt(books.entries)} entries, ${fmt(postings)} postings in ${fmt(run.ms / 1000, 1)} s: ${fmt(rate)}/s`,
      'the large books as an hledger journal (cli export, a child process)',
    );
    const limit = 200 * 1024 * 1024;
    report(
      {
        name: 'export.hledger.rss',
        unit: 'MB peak RSS',
        value: run.peakRss / 1024 / 1024,
        baseline: 200,
        ratio: run.peakRss / limit,
        target: 'peak RSS ≤ 200 MB',
        pass: run.peakRss <= limit,
      },
      'limit 200 MB',
      `cli export: ${mb(run.peakRss)}`,
      'peak RSS of the exporting child process',
    );
  },
};
