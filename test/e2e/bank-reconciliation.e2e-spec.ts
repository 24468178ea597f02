import * as ExcelJS from 'exceljs';
import { postEntry } from '../support/manual-entries';
import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { createUser, expectError, TestUser } from '../support/http';

interface StatementLine {
  id: number;
  lineNo: number;
  date: string;
  amount: string;
  direction: 'in' | 'out';
  reference: string | null;
  description: string | null;
  status: 'unmatched' | 'matched';
}

interface JournalLine {
  id: number;
  entryId: number;
  date: string;
  direction: 'in' | 'out';
  amount: string;
  sourceRef: string | null;
  description: string;
}

interface Match {
  id: number;
  kind: 'one_to_one' | 'one_to_many';
  status: 'proposed' | 'confirmed' | 'undone';
  basis: string;
  direction: 'in' | 'out';
  amount: string;
  statementLines: StatementLine[];
  journalLines: JournalLine[];
  confirmedBy: string | null;
  undoneBy: string | null;
  undoReason: string | null;
}

interface ImportAnswer {
  statementId: number | null;
  alreadyImported: boolean;
  periodFrom: string;
  periodTo: string;
  linesTotal: number;
  imported: number;
  skipped: number;
  totalIn: string;
  totalOut: string;
}

interface MatchRun {
  proposed: number;
  windowDays: number;
  matches: Match[];
}

interface Report {
  statementBalance: string;
  booksBalance: string;
  matched: Match[];
  proposed: Match[];
  unmatchedStatementLines: StatementLine[];
  unmatchedJournalLines: JournalLine[];
  counts: Record<string, number>;
  differences: Record<string, string>;
}

// The July 2023 statement of fund LC's account 112, as the bank exports it: Vietnamese headers, DD/MM/YYYY dates,
// amounts grouped by dots, and "Thu"/"Chi" for money in and out.
const STATEMENT = [
  'Ngày,Số tiền,Loại,Số tham chiếu,Diễn giải',
  '03/07/2023,55.500.000,Thu,XN-2023-000001,Nộp tiền ủng hộ quỹ', // line 2: receipt 1, same reference
  '05/07/2023,10.000.000,Thu,,Chuyển khoản ủng hộ', // line 3: receipt 2 (a day earlier)
  '08/07/2023,10.000.000,Thu,,Chuyển khoản ủng hộ', // line 4: receipt 3 (same day), not receipt 2
  '11/07/2023,5.000.000,Thu,NT-889,Nộp tiền mặt vào tài khoản', // line 5: receipts 4 + 5
  '13/07/2023,8.000.000,Chi,UNC-15,Chi thăm hỏi gia đình chính sách', // line 6: the payment, by its UNC
  '31/07/2023,22.000,Chi,,Phí quản lý tài khoản', // line 7: a bank fee the books do not have
].join('\n');

let t: TestApp;
let accountant: TestUser;
let auditor: TestUser;
/** Journal line ids (account 112) of the receipts 1–5, the UNC-15 payment and the payment not on the statement. */
const books: Record<string, number> = {};

const post = (path: string, body: object, user = accountant) =>
  t.http.post(path).set(bearer(user.token)).send(body);
const upload = (csv: string, name = 'sao-ke-07-2023.csv', user = accountant) =>
  t.http.post('/api/funds/LC/bank-statements').set(bearer(user.token)).attach('file', Buffer.from(csv), name);
const uploadRaw = (csv: string, name: string) =>
  t.http
    .post(`/api/funds/LC/bank-statements?fileName=${name}`)
    .set(bearer(accountant.token))
    .set('Content-Type', 'text/csv')
    .send(csv);
const match = (body: object = {}) => post('/api/funds/LC/bank-reconciliation/match', body);
const confirm = (id: number, user = accountant) =>
  post(`/api/bank-reconciliation/matches/${id}/confirm`, {}, user);
