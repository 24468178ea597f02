import { bearer, startTestApp, TestApp } from '../support/app';
import { POSTGRES_URL } from '../support/database';

if (!POSTGRES_URL) {
  // Visible in every plain `npm test` run, so nobody mistakes a skipped suite for a passed one.
  console.warn(
    'NOTICE: PostgreSQL tests skipped — set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run the e2e and ' +
      'reliability suites on PostgreSQL (CI does).',
  );
}

// Two application processes on one PostgreSQL database have two separate in-process write locks; the chain-head
// row lock taken first in every posting must still serialize them into one gap-free, unbroken chain.
(POSTGRES_URL ? describe : describe.skip)('PostgreSQL: two app instances on one database', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({}, a.db);
    await a.newFund('PG');
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('runs on PostgreSQL', () => {
    expect(a.dataSource.options.type).toBe('postgres');
  });

  it('interleaved postings from both instances get consecutive numbers and a whole chain', async () => {
    const tokenA = await a.newUser('accountant');
    const tokenB = await b.login('admin', 'admin-password-1');
    const post = (t: TestApp, token: string, i: number) =>
      t.http
        .post('/api/journal-entries')
        .set(bearer(token))
        .send({
          fundCode: 'PG',
          date: '2024-01-02',
          description: `entry ${i}`,
          lines: [
            { account: '112', debit: 1000 + i },
            { account: '5111', credit: 1000 + i },
          ],
        });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? post(a, tokenA, i) : post(b, tokenB, i))),
    );
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(201));
    const numbers = results.map((r) => (r.body as { number: number }).number).sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));

    const verify = await a.http.get('/api/audit/verify').set(bearer(a.adminToken)).expect(200);
    expect(verify.body).toMatchObject({ ok: true, entriesChecked: 40 });
  });
});
