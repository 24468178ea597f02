import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { createUser, expectError, TestUser } from '../support/http';

// Issue 15, defect 6: two identical lines in one statement file (same date, amount, direction and reference) were
// imported as two credits and inflated the statement balance. Now the repeat is flagged in the answer and held
// pending until an accountant keeps it (a real repeat) or drops it, with a reason.

interface Repeat {
  lines: number[];
  date: string;
  amount: string;
  direction: 'in' | 'out';
  reference: string | null;
  pendingLineIds: number[];
}

interface DuplicateLine {
  statementId: number;
  lineId: number;
  lineNo: number;
  repeatsLineNo: number;
  amount: string;
  status: string;
  decision: 'keep' | 'drop' | null;
  reason: string | null;
  decidedBy: string | null;
}

interface Report {
  statementBalance: string;
  unmatchedStatementLines: { id: number; lineNo: number; status: string }[];
  counts: Record<string, number>;
}

const STATEMENT = [
  'Ngày,Số tiền,Loại,Số tham chiếu,Diễn giải',
  '05/07/2023,10.000.000,Thu,XN-2023-000001,Nộp tiền ủng hộ quỹ', // line 2
  '05/07/2023,10.000.000,Thu,XN-2023-000001,Nộp tiền ủng hộ quỹ', // line 3: the bank's export repeated line 2
  '06/07/2023,500.000,Thu,,Ủng hộ qua ứng dụng', // line 4
  '06/07/2023,500.000,Thu,,Ủng hộ qua ứng dụng', // line 5: a second, real gift of the same amount that day
  '31/07/2023,22.000,Chi,,Phí quản lý tài khoản', // line 6
].join('\n');

let t: TestApp;
let accountant: TestUser;
let statementId: number;
let repeats: Repeat[];

const upload = (csv: string, name: string) =>
  t.http
    .post('/api/funds/LC/bank-statements')
    .set(bearer(accountant.token))
    .attach('file', Buffer.from(csv), name);
const decide = (lineId: number, body: object, user = accountant, statement = statementId) =>
  t.http.post(`/api/bank-statements/${statement}/duplicates/${lineId}`).set(bearer(user.token)).send(body);
/** The statement lines' states and the decisions: what a refused decision must leave as it was. */
const bankState = async (): Promise<unknown[]> => [
  await t.dataSource.query<unknown[]>('SELECT id, status FROM bank_statement_lines ORDER BY id'),
  await t.dataSource.query<unknown[]>('SELECT * FROM bank_statement_duplicates ORDER BY id'),
];
const report = async (): Promise<Report> =>
  (
    await t.http
      .get('/api/funds/LC/bank-reconciliation?from=2023-07-01&to=2023-07-31')
      .set(bearer(accountant.token))
      .expect(200)
  ).body as Report;

