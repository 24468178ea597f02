import type { Response } from 'supertest';
import { bearer, startTestApp, TestApp } from '../support/app';
import { postEntry } from '../support/manual-entries';
import { DB_LABEL } from '../support/database';
import { createUser, expectError, TestUser } from '../support/http';

interface Line {
  account: string;
  debit: string;
  credit: string;
}
interface Entry {
  id: number;
  fundCode: string;
  date: string;
  description: string;
  source: string;
  sourceRef: string | null;
  reversedBy: number | null;
  lines: Line[];
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
  eliminatedTransfers: number;
  eliminatedMergers: number;
}
interface OpeningBody {
  asOf: string;
  previousYearClosed: boolean;
  rows: { account: string; debit: string; credit: string }[];
  cashAndBank: string;
  fundBalance: string;
  totalDebit: string;
  totalCredit: string;
}

interface StatementBody {
  openingBalance: string;
  closingBalance: string;
  otherMovements: string;
  receipts: { total: string };
  disbursements: { total: string };
}

let t: TestApp;
let accountant: TestUser;
let approver: TestUser;
let auditor: TestUser;

const get = <T>(path: string, token = auditor.token): Promise<T> =>
  t.http
    .get(path)
    .set(bearer(token))
    .expect(200)
    .then((res: Response) => res.body as T);
const post = (path: string, body: object, token: string) => t.http.post(path).set(bearer(token)).send(body);
const created = async (path: string, body: object, token: string, status = 201) => {
  const res = await post(path, body, token);
  if (res.status !== status) throw new Error(`${path}: ${res.status} ${res.text}`);
  return res.body as Record<string, unknown> & { id: number };
};
const entry = (
  fundCode: string,
  date: string,
  lines: [string, 'debit' | 'credit', number][],
  token = accountant.token,
) =>
  // Money out (Có 111/112, Nợ 61xx) waits for an approver: postEntry has it approved.
  postEntry(t, token, {
    fundCode,
    date,
    description: 'Bút toán thử',
    lines: lines.map(([account, side, amount]) => ({ account, [side]: amount })),
  }).then((res) => res.body as Record<string, unknown> & { id: number });
const trialBalance = (fund: string, asOf: string, consolidated = false) =>
  get<TrialBalanceBody>(
    `/api/reports/trial-balance?fund=${fund}&asOf=${asOf}${consolidated ? '&consolidated=true' : ''}`,
  );
const row = (tb: TrialBalanceBody, account: string) => tb.rows.find((r) => r.account === account);
const balance = (tb: TrialBalanceBody, account: string) => row(tb, account)?.balance ?? '0';
const cashAndBank = (tb: TrialBalanceBody) =>
  (BigInt(balance(tb, '111')) + BigInt(balance(tb, '112'))).toString();
/** What came in: the credit turnover of the receipts accounts (a close debits them, it never credits them). */
const receiptsIn = (tb: TrialBalanceBody) =>
  tb.rows
    .filter((r) => r.account.startsWith('51'))
    .reduce((sum, r) => sum + BigInt(r.credit), 0n)
    .toString();
const verify = () => get<{ ok: boolean; problems: string[] }>('/api/audit/verify');

