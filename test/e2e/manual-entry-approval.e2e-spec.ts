import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { expectError } from '../support/http';

/**
 * Issue 10, item 4: a manual entry that credits cash or bank, or debits a disbursements account, waits for an
 * approver who is not its preparer, and passes the payout policy (data/policy.json) before it posts.
 */
describe(`manual entries under maker–checker (${DB_LABEL})`, () => {
  let t: TestApp;
  let accountant: string;
  let approver: string;
  let approver2: string;

  const entry = (lines: object[], date = '2023-03-01') =>
    t.http
      .post('/api/journal-entries')
      .set(bearer(accountant))
      .send({ fundCode: 'ME', date, description: 'Chi quản lý quỹ', lines });

  beforeAll(async () => {
    t = await startTestApp();
    await t.http
      .post('/api/funds')
      .set(bearer(t.adminToken))
      .send({ code: 'ME', name: 'Quỹ ME', level: 'province' })
      .expect(201);
    accountant = await t.newUser('accountant');
    approver = await t.newUser('approver');
    approver2 = await t.newUser('approver');
    // A receipt posts at once: it moves no money out.
    await entry([
      { account: '112', debit: 1_000_000_000 },
      { account: '5111', credit: 1_000_000_000 },
    ]).expect(201);
  }, 60_000);
  afterAll(() => t.close());

  const balance112 = async () => {
    const res = await t.http.get('/api/funds/ME/accounts').set(bearer(accountant)).expect(200);
    return (res.body as { code: string; balance: string }[]).find((a) => a.code === '112')?.balance;
  };

  it("an accountant's manual Nợ 6118 / Có 112 waits for approval and the management-cost cap refuses it", async () => {
    const res = await entry([
      { account: '6118', debit: 900_000_000 },
      { account: '112', credit: 900_000_000 },
    ]).expect(202);
    const body = res.body as { requestId: number; status: string; approvalReason: string };
    expect(body).toMatchObject({ status: 'submitted', approvalReason: 'debits 6118, credits 112' });
    expect(await balance112()).toBe('1000000000');

    // The same maker–checker as payouts: the preparer may not approve (an accountant may not at all).
    expect(
      (
        await t.http
          .post(`/api/manual-entry-requests/${body.requestId}/approve`)
          .set(bearer(accountant))
          .send({})
      ).status,
    ).toBe(403);
    // The same policy: management costs at most 5% of the year's receipts (50.000.000 đ here).
    const refused = expectError(
      await t.http
        .post(`/api/manual-entry-requests/${body.requestId}/approve`)
        .set(bearer(approver))
        .send({}),
      422,
    );
    expect(refused.join(' ')).toContain('management_share');
    expect(await balance112()).toBe('1000000000');

    const rejected = await t.http
      .post(`/api/manual-entry-requests/${body.requestId}/reject`)
      .set(bearer(approver))
      .send({ reason: 'Vượt định mức chi quản lý' })
      .expect(200);
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      note: 'Vượt định mức chi quản lý',
      entryId: null,
    });
    expectError(
      await t.http
        .post(`/api/manual-entry-requests/${body.requestId}/approve`)
        .set(bearer(approver))
        .send({}),
      409,
    );
  });

  it('an approved request posts through the one path, once, approved by someone other than its preparer', async () => {
    const res = await entry([
      { account: '6118', debit: 40_000_000 },
      { account: '112', credit: 40_000_000 },
    ]).expect(202);
    const id = (res.body as { requestId: number }).requestId;
    const approved = await t.http
      .post(`/api/manual-entry-requests/${id}/approve`)
      .set(bearer(approver))
      .send({ note: 'Đã kiểm tra' })
      .expect(200);
    const body = approved.body as {
      status: string;
      entryId: number;
      entry: { postedBy: string; source: string };
    };
    expect(body).toMatchObject({ status: 'posted', entry: { source: 'manual' } });
    expect(await balance112()).toBe('960000000');
    const posted = await t.http
      .get(`/api/journal-entries/${body.entryId}`)
      .set(bearer(approver2))
      .expect(200);
    expect(posted.body).toMatchObject({ description: 'Chi quản lý quỹ' });
    expectError(
      await t.http.post(`/api/manual-entry-requests/${id}/approve`).set(bearer(approver2)).send({}),
      409,
    );
    const list = await t.http
      .get('/api/manual-entry-requests?status=posted')
      .set(bearer(approver))
      .expect(200);
    expect((list.body as { id: number }[]).map((r) => r.id)).toEqual([id]);
  });

  it('an approver who prepared the entry may not approve it (422)', async () => {
    const res = await t.http
      .post('/api/journal-entries')
      .set(bearer(t.adminToken))
      .send({
        fundCode: 'ME',
        date: '2023-03-02',
        description: 'Rút tiền gửi về quỹ tiền mặt',
        lines: [
          { account: '111', debit: 1_000_000 },
          { account: '112', credit: 1_000_000 },
        ],
      })
      .expect(202);
    const id = (res.body as { requestId: number }).requestId;
    expectError(
      await t.http.post(`/api/manual-entry-requests/${id}/approve`).set(bearer(t.adminToken)).send({}),
      422,
    );
    await t.http.post(`/api/manual-entry-requests/${id}/approve`).set(bearer(approver)).send({}).expect(200);
  });

  it('a request that could never post is refused at once with the posting path’s message', async () => {
    const res = await entry([
      { account: '6118', debit: 1_000 },
      { account: '112', credit: 2_000 },
    ]);
    expect(expectError(res, 400).join(' ')).toContain('does not balance');
  });
});
