/**
 * The raw baselines: the same durable work as the product's contribution (entry, two lines, monthly balances,
 * receipt number, hash chain, contribution row) written with nothing but a driver — better-sqlite3 prepared
 * statements or `pg` — into a minimal schema of the same shape. No framework, no ORM, no validation beyond the
 * shape. They run as child processes (child.ts), so their peak RSS is measured from outside like the product's.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as readline from 'node:readline';
import type { Pool, PoolClient } from 'pg';

/** Account ids of the minimal schema: fund f (0-based) has 111, 112, 5111–5114 at 10·f + 1…6. */
const ACCOUNTS = ['111', '112', '5111', '5112', '5113', '5114'];
const RECEIPT_ACCOUNT: Record<string, string> = {
  agency: '5111',
  enterprise: '5112',
  organization: '5113',
  individual: '5114',
};
const accountId = (fund: number, code: string) => fund * 10 + 1 + ACCOUNTS.indexOf(code);

export interface RawContribution {
  fund: number;
  fundCode: string;
  donorId: number;
  donorName: string;
  donorKind: string;
  date: string;
  amount: string;
  method: 'cash' | 'bank';
}

const SCHEMA = (bigint: string, serial: string) => [
  `CREATE TABLE books (fund_id INTEGER PRIMARY KEY, fund_code VARCHAR(32) NOT NULL, last_entry_no INTEGER NOT NULL)`,
  `CREATE TABLE series (fund_id INTEGER NOT NULL, series VARCHAR(8) NOT NULL, year INTEGER NOT NULL,
     last_no INTEGER NOT NULL, PRIMARY KEY (fund_id, series, year))`,
  `CREATE TABLE chain_head (id INTEGER PRIMARY KEY, hash VARCHAR(64) NOT NULL, last_entry_id INTEGER,
     entry_count INTEGER NOT NULL)`,
  `CREATE TABLE donors (id INTEGER PRIMARY KEY, name VARCHAR(300) NOT NULL, kind VARCHAR(16) NOT NULL)`,
  `CREATE TABLE entries (id ${serial}, fund_id INTEGER NOT NULL, number INTEGER NOT NULL,
     entry_date VARCHAR(10) NOT NULL, description VARCHAR(500) NOT NULL, source VARCHAR(16) NOT NULL,
     source_ref VARCHAR(64), posted_by VARCHAR(64) NOT NULL, posted_at VARCHAR(32) NOT NULL,
     prev_hash VARCHAR(64) NOT NULL, hash VARCHAR(64) NOT NULL, UNIQUE (fund_id, number))`,
  `CREATE TABLE lines (id ${serial}, entry_id INTEGER NOT NULL, line_no INTEGER NOT NULL,
     account_id INTEGER NOT NULL, debit ${bigint} NOT NULL, credit ${bigint} NOT NULL, memo VARCHAR(300))`,
  `CREATE INDEX lines_entry ON lines (entry_id)`,
  `CREATE INDEX lines_account ON lines (account_id)`,
  `CREATE TABLE balances (account_id INTEGER NOT NULL, period VARCHAR(7) NOT NULL, fund_id INTEGER NOT NULL,
     debit ${bigint} NOT NULL, credit ${bigint} NOT NULL, PRIMARY KEY (account_id, period))`,
  `CREATE TABLE contributions (id ${serial}, fund_id INTEGER NOT NULL, donor_id INTEGER NOT NULL,
     contribution_date VARCHAR(10) NOT NULL, amount ${bigint} NOT NULL, method VARCHAR(8) NOT NULL,
     receipt_no VARCHAR(32) NOT NULL, entry_id INTEGER NOT NULL, status VARCHAR(8) NOT NULL,
     import_key VARCHAR(80), created_by VARCHAR(64) NOT NULL, created_at VARCHAR(32) NOT NULL,
     UNIQUE (fund_id, receipt_no))`,
  `CREATE TABLE sessions (token VARCHAR(80) PRIMARY KEY, username VARCHAR(64) NOT NULL, expires_at VARCHAR(32) NOT NULL)`,
];

