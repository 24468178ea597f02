/**
 * import.csv: contribution rows from one CSV file into a fresh database through the product's command line
 * (`cli import contributions`, fully posted: entries, lines, balances, receipt numbers, hash chain), in a child
 * process whose peak RSS is measured; against raw better-sqlite3 writing the same rows into a minimal schema of
 * the same shape in chunked transactions (baselines.ts), also in a child. 1,000,000 rows over 10 funds and ten
 * years (5,000 with --quick). import.csv.pg: 200,000 rows (500 with --quick) on PostgreSQL against raw `pg`
 * with multi-row inserts.
 *
 * The SQLite database the product imported is kept: it is "the large books" that report.statement,
 * export.hledger and verify read (books.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  Api,
  Bench,
  BenchContext,
  CHILD_MAIN,
  CLI_MAIN,
  FUNDS,
  QUICK,
  createFunds,
  createPgDatabase,
  fmt,
  mb,
  report,
  runNode,
  skip,
  startApp,
} from './harness';

/** BENCH_IMPORT_ROWS and BENCH_IMPORT_ROWS_PG set other sizes (to profile one part; not figures to quote). */
const rowsFromEnv = (name: string) => (Number(process.env[name]) > 0 ? Number(process.env[name]) : null);
export const IMPORT_ROWS = rowsFromEnv('BENCH_IMPORT_ROWS') ?? (QUICK ? 5_000 : 1_000_000);
export const IMPORT_ROWS_PG = rowsFromEnv('BENCH_IMPORT_ROWS_PG') ?? (QUICK ? 500 : 200_000);

const KINDS = ['agency', 'enterprise', 'organization', 'individual'];
const PLACES = [
  'Lào Cai',
  'Bát Xát',
  'Sa Pa',
  'Bảo Thắng',
  'Bảo Yên',
  'Văn Bàn',
  'Mường Khương',
  'Si Ma Cai',
];

/**
 * Writes `rows` contribution rows: 10 funds in turn, dates over 2014–2023, 1,000 donors of the four kinds, cash
 * and bank, amounts from 100,000 to about 50 million đồng. Deterministic, so both sides read the same bytes.
 */
