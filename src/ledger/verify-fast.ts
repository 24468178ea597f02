import { isUtf8 } from 'node:buffer';
import { createHash, hash } from 'node:crypto';
import { sha256Text } from '../common/sha256';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

/**
 * verify's fast path on SQLite (issue 13). Turning SQLite rows into JavaScript values cost about three times the
 * hashing itself, so here SQLite builds each entry's canonical JSON text (the bytes `entryHash` hashes, hash-chain.ts)
 * and JavaScript receives one text per entry and only hashes it. A page whose every entry matches its stored hash,
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
 * A page whose entry ids run on without a gap comes back as one row (PACKED_SQL): turning a row into JavaScript
 * values cost about as much as SQLite building its text, so the page's texts come as one blob, a newline between
 * them (canonical JSON escapes every control character: a raw newline is never inside one), its hashes, fund ids and
 * numbers each as one string; a page with a gap is read an entry a row (PAGE_SQL).
 *
 * Pages may also be checked on worker threads (this file is the worker's script), each on its own read-only
 * connection to the same file; see verify.service.ts for why their view of the pages is the same as the caller's.
 */

const SAFE = 9007199254740991;
const isSafeInt = (column: string) =>
  `typeof(${column}) = 'integer' AND ${column} BETWEEN -${SAFE} AND ${SAFE}`;

/**
 * Every text column in the canonical text holds text or null, the two that both paths print alike. Not a blob:
 * json_array takes a blob that holds valid JSONB as the JSON it encodes (SQLite 3.45 on), so that a blob of the
 * JSONB of the honest text would print as that text, while the JavaScript path reads the column as a Buffer and
 * prints it otherwise (verify-fast.spec). Not a number either: the columns' declared types make SQLite store a
 * number written to them as text, but a forger may rewrite the schema, and a REAL 1.0 prints as 1.0 in SQLite and
 * 1 in JavaScript.
 */
const textOrNull = (columns: string[]) =>
  columns.map((column) => `typeof(${column}) IN ('text', 'null')`).join(' AND ');
const ENTRY_TEXTS = textOrNull([
  'e.prev_hash',
  'b.fund_code',
  'e.entry_date',
  'e.description',
  'e.source',
  'e.source_ref',
  'e.posted_by',
  'e.posted_at',
]);
const LINE_TEXTS = textOrNull(['a.code', 'l.memo']);

/**
 * One page's entries (ids in (?, ?]) in id order: id, fund_id, number, prev_hash, hash, the canonical text (null
 * where a guard fails or the lines do not balance: fewer than two, or debits ≠ credits, summed exactly as 64-bit
 * integers, an overflow being an SQL error and so a dirty page), and the month.
 *
 * Guards: the text columns store text, null or a blob (TEXT affinity: numbers become text), or anything under a
 * rewritten schema; text and null print alike on both paths, and nothing else is let through (ENTRY_TEXTS, LINE_TEXTS). The numbers the JavaScript
 * path reads with `Number()` (entry number, reversed entry, fund id, line number, account id) must be integers within
 * 2^53: a text such as '0x6f' joins no row here, while `Number('0x6f')` is 111 there (verify-fast.spec). Amounts must
 * be integers (the JavaScript path sums them as BigInt). A missing fund or account is '?' on both paths (char(63):
 * a literal '?' would count as a parameter).
 * Lines come in line_no order, then row id, as the JavaScript path reads them (LINES_SQL): were they taken in the
 * order they are stored, a forger could renumber an entry's lines and hash SQLite's text of them, which the
 * JavaScript path would refuse (verify-fast.spec).
 */
export const PAGE_SQL = `SELECT e.id, e.fund_id, e.number, e.prev_hash, e.hash,
  CASE WHEN ${isSafeInt('e.number')} AND (e.reversal_of_id IS NULL OR ${isSafeInt('e.reversal_of_id')})
        AND ${ENTRY_TEXTS} AND ${isSafeInt('e.fund_id')}
  THEN json_array(e.prev_hash, COALESCE(b.fund_code, char(63)), e.number, e.entry_date, e.description, e.source,
    e.source_ref, e.reversal_of_id, e.posted_by, e.posted_at,
    (SELECT CASE WHEN COUNT(*) >= 2 AND SUM(l.debit) = SUM(l.credit)
                  AND MIN(${isSafeInt('l.line_no')} AND typeof(l.debit) = 'integer' AND typeof(l.credit) = 'integer'
                          AND ${isSafeInt('l.account_id')} AND ${LINE_TEXTS})
            THEN json_group_array(json_array(l.line_no, COALESCE(a.code, char(63)), CAST(l.debit AS TEXT),
                                             CAST(l.credit AS TEXT), l.memo) ORDER BY l.line_no, l.id)
            END
       FROM journal_lines l LEFT JOIN accounts a ON a.id = l.account_id WHERE l.entry_id = e.id))
  END,
  substr(e.entry_date, 1, 7)
  FROM journal_entries e LEFT JOIN books b ON b.fund_id = e.fund_id
 WHERE e.id > ? AND e.id <= ? ORDER BY e.id`;