function canonicalHash(
  prev: string,
  c: RawContribution,
  number: number,
  receiptNo: string,
  postedAt: string,
): string {
  const debitAccount = c.method === 'cash' ? '111' : '112';
  return createHash('sha256')
    .update(
      JSON.stringify([
        prev,
        c.fundCode,
        number,
        c.date,
        `Thu đóng góp của ${c.donorName}`,
        'contribution',
        receiptNo,
        null,
        'bench',
        postedAt,
        [
          [1, debitAccount, c.amount, '0', null],
          [2, RECEIPT_ACCOUNT[c.donorKind], '0', c.amount, null],
        ],
      ]),
      'utf8',
    )
    .digest('hex');
}

const receiptNumber = (series: string, year: number, n: number) =>
  `${series}-${year}-${String(n).padStart(6, '0')}`;

// ---------------------------------------------------------------------------------------------------- SQLite

export class SqliteBaseline {
  readonly db: Database.Database;
  private readonly stmts;

  constructor(file: string, funds: string[]) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    for (const statement of SCHEMA('BIGINT', 'INTEGER PRIMARY KEY')) this.db.exec(statement);
    const book = this.db.prepare('INSERT INTO books VALUES (?, ?, 0)');
    funds.forEach((code, i) => book.run(i, code));
    this.db.prepare('INSERT INTO chain_head VALUES (1, ?, NULL, 0)').run('0'.repeat(64));
    this.db.prepare("INSERT INTO sessions VALUES ('bench-token', 'bench', '9999-12-31')").run();
    this.stmts = {
      session: this.db.prepare('SELECT username FROM sessions WHERE token = ? AND expires_at > ?'),
      head: this.db.prepare('SELECT hash, entry_count FROM chain_head WHERE id = 1'),
      book: this.db.prepare(
        'UPDATE books SET last_entry_no = last_entry_no + 1 WHERE fund_id = ? RETURNING last_entry_no',
      ),
      series: this.db.prepare(
        `INSERT INTO series VALUES (?, ?, ?, 1) ON CONFLICT (fund_id, series, year)
          DO UPDATE SET last_no = last_no + 1 RETURNING last_no`,
      ),
      entry: this.db.prepare(
        `INSERT INTO entries (fund_id, number, entry_date, description, source, source_ref, posted_by, posted_at,
           prev_hash, hash) VALUES (?, ?, ?, ?, 'contribution', ?, 'bench', ?, ?, ?)`,
      ),
      line: this.db.prepare(
        'INSERT INTO lines (entry_id, line_no, account_id, debit, credit) VALUES (?, ?, ?, ?, ?)',
      ),
      balance: this.db.prepare(
        `INSERT INTO balances VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id, period)
          DO UPDATE SET debit = debit + excluded.debit, credit = credit + excluded.credit`,
      ),
      setHead: this.db.prepare(
        'UPDATE chain_head SET hash = ?, last_entry_id = ?, entry_count = entry_count + 1 WHERE id = 1',
      ),
      contribution: this.db.prepare(
        `INSERT INTO contributions (fund_id, donor_id, contribution_date, amount, method, receipt_no, entry_id, status,
           import_key, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'posted', ?, 'bench', ?)`,
      ),
      donor: this.db.prepare('INSERT INTO donors (name, kind) VALUES (?, ?)'),
    };
  }

  authenticated(token: string): boolean {
    return this.stmts.session.get(token, new Date().toISOString()) !== undefined;
  }

  addDonor(name: string, kind: string): number {
    return Number(this.stmts.donor.run(name, kind).lastInsertRowid);
  }

  /** One contribution's rows; call inside a transaction. */
  write(
    c: RawContribution,
    importKey: string | null = null,
  ): { id: number; receiptNo: string; entryId: number } {
    const s = this.stmts;
    const year = Number(c.date.slice(0, 4));
    const series = c.method === 'cash' ? 'PT' : 'XN';
    const { last_no } = s.series.get(c.fund, series, year) as { last_no: number };
    const receiptNo = receiptNumber(series, year, last_no);
    const { last_entry_no } = s.book.get(c.fund) as { last_entry_no: number };
    const head = s.head.get() as { hash: string };
    const postedAt = new Date().toISOString();
    const hash = canonicalHash(head.hash, c, last_entry_no, receiptNo, postedAt);
    const entryId = Number(
      s.entry.run(
        c.fund,
        last_entry_no,
        c.date,
        `Thu đóng góp của ${c.donorName}`,
        receiptNo,
        postedAt,
        head.hash,
        hash,
      ).lastInsertRowid,
    );
    const debit = accountId(c.fund, c.method === 'cash' ? '111' : '112');
    const credit = accountId(c.fund, RECEIPT_ACCOUNT[c.donorKind]);
    s.line.run(entryId, 1, debit, c.amount, 0);
    s.line.run(entryId, 2, credit, 0, c.amount);
    const period = c.date.slice(0, 7);
    s.balance.run(debit, period, c.fund, c.amount, 0);
    s.balance.run(credit, period, c.fund, 0, c.amount);
    s.setHead.run(hash, entryId);
    const id = Number(
      s.contribution.run(
        c.fund,
        c.donorId,
        c.date,
        c.amount,
        c.method,
        receiptNo,
        entryId,
        importKey,
        postedAt,
      ).lastInsertRowid,
    );
    return { id, receiptNo, entryId };
  }
}