export function writeCsv(file: string, rows: number): void {
  const fd = fs.openSync(file, 'w');
  let buffer = 'fund_code,date,donor_name,donor_kind,amount,method\n';
  for (let i = 0; i < rows; i++) {
    // Dates never go back: each series takes its documents in date order (a back-dated one is a late entry).
    const at = (i * 120) / rows;
    const month = Math.floor(at);
    const day = 1 + Math.floor((at - month) * 28);
    const date = `${2014 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    const donor = (i * 7919) % 1000;
    const kind = KINDS[donor % 4];
    const name = `${kind === 'individual' ? 'Nguyễn Văn' : 'Công ty'} ${PLACES[donor % PLACES.length]} ${donor}`;
    const amount = 100_000 + ((i * 104_729) % 500) * 100_000;
    buffer += `${FUNDS[i % FUNDS.length]},${date},${name},${kind},${amount},${i % 3 === 0 ? 'cash' : 'bank'}\n`;
    if (buffer.length > 1 << 20) {
      fs.writeSync(fd, buffer);
      buffer = '';
    }
  }
  fs.writeSync(fd, buffer);
  fs.closeSync(fd);
}

/** A fresh database with the 10 funds (a province and nine communes), opened by the built app and closed again. */
async function freshBooks(databaseUrl: string): Promise<void> {
  const server = await startApp(databaseUrl);
  try {
    await createFunds(await Api.login(server.base));
  } finally {
    await server.stop();
  }
}

/** The product's import through its command line, in a child; returns the child's run and the rows imported. */
async function productImport(databaseUrl: string, csv: string) {
  await freshBooks(databaseUrl);
  const run = await runNode(CLI_MAIN, ['import', 'contributions', csv, '--json'], {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
  });
  let imported = -1;
  try {
    imported = (JSON.parse(run.stdout) as { imported: number }).imported;
  } catch {
    // reported below
  }
  if (run.code !== 0 || imported < 0)
    throw new Error(
      `cli import exited ${run.code}: ${run.stdout.slice(0, 2000)} ${run.stderr.slice(0, 2000)}`,
    );
  return { run, imported };
}

/** The large books: the SQLite file the import filled, with its entry count. */
export interface LargeBooks {
  file: string;
  entries: number;
}

/** Imports the CSV into a fresh SQLite database through the product; shared as the large books. */
export async function importLarge(ctx: BenchContext) {
  const csv = path.join(ctx.dir, 'contributions.csv');
  if (!fs.existsSync(csv)) writeCsv(csv, IMPORT_ROWS);
  const file = path.join(ctx.dir, 'large.sqlite');
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
  const result = await productImport(`sqlite:${file}`, csv);
  ctx.shared.set('books', { file, entries: result.imported } satisfies LargeBooks);
  return { csv, ...result };
}

export const importCsv: Bench = {
  name: 'import.csv',
  async run(ctx) {
    const { csv, run, imported } = await importLarge(ctx).catch((error: Error) => {
      ctx.shared.set('books', error);
      throw error;
    });
    const rawFile = path.join(ctx.dir, 'import-raw.sqlite');
    const raw = await runNode(CHILD_MAIN, ['import-sqlite', csv, rawFile, FUNDS.join(',')]);
    if (raw.code !== 0) throw new Error(`raw import: ${raw.stderr}`);
    fs.rmSync(rawFile, { force: true });
    const rate = imported / (run.ms / 1000);
    const rawRate = Number(raw.stdout) / (raw.ms / 1000);
    report(
      {
        name: 'import.csv',
        unit: 'rows/s',
        value: rate,
        baseline: rawRate,
        ratio: rate / rawRate,
        target: 'ratio ≥ 0.5',
        pass: rate / rawRate >= 0.5 && imported === IMPORT_ROWS,
      },
      `raw better-sqlite3: ${fmt(rawRate)} rows/s (${fmt(raw.ms / 1000, 1)} s)`,
      `${fmt(imported)} rows: ${fmt(rate)} rows/s (${fmt(run.ms / 1000, 1)} s)`,
      'a contributions CSV fully posted into a fresh SQLite database (cli import)',
    );
    const limit = 300 * 1024 * 1024;
    report(
      {
        name: 'import.csv.rss',
        unit: 'MB peak RSS',
        value: run.peakRss / 1024 / 1024,
        baseline: raw.peakRss / 1024 / 1024,
        ratio: run.peakRss / limit,
        target: 'peak RSS ≤ 300 MB',
        pass: run.peakRss <= limit,
      },
      `raw: ${mb(raw.peakRss)}`,
      `cli import: ${mb(run.peakRss)}`,
      'peak RSS of the importing child process',
    );
  },
};

export const importCsvPg: Bench = {
  name: 'import.csv.pg',
  async run(ctx) {
    const appDb = await createPgDatabase('import_app');
    if (!appDb) return skip('import.csv.pg', 'rows/s', 'ratio ≥ 0.3', 'no PostgreSQL');
    const rawDb = await createPgDatabase('import_raw');
    try {
      if (!rawDb) throw new Error('PostgreSQL answered once, then not');
      const csv = path.join(ctx.dir, 'contributions-pg.csv');
      writeCsv(csv, IMPORT_ROWS_PG);
      const { run, imported } = await productImport(appDb.url, csv);
      const raw = await runNode(CHILD_MAIN, ['import-pg', csv, rawDb.url, FUNDS.join(',')]);
      if (raw.code !== 0) throw new Error(`raw import: ${raw.stderr}`);
      const rate = imported / (run.ms / 1000);
      const rawRate = Number(raw.stdout) / (raw.ms / 1000);
      report(
        {
          name: 'import.csv.pg',
          unit: 'rows/s',
          value: rate,
          baseline: rawRate,
          ratio: rate / rawRate,
          target: 'ratio ≥ 0.3',
          pass: rate / rawRate >= 0.3 && imported === IMPORT_ROWS_PG,
        },
        `raw pg (unnest inserts): ${fmt(rawRate)} rows/s (${fmt(raw.ms / 1000, 1)} s)`,
        `${fmt(imported)} rows: ${fmt(rate)} rows/s (${fmt(run.ms / 1000, 1)} s), peak RSS ${mb(run.peakRss)}`,
        'a contributions CSV fully posted into a fresh PostgreSQL database (cli import)',
      );
    } finally {
      await appDb.drop();
      await rawDb?.drop();
    }
  },
};

/** The large books of this run: import.csv's database, or, when import.csv did not run (--only), imported now. */
export async function largeBooks(ctx: BenchContext): Promise<LargeBooks> {
  const books = ctx.shared.get('books') as LargeBooks | Error | undefined;
  if (books instanceof Error) throw new Error(`no large books: ${books.message.split('\n')[0]}`);
  if (books) return books;
  console.error(`  building the large books: ${fmt(IMPORT_ROWS)} rows through cli import…`);
  try {
    await importLarge(ctx);
  } catch (error) {
    ctx.shared.set('books', error);
    throw error;
  }
  return ctx.shared.get('books') as LargeBooks;
}
