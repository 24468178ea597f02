import { bearer, startTestApp, TestApp } from '../support/app';
import { runCli } from '../support/cli';
import { DB_LABEL } from '../support/database';

describe(`npm run cli -- verify (${DB_LABEL})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await t.newFund('LC');
    const accountant = await t.newUser('accountant');
    for (const amount of ['1000000', '2500000']) {
      await t.http
        .post('/api/journal-entries')
        .set(bearer(accountant))
        .send({
          fundCode: 'LC',
          date: '2024-05-01',
          description: 'Thu',
          lines: [
            { account: '111', debit: amount },
            { account: '5114', credit: amount },
          ],
        })
        .expect(201);
    }
  }, 120_000);
  afterAll(() => t.close());

  it('says OK and exits 0 on honest books', () => {
    const result = runCli(['verify'], t.db.config);
    expect(result.stdout).toContain('OK: 2 entries');
    expect(result.status).toBe(0);
  });

  it('names the changed entry and exits 1 after an amount is edited behind its back', async () => {
    await t.dataSource.query('UPDATE journal_lines SET debit = 1000001 WHERE debit = 1000000');
    const result = runCli(['verify'], t.db.config);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('FAILED');
    expect(result.stdout).toMatch(/entry \d+ \(fund LC no\. 1\): content does not match its hash/);

    const json = runCli(['verify', '--json'], t.db.config);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, entriesChecked: 2 });
  });

  it('explains itself and refuses unknown commands', () => {
    expect(runCli(['--help'], t.db.config).stdout).toContain('verify [--json]');
    const unknown = runCli(['frobnicate'], t.db.config);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });
});