/**
 * One page's entries as one row: how many, how many have a text, then in id order each entry's id, fund id and
 * number (comma-separated), the stored hashes (run together), the canonical texts (one blob, separated by a
 * newline), how many months and the months (comma-separated). The texts are PAGE_SQL's, with its guards, the lines
 * aggregated by a join rather than a subquery per entry (an entry without lines has no text), and three more. Two
 * let JavaScript cut the strings apart by position: a fund id that is an integer within 2^53 (its decimal form has
 * no comma) and a stored hash that is text of 64 characters. The third stands for PAGE_SQL's ORDER BY of the lines
 * (a sort per entry, about a tenth of the query): the lines must come numbered 1, 2 … n (n < 100) in the order they are
 * aggregated, as the posting path numbers and stores them, and then that order is the JavaScript path's, line_no
 * then id, whatever order SQLite took them in. An entry that fails a guard has a null text, which the outer
 * aggregate leaves out: the count of texts falls short and the caller reads the page by PAGE_SQL.
 *
 * The outer aggregates take no ORDER BY either (it made each a sort, 0.9 µs an entry of 3.5): they see the grouped
 * rows in the order the grouping gives them, by id, all in the same order; the caller checks the ids, and reads
 * the page by PAGE_SQL if they do not run after + 1, after + 2 … in the order given.
 */
const ONE_TO_99 = Array.from({ length: 99 }, (_, k) => k + 1).join(',');
export const PACKED_SQL = `SELECT COUNT(*), COUNT(t), group_concat(id || ',' || fund_id || ',' || number, ','),
       group_concat(hash, ''), CAST(group_concat(t, char(10)) AS BLOB), COUNT(m), group_concat(m, ',')
  FROM (SELECT e.id, e.fund_id, e.number, e.hash, substr(e.entry_date, 1, 7) AS m,
    CASE WHEN ${isSafeInt('e.number')} AND (e.reversal_of_id IS NULL OR ${isSafeInt('e.reversal_of_id')})
          AND ${ENTRY_TEXTS} AND ${isSafeInt('e.fund_id')} AND typeof(e.hash) = 'text' AND length(e.hash) = 64
          AND COUNT(l.id) BETWEEN 2 AND 99 AND group_concat(l.line_no, ',') = substr('${ONE_TO_99}', 1,
                CASE WHEN COUNT(l.id) < 10 THEN 2 * COUNT(l.id) - 1 ELSE 3 * COUNT(l.id) - 10 END)
          AND SUM(l.debit) = SUM(l.credit)
          AND MIN(${isSafeInt('l.line_no')} AND typeof(l.debit) = 'integer' AND typeof(l.credit) = 'integer'
                  AND ${isSafeInt('l.account_id')} AND ${LINE_TEXTS})
    THEN json_array(e.prev_hash, COALESCE(b.fund_code, char(63)), e.number, e.entry_date, e.description, e.source,
      e.source_ref, e.reversal_of_id, e.posted_by, e.posted_at,
      json_group_array(json_array(l.line_no, COALESCE(a.code, char(63)), CAST(l.debit AS TEXT),
                                  CAST(l.credit AS TEXT), l.memo)))
    END AS t
    FROM journal_entries e LEFT JOIN books b ON b.fund_id = e.fund_id
    LEFT JOIN journal_lines l ON l.entry_id = e.id LEFT JOIN accounts a ON a.id = l.account_id
   WHERE e.id > ? AND e.id <= ? GROUP BY e.id ORDER BY e.id)`;