const undo = (id: number, body: object = {}) => post(`/api/bank-reconciliation/matches/${id}/undo`, body);
const report = async (query = 'from=2023-07-01&to=2023-07-31', user = accountant): Promise<Report> =>
  (await t.http.get(`/api/funds/LC/bank-reconciliation?${query}`).set(bearer(user.token)).expect(200))
    .body as Report;

/** The 112 journal line of an entry. */
async function bankLine(entryId: number): Promise<number> {
  const [row] = await t.dataSource.query<{ id: number }[]>(
    `SELECT l.id FROM journal_lines l JOIN accounts a ON a.id = l.account_id
      WHERE l.entry_id = ${entryId} AND a.code = '112'`,
  );
  return Number(row.id);
}

function delta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.keys(after)
      .filter((table) => after[table] !== before[table])
      .map((table) => [table, after[table] - before[table]]),
  );
}

/** The books' tables: matching, confirming and undoing must leave every one as it was. */
const BOOKS = ['journal_entries', 'journal_lines', 'account_balances', 'chain_head', 'document_series'];
const booksOf = (counts: Record<string, number>) => BOOKS.map((table) => counts[table]);

/** A match as "statement lines → journal lines", by file line and by name. */
function shape(m: Match): string {
  const names = new Map(Object.entries(books).map(([name, id]) => [id, name]));
  const left = m.statementLines.map((l) => `line ${l.lineNo}`).join('+');
  const right = m.journalLines.map((l) => names.get(l.id) ?? `#${l.id}`).join('+');
  return `${left} → ${right}`;
}

