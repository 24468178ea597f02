import { sha256Text } from '../common/sha256';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

/**
 * verify's fast path on SQLite (issue 13). Turning SQLite rows into JavaScript values cost about three times the
 * hashing itself, so here SQLite builds each entry's canonical JSON text (the bytes `entryHash` hashes, hash-chain.ts)
 * and JavaScript receives one string per entry and only hashes it. A page whose every entry matches its stored hash,
 * balances, links to the entry before it and numbers on from it is "clean"; anything else — a mismatch, an SQL error,
 * a value of a type the JavaScript path would print differently — makes the page "dirty", and verify.service.ts
 * checks a dirty page again through the JavaScript path, which alone words the problems. A difference between the
 * two JSON texts can so only cost time, never change a verdict.
 *
 * SQLite's JSON text is byte for byte JSON.stringify's for the values allowed through: every code point (escapes of
 * control characters, quotes, backslash; U+2028 and non-ASCII as they are), integers up to 2^53, null
 * (verify-fast.spec.ts). The guards in PAGE_SQL let through only such values (see there). An entry that fails a
 * guard gets a null text, and a null text, or lines that are not an array, never count as matching: else stored
 * hashes made over SQLite's text of values that the JavaScript path prints otherwise would pass here alone.
 *
 * Pages may also be checked on worker threads (this file is the worker's script), each on its own read-only
 * connection to the same file; see verify.service.ts for why their view of the pages is the same as the caller's.
 */

const SAFE = 9007199254740991;
const isSafeInt = (column: string) =>
  `typeof(${column}) = 'integer' AND ${column} BETWEEN -${SAFE} AND ${SAFE}`;

/**
 * One page's entries (ids in (?, ?]) in id order: id, fund_id, number, prev_hash, hash, the canonical text (null
 * where a guard fails or the lines do not balance: fewer than two, or debits ≠ credits, summed exactly as 64-bit
 * integers, an overflow being an SQL error and so a dirty page), and the month.
 *
 * Guards: the text columns need none, their TEXT affinity stores text, null or a blob (numbers become text), and
 * text and null print alike on both paths while a blob is an SQL error. The numbers the JavaScript path reads with
 * `Number()` (entry number, reversed entry, line number) must be integers within 2^53; amounts must be integers
 * (the JavaScript path sums them as BigInt). A missing fund or account is '?' on both paths (char(63): a literal
 * '?' would count as a parameter); an account id that is not an integer matches no account on either. Lines come
 * in line_no order, then row id, as the JavaScript path reads them (LINES_SQL): were they taken in the order they
 * are stored, a forger could renumber an entry's lines and hash SQLite's text of them, which the JavaScript path
 * would refuse (verify-fast.spec).
 */
export const PAGE_SQL = `SELECT e.id, e.fund_id, e.number, e.prev_hash, e.hash,
  CASE WHEN ${isSafeInt('e.number')} AND (e.reversal_of_id IS NULL OR ${isSafeInt('e.reversal_of_id')})
  THEN json_array(e.prev_hash, COALESCE(b.fund_code, char(63)), e.number, e.entry_date, e.description, e.source,
    e.source_ref, e.reversal_of_id, e.posted_by, e.posted_at,
    (SELECT CASE WHEN COUNT(*) >= 2 AND SUM(l.debit) = SUM(l.credit)
                  AND MIN(${isSafeInt('l.line_no')} AND typeof(l.debit) = 'integer' AND typeof(l.credit) = 'integer')
            THEN json_group_array(json_array(l.line_no, COALESCE(a.code, char(63)), CAST(l.debit AS TEXT),
                                             CAST(l.credit AS TEXT), l.memo) ORDER BY l.line_no, l.id)
            END
       FROM journal_lines l LEFT JOIN accounts a ON a.id = l.account_id WHERE l.entry_id = e.id))
  END,
  substr(e.entry_date, 1, 7)
  FROM journal_entries e LEFT JOIN books b ON b.fund_id = e.fund_id
 WHERE e.id > ? AND e.id <= ? ORDER BY e.id`;

/**
 * One page's turnover: debits and credits per account and month, as text (exact), from the lines of its entries.
 * The month is the date's first 7 characters, as the JavaScript path slices it when they are not astral (checked).
 */
