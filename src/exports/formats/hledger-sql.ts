import Database from 'better-sqlite3';
import { isUtf8 } from 'node:buffer';
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ExportPlan } from '../export.types';
import { plainTextAccountName } from './account-names';

/** One fund's entries of a page as hledger text, made by SQLite: what `PlainTextJournalWriter.entry` would write. */
export interface FundText {
  fundId: number;
  /** Entries in the text, and the first and last of their numbers (the text is in number order). */
  count: number;
  first: number;
  last: number;
  /** UTF-8, straight from SQLite: no JavaScript string is made of it. */
  bytes: Buffer;
}

/** A page of the journal as text, fund by fund. */
export interface TextPage {
  texts: FundText[];
  entries: number;
}

/**
 * JavaScript's `\s` but the space and the line feed, in UTF-8, taken from the engine itself (every character of
 * the BMP; none outside it is white space). The text SQLite makes holds none of them unless a column does, and
 * the writer would change that column: `page` looks for them in the bytes (in valid UTF-8 a character's bytes
 * are found only where the character is), which costs less than SQLite's GLOB on every column.
 */
const OTHER_WHITESPACE: (number | Buffer)[] = (() => {
  const found: (number | Buffer)[] = [];
  for (let code = 0; code < 0x10000; code++) {
    const char = String.fromCharCode(code);
    if (char === ' ' || char === '\n' || !/\s/.test(char)) continue;
    found.push(code < 0x80 ? code : Buffer.from(char, 'utf8'));
  }
  return found;
})();

function hasOtherWhitespace(bytes: Buffer): boolean {
  return OTHER_WHITESPACE.some((needle) => bytes.includes(needle));
}

/**
 * True (with `page`'s test for the rest of the white space) when hledger.ts's cleaning leaves `t` as it is: no
 * line break, two spaces or a space at either end (hledger.ts's SPACING), and none of `also` (`;` in a
 * description, parentheses in a code).
 */
function unchanged(t: string, also: string[] = []): string {
  return [
    `typeof(${t}) = 'text'`,
    ...[...also, '  '].map((c) => `instr(${t}, '${c}') = 0`),
    `instr(${t}, char(10)) = 0`,
    `substr(${t}, 1, 1) <> ' '`,
    `substr(${t}, -1, 1) <> ' '`,
  ].join(' AND ');
}

/**
 * `PlainTextJournalWriter.entry` in SQL, for a window of ids: each fund's entries in number order, concatenated.
 * An entry whose text the writer would change (hledger.ts's cleaning: a `;`, a line break, two spaces …) or
 * whose columns are not what the writer expects (an amount that is not an integer, a line on an account the
 * export does not hold) becomes a NUL, and `page` leaves such a page to the writer (a NUL rather than a count of
 * the texts: SQLite would make each text twice, to count it and to join it). So SQLite only writes text that
 * is, character for character, the writer's; `page` checks the rest in the bytes: no NUL (also the column's own:
 * SQLite's text functions may stop at one), valid UTF-8 (a JavaScript string of invalid UTF-8 would hold U+FFFD)
 * and no white space but spaces and line feeds.
 */
const PAGE_SQL = `
SELECT x.fund_id, count(*), min(x.number), max(x.number),
       CAST(group_concat(coalesce(x.text, char(0)), '' ORDER BY x.number) AS BLOB)
  FROM (
    SELECT e.fund_id, e.number,
           CASE WHEN typeof(e.number) = 'integer' AND typeof(e.entry_date) = 'text' AND typeof(e.source) = 'text'
                 AND typeof(e.hash) = 'text' AND (e.reversal_of_id IS NULL OR typeof(e.reversal_of_id) = 'integer')
                 AND ${unchanged('e.description', [';'])}
                 AND (e.source_ref IS NULL OR ${unchanged('e.source_ref', ['(', ')'])})
           THEN e.entry_date || ' * ('
             || CASE WHEN e.source_ref IS NULL OR e.source_ref = '' THEN f.code || '/' || e.number ELSE e.source_ref END
             || ') ' || e.description || char(10)
             || '    ; entry: ' || e.id || ', fund: ' || f.code || ', number: ' || e.number || ', source: ' || e.source
             || CASE WHEN e.reversal_of_id IS NULL THEN '' ELSE ', reverses: ' || e.reversal_of_id END
             || ', hash: ' || e.hash || char(10)
             || (SELECT CASE WHEN total(CASE WHEN a.name IS NOT NULL AND typeof(l.debit) = 'integer'
                                              AND typeof(l.credit) = 'integer'
                                              AND (l.memo IS NULL OR ${unchanged('l.memo')})
                                             THEN 0 ELSE 1 END) = 0
                             THEN coalesce(group_concat('    ' || a.name || '    '
                                    || CASE WHEN l.credit <> 0 THEN '-' || l.credit ELSE l.debit END || ' VND'
                                    || CASE WHEN l.memo IS NULL OR l.memo = '' THEN '' ELSE '  ; ' || l.memo END
                                    || char(10), '' ORDER BY l.line_no, l.id), '') END
                   FROM journal_lines l LEFT JOIN temp.export_accounts a ON a.id = l.account_id
                  WHERE l.entry_id = e.id)
             || char(10)
           END AS text
      FROM journal_entries e JOIN temp.export_funds f ON f.id = e.fund_id + 0
     WHERE e.id > @after AND e.id <= @through
       AND substr(e.entry_date, 1, 10) >= @from AND substr(e.entry_date, 1, 10) <= @to
  ) x
 GROUP BY x.fund_id`;

