import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';

interface Entry {
  id: number;
  number: number;
  fundCode: string;
  lines: { account: string; debit: string; credit: string }[];
  reversedBy: number | null;
  reversalOf: number | null;
}

// The "done when", step by step, through the HTTP API alone.
describe(`journal flow through the API (${DB_LABEL})`, () => {
  let t: TestApp;
  let accountant: string;
  let approver: string;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('creates a province fund and a commune fund below it, with the default chart', async () => {
    const province = await t.http
      .post('/api/funds')
      .set(bearer(t.adminToken))
      .send({ code: 'LC', name: 'Quỹ Đền ơn đáp nghĩa tỉnh Lào Cai', level: 'province' })
      .expect(201);
    expect(province.body).toMatchObject({ code: 'LC', level: 'province', parentCode: null });
    const commune = await t.http
      .post('/api/funds')
      .set(bearer(t.adminToken))
      .send({ code: 'LC-SP-01', name: 'Quỹ xã Tả Van', level: 'commune', parentCode: 'LC' })
      .expect(201);
    expect(commune.body).toEqual({
      code: 'LC-SP-01',
      name: 'Quỹ xã Tả Van',
      level: 'commune',
      parentCode: 'LC',
      unitName: null,
      validFrom: null,
      validTo: null,
      status: 'active',
    });

    const funds = await t.http.get('/api/funds').set(bearer(t.adminToken)).expect(200);
    expect((funds.body as { code: string }[]).map((f) => f.code)).toEqual(['LC', 'LC-SP-01']);

    const accounts = await t.http.get('/api/funds/LC/accounts').set(bearer(t.adminToken)).expect(200);
    const codes = (accounts.body as { code: string }[]).map((a) => a.code);
    expect(codes).toEqual(expect.arrayContaining(['111', '112', '431', '5111', '5114', '6111', '6121']));
    expect(codes).toHaveLength(24);
    expect(accounts.body[0]).toMatchObject({ code: '111', name: 'Tiền mặt', type: 'asset', balance: '0' });
  });

  it('creates an accountant and an approver', async () => {
    accountant = await t.newUser('accountant');
    approver = await t.newUser('approver');
  });

  let firstId: number;

  it('posts balanced entries and reads them back', async () => {
    const posted = await t.http
      .post('/api/journal-entries')
      .set(bearer(accountant))
      .send({
        fundCode: 'LC',
        date: '2023-07-27',
        description: 'Thu đóng góp Tháng 7 tri ân',
        lines: [
          { account: '112', debit: 55_500_000_000 },
          { account: '5111', credit: '55500000000', memo: 'Sở Lao động' },
        ],
      })
      .expect(201);
    const entry = posted.body as Entry;
    firstId = entry.id;
    expect(entry).toMatchObject({
      number: 1,
      fundCode: 'LC',
      date: '2023-07-27',
      description: 'Thu đóng góp Tháng 7 tri ân',
      lines: [
        { account: '112', debit: '55500000000', credit: '0' },
        { account: '5111', debit: '0', credit: '55500000000', memo: 'Sở Lao động' },
      ],
    });

    // Money out of the bank for a disbursement (61xx) waits for an approver, as a payout does.
    const waiting = await t.http
      .post('/api/journal-entries')
      .set(bearer(accountant))
      .send({
        fundCode: 'LC',
        date: '2023-08-02',
        description: 'Hỗ trợ xây nhà',
        lines: [
          { account: '6111', debit: '50000000' },
          { account: '112', credit: '50000000' },
        ],
      })
      .expect(202);
    await t.http
      .post(`/api/manual-entry-requests/${(waiting.body as { requestId: number }).requestId}/approve`)
      .set(bearer(approver))
      .send({})
      .expect(200);
    await t.http
      .post('/api/journal-entries')
      .set(bearer(accountant))
      .send({
        fundCode: 'LC-SP-01',
        date: '2023-09-01',
        description: 'Thu tiền mặt cá nhân',
        lines: [
          { account: '111', debit: '2000000' },
          { account: '5114', credit: '2000000' },
        ],
      })
      .expect(201);

    const read = await t.http.get(`/api/journal-entries/${firstId}`).set(bearer(t.adminToken)).expect(200);
    expect(read.body).toMatchObject({ id: firstId, number: 1, reversedBy: null, reversalOf: null });

    const list = await t.http
      .get('/api/journal-entries?fund=LC&from=2023-01-01&to=2023-12-31')
      .set(bearer(accountant))
      .expect(200);
    expect(list.body).toMatchObject({ total: 2, page: 1 });
    expect((list.body.items as Entry[]).map((e) => e.number)).toEqual([1, 2]);

    const paged = await t.http
      .get('/api/journal-entries?pageSize=1&page=2')
      .set(bearer(accountant))
      .expect(200);
    expect(paged.body).toMatchObject({ total: 3, page: 2, pageSize: 1 });
    expect(paged.body.items).toHaveLength(1);

    const accounts = await t.http.get('/api/funds/LC/accounts').set(bearer(accountant)).expect(200);
    const bank = (accounts.body as { code: string; balance: string }[]).find((a) => a.code === '112');
    expect(bank?.balance).toBe('55450000000');
  });

  it('reverses an entry once; a second reversal is 409', async () => {
    const second = await t.http.get('/api/journal-entries?fund=LC').set(bearer(accountant)).expect(200);
    const payout = (second.body.items as Entry[])[1];
    const reversal = await t.http
      .post(`/api/journal-entries/${payout.id}/reverse`)
      .set(bearer(accountant))
      .send({ date: '2023-08-03', reason: 'Ghi nhầm hộ nhận' })
      .expect(201);
    expect(reversal.body).toMatchObject({
      number: 3,
      reversalOf: payout.id,
      lines: [
        { account: '6111', debit: '0', credit: '50000000' },
        { account: '112', debit: '50000000', credit: '0' },
      ],
    });
    const original = await t.http
      .get(`/api/journal-entries/${payout.id}`)
      .set(bearer(accountant))
      .expect(200);
    expect(original.body.reversedBy).toBe(reversal.body.id);

    const again = await t.http
      .post(`/api/journal-entries/${payout.id}/reverse`)
      .set(bearer(accountant))
      .send({ date: '2023-08-04', reason: 'lần hai' })
      .expect(409);
    expect(again.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    expect(again.body.message[0]).toContain('already reversed');
  });

  it('locks a period: a posting into it is 409 and writes nothing', async () => {
    await t.http
      .post('/api/funds/LC/lock')
      .set(bearer(approver))
      .send({ through: '2023-08-31' })
      .expect(200, { code: 'LC', lockedThrough: '2023-08-31' });
    const before = await t.counts();
    const refused = await t.http
      .post('/api/journal-entries')
      .set(bearer(accountant))
      .send({
        fundCode: 'LC',
        date: '2023-08-31',
        description: 'muộn',
        lines: [
          { account: '111', debit: 1000 },
          { account: '5114', credit: 1000 },
        ],
      })
      .expect(409);
    expect(refused.body.message[0]).toContain('locked through 2023-08-31');
    expect(await t.counts()).toEqual(before);
    // The day after the lock is open.
    await t.http
      .post('/api/journal-entries')
      .set(bearer(accountant))
      .send({
        fundCode: 'LC',
        date: '2023-09-01',
        description: 'đúng hạn',
        lines: [
          { account: '111', debit: 1000 },
          { account: '5114', credit: 1000 },
        ],
      })
      .expect(201);
  });

  it('reads a trial balance with equal totals that consolidates the commune fund', async () => {
    const own = await t.http
      .get('/api/reports/trial-balance?fund=LC&asOf=2023-12-31')
      .set(bearer(accountant))
      .expect(200);
    expect(own.body.totalDebit).toBe(own.body.totalCredit);
    expect(own.body).toMatchObject({ fund: 'LC', asOf: '2023-12-31' });
    const row = (body: { rows: { account: string }[] }, account: string) =>
      body.rows.find((r) => r.account === account);
    expect(row(own.body, '111')).toMatchObject({ debit: '1000', credit: '0' });

    const all = await t.http
      .get('/api/reports/trial-balance?fund=LC&asOf=2023-12-31&consolidated=true')
      .set(bearer(accountant))
      .expect(200);
    expect(all.body.totalDebit).toBe(all.body.totalCredit);
    expect(row(all.body, '111')).toMatchObject({ debit: '2001000', credit: '0' });
    expect(row(all.body, '5114')).toMatchObject({ debit: '0', credit: '2001000' });
    expect(row(all.body, '112')).toMatchObject({ debit: '55550000000', credit: '50000000' });
    expect(BigInt(all.body.totalDebit)).toBe(BigInt(own.body.totalDebit) + 2_000_000n);

    // As of a day in the middle of a month: only what was posted up to that day.
    const mid = await t.http
      .get('/api/reports/trial-balance?fund=LC&asOf=2023-08-02')
      .set(bearer(accountant))
      .expect(200);
    expect(row(mid.body, '6111')).toMatchObject({ debit: '50000000', credit: '0' });
    expect(row(mid.body, '111')).toBeUndefined();
  });

  it('verifies a clean chain', async () => {
    const auditor = await t.newUser('auditor');
    const res = await t.http.get('/api/audit/verify').set(bearer(auditor)).expect(200);
    expect(res.body).toMatchObject({ ok: true, entriesChecked: 5, problems: [] });
  });

  it('records every change in the audit log, without passwords', async () => {
    const res = await t.http.get('/api/audit/log?pageSize=100').set(bearer(t.adminToken)).expect(200);
    const actions = (res.body.items as { action: string; details: unknown }[]).map((i) => i.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'POST /api/funds',
        'POST /api/users',
        'POST /api/journal-entries',
        'POST /api/funds/LC/lock',
      ]),
    );
    expect(JSON.stringify(res.body)).not.toMatch(/accountant-password/);
  });

  it('serves the OpenAPI document', async () => {
    const res = await t.http.get('/api/docs-json').expect(200);
    expect(Object.keys(res.body.paths as object)).toEqual(
      expect.arrayContaining(['/api/journal-entries', '/api/funds/{code}/lock']),
    );
  });
});
