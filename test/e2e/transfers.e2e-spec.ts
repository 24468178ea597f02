import type { Response } from 'supertest';
import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { createUser, expectError, TestUser } from '../support/http';

interface TransferBody {
  id: number;
  reference: string;
  fromFund: string;
  toFund: string;
  amount: string;
  fromEntryId: number;
  toEntryId: number;
}

interface Entry {
  id: number;
  fundCode: string;
  description: string;
  source: string;
  sourceRef: string | null;
  lines: { account: string; debit: string; credit: string }[];
}

interface TrialBalanceRow {
  account: string;
  debit: string;
  credit: string;
  balance: string;
}

interface TrialBalanceBody {
  funds: string[];
  rows: TrialBalanceRow[];
  totalDebit: string;
  totalCredit: string;
  eliminated: { account: string; debit: string; credit: string }[];
  eliminatedTransfers: number;
}

let t: TestApp;
let accountant: TestUser;
let communeAccountant: TestUser;
let auditor: TestUser;

const transfer = (token: string, body: object, key?: string) => {
  const request = t.http.post('/api/transfers').set(bearer(token)).send(body);
  return key === undefined ? request : request.set('Idempotency-Key', key);
};
const get = <T>(path: string, token = accountant.token): Promise<T> =>
  t.http
    .get(path)
    .set(bearer(token))
    .expect(200)
    .then((res: Response) => res.body as T);
const trialBalance = (fund: string, consolidated = false, asOf = '2023-12-31') =>
  get<TrialBalanceBody>(
    `/api/reports/trial-balance?fund=${fund}&asOf=${asOf}${consolidated ? '&consolidated=true' : ''}`,
  );
const row = (tb: TrialBalanceBody, account: string) => tb.rows.find((r) => r.account === account);
/** Cash on hand plus Treasury and bank deposits. */
const cashAndBank = (tb: TrialBalanceBody) =>
  ['111', '112'].reduce((sum, code) => sum + BigInt(row(tb, code)?.balance ?? '0'), 0n);
const balances = async (fund: string): Promise<Record<string, string>> =>
  Object.fromEntries(
    (await get<{ code: string; balance: string }[]>(`/api/funds/${fund}/accounts`)).map((a) => [
      a.code,
      a.balance,
    ]),
  );
function delta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.keys(after)
      .filter((table) => after[table] !== before[table])
      .map((table) => [table, after[table] - before[table]]),
  );
}