export const PAGE_TURNOVER_SQL = `SELECT l.account_id, substr(e.entry_date, 1, 7), CAST(SUM(l.debit) AS TEXT),
       CAST(SUM(l.credit) AS TEXT)
  FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
 WHERE e.id > ? AND e.id <= ? GROUP BY l.account_id, substr(e.entry_date, 1, 7)`;

/**
 * The turnover of a run of entries with consecutive ids (every id in (?, ?] an entry) in one month: the lines by
 * their entry id alone, at about half the cost of joining each line to its entry for its month. Only where every id
 * is an entry, and only lines whose entry id is an integer: a line whose entry is gone must not count (the
 * JavaScript path leaves it out, and so does the join).
 */
export const RUN_TURNOVER_SQL = `SELECT account_id, CAST(SUM(debit) AS TEXT), CAST(SUM(credit) AS TEXT)
  FROM journal_lines WHERE entry_id > ? AND entry_id <= ? AND typeof(entry_id) = 'integer' GROUP BY account_id`;
/** Runs of one month a page may have before its turnover is read by PAGE_TURNOVER_SQL instead. */
const MAX_RUNS = 8;

/** PAGE_SQL's columns. */
export type FastRow = [
  id: number,
  fundId: number,
  number: number,
  prevHash: string,
  hash: string,
  canonical: string | null,
  month: string | null,
];
/** PAGE_TURNOVER_SQL's columns. */
export type TurnoverRow = [accountId: number, period: string, debit: string, credit: string];

/** A fund's entries within a page: its first entry's number and previous hash (null when the first belongs to the
 * one chain kept before the chain went per fund), and its last entry. */
export type FundSpan = [
  fundId: number,
  firstNumber: number,
  firstPrev: string | null,
  lastId: number,
  lastNumber: number,
  lastHash: string,
];

/** What a clean page tells the caller, to check its edges against the pages before it and to carry on from it. */
export interface PageSummary {
  /** Index of the page: its entries have ids in (after, after + pageSize], after = index × pageSize. */
  page: number;
  clean: boolean;
  entries: number;
  funds: FundSpan[];
  /** The entries up to the cutover (the one chain): the first's previous hash, the last's hash and id, how many. */
  legacy: [firstPrev: string, lastHash: string, lastId: number, count: number] | null;
  turnover: TurnoverRow[];
}

/**
 * Checks one page's rows: each entry's hash, its link to the entry before it in the same chain and its number,
 * within the page; what the page's first entries link to is left to the caller (its funds' spans).
 */
export function summarizePage(page: number, rows: FastRow[], cutover: number): PageSummary {
  const dirty: PageSummary = {
    page,
    clean: false,
    entries: rows.length,
    funds: [],
    legacy: null,
    turnover: [],
  };
  const funds = new Map<number, FundSpan>();
  let legacy: PageSummary['legacy'] = null;
  for (const [id, fundId, number, prevHash, hash, canonical] of rows) {
    if (canonical === null || !canonical.endsWith(']]') || sha256Text(canonical) !== hash) return dirty;
    const fund = Number(fundId);
    const span = funds.get(fund);
    if (id <= cutover) {
      if (legacy === null) legacy = [prevHash, hash, id, 1];
      else if (prevHash !== legacy[1]) return dirty;
      else legacy = [legacy[0], hash, id, legacy[3] + 1];
    } else if (span && prevHash !== span[5]) return dirty;
    if (!span) funds.set(fund, [fund, number, id <= cutover ? null : prevHash, id, number, hash]);
    else if (number !== span[4] + 1) return dirty;
    else {
      span[3] = id;
      span[4] = number;
      span[5] = hash;
    }
  }
  return { page, clean: true, entries: rows.length, funds: [...funds.values()], legacy, turnover: [] };
}

const INTEGER = /^-?\d+$/;
const SURROGATE = /[\ud800-\udfff]/;

/**
 * A clean page with its turnover, or dirty where a row is not as the JavaScript path would sum it: amounts that are
 * not integers (BigInt would throw), a month that is null or holds an astral character (its slice differs).
 */