/** The temporary tables of the export's connections: account names and fund codes by id. */
const SETUP_SQL = `CREATE TEMP TABLE export_accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
                   CREATE TEMP TABLE export_funds (id INTEGER PRIMARY KEY, code TEXT NOT NULL)`;

/**
 * The page cache of each text connection: 2 MB (SQLite's own default) instead of better-sqlite3's 16 MB. The
 * query reads the journal once, in id order, so a large cache holds nothing it reads again; each connection's 16
 * MB filled up and stayed in the peak RSS (10^6 entries: one connection 111 -> 95 MB, two 145-154 -> 114 MB, the
 * same CPU time; at 1 MB or 256 kB SQLite reads the indexes' inner pages again, more system time).
 */
const CACHE_SIZE = 'cache_size = -2000';

type PageRow = [fundId: number, count: number, first: number, last: number, bytes: Buffer];

/** What a text connection is set up with: the page cache, the temporary tables and their rows, the query. */
interface TextSetup {
  cacheSize: string;
  tables: string;
  sql: string;
  accounts: [id: number, name: string][];
  funds: [id: number, code: string][];
}

function textSetup(plan: ExportPlan): TextSetup {
  return {
    cacheSize: CACHE_SIZE,
    tables: SETUP_SQL,
    sql: PAGE_SQL,
    accounts: plan.accounts.map((a) => [a.id, plainTextAccountName(a)]),
    funds: plan.funds.map((f) => [f.id, f.code]),
  };
}

/**
 * A text connection, set up: read-only, its pragmas, the temporary tables filled, the query prepared; null when
 * the file is not in UTF-8. The one setup of both connections: `HledgerSqlText.open` calls it, and its source is
 * part of the worker's (`WORKER_SOURCE`), so it must use nothing but its arguments (no import, no constant of this
 * module, nothing TypeScript compiles into a helper). Coverage instrumentation is kept out of it: its counters
 * would not exist in the worker.
 */