// ---------------------------------------------------------------------------------------------------- PostgreSQL

export class PgBaseline {
  constructor(readonly pool: Pool) {}

  static async create(url: string, funds: string[], connections: number): Promise<PgBaseline> {
    const { Pool } = await import('pg');
    const pool = new Pool({ connectionString: url, max: connections });
    for (const statement of SCHEMA('BIGINT', 'SERIAL PRIMARY KEY')) await pool.query(statement);
    for (const [i, code] of funds.entries())
      await pool.query('INSERT INTO books VALUES ($1, $2, 0)', [i, code]);
    await pool.query('INSERT INTO chain_head VALUES (1, $1, NULL, 0)', ['0'.repeat(64)]);
    await pool.query("INSERT INTO sessions VALUES ('bench-token', 'bench', '9999-12-31')");
    return new PgBaseline(pool);
  }

  async authenticated(token: string): Promise<boolean> {
    const res = await this.pool.query({
      name: 'session',
      text: 'SELECT username FROM sessions WHERE token = $1 AND expires_at > $2',
      values: [token, new Date().toISOString()],
    });
    return res.rowCount === 1;
  }

  /** One contribution in one transaction, with named prepared statements; the chain head row lock serializes. */
  async post(c: RawContribution): Promise<{ id: number; receiptNo: string; entryId: number }> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await this.write(client, c);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  private async write(client: PoolClient, c: RawContribution) {
    const q = async <T>(name: string, text: string, values: unknown[]) =>
      (await client.query({ name, text, values })).rows as T[];
    const [head] = await q<{ hash: string }>(
      'head',
      'SELECT hash FROM chain_head WHERE id = 1 FOR UPDATE',
      [],
    );
    const year = Number(c.date.slice(0, 4));
    const series = c.method === 'cash' ? 'PT' : 'XN';
    const [{ last_no }] = await q<{ last_no: number }>(
      'series',
      `INSERT INTO series VALUES ($1, $2, $3, 1) ON CONFLICT (fund_id, series, year)
        DO UPDATE SET last_no = series.last_no + 1 RETURNING last_no`,
      [c.fund, series, year],
    );
    const receiptNo = receiptNumber(series, year, last_no);
    const [{ last_entry_no }] = await q<{ last_entry_no: number }>(
      'book',
      'UPDATE books SET last_entry_no = last_entry_no + 1 WHERE fund_id = $1 RETURNING last_entry_no',
      [c.fund],
    );
    const postedAt = new Date().toISOString();
    const hash = canonicalHash(head.hash, c, last_entry_no, receiptNo, postedAt);
    const [{ id: entryId }] = await q<{ id: number }>(
      'entry',
      `INSERT INTO entries (fund_id, number, entry_date, description, source, source_ref, posted_by, posted_at,
         prev_hash, hash) VALUES ($1, $2, $3, $4, 'contribution', $5, 'bench', $6, $7, $8) RETURNING id`,
      [
        c.fund,
        last_entry_no,
        c.date,
        `Thu đóng góp của ${c.donorName}`,
        receiptNo,
        postedAt,
        head.hash,
        hash,
      ],
    );
    const debit = accountId(c.fund, c.method === 'cash' ? '111' : '112');
    const credit = accountId(c.fund, RECEIPT_ACCOUNT[c.donorKind]);
    await q(
      'lines',
      'INSERT INTO lines (entry_id, line_no, account_id, debit, credit) VALUES ($1, 1, $2, $3, 0), ($1, 2, $4, 0, $3)',
      [entryId, debit, c.amount, credit],
    );
    const period = c.date.slice(0, 7);
    await q(
      'balances',
      `INSERT INTO balances VALUES ($1, $3, $4, $5, 0), ($2, $3, $4, 0, $5) ON CONFLICT (account_id, period)
        DO UPDATE SET debit = balances.debit + excluded.debit, credit = balances.credit + excluded.credit`,
      [debit, credit, period, c.fund, c.amount],
    );
    await q(
      'set-head',
      'UPDATE chain_head SET hash = $1, last_entry_id = $2, entry_count = entry_count + 1 WHERE id = 1',
      [hash, entryId],
    );
    const [{ id }] = await q<{ id: number }>(
      'contribution',
      `INSERT INTO contributions (fund_id, donor_id, contribution_date, amount, method, receipt_no, entry_id, status,
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'posted', 'bench', $8) RETURNING id`,
      [c.fund, c.donorId, c.date, c.amount, c.method, receiptNo, entryId, postedAt],
    );
    return { id, receiptNo, entryId };
  }
}