// DESIGN.md §6 and §8: a transfer is a linked pair of entries, 6121 in the sender and 5121 in the receiver,
// and a consolidated report over both funds removes the pair.
describe(`transfers between funds (${DB_LABEL})`, () => {
  beforeAll(async () => {
    t = await startTestApp();
    await t.newFund('P', 'province');
    await t.newFund('C', 'commune', 'P');
    await t.newFund('Q', 'province');
    accountant = await createUser(t, 'accountant');
    communeAccountant = await createUser(t, 'accountant', 'C');
    auditor = await createUser(t, 'auditor');
    const receipt = (account: string, amount: number) =>
      t.http
        .post('/api/journal-entries')
        .set(bearer(accountant.token))
        .send({
          fundCode: 'P',
          date: '2023-01-15',
          description: 'Thu đóng góp Tháng 7 tri ân',
          lines: [
            { account, debit: amount },
            { account: '5111', credit: amount },
          ],
        })
        .expect(201);
    await receipt('112', 100_000_000);
    await receipt('111', 10_000_000);
  });
  afterAll(() => t.close());

  let toC: TransferBody;
  let consolidatedBefore: TrialBalanceBody;

  it('posts P → C as a pair of linked entries, one in each fund’s books', async () => {
    consolidatedBefore = await trialBalance('P', true);
    expect(cashAndBank(consolidatedBefore)).toBe(110_000_000n);

    const res = await transfer(accountant.token, {
      fromFund: 'P',
      toFund: 'C',
      amount: 30_000_000,
      date: '2023-03-15',
      method: 'bank',
      description: 'Hỗ trợ xây nhà tình nghĩa',
    }).expect(201);
    toC = res.body as TransferBody;
    expect(toC).toMatchObject({
      id: expect.any(Number),
      reference: expect.stringMatching(/^CK-\d{6}$/),
      fromFund: 'P',
      toFund: 'C',
      amount: '30000000',
      date: '2023-03-15',
      method: 'bank',
      description: 'Hỗ trợ xây nhà tình nghĩa',
      fromEntryId: expect.any(Number),
      toEntryId: expect.any(Number),
    });

    const out = await get<Entry>(`/api/journal-entries/${toC.fromEntryId}`);
    expect(out).toMatchObject({ fundCode: 'P', source: 'transfer', sourceRef: toC.reference });
    expect(out.lines.map((l) => [l.account, l.debit, l.credit])).toEqual([
      ['6121', '30000000', '0'],
      ['112', '0', '30000000'],
    ]);
    expect(out.description).toContain('Quỹ C');
    expect(out.description).toContain(toC.reference);
    const into = await get<Entry>(`/api/journal-entries/${toC.toEntryId}`);
    expect(into).toMatchObject({ fundCode: 'C', source: 'transfer', sourceRef: toC.reference });
    expect(into.lines.map((l) => [l.account, l.debit, l.credit])).toEqual([
      ['112', '30000000', '0'],
      ['5121', '0', '30000000'],
    ]);
    expect(into.description).toContain('Quỹ P');
    expect(into.description).toContain(toC.reference);

    expect(await balances('P')).toMatchObject({ '111': '10000000', '112': '70000000', '6121': '30000000' });
    expect(await balances('C')).toMatchObject({ '112': '30000000', '5121': '30000000' });
    const journalOfC = await get<{ items: Entry[]; total: number }>('/api/journal-entries?fund=C');
    expect(journalOfC.items.map((e) => e.id)).toEqual([toC.toEntryId]);

    expect(await get(`/api/transfers/${toC.id}`, auditor.token)).toEqual(toC);
    const listed = await get<{ items: TransferBody[]; total: number }>('/api/transfers?fund=C');
    expect(listed).toMatchObject({ total: 1, items: [toC] });
  });

  it('shows the transfer in each fund’s own trial balance, and removes it from the consolidated one', async () => {
    const own = await trialBalance('P');
    expect(row(own, '6121')).toMatchObject({ debit: '30000000', credit: '0' });
    expect(own).toMatchObject({ eliminated: [], eliminatedTransfers: 0 });
    const commune = await trialBalance('C');
    expect(row(commune, '5121')).toMatchObject({ debit: '0', credit: '30000000' });

    const all = await trialBalance('P', true);
    expect(all.funds.sort()).toEqual(['C', 'P']);
    expect(row(all, '6121')).toBeUndefined();
    expect(row(all, '5121')).toBeUndefined();
    expect(cashAndBank(all)).toBe(110_000_000n);
    expect(all.totalDebit).toBe(all.totalCredit);
    // The group as a whole did nothing: the consolidated figures are those from before the transfer.
    expect(all.rows).toEqual(consolidatedBefore.rows);
    expect(all.totalDebit).toBe(consolidatedBefore.totalDebit);
    expect(all.eliminatedTransfers).toBe(1);
    expect(all.eliminated).toEqual([
      expect.objectContaining({ account: '112', debit: '30000000', credit: '30000000' }),
      expect.objectContaining({ account: '5121', debit: '0', credit: '30000000' }),
      expect.objectContaining({ account: '6121', debit: '30000000', credit: '0' }),
    ]);

    // As of the day before, there was nothing to remove.
    const before = await trialBalance('P', true, '2023-03-14');
    expect(before).toMatchObject({ eliminated: [], eliminatedTransfers: 0 });
  });

  it('keeps a transfer to a fund outside the consolidated group (P → Q)', async () => {
    const res = await transfer(accountant.token, {
      fromFund: 'P',
      toFund: 'Q',
      amount: '4000000',
      date: '2023-04-01',
      method: 'cash',
    }).expect(201);
    const toQ = res.body as TransferBody;
    const all = await trialBalance('P', true);
    expect(row(all, '6121')).toMatchObject({ debit: '4000000', credit: '0' });
    expect(row(all, '111')).toMatchObject({ debit: '10000000', credit: '4000000' });
    expect(row(all, '5121')).toBeUndefined();
    expect(cashAndBank(all)).toBe(106_000_000n);
    expect(all.eliminatedTransfers).toBe(1);
    expect(all.totalDebit).toBe(all.totalCredit);
    expect(row(await trialBalance('Q'), '5121')).toMatchObject({ credit: '4000000' });
    expect(await balances('Q')).toMatchObject({ '111': '4000000', '5121': '4000000' });

    // The commune's accountant sees the transfer into C, but not one between P and Q.
    await get(`/api/transfers/${toC.id}`, communeAccountant.token);
    expectError(await t.http.get(`/api/transfers/${toQ.id}`).set(bearer(communeAccountant.token)), 404);
    const mine = await get<{ items: TransferBody[] }>('/api/transfers', communeAccountant.token);
    expect(mine.items.map((i) => i.id)).toEqual([toC.id]);
    const dated = await get<{ items: TransferBody[] }>('/api/transfers?fund=P&from=2023-04-01&to=2023-04-30');
    expect(dated.items.map((i) => i.id)).toEqual([toQ.id]);
  });

  describe('refusals write nothing', () => {
    const valid = { fromFund: 'P', toFund: 'C', amount: 1_000_000, date: '2023-05-10', method: 'bank' };

    it.each([
      ['more than the sender’s bank holds', { amount: 70_000_001 }, 422, /account 112 .* below zero/],
      ['more than the sender’s cash holds', { amount: 6_000_001, method: 'cash' }, 422, /account 111/],
      ['a back-dated transfer the bank could not cover then', { date: '2023-01-14' }, 422, /below zero/],
      ['a transfer from a fund to itself', { toFund: 'P' }, 400, /toFund must be a different fund/],
      ['an unknown receiver', { toFund: 'NOPE' }, 400, /^toFund NOPE is not a known fund$/],
      ['an unknown sender', { fromFund: 'NOPE' }, 400, /^fromFund NOPE is not a known fund$/],
      ['an amount in exponent form', { amount: '1e6' }, 400, /amount/],
      ['a zero amount', { amount: 0 }, 400, /amount/],
      ['an unknown method', { method: 'cheque' }, 400, /method/],
      ['a date that is no date', { date: '2023-02-30' }, 400, /date/],
    ])('%s', async (_label, change, status, message) => {
      const before = await t.counts();
      const messages = expectError(await transfer(accountant.token, { ...valid, ...change }), status);
      expect(messages.join('\n')).toMatch(message);
      expect(await t.counts()).toEqual(before);
    });

    it('a locked period in the receiver or the sender (409)', async () => {
      await t.http
        .post('/api/funds/C/lock')
        .set(bearer(t.adminToken))
        .send({ through: '2023-05-31' })
        .expect(200);
      const before = await t.counts();
      const messages = expectError(await transfer(accountant.token, valid), 409);
      expect(messages[0]).toContain('fund C is locked through 2023-05-31');
      expectError(await transfer(accountant.token, { ...valid, toFund: 'P', fromFund: 'C' }), 409);
      expect(await t.counts()).toEqual(before);
    });

    it('a fund outside the accountant’s scope, or a role that may not post (403)', async () => {
      const before = await t.counts();
      const back = { ...valid, fromFund: 'C', toFund: 'P', date: '2023-06-10' };
      expectError(await transfer(communeAccountant.token, back), 403);
      expectError(await transfer(communeAccountant.token, valid), 403);
      expectError(await transfer(auditor.token, { ...valid, date: '2023-06-10' }), 403);
      expect(await t.counts()).toEqual(before);
    });

    it('a closed fund (422)', async () => {
      await t.newFund('Z', 'province');
      await t.dataSource.query(`UPDATE funds SET status = 'closed' WHERE code = 'Z'`);
      const before = await t.counts();
      const messages = expectError(await transfer(accountant.token, { ...valid, toFund: 'Z' }), 422);
      expect(messages).toEqual(['fund Z is closed; it can neither send nor receive a transfer']);
      expect(await t.counts()).toEqual(before);
    });
  });

  it('answers an idempotent retry with the first answer and posts one pair', async () => {
    const body = { fromFund: 'P', toFund: 'C', amount: 2_000_000, date: '2023-06-10', method: 'bank' };
    const before = await t.counts();
    const first = await transfer(accountant.token, body, 'transfer-1').expect(201);
    const second = await transfer(accountant.token, body, 'transfer-1').expect(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(delta(before, await t.counts())).toEqual({
      transfers: 1,
      journal_entries: 2,
      journal_lines: 4,
      account_balances: 4,
      audit_log: 1,
      idempotency_keys: 1,
    });
    expectError(await transfer(accountant.token, { ...body, amount: 3 }, 'transfer-1'), 409);

    const all = await trialBalance('P', true);
    expect(all.eliminatedTransfers).toBe(2);
    expect(row(all, '5121')).toBeUndefined();
    expect(row(all, '6121')).toMatchObject({ debit: '4000000' });
  });

  it('answers 404 for an unknown transfer and 400 for an id that is no number', async () => {
    expectError(await t.http.get('/api/transfers/999999').set(bearer(accountant.token)), 404);
    expectError(await t.http.get('/api/transfers/99999999999').set(bearer(accountant.token)), 404);
    expectError(await t.http.get('/api/transfers/abc').set(bearer(accountant.token)), 400);
  });

  describe('reversing a transfer (issue 15, defect 4)', () => {
    interface StatementBody {
      openingBalance: string;
      closingBalance: string;
      receipts: { total: string; byAccount: Record<string, string> };
      disbursements: { total: string; byAccount: Record<string, string> };
    }
    interface ReversedBody extends TransferBody {
      status: string;
      reversedBy: string;
      reversalReason: string;
      fromReversalEntryId: number;
      toReversalEntryId: number;
    }
    const statement = (fund: string) =>
      get<StatementBody>(`/api/reports/statement?fund=${fund}&from=2023-09-01&to=2023-12-31`);
    const reverse = (id: number, body: object, token = accountant.token) =>
      t.http.post(`/api/transfers/${id}/reverse`).set(bearer(token)).send(body);
    let wrong: TransferBody;
    const before: Record<string, StatementBody> = {};
    let consolidated: TrialBalanceBody;

    beforeAll(async () => {
      for (const fund of ['P', 'C']) before[fund] = await statement(fund);
      consolidated = await trialBalance('P', true);
      const res = await transfer(accountant.token, {
        fromFund: 'P',
        toFund: 'C',
        amount: 7_000_000,
        date: '2023-09-01',
        method: 'bank',
        description: 'Chuyển nhầm: lẽ ra cho quỹ Q',
      });
      expect(res.status).toBe(201);
      wrong = res.body as TransferBody;
    });

    it('refuses a bad request, an unknown transfer and a role that may not post, writing nothing', async () => {
      const counts = await t.counts();
      expect(expectError(await reverse(wrong.id, {}), 400).join(' ')).toMatch(/reason/);
      expectError(await reverse(wrong.id, { date: '2023-02-30', reason: 'x' }), 400);
      expectError(await reverse(999_999, { date: '2023-09-05', reason: 'x' }), 404);
      expectError(await reverse(wrong.id, { date: '2023-09-05', reason: 'x' }, auditor.token), 403);
      // The commune's accountant sees the transfer (it reached C) but may not touch P's books.
      expectError(await reverse(wrong.id, { date: '2023-09-05', reason: 'x' }, communeAccountant.token), 403);
      expect(
        expectError(await reverse(wrong.id, { date: '2023-08-31', reason: 'x' }), 400).join(' '),
      ).toContain('2023-09-01');
      expect(await t.counts()).toEqual(counts);
    });

    it('is not reversed one entry at a time through the journal', async () => {
      const res = await t.http
        .post(`/api/journal-entries/${wrong.fromEntryId}/reverse`)
        .set(bearer(accountant.token))
        .send({ date: '2023-09-05', reason: 'x' });
      expect(expectError(res, 409).join(' ')).toContain('POST /api/transfers/:id/reverse');
    });

    it('reverses both entries in one write, marks the transfer reversed, and is audited', async () => {
      const counts = await t.counts();
      const res = await reverse(wrong.id, { date: '2023-09-05', reason: 'Chuyển nhầm quỹ nhận' });
      expect(res.status).toBe(201);
      const body = res.body as ReversedBody;
      expect(body).toMatchObject({
        id: wrong.id,
        status: 'reversed',
        reversedBy: accountant.username,
        reversalReason: 'Chuyển nhầm quỹ nhận',
      });
      expect(delta(counts, await t.counts())).toMatchObject({ journal_entries: 2, audit_log: 1 });
      const out = await get<Entry & { reversalOf: number }>(
        `/api/journal-entries/${body.fromReversalEntryId}`,
      );
      const into = await get<Entry & { reversalOf: number }>(
        `/api/journal-entries/${body.toReversalEntryId}`,
      );
      expect(out).toMatchObject({ fundCode: 'P', source: 'reversal', reversalOf: wrong.fromEntryId });
      expect(into).toMatchObject({ fundCode: 'C', source: 'reversal', reversalOf: wrong.toEntryId });
      expect(out.lines.map((l) => [l.account, l.debit, l.credit])).toEqual([
        ['6121', '0', '7000000'],
        ['112', '7000000', '0'],
      ]);
      expect(await get<ReversedBody>(`/api/transfers/${wrong.id}`)).toMatchObject({
        status: 'reversed',
        fromReversalEntryId: body.fromReversalEntryId,
        toReversalEntryId: body.toReversalEntryId,
      });
      const log = await get<{ items: { action: string; username: string }[] }>(
        '/api/audit/log',
        t.adminToken,
      );
      expect(log.items[0]).toMatchObject({
        action: `POST /api/transfers/${wrong.id}/reverse`,
        username: accountant.username,
      });
    });

    it('refuses a second reversal with 409, writing nothing', async () => {
      const counts = await t.counts();
      expect(
        expectError(await reverse(wrong.id, { date: '2023-09-06', reason: 'lần nữa' }), 409).join(' '),
      ).toContain('already reversed');
      expect(await t.counts()).toEqual(counts);
    });

    it("leaves both funds' statements and the consolidated figures as if it never happened", async () => {
      for (const fund of ['P', 'C']) {
        const after = await statement(fund);
        expect(after.receipts.total).toBe(before[fund].receipts.total);
        expect(after.disbursements.total).toBe(before[fund].disbursements.total);
        expect(after.closingBalance).toBe(before[fund].closingBalance);
        expect(after.disbursements.byAccount['6121'] ?? '0').toBe(
          before[fund].disbursements.byAccount['6121'] ?? '0',
        );
        expect(after.receipts.byAccount['5121'] ?? '0').toBe(before[fund].receipts.byAccount['5121'] ?? '0');
      }
      const all = await trialBalance('P', true);
      expect(all.rows).toEqual(consolidated.rows);
      expect(all.eliminatedTransfers).toBe(consolidated.eliminatedTransfers + 1);
    });
  });

  it('leaves a chain that verifies', async () => {
    const res = await get<{ ok: boolean; problems: string[] }>('/api/audit/verify', auditor.token);
    expect(res).toMatchObject({ ok: true, problems: [] });
  });
});