/**
 * One page's turnover: debits and credits per account and month, as text (exact), from the lines of its entries.
 * The month is the date's first 7 characters, as the JavaScript path slices it when they are ASCII (withTurnover).
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

/** PACKED_SQL's columns. */
export type PackedRow = [
  entries: number,
  texts: number,
  ids: string | null,
  hashes: string | null,
  canonical: Buffer | null,
  months: number,
  monthList: string | null,
];

const dirtyPage = (page: number, entries: number): PageSummary => ({
  page,
  clean: false,
  entries,
  funds: [],
  legacy: null,
  turnover: [],
});

/**
 * A page's entries taken in id order: each must link to the entry before it in its chain within the page and
 * number on from it; what the page's first entries link to is left to the caller (its funds' spans).
 */
class PageWalk {
  private readonly funds = new Map<number, FundSpan>();
  private legacy: PageSummary['legacy'] = null;

  constructor(private readonly cutover: number) {}

  /** False where the entry does not link to or number on from the one before it. */
  take(id: number, fund: number, number: number, prevHash: string, hash: string): boolean {
    const span = this.funds.get(fund);
    const legacy = this.legacy;
    if (id <= this.cutover) {
      if (legacy === null) this.legacy = [prevHash, hash, id, 1];
      else if (prevHash !== legacy[1]) return false;
      else this.legacy = [legacy[0], hash, id, legacy[3] + 1];
    } else if (span && prevHash !== span[5]) return false;
    if (!span) this.funds.set(fund, [fund, number, id <= this.cutover ? null : prevHash, id, number, hash]);
    else if (number !== span[4] + 1) return false;
    else {
      span[3] = id;
      span[4] = number;
      span[5] = hash;
    }
    return true;
  }

  summary(page: number, entries: number): PageSummary {
    return { page, clean: true, entries, funds: [...this.funds.values()], legacy: this.legacy, turnover: [] };
  }
}

/**
 * Checks one page's rows: each entry's hash, its link to the entry before it in the same chain and its number,
 * within the page; what the page's first entries link to is left to the caller (its funds' spans).
 */
export function summarizePage(page: number, rows: FastRow[], cutover: number): PageSummary {
  const walk = new PageWalk(cutover);
  for (const [id, fundId, number, prevHash, hash, canonical] of rows) {
    if (canonical === null || !canonical.endsWith(']]') || sha256Text(canonical) !== hash) {
      return dirtyPage(page, rows.length);
    }
    if (!walk.take(id, Number(fundId), number, prevHash, hash)) return dirtyPage(page, rows.length);
  }
  return walk.summary(page, rows.length);
}