// ---------------------------------------------------------------------------------------------------- HTTP server

/**
 * The minimal `node:http` server of post.http: POST /api/contributions with a bearer token, one transaction per
 * request, 201 with the same answer fields as the product. GET /api/health answers 200.
 */
export async function baselineServer(database: string, port: number): Promise<void> {
  const funds = ['F'];
  const donor = { id: 1, name: 'Công ty CP Apatit Việt Nam', kind: 'enterprise' };
  let handle: (c: RawContribution, token: string) => Promise<object | null>;
  if (database.startsWith('postgres')) {
    const pg = await PgBaseline.create(database, funds, 10);
    await pg.pool.query('INSERT INTO donors VALUES (1, $1, $2)', [donor.name, donor.kind]);
    handle = async (c, token) => ((await pg.authenticated(token)) ? pg.post(c) : null);
  } else {
    const raw = new SqliteBaseline(database, funds);
    raw.addDonor(donor.name, donor.kind);
    const post = raw.db.transaction((c: RawContribution) => raw.write(c));
    handle = (c, token) => Promise.resolve(raw.authenticated(token) ? post(c) : null);
  }
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/api/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      void (async () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
          const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
          if (!/^\d+$/.test(String(body.amount)) || !/^\d{4}-\d\d-\d\d$/.test(body.date)) {
            res.writeHead(400).end();
            return;
          }
          const answer = await handle(
            {
              fund: 0,
              fundCode: body.fundCode,
              donorId: donor.id,
              donorName: donor.name,
              donorKind: donor.kind,
              date: body.date,
              amount: String(body.amount),
              method: body.method === 'bank' ? 'bank' : 'cash',
            },
            token,
          );
          if (!answer) {
            res.writeHead(401).end();
            return;
          }
          res
            .writeHead(201, { 'content-type': 'application/json' })
            .end(JSON.stringify({ ...answer, amount: String(body.amount), status: 'posted' }));
        } catch (error) {
          res.writeHead(500).end(String(error));
        }
      })();
    });
  });
  server.listen(port, '127.0.0.1');
}

