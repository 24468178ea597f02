import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { ApiFactory, idOf } from '../support/factories';
import { bankReceipt, createUser, expectError, TestUser } from '../support/http';
import { keepSample } from '../support/document-views';
import { binaryParser, pdfText } from '../support/pdf';

/**
 * Issue 10 item 3: a receipt or voucher dated before the latest of its series is a late entry (ghi bổ sung). It
 * is refused without an approver's confirmation (409, rule late_entry, in Vietnamese by default); with one, it
 * takes the next number and is marked on the document and in the books. The maker asks and posts; a different
 * approver confirms.
 */
let t: TestApp;
let make: ApiFactory;
let accountant: TestUser;
let approver: TestUser;
let cashier: TestUser;
let donorId: number;

const post = (path: string, token: string, body: object = {}) =>
  t.http.post(path).set(bearer(token)).send(body);
const gift = (date: string, amount: number, extra: object = {}, token = accountant.token) =>
  post('/api/contributions', token, { fundCode: 'LE', donorId, date, amount, method: 'cash', ...extra });
const askLate = (body: object, token = accountant.token) =>
  post('/api/late-entries', token, { fundCode: 'LE', kind: 'receipt', method: 'cash', ...body });
/** The PDF's text; kept in DOCS_SAMPLES_DIR, when set, to look at. */
const pdf = async (url: string, name = 'late-entry') =>
  pdfText(
    keepSample(
      (await t.http.get(url).set(bearer(accountant.token)).buffer(true).parse(binaryParser).expect(200))
        .body as Buffer,
      `e2e-${name}`,
    ),
  );