/* istanbul ignore next */
function openTextConnection(
  Sqlite: typeof Database,
  file: string,
  setup: TextSetup,
): { db: Database.Database; statement: Database.Statement } | null {
  const db = new Sqlite(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma(setup.cacheSize);
    if (db.pragma('encoding', { simple: true }) !== 'UTF-8') {
      db.close();
      return null;
    }
    db.exec(setup.tables);
    const account = db.prepare('INSERT INTO temp.export_accounts (id, name) VALUES (?, ?)');
    const fund = db.prepare('INSERT INTO temp.export_funds (id, code) VALUES (?, ?)');
    db.transaction(() => {
      for (const a of setup.accounts) account.run(a[0], a[1]);
      for (const f of setup.funds) fund.run(f[0], f[1]);
    })();
    return { db, statement: db.prepare(setup.sql).raw(true) };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * The hledger text of the journal made by SQLite, on a read-only connection of its own to the books' file (its
 * temporary tables hold the export's account names and fund codes; the application's connection is left alone).
 * Rows become one Buffer per fund and page instead of a dozen JavaScript values per line: turning SQLite's rows
 * into JavaScript values was most of an export's time. Only for SQLite files in UTF-8; `open` returns null
 * otherwise.
 */
export class HledgerSqlText {
  private constructor(
    private readonly db: Database.Database,
    private readonly statement: Database.Statement,
    private readonly from: string,
    private readonly to: string,
  ) {}

  static open(file: string, plan: ExportPlan): HledgerSqlText | null {
    const opened = openTextConnection(Database, file, textSetup(plan));
    if (opened === null) return null;
    return new HledgerSqlText(opened.db, opened.statement, plan.from ?? '0000-01-01', plan.to);
  }

  /**
   * The entries with ids in (afterId, throughId], each fund's as text in number order; null when SQLite could
   * not make all of it (the caller writes the page with the writer instead).
   */
  page(afterId: number, throughId: number): TextPage | null {
    return this.checked(this.statement.all(this.parameters(afterId, throughId)) as PageRow[]);
  }

  parameters(afterId: number, throughId: number): Record<string, number | string> {
    return { after: afterId, through: throughId, from: this.from, to: this.to };
  }

  /** A page's rows (this connection's or `HledgerTextPages`'s worker's) as text; null: the writer makes it. */
  checked(rows: PageRow[]): TextPage | null {
    const texts: FundText[] = [];
    let entries = 0;
    for (const [fundId, count, first, last, bytes] of rows) {
      if (bytes.includes(0) || !isUtf8(bytes) || hasOtherWhitespace(bytes)) return null;
      texts.push({ fundId, count, first, last, bytes });
      entries += count;
    }
    return { texts, entries };
  }

  close(): void {
    this.db.close();
  }
}

/**
 * The worker thread of `HledgerTextPages`: its own read-only connection, set up by the same `openTextConnection`,
 * answering `{ k, parameters }` with `{ k, rows }`. Plain JavaScript evaluated as it is (no module of the
 * application is loaded: the worker adds little memory, and runs the same under ts-jest).
 */
const WORKER_SOURCE = `
const { parentPort, workerData: w } = require('node:worker_threads');
const openTextConnection = (${String(openTextConnection)});
const opened = openTextConnection(require(w.sqlite), w.file, w.setup);
if (opened === null) throw new Error('the file is not in UTF-8');
const { statement } = opened;
parentPort.on('message', ({ k, parameters }) => {
  let rows;
  try {
    rows = statement.all(parameters);
  } catch (error) {
    parentPort.postMessage({ k, error: String((error && error.message) || error) });
    return;
  }
  // Each BLOB's memory goes to the main thread as it is, not copied (when it is a whole ArrayBuffer of its own).
  const transfer = [];
  for (const row of rows) {
    const b = row[4];
    const whole = b.byteOffset === 0 && b.byteLength === b.buffer.byteLength;
    if (whole && !transfer.includes(b.buffer)) transfer.push(b.buffer);
  }
  try {
    parentPort.postMessage({ k, rows }, transfer);
  } catch {
    parentPort.postMessage({ k, rows });
  }
});
`;

type WorkerReply = { k: number; rows?: PageRow[]; error?: string };

/** 'auto': windows made on the caller's thread before the CPUs' idle time decides, and the idle share needed. */
const AUTO_AFTER = 4;
const IDLE_SHARE = 0.25;

/** The CPUs' idle and total time so far (ms), all cores together. */
function cpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total };
}

/**
 * The pages of `HledgerSqlText`, windows of `size` ids, made on two connections at once: two of every three
 * windows by a worker thread with a read-only connection of its own, the others on the caller's thread, so that
 * SQLite's work (most of an export's) runs on two cores. Pages come back in order, each the bytes the one
 * connection would make (the worker's rows go through the same `checked`). While the caller waits for the
 * worker's page it makes its next one, and the worker has its next windows queued: it never waits for the
 * caller's writes. Any failure of the worker (it could not open the file, it died) makes its windows on the
 * caller's thread. Memory: the worker's isolate (no application modules), its connection and a few pages of text
 * (~2 MB each): 10^6 entries, peak RSS 152-156 -> 180-184 MB.
 */
export class HledgerTextPages {
  /**
   * Whether `open` starts a worker (tests compare both). 'auto': only when a core is mostly idle while this thread
   * makes the first windows (`IDLE_SHARE`): on a machine that is busy anyway a second thread makes nothing sooner
   * (the scheduler shares the CPU between sessions, not threads) and costs a seventh more CPU.
   */
  static parallel: boolean | 'auto' = 'auto';
  /**
   * Of every `cycle` windows the caller's thread makes the first, the worker the rest: the caller also writes
   * every page and collects its garbage (alternate windows left the worker idle a quarter of the time).
   */
  static cycle = 3;
  /** The CPUs' idle and total time so far (replaced in tests). */
  static cpuTimes = cpuTimes;

  private worker: Worker | null = null;
  private readonly waiting = new Map<number, { done: (reply: WorkerReply) => void }>();
  private readonly replies = new Map<number, Promise<WorkerReply>>();
  private posted = -1;
  /** A page the caller's thread made ahead, while it waited for the worker's. */
  private ahead: { k: number; page: TextPage | null } | null = null;
  /** 'auto': the CPUs' times at the start, and what starts the worker once they show an idle core. */
  private idleSince: { idle: number; total: number } | null = null;
  private starter: (() => void) | null = null;