// ---------------------------------------------------------------------------------------------------- imports

/** Reads the bench CSV (fund_code,date,donor_name,donor_kind,amount,method) without a CSV library: it has no quotes. */
async function* csvRows(file: string, funds: string[]): AsyncGenerator<Omit<RawContribution, 'donorId'>> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let header = true;
  for await (const line of lines) {
    if (header) {
      header = false;
      continue;
    }
    if (!line) continue;
    const [fundCode, date, donorName, donorKind, amount, method] = line.split(',');
    yield {
      fund: funds.indexOf(fundCode),
      fundCode,
      date,
      donorName,
      donorKind,
      amount,
      method: method === 'bank' ? 'bank' : 'cash',
    };
  }
}

const CHUNK = 5000;

/** import.csv's baseline: the CSV's rows into the minimal SQLite schema, 5,000 rows per transaction. */
export async function importSqlite(file: string, database: string, funds: string[]): Promise<number> {
  const raw = new SqliteBaseline(database, funds);
  const donors = new Map<string, number>();
  let chunk: RawContribution[] = [];
  let count = 0;
  const flush = raw.db.transaction((rows: RawContribution[]) => {
    for (const row of rows) raw.write(row, `row-${++count}`);
  });
  for await (const row of csvRows(file, funds)) {
    const key = `${row.donorKind}\u001f${row.donorName}`;
    let donorId = donors.get(key);
    if (donorId === undefined) donors.set(key, (donorId = raw.addDonor(row.donorName, row.donorKind)));
    chunk.push({ ...row, donorId });
    if (chunk.length === CHUNK) {
      flush(chunk);
      chunk = [];
    }
  }
  flush(chunk);
  raw.db.close();
  return count;
}

/**
 * import.csv.pg's baseline: the same rows into the minimal schema on PostgreSQL with multi-row INSERTs (unnest
 * arrays), 5,000 rows per transaction. Numbers, entry numbers and hashes are computed in the client from the
 * values it holds, as a bulk path would, under the chain head's row lock.
 */