describe(`bank/Treasury reconciliation (${DB_LABEL})`, () => {
  beforeAll(async () => {
    t = await startTestApp();
    await t.newFund('LC', 'province');
    await t.newFund('YB', 'province');
    accountant = await createUser(t, 'accountant');
    auditor = await createUser(t, 'auditor');
    const donor = await post('/api/donors', { name: 'Công ty CP Khoáng sản Lào Cai', kind: 'enterprise' });
    const donorId = (donor.body as { id: number }).id;
    const receipts: [string, number][] = [
      ['2023-07-03', 55_500_000],
      ['2023-07-04', 10_000_000],
      ['2023-07-08', 10_000_000],
      ['2023-07-10', 3_000_000],
      ['2023-07-10', 2_000_000],
    ];
    for (const [i, [date, amount]] of receipts.entries()) {
      const res = await post('/api/contributions', { fundCode: 'LC', donorId, date, amount, method: 'bank' });
      expect(res.status).toBe(201);
      expect((res.body as { receiptNo: string }).receiptNo).toBe(`XN-2023-00000${i + 1}`);
      books[`receipt ${i + 1}`] = await bankLine((res.body as { entryId: number }).entryId);
    }
    const payment = (date: string, amount: number, description: string) =>
      postEntry(t, accountant.token, {
        fundCode: 'LC',
        date,
        description,
        lines: [
          { account: '6113', debit: amount },
          { account: '112', credit: amount },
        ],
      });
    const unc = await payment('2023-07-12', 8_000_000, 'Chi thăm hỏi gia đình chính sách theo UNC-15');
    books['UNC-15 payment'] = await bankLine((unc.body as { id: number }).id);
    const pending = await payment(
      '2023-07-28',
      1_200_000,
      'Chi hỗ trợ khó khăn (ủy nhiệm chi chưa qua ngân hàng)',
    );
    books['pending payment'] = await bankLine((pending.body as { id: number }).id);
  });
  afterAll(() => t.close());

  it('refuses a file with bad lines with every line number (422), and writes nothing', async () => {
    const before = await t.counts();
    const bad = [
      'date,amount,direction,reference,description',
      '2023-07-03,1000,in,,',
      '31/02/2023,1000,in,,', // line 3
      '2023-07-04,12.5,out,,', // line 4
      '2023-07-05,1000,sideways,,', // line 5
      '2099-01-01,1000,in,,', // line 6
    ].join('\n');
    const res = await upload(bad, 'hong.csv');
    expect(res.status).toBe(422);
    const body = res.body as { message: string[]; badRows: { line: number; errors: string[] }[] };
    expect(body.badRows.map((r) => r.line)).toEqual([3, 4, 5, 6]);
    expect(body.message).toEqual([
      'line 3: date 31/02/2023 is not a real calendar date',
      'line 4: amount "12.5" must be whole đồng: digits, optionally grouped by dots (55.500.000), without a fraction',
      'line 5: direction "sideways" is not one of in, out (or credit, debit; thu, chi; có, nợ)',
      'line 6: date 2099-01-01 is in the future',
      '4 of 5 statement lines are bad; nothing was imported',
    ]);
    expect(await t.counts()).toEqual(before);

    const noDirection = expectError(await upload('date,amount\n2023-07-03,1000\n', 'x.csv'), 400);
    expect(noDirection[0]).toBe('line 1: the header has no direction column (in/out, credit/debit, thu/chi)');
    expectError(await upload('date,amount,direction\n', 'empty.csv'), 400);
    expectError(
      await t.http
        .post('/api/funds/NOPE/bank-statements')
        .set(bearer(accountant.token))
        .attach('file', Buffer.from(STATEMENT), 's.csv'),
      404,
    );
    expect(await t.counts()).toEqual(before);
  });

  it('imports the statement as unmatched lines, touching no books', async () => {
    const before = await t.counts();
    const res = await upload(STATEMENT);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      alreadyImported: false,
      periodFrom: '2023-07-03',
      periodTo: '2023-07-31',
      linesTotal: 6,
      imported: 6,
      skipped: 0,
      totalIn: '80500000',
      totalOut: '8022000',
    });
    expect(delta(before, await t.counts())).toEqual({
      audit_log: 1,
      bank_statements: 1,
      bank_statement_lines: 6,
    });
  });

  it('adds nothing when the same statement, or lines already there, are imported again', async () => {
    const before = await t.counts();
    const again = (await upload(STATEMENT, 'ban-sao.csv').expect(201)).body as ImportAnswer;
    expect(again).toMatchObject({ alreadyImported: true, imported: 0, skipped: 6 });
    // Another export of the same days (other wording, other file) brings in only the line not seen before.
    const overlapping = [
      'date,amount,direction,reference,description',
      '2023-07-13,8000000,debit,UNC-15,CHI THAM HOI',
      '2023-07-31,22000,debit,,PHI QLTK',
      '2023-08-01,15000,credit,,Lãi tiền gửi tháng 7',
    ].join('\r\n');
    const next = (await uploadRaw(overlapping, 'sao-ke-13-07-den-01-08.csv').expect(201))
      .body as ImportAnswer;
    expect(next).toMatchObject({ alreadyImported: false, imported: 1, skipped: 2, periodTo: '2023-08-01' });
    const twice = (await uploadRaw(overlapping, 'lan-hai.csv').expect(201)).body as ImportAnswer;
    expect(twice).toMatchObject({ alreadyImported: true, imported: 0 });
    // Other bytes (Windows line ends), the same lines: no new statement at all.
    const resaved = (await upload(STATEMENT.replace(/\n/g, '\r\n'), 'luu-lai.csv').expect(201))
      .body as ImportAnswer;
    expect(resaved).toMatchObject({ statementId: null, alreadyImported: false, imported: 0, skipped: 6 });
    const counts = delta(before, await t.counts());
    expect(counts).toEqual({ audit_log: 4, bank_statements: 1, bank_statement_lines: 1 });
  });

  it('reads an XLSX export with separate "Ghi nợ" / "Ghi có" columns and date cells', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Sao kê');
    sheet.addRow(['STT', 'Ngày giao dịch', 'Số tham chiếu', 'Ghi nợ', 'Ghi có', 'Số dư', 'Nội dung']);
    sheet.addRow([1, new Date(Date.UTC(2023, 6, 3)), 'FT001', null, 2_000_000, 2_000_000, 'Ủng hộ quỹ']);
    sheet.addRow([2, new Date(Date.UTC(2023, 6, 4)), 'FT002', '500.000', null, 1_500_000, 'Chi thăm hỏi']);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    const res = await t.http
      .post('/api/funds/YB/bank-statements')
      .set(bearer(accountant.token))
      .attach('file', file, 'sao-ke.xlsx');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ linesTotal: 2, imported: 2, totalIn: '2000000', totalOut: '500000' });
    const r = (
      await t.http
        .get('/api/funds/YB/bank-reconciliation?to=2023-07-31')
        .set(bearer(accountant.token))
        .expect(200)
    ).body as Report;
    expect(r.unmatchedStatementLines.map((l) => [l.date, l.direction, l.amount, l.reference])).toEqual([
      ['2023-07-03', 'in', '2000000', 'FT001'],
      ['2023-07-04', 'out', '500000', 'FT002'],
    ]);
    expect(r).toMatchObject({ statementBalance: '1500000', booksBalance: '0' });
  });

  describe('matching', () => {
    let run: MatchRun;
    const byLine = (lineNo: number) => {
      const found = run.matches.find((m) => m.statementLines.some((l) => l.lineNo === lineNo));
      if (!found) throw new Error(`no match for line ${lineNo}`);
      return found;
    };

    beforeAll(async () => {
      const before = await t.counts();
      const res = await match({ from: '2023-07-01', to: '2023-07-31' });
      expect(res.status).toBe(201);
      run = res.body as MatchRun;
      const after = await t.counts();
      expect(booksOf(after)).toEqual(booksOf(before));
      expect(delta(before, after)).toEqual({ audit_log: 1, bank_matches: 5, bank_match_items: 11 });
    });

    it('proposes the expected matches: by reference, by closest date, and a deposit of two receipts', () => {
      expect(run.windowDays).toBe(3);
      expect(run.proposed).toBe(5);
      expect(run.matches.map(shape).sort()).toEqual(
        [
          'line 2 → receipt 1',
          'line 3 → receipt 2',
          'line 4 → receipt 3',
          'line 5 → receipt 4+receipt 5',
          'line 6 → UNC-15 payment',
        ].sort(),
      );
      expect(run.matches.every((m) => m.status === 'proposed')).toBe(true);
      expect(byLine(2)).toMatchObject({
        kind: 'one_to_one',
        basis: 'same reference XN-2023-000001; same day',
        direction: 'in',
        amount: '55500000',
      });
      expect(byLine(5)).toMatchObject({
        kind: 'one_to_many',
        basis: 'sum of 2 book lines; at most 1 day apart',
        amount: '5000000',
      });
      expect(byLine(5).journalLines.map((l) => l.sourceRef)).toEqual(['XN-2023-000004', 'XN-2023-000005']);
      expect(byLine(6)).toMatchObject({
        basis: 'reference UNC-15 in the entry; 1 day apart',
        direction: 'out',
      });
    });

    it('reports the balances, the proposals, and exactly the fee and the missing entry as unmatched', async () => {
      const r = await report();
      expect(r.statementBalance).toBe('72478000');
      expect(r.booksBalance).toBe('71300000');
      expect(r.matched).toEqual([]);
      expect(r.proposed.map(shape).sort()).toEqual(run.matches.map(shape).sort());
      expect(r.unmatchedStatementLines).toEqual([
        expect.objectContaining({
          lineNo: 7,
          date: '2023-07-31',
          amount: '22000',
          direction: 'out',
          description: 'Phí quản lý tài khoản',
          status: 'unmatched',
        }),
      ]);
      expect(r.unmatchedJournalLines).toEqual([
        expect.objectContaining({ id: books['pending payment'], amount: '1200000', direction: 'out' }),
      ]);
      expect(r.differences).toMatchObject({
        statementIn: '80500000',
        statementOut: '8022000',
        booksDebit: '80500000',
        booksCredit: '9200000',
        movement: '1178000',
        unmatchedStatementOut: '22000',
        unmatchedBooksCredit: '1200000',
        explained: '1178000',
        unexplained: '0',
        balance: '1178000',
      });
      // Readable by every role.
      expect((await report(undefined, auditor)).statementBalance).toBe('72478000');
    });

    it('does not propose a line twice when matching runs again', async () => {
      const again = (await match().expect(201)).body as MatchRun;
      expect(again.proposed).toBe(0);
    });

    it('confirms a proposal (accountants only), once, without touching the books', async () => {
      const id = byLine(2).id;
      expectError(await confirm(id, auditor), 403);
      const before = await t.counts();
      const res = await confirm(id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, status: 'confirmed', confirmedBy: accountant.username });
      const after = await t.counts();
      expect(booksOf(after)).toEqual(booksOf(before));
      expect(delta(before, after)).toEqual({ audit_log: 1 });
      expectError(await confirm(id), 409);
      expectError(await confirm(999_999), 404);
      const r = await report();
      expect(r.matched.map(shape)).toEqual(['line 2 → receipt 1']);
      expect(r.proposed).toHaveLength(4);
    });

    it('undoes a proposal, freeing both sides, and never proposes that pairing again', async () => {
      const deposit = byLine(5);
      const res = await undo(deposit.id, { reason: 'Nộp tiền mặt của hai phiếu khác' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'undone', undoReason: 'Nộp tiền mặt của hai phiếu khác' });
      expectError(await undo(deposit.id), 409);
      expectError(await confirm(deposit.id), 409);

      const r = await report();
      expect(r.unmatchedStatementLines.map((l) => l.lineNo)).toEqual([5, 7]);
      expect(r.unmatchedJournalLines.map((l) => l.id)).toEqual([
        books['receipt 4'],
        books['receipt 5'],
        books['pending payment'],
      ]);
      expect(r.differences.unexplained).toBe('0');
      expect(((await match().expect(201)).body as MatchRun).proposed).toBe(0);
    });

    it('undoes a confirmed match, after which that pairing is never proposed again (issue 15, defect 5)', async () => {
      const id = byLine(2).id;
      const before = await t.counts();
      expect((await undo(id).expect(200)).body).toMatchObject({
        status: 'undone',
        undoneBy: accountant.username,
      });
      expect(booksOf(await t.counts())).toEqual(booksOf(before));
      const r = await report();
      expect(r.matched).toEqual([]);
      expect(r.unmatchedStatementLines.map((l) => l.lineNo)).toEqual([2, 5, 7]);

      const again = (await match({ windowDays: 0 }).expect(201)).body as MatchRun;
      expect(again.proposed).toBe(0);
      expect(again.matches).toEqual([]);
      const wider = (await match({ windowDays: 10 }).expect(201)).body as MatchRun;
      expect(wider.matches.map(shape)).not.toContain('line 2 → receipt 1');
      expect((await report()).unmatchedStatementLines.map((l) => l.lineNo)).toContain(2);
    });

    it("keeps a user limited to another fund out of this fund's reconciliation", async () => {
      const other = await createUser(t, 'accountant', 'YB');
      const before = await t.counts();
      expectError(await upload(STATEMENT, 'x.csv', other), 403);
      expectError(await post('/api/funds/LC/bank-reconciliation/match', {}, other), 403);
      expectError(await confirm(byLine(3).id, other), 403);
      expectError(await post(`/api/bank-reconciliation/matches/${byLine(3).id}/undo`, {}, other), 403);
      expectError(await t.http.get('/api/funds/LC/bank-reconciliation').set(bearer(other.token)), 403);
      expect(await t.counts()).toEqual(before);
    });

    it('checks the request', async () => {
      const before = await t.counts();
      expectError(await match({ windowDays: 40 }), 400);
      expectError(await match({ from: '2023-08-01', to: '2023-07-01' }), 400);
      expectError(await match({ from: '01/07/2023' }), 400);
      expectError(await undo(byLine(3).id, { reason: 'x'.repeat(301) }), 400);
      const bad = await t.http
        .get('/api/funds/LC/bank-reconciliation?from=2023-07-31&to=2023-07-01')
        .set(bearer(accountant.token));
      expectError(bad, 400);
      expectError(await post('/api/funds/NOPE/bank-reconciliation/match', {}), 404);
      expect(await t.counts()).toEqual(before);
    });
  });
});
