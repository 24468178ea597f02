/**
 * verify: the hash chain and the stored balances recomputed over the large books (books.ts) by the product's
 * command line (`cli verify --json`, a child process); against SHA-256 over the same canonical bytes (each entry's
 * canonical JSON, as ledger/hash-chain.ts hashes it) in a tight loop, in the same run.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { largeBooks } from './import.csv';
import { Bench, CLI_MAIN, fmt, mb, report, runNode } from './harness';

interface Row {
  id: number;
  fund_code: string;
  number: number;
  entry_date: string;
  description: string;
  source: string;
  source_ref: string | null;
  reversal_of_id: number | null;
  posted_by: string;
  posted_at: string;
  prev_hash: string;
  line_no: number;
  code: string;
  debit: string;
  credit: string;
  memo: string | null;
}

/** The ms SHA-256 takes over every entry's canonical bytes, built beforehand 100,000 entries at a time. */
function hashBaseline(file: string): { ms: number; entries: number; bytes: number } {
  const db = new Database(file, { readonly: true });
  const rows = db.prepare(
    `SELECT e.id, b.fund_code, e.number, e.entry_date, e.description, e.source, e.source_ref, e.reversal_of_id,
            e.posted_by, e.posted_at, e.prev_hash, l.line_no, a.code, CAST(l.debit AS TEXT) AS debit,
            CAST(l.credit AS TEXT) AS credit, l.memo
       FROM journal_entries e JOIN books b ON b.fund_id = e.fund_id
       JOIN journal_lines l ON l.entry_id = e.id JOIN accounts a ON a.id = l.account_id
      ORDER BY e.id, l.line_no`,
  );
  let ms = 0;
  let entries = 0;
  let bytes = 0;
  let batch: Buffer[] = [];
  const hashAll = () => {
    const start = performance.now();
    for (const canonical of batch) createHash('sha256').update(canonical).digest('hex');
    ms += performance.now() - start;
    batch = [];
  };
  let current: Row | null = null;
  let lines: unknown[][] = [];
  const close = () => {
    if (!current) return;
    const e = current;
    const canonical = Buffer.from(
      JSON.stringify([
        e.prev_hash,
        e.fund_code,
        e.number,
        e.entry_date,
        e.description,
        e.source,
        e.source_ref,
        e.reversal_of_id,
        e.posted_by,
        e.posted_at,
        lines,
      ]),
      'utf8',
    );
    bytes += canonical.length;
    batch.push(canonical);
    entries += 1;
    if (batch.length === 100_000) hashAll();
  };
  for (const row of rows.iterate() as Iterable<Row>) {
    if (current?.id !== row.id) {
      close();
      current = row;
      lines = [];
    }
    lines.push([row.line_no, row.code, row.debit, row.credit, row.memo]);
  }
  close();
  hashAll();
  db.close();
  return { ms, entries, bytes };
}

export const verify: Bench = {
  name: 'verify',
  async run(ctx) {
    const books = await largeBooks(ctx);
    const run = await runNode(CLI_MAIN, ['verify', '--json'], {
      DATABASE_URL: `sqlite:${books.file}`,
      LOG_LEVEL: 'silent',
    });
    const answer = JSON.parse(run.stdout) as { ok: boolean; entriesChecked: number };
    if (!answer.ok) throw new Error(`cli verify found problems: ${run.stdout.slice(0, 1000)}`);
    const raw = hashBaseline(books.file);
    const rate = answer.entriesChecked / (run.ms / 1000);
    const rawRate = raw.entries / (raw.ms / 1000);
    report(
      {
        name: 'verify',
        unit: 'entries/s',
        value: rate,
        baseline: rawRate,
        ratio: rate / rawRate,
        target: 'ratio ≥ 0.5',
        pass: rate / rawRate >= 0.5,
      },
      `SHA-256 over the same ${mb(raw.bytes)}: ${fmt(raw.ms)} ms, ${fmt(rawRate)}/s`,
      `cli verify, ${fmt(answer.entriesChecked)} entries in ${fmt(run.ms / 1000, 1)} s: ${fmt(rate)}/s, peak RSS ${mb(run.peakRss)}`,
      'hash chain and balances recomputed over the large books',
    );
  },
};