const QUOTE = 0x22;
const BRACKET = 0x5b;
const CLOSE = 0x5d;
const NEWLINE = 0x0a;
/** SHA-256 hex of bytes (the canonical text's UTF-8, as sha256Text hashes a string's). */
const sha256Bytes: (bytes: Buffer) => string =
  typeof hash === 'function'
    ? (bytes) => hash('sha256', bytes, 'hex')
    : (bytes) => createHash('sha256').update(bytes).digest('hex');

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Checks a packed page (PACKED_SQL) as summarizePage checks rows: a clean page and its months in id order (null
 * where they cannot be cut apart), or null for anything else (ids that are not after + 1 … upTo in order, a null
 * text, a hash or link that does not match), and PAGE_SQL then reads the page: a page this does not find clean (a
 * forger's, or one whose lines were numbered otherwise) costs a query more, and its verdict is PAGE_SQL's or the
 * JavaScript path's. Each text is the blob up to the next newline, and there must be exactly one text an entry.
 * The blob must be valid UTF-8: a text column may hold any bytes, which SQLite copies into its JSON text and the
 * JavaScript path reads as U+FFFD (verify-fast.spec); read as a string (PAGE_SQL), both paths read them alike.
 * Its previous hash is read from its bytes 2 to 66, between `["` and `"`: where that equals the hash of the entry
 * before it (64 hex digits), or is 64 hex digits itself (checked where the page hands it on), the JSON string there
 * is the column's text, nothing escaped.
 */
export function summarizePacked(
  page: number,
  row: PackedRow,
  after: number,
  upTo: number,
  cutover: number,
): { summary: PageSummary; months: string[] | null } | null {
  const [entries, texts, ids, hashes, canonical, monthCount, monthList] = row;
  if (entries === 0 || entries !== upTo - after) return null;
  if (texts !== entries || ids === null || hashes === null || canonical === null || !isUtf8(canonical))
    return null;
  const fields = ids.split(',');
  if (fields.length !== 3 * entries) return null;
  for (let k = 0; k < entries; k++) if (Number(fields[3 * k]) !== after + 1 + k) return null;
  if (hashes.length !== 64 * entries) return null;
  const walk = new PageWalk(cutover);
  let start = 0;
  for (let k = 0; k < entries; k++) {
    const newline = canonical.indexOf(NEWLINE, start);
    const last = k === entries - 1;
    if (last ? newline !== -1 : newline === -1) return null;
    const end = last ? canonical.length : newline;
    const hash = hashes.slice(64 * k, 64 * k + 64);
    if (
      end - start < 70 ||
      canonical[start] !== BRACKET ||
      canonical[start + 1] !== QUOTE ||
      canonical[start + 66] !== QUOTE ||
      canonical[end - 1] !== CLOSE ||
      canonical[end - 2] !== CLOSE ||
      sha256Bytes(canonical.subarray(start, end)) !== hash
    )
      return null;
    const prevHash = canonical.toString('latin1', start + 2, start + 66);
    const id = after + 1 + k;
    if (!walk.take(id, Number(fields[3 * k + 1]), Number(fields[3 * k + 2]), prevHash, hash)) return null;
    start = end + 1;
  }
  const summary = walk.summary(page, entries);
  if (summary.legacy && !HEX64.test(summary.legacy[0])) return null;
  for (const span of summary.funds) if (span[2] !== null && !HEX64.test(span[2])) return null;
  const months = monthCount === entries && monthList !== null ? monthList.split(',') : null;
  return { summary, months: months?.length === entries ? months : null };
}

const INTEGER = /^-?\d+$/;
/** Seven printable ASCII characters (a month, YYYY-MM). */
const MONTH = /^[ -~]{7}$/;

/**
 * A clean page with its turnover, or dirty where a row is not as the JavaScript path would sum it: amounts that are
 * not integers (BigInt would throw), a month that is not seven printable ASCII characters (then they are the
 * date's first seven bytes, and JavaScript's slice of the date is the same text; an astral character, a byte that
 * is not UTF-8, or a NUL, where SQLite's substr stops, could make them differ: verify-fast.spec).
 */
export function withTurnover(summary: PageSummary, turnover: TurnoverRow[]): PageSummary {
  for (const [, period, debit, credit] of turnover) {
    if (typeof period !== 'string' || !MONTH.test(period) || !INTEGER.test(debit) || !INTEGER.test(credit)) {
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
  return runsOf(
    rows.map((row) => row[6]),
    after,
  );
}

/** The runs of `months`, the months of the entries after + 1, after + 2 … in order; null past MAX_RUNS. */
function runsOf(months: unknown[], after: number): [number, number, string][] | null {
  const runs: [number, number, string][] = [];
  let run: [number, number, string] | null = null;
  for (let k = 0; k < months.length; k++) {
    const month = months[k];
    const id = after + 1 + k;
    if (typeof month !== 'string') return null;
    if (run && run[2] === month) run[1] = id;
    else {
      if (runs.length === MAX_RUNS) return null;
      run = [id - 1, id, month];
      runs.push(run);
    }
  }
  return runs;
}

/** Runs a read statement (`?` placeholders) and returns its rows as arrays. */
export type ReadArrays = (sql: string, params: number[]) => unknown[] | Promise<unknown[]>;

/**
 * The fast path over one page: its canonical texts checked (packed, or an entry a row where its ids have a gap),
 * then (if clean) its turnover read and checked.
 */
export async function checkPageFast(
  page: number,
  after: number,
  upTo: number,
  cutover: number,
  read: ReadArrays,
): Promise<PageSummary> {
  const [packed] = (await read(PACKED_SQL, [after, upTo])) as PackedRow[];
  const packedPage = packed ? summarizePacked(page, packed, after, upTo, cutover) : null;
  let summary: PageSummary;
  let runs: [number, number, string][] | null;
  if (packedPage) {
    summary = packedPage.summary;
    runs = packedPage.months && runsOf(packedPage.months, after);
  } else {
    const rows = (await read(PAGE_SQL, [after, upTo])) as FastRow[];
    summary = summarizePage(page, rows, cutover);
    runs = summary.clean ? monthRuns(rows, after, upTo) : null;
  }
  if (!summary.clean) return summary;
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
        summary = dirtyPage(page, 0);
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