export async function importPg(file: string, url: string, funds: string[]): Promise<number> {
  const pg = await PgBaseline.create(url, funds, 1);
  const client = await pg.pool.connect();
  const donors = new Map<string, number>();
  const series = new Map<string, number>();
  const entryNo = new Map<number, number>();
  let nextEntryId = 1;
  let nextDonorId = 1;
  let head = '0'.repeat(64);
  let count = 0;
  let chunk: RawContribution[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    await client.query('BEGIN');
    await client.query('SELECT hash FROM chain_head WHERE id = 1 FOR UPDATE');
    const e: unknown[][] = Array.from({ length: 10 }, () => []);
    const l: unknown[][] = Array.from({ length: 6 }, () => []);
    const k: unknown[][] = Array.from({ length: 9 }, () => []);
    const balances = new Map<string, [number, string, number, bigint, bigint]>();
    const postedAt = new Date().toISOString();
    for (const c of chunk) {
      const year = Number(c.date.slice(0, 4));
      const s = c.method === 'cash' ? 'PT' : 'XN';
      const seriesKey = `${c.fund}|${s}|${year}`;
      const no = (series.get(seriesKey) ?? 0) + 1;
      series.set(seriesKey, no);
      const receiptNo = receiptNumber(s, year, no);
      const number = (entryNo.get(c.fund) ?? 0) + 1;
      entryNo.set(c.fund, number);
      const hash = canonicalHash(head, c, number, receiptNo, postedAt);
      const id = nextEntryId++;
      const row = [
        id,
        c.fund,
        number,
        c.date,
        `Thu đóng góp của ${c.donorName}`,
        receiptNo,
        postedAt,
        head,
        hash,
      ];
      row.forEach((v, i) => e[i].push(v));
      head = hash;
      const debit = accountId(c.fund, c.method === 'cash' ? '111' : '112');
      const credit = accountId(c.fund, RECEIPT_ACCOUNT[c.donorKind]);
      for (const [lineNo, account, d, cr] of [
        [1, debit, c.amount, '0'],
        [2, credit, '0', c.amount],
      ] as const) {
        [id, lineNo, account, d, cr].forEach((v, i) => l[i].push(v));
        const key = `${account}|${c.date.slice(0, 7)}`;
        const sum = balances.get(key) ?? [account, c.date.slice(0, 7), c.fund, 0n, 0n];
        sum[3] += BigInt(d);
        sum[4] += BigInt(cr);
        balances.set(key, sum);
      }
      [c.fund, c.donorId, c.date, c.amount, c.method, receiptNo, id, `row-${++count}`, postedAt].forEach(
        (v, i) => k[i].push(v),
      );
    }
    await client.query(
      `INSERT INTO entries (id, fund_id, number, entry_date, description, source, source_ref, posted_by, posted_at,
         prev_hash, hash)
       SELECT a, b, c, d, e, 'contribution', f, 'bench', g, h, i FROM unnest($1::int[], $2::int[], $3::int[],
         $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) AS t(a, b, c, d, e, f, g, h, i)`,
      e.slice(0, 9),
    );
    await client.query(
      `INSERT INTO lines (entry_id, line_no, account_id, debit, credit)
       SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::bigint[], $5::bigint[])`,
      l.slice(0, 5),
    );
    const b = [...balances.values()];
    await client.query(
      `INSERT INTO balances SELECT * FROM unnest($1::int[], $2::text[], $3::int[], $4::bigint[], $5::bigint[])
       ON CONFLICT (account_id, period) DO UPDATE SET debit = balances.debit + excluded.debit,
         credit = balances.credit + excluded.credit`,
      [0, 1, 2, 3, 4].map((i) => b.map((row) => (i >= 3 ? String(row[i]) : row[i]))),
    );
    await client.query(
      `INSERT INTO contributions (fund_id, donor_id, contribution_date, amount, method, receipt_no, entry_id, status,
         import_key, created_by, created_at)
       SELECT a, b, c, d, e, f, g, 'posted', h, 'bench', i FROM unnest($1::int[], $2::int[], $3::text[],
         $4::bigint[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[]) AS t(a, b, c, d, e, f, g, h, i)`,
      k,
    );
    await client.query(
      `INSERT INTO series SELECT split_part(k, '|', 1)::int, split_part(k, '|', 2), split_part(k, '|', 3)::int, n
         FROM unnest($1::text[], $2::int[]) AS t(k, n)
       ON CONFLICT (fund_id, series, year) DO UPDATE SET last_no = excluded.last_no`,
      [[...series.keys()], [...series.values()]],
    );
    await client.query(
      'UPDATE books SET last_entry_no = t.n FROM unnest($1::int[], $2::int[]) AS t(f, n) WHERE fund_id = t.f',
      [[...entryNo.keys()], [...entryNo.values()]],
    );
    await client.query('UPDATE chain_head SET hash = $1, last_entry_id = $2, entry_count = $3 WHERE id = 1', [
      head,
      nextEntryId - 1,
      count,
    ]);
    await client.query('COMMIT');
    chunk = [];
  };
  for await (const row of csvRows(file, funds)) {
    const key = `${row.donorKind}\u001f${row.donorName}`;
    let donorId = donors.get(key);
    if (donorId === undefined) {
      donors.set(key, (donorId = nextDonorId++));
      await client.query('INSERT INTO donors VALUES ($1, $2, $3)', [donorId, row.donorName, row.donorKind]);
    }
    chunk.push({ ...row, donorId });
    if (chunk.length === CHUNK) await flush();
  }
  await flush();
  client.release();
  await pg.pool.end();
  return count;
}
