import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bearer, startTestApp, TestApp } from '../support/app';
import { runCli } from '../support/cli';
import { DB_LABEL } from '../support/database';
import { createUser, TestUser } from '../support/http';

const SAMPLE = resolve(__dirname, '..', '..', 'data', 'samples', 'contributions-sample.csv');
const HEADER = 'fund_code,date,donor_name,donor_kind,amount,method';

describe(`npm run cli -- import contributions (${DB_LABEL})`, () => {
  let t: TestApp;
  let accountant: TestUser;
  let dir: string;
  const cli = (...args: string[]) => runCli(['import', 'contributions', ...args], t.db.config);
  const contributions = async () => {
    const [row] = await t.dataSource.query<{ n: string | number }[]>(
      'SELECT COUNT(*) AS n FROM contributions',
    );
    return Number(row.n);
  };

  beforeAll(async () => {
    t = await startTestApp();
    await t.newFund('LC', 'province');
    accountant = await createUser(t, 'accountant');
    dir = mkdtempSync(join(tmpdir(), 'imports-cli-'));
  }, 120_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  it('imports the sample file as the named user, with a plain summary and no progress bar off a terminal', async () => {
    const result = cli(SAMPLE, '--user', accountant.username);
    expect(result.stdout).toMatch(
      /^Imported contributions-sample\.csv: 20 rows, 20 imported, 0 skipped \(imported before\), 0 bad\. Import #1, file sha256 [0-9a-f]{64}\.\n$/,
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(await contributions()).toBe(20);

    const users = await t.dataSource.query<{ created_by: string }[]>(
      'SELECT DISTINCT created_by FROM contributions',
    );
    expect(users).toEqual([{ created_by: accountant.username }]);
    const log = await t.http.get('/api/audit/log?pageSize=100').set(bearer(t.adminToken)).expect(200);
    expect(log.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ username: accountant.username, action: 'cli import contributions' }),
      ]),
    );
    const accounts = await t.http.get('/api/funds/LC/accounts').set(bearer(t.adminToken)).expect(200);
    const balance = (code: string) =>
      (accounts.body as { code: string; balance: string }[]).find((a) => a.code === code)?.balance;
    expect([balance('111'), balance('112')]).toEqual(['26200000', '640100000']);
  });

  it('adds nothing when the file is imported again', async () => {
    const result = cli(SAMPLE, '--json');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, rowsTotal: 20, imported: 0, skipped: 20 });
    expect(await contributions()).toBe(20);
  });

  it('lists the bad rows, writes nothing and exits 1; --partial imports the rest', async () => {
    const file = join(dir, 'loi.csv');
    writeFileSync(
      file,
      [
        HEADER,
        'LC,2024-03-01,Trần Văn Bình,individual,1000000,cash',
        'LC,2024-03-01,Trần Văn Bình,individual,-5,cash',
        'LC,31/02/2024,Trần Văn Bình,individual,5,cash',
      ].join('\n'),
    );
    const rejected = cli(file);
    expect(rejected.status).toBe(1);
    expect(rejected.stdout).toBe(
      [
        'REJECTED loi.csv:',
        '  line 3: amount must not be negative',
        '  line 4: date 31/02/2024 is not a real calendar date',
        '  2 of 3 rows are bad; nothing was written (fix them, or import with partial=true to import the others)',
        '',
      ].join('\n'),
    );
    expect(await contributions()).toBe(20);

    const partial = cli(file, '--partial');
    expect(partial.status).toBe(1);
    expect(partial.stdout).toContain('(--partial): 3 rows, 1 imported, 0 skipped (imported before), 2 bad.');
    expect(partial.stdout).toContain('  line 3: amount must not be negative');
    expect(await contributions()).toBe(21);
  });

  it('refuses a bad header (exit 1), and usage mistakes (exit 2)', () => {
    const header = join(dir, 'tieu-de.csv');
    writeFileSync(header, 'fund_code,date\nLC,2024-01-01\n');
    const bad = cli(header);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('line 1: the header has no donor_name column');

    expect(cli(join(dir, 'khong-co.csv')).status).toBe(2);
    expect(cli(SAMPLE, '--user', 'nobody').stderr).toContain('user nobody does not exist');
    expect(cli(SAMPLE, '--frobnicate').status).toBe(2);
    expect(runCli(['import', 'donors', SAMPLE], t.db.config).status).toBe(2);
    expect(runCli(['help'], t.db.config).stdout).toContain('import contributions <file.csv|file.xlsx>');
  });
});