  private constructor(
    readonly text: HledgerSqlText,
    private readonly size: number,
    private readonly lastId: number,
  ) {}

  /** `HledgerSqlText.open` with a worker; null when the file cannot be read that way (see there). */
  static open(file: string, plan: ExportPlan, size: number): HledgerTextPages | null {
    const text = HledgerSqlText.open(file, plan);
    if (text === null) return null;
    const pages = new HledgerTextPages(text, size, plan.chainHead.lastEntryId ?? 0);
    if (HledgerTextPages.parallel === true && pages.lastId > size) pages.start(file, plan);
    else if (HledgerTextPages.parallel === 'auto' && pages.lastId > (AUTO_AFTER + 1) * size) {
      pages.idleSince = HledgerTextPages.cpuTimes();
      pages.starter = () => pages.start(file, plan);
    }
    return pages;
  }

  /** 'auto': after `AUTO_AFTER` windows, starts the worker for the rest when the CPUs were idle enough. */
  private decide(k: number): void {
    const start = this.starter;
    if (start === null || k < AUTO_AFTER || this.idleSince === null) return;
    this.starter = null;
    const now = HledgerTextPages.cpuTimes();
    const total = now.total - this.idleSince.total;
    if (total > 0 && (now.idle - this.idleSince.idle) / total >= IDLE_SHARE) {
      this.posted = k;
      start();
    }
  }

  private start(file: string, plan: ExportPlan): void {
    try {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          sqlite: require.resolve('better-sqlite3'),
          file,
          setup: textSetup(plan),
        },
        // Its heap holds one page's rows at a time: a small young generation keeps its memory small.
        resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 16 },
      });
      worker.on('message', (reply: WorkerReply) => this.waiting.get(reply.k)?.done(reply));
      const fail = (error: unknown) => this.stop(String(error));
      worker.on('error', fail);
      worker.on('exit', () => fail('the worker stopped'));
      this.worker = worker;
    } catch {
      this.worker = null; // no worker thread: every page on this one
    }
  }

  /** Ends the worker; its windows not yet answered are made on the caller's thread. */
  private stop(reason: string): void {
    const worker = this.worker;
    this.worker = null;
    for (const [, wait] of this.waiting) wait.done({ k: -1, error: reason });
    this.waiting.clear();
    if (worker) void worker.terminate().catch(() => undefined);
  }

  private window(k: number): [number, number] {
    return [k * this.size, Math.min((k + 1) * this.size, this.lastId)];
  }

  /** Queues the worker's windows up to `k`. */
  private post(k: number): void {
    const worker = this.worker;
    if (worker === null) return;
    for (let j = this.posted + 1; j <= k && j * this.size < this.lastId; j++) {
      this.posted = j;
      if (j % HledgerTextPages.cycle === 0) continue;
      const [after, through] = this.window(j);
      this.replies.set(
        j,
        new Promise<WorkerReply>((done) => this.waiting.set(j, { done })).finally(() =>
          this.waiting.delete(j),
        ),
      );
      worker.postMessage({ k: j, parameters: this.text.parameters(after, through) });
    }
  }

  /** The page of ids (afterId, throughId], as `HledgerSqlText.page`; the caller asks for the windows in order. */
  async page(afterId: number, throughId: number): Promise<TextPage | null> {
    const k = afterId / this.size;
    const [after, through] = Number.isInteger(k) ? this.window(k) : [NaN, NaN];
    if (after !== afterId || through !== throughId) return this.text.page(afterId, throughId);
    if (this.ahead?.k === k) {
      const { page } = this.ahead;
      this.ahead = null;
      return page;
    }
    this.decide(k);
    this.post(k + HledgerTextPages.cycle);
    const reply = this.replies.get(k);
    this.replies.delete(k);
    if (reply === undefined) return this.text.page(afterId, throughId);
    // The worker makes this one: make this thread's next meanwhile.
    const mine = (Math.floor(k / HledgerTextPages.cycle) + 1) * HledgerTextPages.cycle;
    const next = this.window(mine);
    if (this.ahead === null && next[0] < this.lastId && !this.replies.has(mine))
      this.ahead = { k: mine, page: this.text.page(next[0], next[1]) };
    const { rows, error } = await reply;
    if (rows === undefined) {
      if (error !== undefined && this.worker) this.stop(error);
      return this.text.page(afterId, throughId);
    }
    for (const row of rows) {
      const bytes = row[4] as Uint8Array;
      if (!Buffer.isBuffer(bytes)) row[4] = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    return this.text.checked(rows);
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.waiting.clear();
    this.replies.clear();
    try {
      if (worker) await worker.terminate();
    } finally {
      this.text.close();
    }
  }
}