export function withTurnover(summary: PageSummary, turnover: TurnoverRow[]): PageSummary {
  for (const [, period, debit, credit] of turnover) {
    if (
      typeof period !== 'string' ||
      SURROGATE.test(period) ||
      !INTEGER.test(debit) ||
      !INTEGER.test(credit)
    ) {
      return { ...summary, clean: false };
    }
  }
  return { ...summary, turnover };
}

/**
 * The page's runs of entries in one month, as (first id − 1, last id, month), when the page's ids are all entries
 * (after + 1 … upTo) and it has at most MAX_RUNS of them; else null.
 */
export function monthRuns(rows: FastRow[], after: number, upTo: number): [number, number, string][] | null {
  if (
    rows.length === 0 ||
    rows.length !== upTo - after ||
    rows[0][0] !== after + 1 ||
    rows[rows.length - 1][0] !== upTo
  )
    return null;
  const runs: [number, number, string][] = [];
  let run: [number, number, string] | null = null;
  for (const row of rows) {
    const month = row[6];
    if (typeof month !== 'string') return null;
    if (run && run[2] === month) run[1] = row[0];
    else {
      if (runs.length === MAX_RUNS) return null;
      run = [row[0] - 1, row[0], month];
      runs.push(run);
    }
  }
  return runs;
}

/** Runs a read statement (`?` placeholders) and returns its rows as arrays. */
export type ReadArrays = (sql: string, params: number[]) => unknown[] | Promise<unknown[]>;

/** The fast path over one page: its canonical texts checked, then (if clean) its turnover read and checked. */
export async function checkPageFast(
  page: number,
  after: number,
  upTo: number,
  cutover: number,
  read: ReadArrays,
): Promise<PageSummary> {
  const rows = (await read(PAGE_SQL, [after, upTo])) as FastRow[];
  const summary = summarizePage(page, rows, cutover);
  if (!summary.clean) return summary;
  const runs = monthRuns(rows, after, upTo);
  if (!runs) return withTurnover(summary, (await read(PAGE_TURNOVER_SQL, [after, upTo])) as TurnoverRow[]);
  const turnover: TurnoverRow[] = [];
  for (const [from, to, month] of runs) {
    for (const [accountId, debit, credit] of (await read(RUN_TURNOVER_SQL, [from, to])) as [
      number,
      string,
      string,
    ][])
      turnover.push([accountId, month, debit, credit]);
  }
  return withTurnover(summary, turnover);
}

/** What the worker is given: the file, the pages to check (every `stride`-th from `first`), their bounds. */
export interface FastWorkerData {
  kind: 'den-on-verify';
  file: string;
  pageSize: number;
  lastId: number;
  cutover: number;
  first: number;
  stride: number;
}

interface SqliteRaw {
  prepare(text: string): { raw(on: boolean): { all(...params: unknown[]): unknown[] } };
  exec(text: string): unknown;
  close(): unknown;
}

/** The worker: one read transaction over its pages, a summary posted per page (dirty where SQL throws). */
async function runWorker(data: FastWorkerData): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require('better-sqlite3') as new (file: string, options: object) => SqliteRaw;
  const db = new Database(data.file, { readonly: true, fileMustExist: true });
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('BEGIN');
    const statements = new Map<string, { all(...params: unknown[]): unknown[] }>();
    const read: ReadArrays = (sql, params) => {
      let statement = statements.get(sql);
      if (!statement) statements.set(sql, (statement = db.prepare(sql).raw(true)));
      return statement.all(...params);
    };
    const pages = Math.ceil(data.lastId / data.pageSize);
    for (let page = data.first; page < pages; page += data.stride) {
      const after = page * data.pageSize;
      const upTo = Math.min(after + data.pageSize, data.lastId);
      let summary: PageSummary;
      try {
        summary = await checkPageFast(page, after, upTo, data.cutover, read);
      } catch {
        summary = { page, clean: false, entries: 0, funds: [], legacy: null, turnover: [] };
      }
      parentPort?.postMessage(summary);
    }
    db.exec('COMMIT');
  } finally {
    db.close();
  }
}

if (!isMainThread && (workerData as FastWorkerData | null)?.kind === 'den-on-verify') {
  void runWorker(workerData as FastWorkerData);
}
