import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { ApiFactory, idOf } from '../support/factories';
import { bankReceipt, createUser, expectError, TestUser } from '../support/http';

/**
 * Issue 10, item 14: the cashier (thủ quỹ) pays approved payouts and confirms cash receipts; the accountant who
 * prepares them may not, unless the admin let one person hold both roles in that fund, which the audit log keeps.
 */
let t: TestApp;
let make: ApiFactory;
let accountant: TestUser;
let cashier: TestUser;
let householdId: number;
let donorId: number;

const post = (path: string, token: string, body: object = {}) =>
  t.http.post(path).set(bearer(token)).send(body);

describe(`the cashier (${DB_LABEL})`, () => {
  beforeAll(async () => {
    t = await startTestApp();
    make = new ApiFactory(t);
    await t.newFund('K', 'province');
    await t.newFund('S', 'commune', 'K');
    accountant = await createUser(t, 'accountant');
    cashier = await createUser(t, 'cashier');
    for (const fund of ['K', 'S'])
      await make.post('/api/journal-entries', bankReceipt(fund, '2023-02-01', 1_000_000));
    householdId = idOf(await make.post('/api/beneficiaries', make.household()));
    donorId = idOf(await make.post('/api/donors', { name: 'Nguyễn Văn Thu', kind: 'individual' }));
  }, 60_000);
  afterAll(() => t.close());

  it('is a role the admin can give', async () => {
    const res = await make.post('/api/users', {
      username: 'thuquy.k',
      password: 'thuquy-secret-k1',
      role: 'cashier',
    });
    expect(res.body).toMatchObject({ username: 'thuquy.k', role: 'cashier' });
  });

  it('pays an approved payout; an accountant may not, and the refusal writes nothing', async () => {
    const id = await make.payoutIn('approved', 'K', householdId, accountant.token);
    const before = await t.counts();
    const messages = expectError(
      await post(`/api/disbursements/${id}/pay`, accountant.token, { date: '2023-09-02' }),
      403,
    );
    expect(messages).toEqual([expect.stringMatching(/^role accountant may not pay payouts; a cashier pays/)]);
    expect(await t.counts()).toEqual(before);
    const paid = await post(`/api/disbursements/${id}/pay`, cashier.token, { date: '2023-09-02' }).expect(
      200,
    );
    expect(paid.body).toMatchObject({ id, status: 'paid' });
  });

  it("may not prepare or approve: those stay the accountant's and the approver's", async () => {
    expectError(
      await post('/api/disbursements', cashier.token, {
        fundCode: 'K',
        beneficiaryId: householdId,
        purpose: 'hardship',
        amount: 1000,
        date: '2023-09-01',
        method: 'bank',
        description: 'Trợ cấp',
      }),
      403,
    );
    const id = await make.payoutIn('submitted', 'K', householdId, accountant.token);
    expectError(await post(`/api/disbursements/${id}/approve`, cashier.token), 403);
  });

  it('lets an accountant pay only in a fund where the admin combined the roles, and the audit log records it', async () => {
    expectError(
      await post('/api/funds/S/role-combination', accountant.token, { accountantMayPay: true, reason: 'x' }),
      403,
    );
    const set = await post('/api/funds/S/role-combination', t.adminToken, {
      accountantMayPay: true,
      reason: 'Quỹ xã một người: kế toán kiêm thủ quỹ',
    }).expect(200);
    expect(set.body).toMatchObject({ fundCode: 'S', accountantMayPay: true, setBy: 'admin' });
    const read = await t.http.get('/api/funds/S/role-combination').set(bearer(accountant.token)).expect(200);
    expect(read.body).toMatchObject({
      accountantMayPay: true,
      reason: 'Quỹ xã một người: kế toán kiêm thủ quỹ',
    });

    const log = await t.http.get('/api/audit/log?pageSize=200').set(bearer(t.adminToken)).expect(200);
    const rows = (log.body as { items: { username: string; action: string; details: unknown }[] }).items;
    const row = rows.find((r) => r.action.includes('/api/funds/S/role-combination'));
    expect(row).toBeDefined();
    expect(row?.username).toBe('admin');
    expect(JSON.stringify(row?.details)).toContain('kế toán kiêm thủ quỹ');

    const inS = await make.payoutIn('approved', 'S', householdId, accountant.token);
    await post(`/api/disbursements/${inS}/pay`, accountant.token, { date: '2023-09-02' }).expect(200);
    // Fund K's accountant still may not: the choice is the fund's.
    const inK = await make.payoutIn('approved', 'K', householdId, accountant.token);
    expectError(await post(`/api/disbursements/${inK}/pay`, accountant.token, { date: '2023-09-02' }), 403);

    // Withdrawn, the accountant of S may no longer pay.
    await post('/api/funds/S/role-combination', t.adminToken, {
      accountantMayPay: false,
      reason: 'Đã có thủ quỹ',
    }).expect(200);
    const again = await make.payoutIn('approved', 'S', householdId, accountant.token);
    expectError(await post(`/api/disbursements/${again}/pay`, accountant.token, { date: '2023-09-02' }), 403);
  });

  it('confirms a cash receipt once; not a bank receipt; an accountant may not', async () => {
    const cash = idOf(
      await make.post('/api/contributions', {
        fundCode: 'K',
        donorId,
        date: '2023-06-01',
        amount: 50_000,
        method: 'cash',
      }),
    );
    expectError(await post(`/api/contributions/${cash}/confirm-cash`, accountant.token), 403);
    const ok = await post(`/api/contributions/${cash}/confirm-cash`, cashier.token).expect(200);
    expect(ok.body).toMatchObject({ contributionId: cash, confirmedBy: cashier.username });
    expect(ok.body.receiptNo).toMatch(/^PT-2023-/);
    const twice = expectError(await post(`/api/contributions/${cash}/confirm-cash`, cashier.token), 409);
    expect(twice[0]).toMatch(/was already confirmed by/);

    const bank = idOf(await make.contribution('K', donorId, '2023-06-01', 70_000));
    expectError(await post(`/api/contributions/${bank}/confirm-cash`, cashier.token), 422);
    expectError(await post('/api/contributions/999999/confirm-cash', cashier.token), 404);
  });
});