describe(`repeated lines in one bank statement (${DB_LABEL})`, () => {
  beforeAll(async () => {
    t = await startTestApp();
    await t.newFund('LC', 'province');
    await t.newFund('YB', 'province');
    accountant = await createUser(t, 'accountant');
    const donor = await t.http
      .post('/api/donors')
      .set(bearer(accountant.token))
      .send({ name: 'Công ty CP Khoáng sản Lào Cai', kind: 'enterprise' })
      .expect(201);
    await t.http
      .post('/api/contributions')
      .set(bearer(accountant.token))
      .send({
        fundCode: 'LC',
        donorId: (donor.body as { id: number }).id,
        date: '2023-07-05',
        amount: 10_000_000,
        method: 'bank',
      })
      .expect(201);
  }, 120_000);
  afterAll(() => t.close());

  it('flags each repeat in the import answer and holds it pending, listing the lines it repeats', async () => {
    const res = await upload(STATEMENT, 'sao-ke-07-2023.csv');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ linesTotal: 5, imported: 5, skipped: 0, repeatedLineCount: 2 });
    statementId = (res.body as { statementId: number }).statementId;
    repeats = (res.body as { duplicates: Repeat[] }).duplicates;
    expect(repeats).toEqual([
      {
        lines: [2, 3],
        date: '2023-07-05',
        amount: '10000000',
        direction: 'in',
        reference: 'XN-2023-000001',
        pendingLineIds: [expect.any(Number)],
      },
      {
        lines: [4, 5],
        date: '2023-07-06',
        amount: '500000',
        direction: 'in',
        reference: null,
        pendingLineIds: [expect.any(Number)],
      },
    ]);
    const statuses = await t.dataSource.query<{ line_no: number; status: string }[]>(
      `SELECT line_no, status FROM bank_statement_lines WHERE statement_id = ${statementId} ORDER BY line_no`,
    );
    expect(statuses.map((l) => [Number(l.line_no), l.status])).toEqual([
      [2, 'unmatched'],
      [3, 'pending'],
      [4, 'unmatched'],
      [5, 'pending'],
      [6, 'unmatched'],
    ]);
  });

  it('never matches a pending line', async () => {
    const run = await t.http
      .post('/api/funds/LC/bank-reconciliation/match')
      .set(bearer(accountant.token))
      .send({ from: '2023-07-01', to: '2023-07-31' })
      .expect(201);
    const body = run.body as {
      statementLinesConsidered: number;
      matches: { statementLines: { lineNo: number }[] }[];
    };
    expect(body.statementLinesConsidered).toBe(3);
    expect(body.matches.flatMap((m) => m.statementLines.map((l) => l.lineNo))).toEqual([2]);
    const r = await report();
    expect(r.unmatchedStatementLines.filter((l) => l.status === 'pending').map((l) => l.lineNo)).toEqual([
      3, 5,
    ]);
  });

  it('checks a decision: a reason is required, auditors may not decide, only a repeat can be decided', async () => {
    const [dropped] = repeats[0].pendingLineIds;
    const before = await bankState();
    expectError(await decide(dropped, { action: 'drop' }), 400);
    expectError(await decide(dropped, { action: 'delete', reason: 'x' }), 400);
    expectError(await decide(dropped, { action: 'drop', reason: '   ' }), 400);
    expectError(await decide(dropped, { action: 'drop', reason: 'x' }, await createUser(t, 'auditor')), 403);
    const first = (await report()).unmatchedStatementLines.find((l) => l.lineNo === 4);
    expectError(await decide(first!.id, { action: 'drop', reason: 'x' }), 404);
    expectError(await decide(dropped, { action: 'drop', reason: 'x' }, accountant, statementId + 1), 404);
    const other = await createUser(t, 'accountant', 'YB');
    expectError(await decide(dropped, { action: 'drop', reason: 'x' }, other), 404);
    expectError(
      await t.http.get(`/api/bank-statements/${statementId}/duplicates`).set(bearer(other.token)),
      404,
    );
    expect(await bankState()).toEqual(before);
  });

  it('drops the listed-twice line and keeps the real repeat, each once, audited with its reason', async () => {
    const balanceBefore = (await report()).statementBalance;
    expect(balanceBefore).toBe(String(10_000_000 * 2 + 500_000 * 2 - 22_000));

    const [dropped] = repeats[0].pendingLineIds;
    const [kept] = repeats[1].pendingLineIds;
    const drop = await decide(dropped, { action: 'drop', reason: 'Ngân hàng xác nhận chỉ có một giao dịch' });
    expect(drop.status).toBe(200);
    expect(drop.body).toMatchObject({
      lineId: dropped,
      lineNo: 3,
      repeatsLineNo: 2,
      status: 'dropped',
      decision: 'drop',
      reason: 'Ngân hàng xác nhận chỉ có một giao dịch',
      decidedBy: accountant.username,
    });
    const keep = await decide(kept, { action: 'keep', reason: 'Hai người ủng hộ khác nhau' });
    expect(keep.status).toBe(200);
    expect(keep.body).toMatchObject({ lineNo: 5, status: 'unmatched', decision: 'keep' });
    expect(expectError(await decide(dropped, { action: 'keep', reason: 'đổi ý' }), 409)[0]).toMatch(
      /already dropped/,
    );

    const audit = await t.dataSource.query<{ action: string; details: string }[]>(
      "SELECT action, details FROM audit_log WHERE action LIKE '%duplicates%' ORDER BY id",
    );
    expect(audit.map((a) => a.details)).toEqual([
      expect.stringContaining('Ngân hàng xác nhận chỉ có một giao dịch'),
      expect.stringContaining('Hai người ủng hộ khác nhau'),
    ]);

    const listed = (
      await t.http
        .get(`/api/bank-statements/${statementId}/duplicates`)
        .set(bearer(accountant.token))
        .expect(200)
    ).body as DuplicateLine[];
    expect(listed.map((d) => [d.lineNo, d.repeatsLineNo, d.status, d.decision])).toEqual([
      [3, 2, 'dropped', 'drop'],
      [5, 4, 'unmatched', 'keep'],
    ]);
  });

  it('leaves a dropped line out of the statement balance and out of matching; a kept one counts', async () => {
    const r = await report();
    expect(r.statementBalance).toBe(String(10_000_000 + 500_000 * 2 - 22_000));
    expect(r.unmatchedStatementLines.map((l) => l.lineNo)).toEqual([4, 5, 6]);
    expect(r.counts.statementLines).toBe(4);
    const run = await t.http
      .post('/api/funds/LC/bank-reconciliation/match')
      .set(bearer(accountant.token))
      .send({ from: '2023-07-01', to: '2023-07-31' })
      .expect(201);
    expect((run.body as { statementLinesConsidered: number }).statementLinesConsidered).toBe(3);
  });

  it('adds nothing when the file comes again, and still names its repeats', async () => {
    const before = await t.counts();
    const again = await upload(STATEMENT, 'ban-sao.csv').expect(201);
    expect(again.body).toMatchObject({ alreadyImported: true, imported: 0, repeatedLineCount: 2 });
    expect(
      (again.body as { duplicates: Repeat[] }).duplicates.map((d) => [d.lines, d.pendingLineIds]),
    ).toEqual([
      [[2, 3], []],
      [[4, 5], []],
    ]);
    // Other bytes, the same lines: the dropped line's key is still there, so it does not come back either.
    const resaved = await upload(STATEMENT.replace(/\n/g, '\r\n'), 'luu-lai.csv').expect(201);
    expect(resaved.body).toMatchObject({ statementId: null, imported: 0, skipped: 5 });
    expect(await t.counts()).toEqual({ ...before, audit_log: before.audit_log + 2 });
  });
});