describe(`late entries (ghi bổ sung) (${DB_LABEL})`, () => {
  beforeAll(async () => {
    t = await startTestApp();
    make = new ApiFactory(t);
    await t.newFund('LE', 'province');
    accountant = await createUser(t, 'accountant');
    approver = await createUser(t, 'approver');
    cashier = await createUser(t, 'cashier');
    donorId = idOf(
      await make.post('/api/donors', { name: 'Nguyễn Thị Lan', kind: 'individual', address: 'Lào Cai' }),
    );
    await make.post('/api/journal-entries', bankReceipt('LE', '2024-01-01', 50_000_000));
    expect((await gift('2024-01-04', 1_000_000).expect(201)).body.receiptNo).toBe('PT-2024-000001');
    expect((await gift('2024-02-10', 2_000_000).expect(201)).body.receiptNo).toBe('PT-2024-000002');
  }, 60_000);
  afterAll(() => t.close());

  it('refuses a receipt dated before the latest of its series with a 409 naming the rule, in Vietnamese by default', async () => {
    const before = await t.counts();
    const vi = expectError(await gift('2024-01-02', 3_000_000).unset('Accept-Language'), 409);
    expect(vi).toEqual([
      'quy tắc late_entry: chứng từ ngày 2024-01-02 có ngày trước PT-2024-000002, chứng từ mới nhất của sổ PT năm 2024 ' +
        '(ngày 2024-02-10); chứng từ ghi bổ sung cần người duyệt xác nhận: đề nghị qua POST /api/late-entries rồi gửi kèm lateEntryId',
    ]);
    const en = expectError(await gift('2024-01-02', 3_000_000), 409);
    expect(en[0]).toMatch(/^rule late_entry: a document dated 2024-01-02 comes before PT-2024-000002/);
    expect(await t.counts()).toEqual(before);
    // The same day as the latest, or later, is in order; another series (bank, XN) has its own latest date.
    expect((await gift('2024-02-10', 1_000).expect(201)).body.receiptNo).toBe('PT-2024-000003');
    expect((await gift('2024-01-02', 1_000, { method: 'bank' }).expect(201)).body.receiptNo).toBe(
      'XN-2024-000001',
    );
  });

  it('asks, confirms (never the one who asked) and posts (never the one who confirmed), then takes the next number', async () => {
    expectError(await askLate({ date: '2024-03-01', amount: 3_000_000, reason: 'Không muộn' }), 409);
    const asked = await askLate({
      date: '2024-01-02',
      amount: 3_000_000,
      reason: 'Chứng từ gốc xã nộp muộn',
    }).expect(201);
    const id = idOf(asked);
    expect(asked.body).toMatchObject({
      status: 'requested',
      series: 'PT',
      date: '2024-01-02',
      amount: '3000000',
    });

    // Not yet confirmed: still refused.
    expect(expectError(await gift('2024-01-02', 3_000_000, { lateEntryId: id }), 409)[0]).toMatch(
      /late entry \d+ is requested; an approver must confirm it first/,
    );
    // An accountant may not confirm; whoever asked may not either (admin here), and admin then may not post it.
    expect((await post(`/api/late-entries/${id}/confirm`, accountant.token)).status).toBe(403);
    const adminAsked = idOf(
      await askLate({ date: '2024-01-03', amount: 7_000, reason: 'Bổ sung' }, t.adminToken).expect(201),
    );
    expect(expectError(await post(`/api/late-entries/${adminAsked}/confirm`, t.adminToken), 422)[0]).toMatch(
      /asked for late entry \d+ and may not confirm it; another approver must/,
    );
    await post(`/api/late-entries/${adminAsked}/confirm`, approver.token).expect(200);

    const confirmed = await post(`/api/late-entries/${id}/confirm`, approver.token, {
      note: 'Đã đối chiếu',
    }).expect(200);
    expect(confirmed.body).toMatchObject({ status: 'confirmed', confirmedBy: approver.username });
    expectError(await post(`/api/late-entries/${id}/confirm`, t.adminToken), 409);

    // The confirmation is for this date and amount only.
    expect(expectError(await gift('2024-01-02', 3_000_001, { lateEntryId: id }), 409)[0]).toMatch(
      /was confirmed for another document: amount 3000000 ≠ 3000001/,
    );
    const posted = await gift('2024-01-02', 3_000_000, { lateEntryId: id }).expect(201);
    expect(posted.body.receiptNo).toBe('PT-2024-000004');
    expect(expectError(await gift('2024-01-02', 3_000_000, { lateEntryId: id }), 409)[0]).toMatch(
      /was already used for PT-2024-000004/,
    );
    const used = await t.http.get(`/api/late-entries/${id}`).set(bearer(accountant.token)).expect(200);
    expect(used.body).toMatchObject({
      status: 'used',
      documentNo: 'PT-2024-000004',
      usedBy: accountant.username,
    });

    // Marked on the receipt: under its date and beside its reason, with who confirmed it.
    const text = await pdf(`/api/contributions/${idOf(posted)}/receipt.pdf`);
    expect(text).toContain('(Chứng từ ghi bổ sung)');
    expect(text).toContain(`Ghi bổ sung: Chứng từ gốc xã nộp muộn — xác nhận: ${approver.username}`);
    const inOrder = await pdf(
      `/api/contributions/${idOf(await gift('2024-02-11', 1_000).expect(201))}/receipt.pdf`,
      'in-order',
    );
    expect(inOrder).not.toContain('ghi bổ sung');

    // Marked in the books: its row of the cash book says so.
    const book = await t.http
      .get('/api/books/cash?fund=LE&from=2024-01-01&to=2024-12-31')
      .set(bearer(accountant.token))
      .expect(200);
    const rows = JSON.stringify(book.body);
    expect(rows).toMatch(/\[Ghi bổ sung\] Thu đóng góp của Nguyễn Thị Lan/);
    const entry = await t.http
      .get(`/api/journal-entries/${posted.body.entryId}`)
      .set(bearer(accountant.token))
      .expect(200);
    expect(entry.body.description).toMatch(/^\[Ghi bổ sung\] /);
  });

  it('lets the approver reject a request, which then lets nothing through', async () => {
    const id = idOf(await askLate({ date: '2024-01-05', amount: 9_000, reason: 'Thử' }).expect(201));
    const rejected = await post(`/api/late-entries/${id}/reject`, approver.token, {
      reason: 'Không có chứng từ',
    }).expect(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', note: 'Không có chứng từ', confirmedBy: null });
    expectError(await gift('2024-01-05', 9_000, { lateEntryId: id }), 409);
  });

  it('holds payment vouchers to the same rule, and marks a confirmed late one', async () => {
    const household = idOf(await make.post('/api/beneficiaries', make.household()));
    const first = await make.payoutIn('approved', 'LE', household, accountant.token);
    const second = await make.payoutIn('approved', 'LE', household, accountant.token);
    const paid = await post(`/api/disbursements/${first}/pay`, cashier.token, { date: '2024-02-10' }).expect(
      200,
    );
    expect(paid.body.voucherNo).toBe('UNC-2024-000001');
    expect(
      expectError(
        await post(`/api/disbursements/${second}/pay`, cashier.token, { date: '2024-01-20' }),
        409,
      )[0],
    ).toMatch(/^rule late_entry: a document dated 2024-01-20 comes before UNC-2024-000001/);
    const id = idOf(
      await askLate(
        {
          kind: 'payment',
          method: 'bank',
          date: '2024-01-20',
          amount: 1000,
          reason: 'Ủy nhiệm chi lập muộn',
        },
        cashier.token,
      ).expect(201),
    );
    await post(`/api/late-entries/${id}/confirm`, approver.token).expect(200);
    const late = await post(`/api/disbursements/${second}/pay`, cashier.token, {
      date: '2024-01-20',
      lateEntryId: id,
    }).expect(200);
    expect(late.body.voucherNo).toBe('UNC-2024-000002');
    const text = await pdf(`/api/disbursements/${second}/voucher.pdf`, 'late-payment-order');
    expect(text).toContain('(Chứng từ ghi bổ sung)');
    expect(text).toContain('Ghi bổ sung: Ủy nhiệm chi lập muộn');
  });
});

describe(`historical imports keep their paper numbers; periods lock by themselves (${DB_LABEL})`, () => {
  let h: TestApp;
  let accountantH: TestUser;

  beforeAll(async () => {
    h = await startTestApp();
    await h.newFund('HI', 'province');
    await h.newFund('AL', 'province');
    accountantH = await createUser(h, 'accountant');
  }, 60_000);
  afterAll(() => h.close());

  it('imports old receipts under the historical series (LS) with their original_no printed as the number', async () => {
    const csv =
      'fund_code,date,donor_name,donor_kind,amount,method,original_no\n' +
      'HI,2015-03-02,Lò Văn Sáng,individual,500000,cash,03/012\n' +
      'HI,2015-01-05,Sở Tài chính tỉnh Lào Cai,agency,2000000,bank,\n';
    const res = await h.http
      .post('/api/imports/contributions')
      .set(bearer(accountantH.token))
      .set('Content-Type', 'text/csv')
      .send(csv)
      .expect(201);
    expect(res.body).toMatchObject({ imported: 2 });
    const rows = await h.dataSource.query<{ id: number; receipt_no: string; original_no: string | null }[]>(
      'SELECT id, receipt_no, original_no FROM contributions ORDER BY id',
    );
    // In file order, not date order: history does not draw from (nor move) the live series.
    expect(rows.map((r) => [r.receipt_no, r.original_no])).toEqual([
      ['LS-2015-000001', '03/012'],
      ['LS-2015-000002', null],
    ]);
    const view = await h.http
      .get(`/api/contributions/${rows[0].id}`)
      .set(bearer(accountantH.token))
      .expect(200);
    expect(view.body).toMatchObject({ receiptNo: 'LS-2015-000001', originalNo: '03/012' });
    const pdfRes = await h.http
      .get(`/api/contributions/${rows[0].id}/receipt.pdf`)
      .set(bearer(accountantH.token))
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    const text = pdfText(pdfRes.body as Buffer);
    expect(text).toMatch(/Số:\s*03\/012/);
    expect(text).toContain('số lưu trong hệ thống: LS-2015-000001');
    // The live series of 2015 starts at 1, and an earlier live date is not a late entry of the imported ones.
    const donorId = idOf(
      await h.http
        .post('/api/donors')
        .set(bearer(accountantH.token))
        .send({ name: 'Trần Văn Mới', kind: 'individual' })
        .expect(201),
    );
    const live = await h.http
      .post('/api/contributions')
      .set(bearer(accountantH.token))
      .send({ fundCode: 'HI', donorId, date: '2015-01-01', amount: 1000, method: 'cash' })
      .expect(201);
    expect(live.body.receiptNo).toBe('PT-2015-000001');
  });

  it('refuses a posting in a month locked automatically (data/policy.json: 15 days after the month ends)', async () => {
    // A fund whose books were opened here on 1 January 2026: by today every month ended more than 15 days ago is
    // locked, as if an approver had locked it.
    await h.dataSource.query(`UPDATE funds SET created_at = '2026-01-01T00:00:00.000Z' WHERE code = 'AL'`);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    const before = await h.counts();
    const entry = (date: string) =>
      h.http
        .post('/api/journal-entries')
        .set(bearer(accountantH.token))
        .send(bankReceipt('AL', date, 1000));
    const refused = expectError(await entry('2026-03-10').unset('Accept-Language'), 409);
    expect(refused[0]).toMatch(
      /^quỹ AL đã khóa sổ đến hết ngày 2026-\d\d-\d\d: mỗi tháng tự động khóa sau 15 ngày kể từ ngày cuối tháng/,
    );
    expect(expectError(await entry('2026-03-10'), 409)[0]).toMatch(
      /a month locks automatically 15 days after it ends/,
    );
    expect(await h.counts()).toEqual(before);
    // The fund's closings say how far the automatic lock holds (the manual lock date is still unset).
    const history = await h.http.get('/api/funds/AL/closings').set(bearer(accountantH.token)).expect(200);
    expect(history.body).toMatchObject({ lockedThrough: null });
    expect(refused[0]).toContain(`đến hết ngày ${history.body.autoLockedThrough as string}:`);
    // This month is open, and an import into a locked month is refused by row.
    await entry(today).expect(201);
    const imported = await h.http
      .post('/api/imports/contributions')
      .set(bearer(accountantH.token))
      .set('Content-Type', 'text/csv')
      .send(
        'fund_code,date,donor_name,donor_kind,amount,method\nAL,2026-03-10,Lò Thị Hoa,individual,1000,cash\n',
      );
    expect(imported.status).toBe(422);
    expect(JSON.stringify(imported.body)).toContain(
      "date 2026-03-10 is on or before fund AL's lock date 2026-",
    );
  });
});