// DESIGN.md §7: a year-end close moves the year's receipts and disbursements into 431 and locks the year; the
// next year opens with the balances it leaves. A merger closes a fund at a cutoff and hands its balances over.
describe(`year-end close, reopening and mergers (${DB_LABEL})`, () => {
  beforeAll(async () => {
    t = await startTestApp();
    accountant = await createUser(t, 'accountant');
    approver = await createUser(t, 'approver');
    auditor = await createUser(t, 'auditor');
  });
  afterAll(() => t.close());

  describe('closing 2023', () => {
    let closingEntryId: number;

    beforeAll(async () => {
      await t.newFund('LC', 'province');
      await entry('LC', '2023-03-10', [
        ['112', 'debit', 50_000_000],
        ['5111', 'credit', 50_000_000],
      ]);
      await entry('LC', '2023-07-27', [
        ['111', 'debit', 2_000_000],
        ['5114', 'credit', 2_000_000],
      ]);
      await entry('LC', '2023-08-15', [
        ['6113', 'debit', 5_000_000],
        ['112', 'credit', 5_000_000],
      ]);
      await entry('LC', '2023-10-01', [
        ['6111', 'debit', 20_000_000],
        ['112', 'credit', 20_000_000],
      ]);
      await entry('LC', '2024-01-05', [
        ['112', 'debit', 1_000_000],
        ['5118', 'credit', 1_000_000],
      ]);
    });

    it('refuses a bad request with a message per field, and writes nothing', async () => {
      await t.newFund('LC-X', 'commune', 'LC');
      const communeApprover = await createUser(t, 'approver', 'LC-X');
      const before = await t.counts();
      expect(expectError(await post('/api/funds/LC/close-year', {}, approver.token), 400).join(' ')).toMatch(
        /year/,
      );
      expectError(await post('/api/funds/LC/close-year', { year: '2023x' }, approver.token), 400);
      expectError(await post('/api/funds/LC/close-year', { year: 2023, extra: 1 }, approver.token), 400);
      const reopen = expectError(await post('/api/funds/LC/reopen-year', { year: 1 }, t.adminToken), 400);
      expect(reopen.join(' ')).toMatch(/year must not be less than/);
      expect(reopen.join(' ')).toMatch(/reason/);
      expectError(await post('/api/funds/NOPE/close-year', { year: 2023 }, approver.token), 404);
      expectError(await post('/api/funds/LC/close-year', { year: 2023 }, accountant.token), 403);
      // An approver of a commune below LC may not close LC.
      expectError(await post('/api/funds/LC/close-year', { year: 2023 }, communeApprover.token), 403);
      expect(await t.counts()).toEqual(before);
    });

    it('an approver closes a year already locked: 51xx and 61xx end at zero, 431 holds the result', async () => {
      await created('/api/funds/LC/lock', { through: '2023-12-31' }, approver.token, 200);
      const first = await post('/api/funds/LC/close-year', { year: 2023 }, approver.token).set(
        'Idempotency-Key',
        'kc-2023',
      );
      expect(first.status).toBe(201);
      // A retry gets the first answer back and closes nothing twice.
      const counts = await t.counts();
      const retry = await post('/api/funds/LC/close-year', { year: 2023 }, approver.token).set(
        'Idempotency-Key',
        'kc-2023',
      );
      expect([retry.status, retry.body]).toEqual([201, first.body]);
      expect(await t.counts()).toEqual(counts);
      const closed = first.body as Record<string, unknown>;
      expect(closed).toMatchObject({
        fund: 'LC',
        year: 2023,
        status: 'closed',
        receipts: '52000000',
        disbursements: '25000000',
        surplus: '27000000',
        deficit: '0',
        lockedThrough: '2023-12-31',
        closedBy: approver.username,
      });
      closingEntryId = closed.entryId as number;
      const closing = await get<Entry>(`/api/journal-entries/${closingEntryId}`);
      expect(closing).toMatchObject({ date: '2023-12-31', source: 'closing', sourceRef: 'KC-2023' });
      expect(closing.lines.map((l) => [l.account, l.debit, l.credit])).toEqual([
        ['5111', '50000000', '0'],
        ['5114', '2000000', '0'],
        ['6111', '0', '20000000'],
        ['6113', '0', '5000000'],
        ['431', '0', '27000000'],
      ]);

      const tb = await trialBalance('LC', '2023-12-31');
      for (const account of ['5111', '5114', '6111', '6113'])
        expect([account, balance(tb, account)]).toEqual([account, '0']);
      // 431 is a credit balance: receipts − disbursements.
      expect(balance(tb, '431')).toBe('-27000000');
      expect(cashAndBank(tb)).toBe('27000000');
      expect(tb.totalDebit).toBe(tb.totalCredit);
    });

    it('opens 2024 with the 2023 closing figures', async () => {
      const opening = await get<OpeningBody>('/api/funds/LC/opening-balances?year=2024');
      expect(opening).toMatchObject({
        asOf: '2023-12-31',
        previousYearClosed: true,
        cashAndBank: '27000000',
        fundBalance: '27000000',
      });
      const closingFigures = (await trialBalance('LC', '2023-12-31')).rows
        .filter((r) => r.balance !== '0' || ['111', '112', '431'].includes(r.account))
        .map((r) => {
          const b = BigInt(r.balance);
          return {
            account: r.account,
            debit: (b > 0n ? b : 0n).toString(),
            credit: (b < 0n ? -b : 0n).toString(),
          };
        });
      expect(opening.rows.map(({ account, debit, credit }) => ({ account, debit, credit }))).toEqual(
        closingFigures,
      );
      expect(opening.totalDebit).toBe('27000000');
      expect(opening.totalCredit).toBe('27000000');
      // 2025 opens with 2024's receipts still in 5118: 2024 is not closed.
      const next = await get<OpeningBody>('/api/funds/LC/opening-balances?year=2025');
      expect(next.previousYearClosed).toBe(false);
      expect(next.rows.find((r) => r.account === '5118')).toMatchObject({ credit: '1000000' });
      expectError(
        await t.http.get('/api/funds/LC/opening-balances?year=abc').set(bearer(auditor.token)),
        400,
      );
    });

    it('refuses postings into 2023 and a second close', async () => {
      const late = await post(
        '/api/journal-entries',
        {
          fundCode: 'LC',
          date: '2023-12-15',
          description: 'Muộn',
          lines: [
            { account: '112', debit: 1 },
            { account: '5118', credit: 1 },
          ],
        },
        accountant.token,
      );
      expectError(late, 409);
      const twice = expectError(await post('/api/funds/LC/close-year', { year: 2023 }, t.adminToken), 409);
      expect(twice.join(' ')).toContain('year 2023 of fund LC is already closed');
      // 2021 had nothing, but 2023 is closed: years close in order.
      expectError(await post('/api/funds/LC/close-year', { year: 2021 }, t.adminToken), 409);
    });

    it('reopens for an admin only: the closing entry is reversed and 2023 takes postings again', async () => {
      const before = await t.counts();
      expectError(
        await post('/api/funds/LC/reopen-year', { year: 2023, reason: 'sửa' }, approver.token),
        403,
      );
      expect(await t.counts()).toEqual(before);
      const reopened = await created(
        '/api/funds/LC/reopen-year',
        { year: 2023, reason: 'Bổ sung chứng từ theo kết luận thanh tra' },
        t.adminToken,
        200,
      );
      expect(reopened).toMatchObject({
        status: 'reopened',
        reopenedBy: 'admin',
        lockedThrough: '2022-12-31',
      });
      const closing = await get<Entry>(`/api/journal-entries/${closingEntryId}`);
      expect(closing.reversedBy).toBe(reopened.reversalEntryId);
      const reversal = await get<Entry>(`/api/journal-entries/${reopened.reversalEntryId as number}`);
      expect(reversal).toMatchObject({ date: '2023-12-31', source: 'reversal' });
      expect(balance(await trialBalance('LC', '2023-12-31'), '5111')).toBe('-50000000');

      await entry('LC', '2023-12-15', [
        ['112', 'debit', 500_000],
        ['5115', 'credit', 500_000],
      ]);
      expectError(
        await post('/api/funds/LC/reopen-year', { year: 2023, reason: 'lần nữa' }, t.adminToken),
        409,
      );
      const again = await created('/api/funds/LC/close-year', { year: 2023 }, t.adminToken);
      expect(again.surplus).toBe('27500000');
      const history = await get<{ years: { year: number; status: string }[] }>('/api/funds/LC/closings');
      expect(history.years.map((y) => [y.year, y.status])).toEqual([
        [2023, 'reopened'],
        [2023, 'closed'],
      ]);
      expect((await verify()).ok).toBe(true);
    });
  });

  describe('merging a district fund into its province (1 July 2025)', () => {
    let contributionId: number;
    let paidPayoutId: number;
    let openPayoutId: number;
    const cutoff = '2025-06-30';
    const before: Record<string, TrialBalanceBody> = {};
    let statementBefore: StatementBody;
    /** The consolidated statement of the province over 2025, which spans the merger. */
    const statement = () =>
      get<StatementBody>('/api/reports/statement?fund=T&from=2025-01-01&to=2025-12-31&consolidated=true');

    beforeAll(async () => {
      await t.newFund('T', 'province');
      await t.newFund('T-H', 'district', 'T');
      await t.newFund('T-H-X1', 'commune', 'T-H');
      await t.newFund('T-H-X2', 'commune', 'T-H');
      await entry('T', '2025-01-10', [
        ['112', 'debit', 100_000_000],
        ['5111', 'credit', 100_000_000],
      ]);
      await entry('T-H', '2025-01-20', [
        ['111', 'debit', 3_000_000],
        ['5114', 'credit', 3_000_000],
      ]);
      await entry('T-H-X1', '2025-02-01', [
        ['112', 'debit', 4_000_000],
        ['5113', 'credit', 4_000_000],
      ]);
      await created(
        '/api/transfers',
        { fromFund: 'T', toFund: 'T-H', amount: 20_000_000, date: '2025-02-15', method: 'bank' },
        accountant.token,
      );
      const donor = await created(
        '/api/donors',
        { name: 'Công ty Than Lào Cai', kind: 'enterprise' },
        accountant.token,
      );
      const contribution = await created(
        '/api/contributions',
        { fundCode: 'T-H', donorId: donor.id, date: '2025-03-01', amount: 15_000_000, method: 'bank' },
        accountant.token,
      );
      contributionId = contribution.id;
      expect(contribution.receiptNo).toBe('XN-2025-000001');
      const household = await created(
        '/api/beneficiaries',
        { fullName: 'Hoàng Thị Mai', category: 'heroic_mother', commune: 'Xã Bản Xèo', birthYear: 1935 },
        accountant.token,
      );
      const payout = (amount: number) =>
        created(
          '/api/disbursements',
          {
            fundCode: 'T-H',
            beneficiaryId: household.id,
            purpose: 'visit_gift',
            amount,
            date: '2025-04-01',
            method: 'bank',
          },
          accountant.token,
        );
      paidPayoutId = (await payout(2_000_000)).id;
      await created(`/api/disbursements/${paidPayoutId}/approve`, {}, approver.token, 200);
      await created(`/api/disbursements/${paidPayoutId}/pay`, { date: '2025-04-02' }, t.adminToken, 200);
      openPayoutId = (await payout(1_000_000)).id;
      // An advance and a payable, so the handover has more than cash to move.
      await entry('T-H', '2025-05-01', [
        ['141', 'debit', 5_000_000],
        ['112', 'credit', 5_000_000],
      ]);
      await entry('T-H', '2025-05-02', [
        ['112', 'debit', 700_000],
        ['338', 'credit', 700_000],
      ]);
      for (const asOf of [cutoff, '2025-12-31']) before[asOf] = await trialBalance('T', asOf, true);
      statementBefore = await statement();
    });

    const merge = (body: object, token = t.adminToken, code = 'T-H') =>
      post(`/api/funds/${code}/merge`, body, token);
    const body = { into: 'T', cutoff, note: 'Nghị quyết 202/2025/QH15', reparentChildren: true };

    it('refuses what cannot be merged, and writes nothing', async () => {
      const counts = await t.counts();
      expectError(await merge(body, approver.token), 403);
      expectError(await merge({ ...body, into: 'T-H' }), 400);
      expectError(await merge({ ...body, into: 'NOPE' }), 400);
      expect(expectError(await merge({ into: 'T' }), 400).join(' ')).toMatch(
        /cutoff.*note|note.*cutoff|cutoff/,
      );
      expectError(await merge({ ...body, cutoff: '2025-02-30' }), 400);
      expect(expectError(await merge({ ...body, into: 'T-H-X1' }), 422).join(' ')).toContain(
        'sits below T-H',
      );
      // A payout request still waiting would be paid from closed books: each is named.
      const open = expectError(await merge(body), 422);
      expect(open).toContainEqual(
        expect.stringContaining(`payout request ${openPayoutId} of fund T-H is still submitted`),
      );
      // Entries after the cutoff would stay behind.
      expect(expectError(await merge({ ...body, cutoff: '2025-04-30' }), 422).join(' ')).toContain(
        'dated after the cutoff',
      );
      expect(await t.counts()).toEqual(counts);
    });

    it('refuses a cutoff inside a locked period', async () => {
      await created('/api/funds/T/lock', { through: '2025-06-30' }, t.adminToken, 200);
      await created(
        `/api/disbursements/${openPayoutId}/reject`,
        { reason: 'Chuyển về tỉnh sau sáp nhập' },
        approver.token,
        200,
      );
      expect(expectError(await merge(body), 409).join(' ')).toContain('fund T is locked through 2025-06-30');
      await created('/api/funds/T/lock', { through: '2025-03-31' }, t.adminToken, 200);
    });

    it('closes the district, hands its balances to the province and moves its communes', async () => {
      const merged = await created('/api/funds/T-H/merge', body, t.adminToken);
      expect(merged).toMatchObject({
        predecessor: 'T-H',
        successor: 'T',
        cutoff,
        childrenMoved: ['T-H-X1', 'T-H-X2'],
      });
      expect(merged.balances).toEqual([
        { account: '111', debit: '3000000', credit: '0' },
        { account: '112', debit: '28700000', credit: '0' },
        { account: '141', debit: '5000000', credit: '0' },
        { account: '338', debit: '0', credit: '700000' },
        { account: '431', debit: '0', credit: '36000000' },
      ]);
      const handover = await get<Entry>(`/api/journal-entries/${merged.handoverEntryId as number}`);
      expect(handover).toMatchObject({
        fundCode: 'T-H',
        date: cutoff,
        source: 'closing',
        sourceRef: 'HN-T-H',
      });
      expect(handover.description).toContain('Quỹ T (T)');
      expect(handover.description).toContain('Nghị quyết 202/2025/QH15');
      const opening = await get<Entry>(`/api/journal-entries/${merged.openingEntryId as number}`);
      expect(opening).toMatchObject({ fundCode: 'T', date: cutoff, source: 'opening' });

      // The district ends at zero on the cutoff; the province holds its balances.
      const accounts = await get<{ code: string; balance: string }[]>('/api/funds/T-H/accounts');
      expect(accounts.filter((a) => a.balance !== '0')).toEqual([]);
      const province = await get<{ code: string; balance: string }[]>('/api/funds/T/accounts');
      expect(province.find((a) => a.code === '141')?.balance).toBe('5000000');
      expect(province.find((a) => a.code === '111')?.balance).toBe('3000000');

      const district = await get<{ status: string; validTo: string; parentCode: string }>('/api/funds/T-H');
      expect(district).toMatchObject({ status: 'closed', validTo: cutoff, parentCode: 'T' });
      const funds = await get<{ code: string; parentCode: string | null }[]>('/api/funds');
      expect(funds.filter((f) => f.code.startsWith('T-H-')).map((f) => f.parentCode)).toEqual(['T', 'T']);
      const history = await get<{
        successor: string;
        lockedThrough: string;
        closedOn: string;
        mergedInto: object;
      }>('/api/funds/T-H/closings');
      expect(history).toMatchObject({ successor: 'T', lockedThrough: cutoff, closedOn: cutoff });
      expect(history.mergedInto).toMatchObject({
        predecessor: 'T-H',
        successor: 'T',
        handoverEntryId: merged.handoverEntryId,
      });
      const successor = await get<{ mergedIn: { predecessor: string }[] }>('/api/funds/T/closings');
      expect(successor.mergedIn.map((m) => m.predecessor)).toEqual(['T-H']);
    });

    it('keeps the district history, receipts and vouchers under its own code', async () => {
      const journal = await get<{ items: Entry[]; total: number }>(
        '/api/journal-entries?fund=T-H&pageSize=100',
      );
      expect(journal.items.every((e) => e.fundCode === 'T-H')).toBe(true);
      expect(journal.items.map((e) => e.source)).toEqual([
        'manual',
        'transfer',
        'contribution',
        'disbursement',
        'manual',
        'manual',
        'closing',
        'closing',
      ]);
      const contribution = await get<{ receiptNo: string; fundCode: string }>(
        `/api/contributions/${contributionId}`,
      );
      expect(contribution).toMatchObject({ receiptNo: 'XN-2025-000001', fundCode: 'T-H' });
      const payout = await get<{ voucherNo: string; fundCode: string }>(`/api/disbursements/${paidPayoutId}`);
      expect(payout).toMatchObject({ voucherNo: 'UNC-2025-000001', fundCode: 'T-H' });
      const voucher = await t.http
        .get(`/api/disbursements/${paidPayoutId}/voucher.pdf`)
        .set(bearer(auditor.token));
      expect(voucher.status).toBe(200);
    });

    it('takes no posting into the district any more, and no second merger', async () => {
      const messages = expectError(
        await post(
          '/api/journal-entries',
          {
            fundCode: 'T-H',
            date: '2025-08-01',
            description: 'Sau sáp nhập',
            lines: [
              { account: '112', debit: 1 },
              { account: '5118', credit: 1 },
            ],
          },
          accountant.token,
        ),
        422,
      );
      expect(messages.join(' ')).toContain('fund T-H is closed: merged into T (Quỹ T) on 2025-06-30');
      expectError(await merge(body), 409);
      await t.newFund('V', 'province');
      expect(expectError(await merge({ ...body, into: 'T-H' }, t.adminToken, 'V'), 422).join(' ')).toContain(
        'fund T-H is closed',
      );
      expectError(await post('/api/funds/T-H/close-year', { year: 2024 }, t.adminToken), 422);
    });

    it('refuses a payout request on the closed district with 422, and writes nothing (issue 15, defect 3)', async () => {
      const household = await created(
        '/api/beneficiaries',
        { fullName: 'Lò Văn Páo', category: 'war_invalid', commune: 'Xã Bản Vược', birthYear: 1950 },
        accountant.token,
      );
      const before = await t.counts();
      const refused = await post(
        '/api/disbursements',
        {
          fundCode: 'T-H',
          beneficiaryId: household.id,
          purpose: 'visit_gift',
          amount: 500_000,
          date: '2025-08-01',
          method: 'cash',
        },
        accountant.token,
      );
      expect(expectError(refused, 422).join(' ')).toContain('fund T-H is closed');
      expect(await t.counts()).toEqual(before);
    });

    it('leaves the consolidated province figures as they were: same receipts, same cash and bank', async () => {
      for (const asOf of [cutoff, '2025-12-31']) {
        const after = await trialBalance('T', asOf, true);
        expect(after.eliminatedMergers).toBe(1);
        expect(after.eliminatedTransfers).toBe(1);
        expect(receiptsIn(after)).toBe(receiptsIn(before[asOf]));
        expect(receiptsIn(after)).toBe('122000000');
        expect(cashAndBank(after)).toBe(cashAndBank(before[asOf]));
        for (const account of ['111', '112', '141', '338']) {
          expect(row(after, account)).toEqual(row(before[asOf], account));
        }
        expect(after.totalDebit).toBe(after.totalCredit);
      }
      const after = await statement();
      expect(after.receipts.total).toBe('122000000');
      expect(after.disbursements.total).toBe('2000000');
      for (const figure of ['openingBalance', 'closingBalance', 'otherMovements'] as const) {
        expect([figure, after[figure]]).toEqual([figure, statementBefore[figure]]);
      }
      expect(after.receipts).toEqual(statementBefore.receipts);
      expect(after.disbursements).toEqual(statementBefore.disbursements);
      // Inside the province the merger moved balances; the district alone shows them leaving.
      expect(cashAndBank(await trialBalance('T-H', cutoff))).toBe('0');
      expect((await verify()).ok).toBe(true);
    });
  });

  // Issue 15, defect 2, for year-end closes too: a close, a reopening, a transfer into the reopened year, a second
  // close and a reversal of a transfer leave the consolidated 5121 and 6121 at zero at every step.
  describe('year-end closes and reopenings in a consolidation that holds both sides of its transfers', () => {
    const zero = async (label: string) => {
      for (const asOf of ['2023-12-31', '2024-12-31']) {
        const tb = await trialBalance('YA', asOf, true);
        expect([label, asOf, row(tb, '5121'), row(tb, '6121')]).toEqual([label, asOf, undefined, undefined]);
        expect(tb.totalDebit).toBe(tb.totalCredit);
      }
      const s = await get<StatementBody>(
        '/api/reports/statement?fund=YA&from=2023-01-01&to=2024-12-31&consolidated=true',
      );
      expect([label, s.receipts.total, s.disbursements.total]).toEqual([label, '100000000', '0']);
    };

    it('keeps 5121 and 6121 at zero through closes, a reopening and a reversal', async () => {
      await t.newFund('YA', 'province');
      await t.newFund('YA-C', 'commune', 'YA');
      await t.newFund('YA-D', 'commune', 'YA');
      await entry('YA', '2023-02-01', [
        ['112', 'debit', 100_000_000],
        ['5111', 'credit', 100_000_000],
      ]);
      const transfer = (toFund: string, amount: number, date: string) =>
        created('/api/transfers', { fromFund: 'YA', toFund, amount, date, method: 'bank' }, accountant.token);
      await transfer('YA-C', 30_000_000, '2023-05-01');
      await zero('transfer');
      await created('/api/funds/YA/close-year', { year: 2023 }, approver.token);
      await zero('sender closed');
      await created('/api/funds/YA-C/close-year', { year: 2023 }, approver.token);
      await zero('both closed');
      await created(
        '/api/funds/YA/reopen-year',
        { year: 2023, reason: 'Bổ sung chứng từ' },
        t.adminToken,
        200,
      );
      await zero('sender reopened');
      // The commune's 2023 stays closed: the late transfer goes to the other commune.
      const late = await transfer('YA-D', 5_000_000, '2023-11-01');
      await created('/api/funds/YA/close-year', { year: 2023 }, approver.token);
      await zero('sender closed again');
      await created(
        `/api/transfers/${late.id}/reverse`,
        { date: '2024-02-01', reason: 'Chuyển nhầm' },
        accountant.token,
      );
      await zero('transfer reversed');
      expect((await verify()).ok).toBe(true);
    });
  });

  // Issue 15, defects 1 and 2: the hand-built books of the report. TW above two provinces VP and HN; VP's districts
  // VP-D1 (with commune VP-D1-C1) and VP-D2; LONE, a province of no hierarchy.
  describe('mergers stay in their line, and leave every consolidation holding both sides as it was', () => {
    const cutoff = '2025-06-30';
    const full = (fund: string) =>
      get<StatementBody>(
        `/api/reports/statement?fund=${fund}&from=2024-01-01&to=2025-12-31&consolidated=true`,
      );
    const merge = (code: string, body: object) =>
      post(`/api/funds/${code}/merge`, { cutoff, note: 'x', ...body }, t.adminToken);
    const figures = (s: StatementBody) => ({
      receipts: s.receipts.total,
      disbursements: s.disbursements.total,
      closingBalance: s.closingBalance,
    });
    const before: Record<string, StatementBody> = {};

    beforeAll(async () => {
      await t.newFund('TW', 'central');
      await t.newFund('VP', 'province', 'TW');
      await t.newFund('HN', 'province', 'TW');
      await t.newFund('LONE', 'province');
      await t.newFund('VP-D1', 'district', 'VP');
      await t.newFund('VP-D2', 'district', 'VP');
      await t.newFund('VP-D1-C1', 'commune', 'VP-D1');
      await entry('VP', '2024-03-01', [
        ['112', 'debit', 1_000_000_000],
        ['5111', 'credit', 1_000_000_000],
      ]);
      await entry('VP-D1', '2024-04-01', [
        ['112', 'debit', 200_000_000],
        ['5112', 'credit', 200_000_000],
      ]);
      await entry('VP-D2', '2025-01-20', [
        ['112', 'debit', 174_000_000],
        ['5114', 'credit', 174_000_000],
      ]);
      await entry('VP-D1', '2025-02-10', [
        ['6113', 'debit', 10_000_000],
        ['112', 'credit', 10_000_000],
      ]);
      await entry('HN', '2025-01-05', [
        ['112', 'debit', 60_000_000],
        ['5111', 'credit', 60_000_000],
      ]);
      await created(
        '/api/transfers',
        { fromFund: 'VP-D1', toFund: 'VP-D1-C1', amount: 50_000_000, date: '2025-03-01', method: 'bank' },
        accountant.token,
      );
      for (const fund of ['TW', 'VP', 'HN']) before[fund] = await full(fund);
    });

    it("refuses a merger outside the line without an admin's reason, and one with no common ancestor (defect 1)", async () => {
      const counts = await t.counts();
      const outside = expectError(await merge('VP-D2', { into: 'HN' }), 422).join(' ');
      expect(outside).toContain('fund VP-D2 may be merged only into its parent VP; HN is outside its line');
      expect(outside).toContain('crossHierarchyReason');
      expect(
        expectError(
          await merge('VP-D2', { into: 'LONE', crossHierarchyReason: 'Quyết định điều chuyển' }),
          422,
        ).join(' '),
      ).toContain('funds VP-D2 and LONE have no common ancestor');
      expectError(await merge('VP-D2', { into: 'HN', crossHierarchyReason: '' }), 400);
      expect(await t.counts()).toEqual(counts);
    });

    it('merges a district into its parent: consolidated 5121 and 6121 stay at zero (defect 2)', async () => {
      const merged = await created(
        '/api/funds/VP-D1/merge',
        { into: 'VP', cutoff, note: 'NQ 202/2025/QH15' },
        t.adminToken,
      );
      expect(merged.crossHierarchy).toBeNull();
      for (const fund of ['VP', 'TW']) {
        for (const asOf of [cutoff, '2025-12-31']) {
          const tb = await trialBalance(fund, asOf, true);
          expect([fund, asOf, row(tb, '5121'), row(tb, '6121')]).toEqual([fund, asOf, undefined, undefined]);
          expect(tb.totalDebit).toBe(tb.totalCredit);
        }
        expect(figures(await full(fund))).toEqual(figures(before[fund]));
      }
      // The district's own books still show what it sent, closed into 431 with the rest.
      expect(row(await trialBalance('VP-D1', cutoff), '6121')).toMatchObject({
        debit: '50000000',
        credit: '50000000',
      });
    });

    it("merges the commune into its parent's successor, still leaving the province's figures as they were", async () => {
      const merged = await created(
        '/api/funds/VP-D1-C1/merge',
        { into: 'VP', cutoff, note: 'x' },
        t.adminToken,
      );
      expect(merged.crossHierarchy).toBeNull();
      for (const fund of ['VP', 'TW']) {
        const tb = await trialBalance(fund, '2025-12-31', true);
        expect([row(tb, '5121'), row(tb, '6121')]).toEqual([undefined, undefined]);
        expect(figures(await full(fund))).toEqual(figures(before[fund]));
      }
    });

    it('merges across hierarchies with a reason: the common ancestor keeps its figures, the others are named', async () => {
      const merged = await created(
        '/api/funds/VP-D2/merge',
        { into: 'HN', cutoff, note: 'x', crossHierarchyReason: 'Quyết định 99/QĐ-TTg điều chuyển địa giới' },
        t.adminToken,
      );
      expect(merged.crossHierarchy).toEqual({
        reason: 'Quyết định 99/QĐ-TTg điều chuyển địa giới',
        commonAncestor: 'TW',
        leaves: ['VP'],
        enters: ['HN'],
      });
      expect(figures(await full('TW'))).toEqual(figures(before.TW));
      const history = await get<{ mergedInto: { crossHierarchyReason: string } }>(
        '/api/funds/VP-D2/closings',
      );
      expect(history.mergedInto.crossHierarchyReason).toBe('Quyết định 99/QĐ-TTg điều chuyển địa giới');
      // VP loses the district's balance, HN gains it: that is what the admin's reason is for.
      const vp = BigInt((await full('VP')).closingBalance);
      expect(vp).toBe(BigInt(before.VP.closingBalance) - 174_000_000n);
      expect((await verify()).ok).toBe(true);
    });
  });
});
