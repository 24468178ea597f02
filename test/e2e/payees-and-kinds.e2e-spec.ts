import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { keepSample } from '../support/document-views';
import { binaryParser, pdfText } from '../support/pdf';

/**
 * Issue 10, items 4 and 16: a payout to an organisation names a payee of its own (tax code, bank account), which
 * its payment order prints and no household count includes; in-kind gifts are booked at their valuation with an
 * acknowledgement that says so; state-budget support is a receipt kind of its own (5116); interest and bank fees
 * are booked from the bank's advice, with its reference, to 5115 and 6117.
 */
jest.setTimeout(60_000);

describe(`payees, kinds of money in and bank advices (${DB_LABEL})`, () => {
  let t: TestApp;
  let accountant: string;
  let approver: string;
  let cashier: string;
  let household: number;
  let enterprise: number;
  let agency: number;
  let cemetery: number;

  const pdf = async (url: string) => {
    const res = await t.http.get(url).set(bearer(accountant)).buffer(true).parse(binaryParser).expect(200);
    const name = url.replace(/^\/api\//, '').replace(/[^A-Za-z0-9]+/g, '-');
    return pdfText(keepSample(res.body as Buffer, `e2e-${name}`));
  };
  const entryLines = async (entryId: number) =>
    (
      (await t.http.get(`/api/journal-entries/${entryId}`).set(bearer(accountant)).expect(200)).body as {
        lines: { account: string; debit: string; credit: string }[];
        source: string;
      }
    ).lines.map((l) => `${l.account} ${l.debit}/${l.credit}`);
  const donor = async (name: string, kind: string) =>
    (await t.http.post('/api/donors').set(bearer(accountant)).send({ name, kind }).expect(201)).body
      .id as number;
  /** Requested, approved and paid; answers the paid payout. */
  const payout = async (body: Record<string, unknown>, pay: Record<string, unknown> = {}) => {
    const created = await t.http
      .post('/api/disbursements')
      .set(bearer(accountant))
      .send({ fundCode: 'LC', date: '2023-08-01', ...body })
      .expect(201);
    const id = created.body.id as number;
    await t.http.post(`/api/disbursements/${id}/approve`).set(bearer(approver)).send({}).expect(200);
    return (
      await t.http
        .post(`/api/disbursements/${id}/pay`)
        .set(bearer(cashier))
        .send({ date: '2023-08-10', ...pay })
        .expect(200)
    ).body as Record<string, unknown> & { id: number; voucherNo: string; entryId: number };
  };

  beforeAll(async () => {
    t = await startTestApp();
    await t.http
      .post('/api/funds')
      .set(bearer(t.adminToken))
      .send({ code: 'LC', name: 'Quỹ Đền ơn đáp nghĩa tỉnh Lào Cai', level: 'province' })
      .expect(201);
    accountant = await t.newUser('accountant');
    approver = await t.newUser('approver');
    cashier = await t.newUser('cashier');
    enterprise = await donor('Công ty CP Apatit Việt Nam', 'enterprise');
    agency = await donor('Sở Tài chính tỉnh Lào Cai', 'agency');
    household = (
      await t.http
        .post('/api/beneficiaries')
        .set(bearer(accountant))
        .send({ fullName: 'Hoàng Thị Xuân', category: 'martyr_relative', commune: 'xã Cốc San' })
        .expect(201)
    ).body.id as number;
    await t.http
      .post('/api/contributions')
      .set(bearer(accountant))
      .send({
        fundCode: 'LC',
        donorId: enterprise,
        date: '2023-01-05',
        method: 'bank',
        amount: 2_000_000_000,
      })
      .expect(201);
    await t.http
      .post('/api/contributions')
      .set(bearer(accountant))
      .send({ fundCode: 'LC', donorId: enterprise, date: '2023-01-05', method: 'cash', amount: 50_000_000 })
      .expect(201);
  }, 120_000);
  afterAll(() => t.close());

  it('registers an organisation as a payee: its tax code once, its bank account with its bank', async () => {
    const res = await t.http
      .post('/api/payees')
      .set(bearer(accountant))
      .send({
        name: 'Ban quản lý Nghĩa trang liệt sĩ tỉnh Lào Cai',
        taxCode: '5300234567',
        address: 'Phường Bắc Cường, TP Lào Cai',
        bankAccount: '3761.0.1057890',
        bankName: 'Kho bạc Nhà nước tỉnh Lào Cai',
      })
      .expect(201);
    expect(res.body).toMatchObject({
      kind: 'organization',
      taxCode: '5300234567',
      bankAccount: '3761.0.1057890',
    });
    cemetery = res.body.id as number;

    const twin = await t.http
      .post('/api/payees')
      .set(bearer(accountant))
      .send({ name: 'BQL Nghĩa trang', taxCode: '5300234567' })
      .expect(409);
    expect(twin.body.message).toEqual([
      `tax code 5300234567 already belongs to payee ${cemetery} (Ban quản lý Nghĩa trang liệt sĩ tỉnh Lào Cai)`,
    ]);
    const vi = await t.http
      .post('/api/payees')
      .set(bearer(accountant))
      .unset('Accept-Language')
      .send({ name: 'BQL Nghĩa trang', taxCode: '5300234567' })
      .expect(409);
    expect(vi.body.message).toEqual([
      `mã số thuế 5300234567 đã thuộc về đơn vị nhận ${cemetery} (Ban quản lý Nghĩa trang liệt sĩ tỉnh Lào Cai)`,
    ]);
    const half = await t.http
      .post('/api/payees')
      .set(bearer(accountant))
      .set('Accept-Language', 'en')
      .send({ name: 'Công ty Xây dựng Phúc Lộc', bankAccount: '12345' })
      .expect(400);
    expect(half.body.message).toEqual(['bankAccount and bankName go together: give both or neither']);
    await t.http.post('/api/payees').set(bearer(approver)).send({ name: 'X' }).expect(403);
    const found = await t.http.get('/api/payees?q=nghia trang').set(bearer(approver)).expect(200);
    expect(found.body.items.map((p: { id: number }) => p.id)).toEqual([cemetery]);
  });

  it('pays a memorial to the payee, not a household: the payment order prints its name, tax code and account', async () => {
    const paid = await payout(
      {
        payeeId: cemetery,
        purpose: 'memorial',
        amount: 250_000_000,
        method: 'bank',
        decisionNo: '45/QĐ-UBND',
      },
      { bankRef: 'UNC-2023-0810' },
    );
    expect(paid).toMatchObject({
      beneficiary: null,
      payee: { id: cemetery, name: 'Ban quản lý Nghĩa trang liệt sĩ tỉnh Lào Cai', taxCode: '5300234567' },
      payeeAccount: '3761.0.1057890',
      payeeBank: 'Kho bạc Nhà nước tỉnh Lào Cai',
    });
    expect(paid.voucherNo).toMatch(/^UNC-2023-/);
    expect(await entryLines(paid.entryId)).toEqual(['6116 250000000/0', '112 0/250000000']);
    const text = await pdf(`/api/disbursements/${paid.id}/voucher.pdf`);
    expect(text).toContain('ỦY NHIỆM CHI');
    expect(text).toContain('Ban quản lý Nghĩa trang liệt sĩ tỉnh Lào Cai');
    expect(text).toContain('Mã số thuế đơn vị nhận: 5300234567');
    expect(text).toContain('3761.0.1057890');
    expect(text).toContain('Kho bạc Nhà nước tỉnh Lào Cai');
    expect(text).toContain('Phường Bắc Cường');
  });

  it('refuses a payee for support to a household, both parties or neither, and an unknown payee', async () => {
    const base = { fundCode: 'LC', amount: 1_000_000, date: '2023-08-01', method: 'cash' };
    const ask = (body: Record<string, unknown>) =>
      t.http
        .post('/api/disbursements')
        .set(bearer(accountant))
        .set('Accept-Language', 'en')
        .send({ ...base, ...body });
    expect((await ask({ payeeId: cemetery, purpose: 'visit_gift' }).expect(400)).body.message).toEqual([
      'purpose visit_gift supports a household: it needs beneficiaryId, not payeeId',
    ]);
    expect(
      (await ask({ payeeId: cemetery, beneficiaryId: household, purpose: 'memorial' }).expect(400)).body
        .message,
    ).toEqual(['give beneficiaryId (a household) or payeeId (an organisation), not both']);
    expect((await ask({ purpose: 'management' }).expect(400)).body.message).toEqual([
      'a payout needs beneficiaryId (a household) or payeeId (an organisation)',
    ]);
    expect((await ask({ payeeId: 999999, purpose: 'management' }).expect(400)).body.message).toEqual([
      'payeeId 999999 is not a known payee',
    ]);
  });

  it('counts households only: the statement and its purposes leave the payee out', async () => {
    await payout({ beneficiaryId: household, purpose: 'visit_gift', amount: 2_000_000, method: 'cash' });
    const management = await payout({
      payeeId: cemetery,
      purpose: 'management',
      amount: 3_000_000,
      method: 'cash',
    });
    const voucher = await pdf(`/api/disbursements/${management.id}/voucher.pdf`);
    expect(voucher).toContain('PHIẾU CHI');
    expect(voucher).toContain('Ban quản lý Nghĩa trang liệt sĩ tỉnh Lào Cai');

    const statement = await t.http
      .get('/api/reports/statement?fund=LC&from=2023-01-01&to=2023-12-31')
      .set(bearer(accountant))
      .expect(200);
    expect(statement.body.disbursements.households).toBe(1);
    expect(statement.body.disbursements.byPurpose.memorial).toEqual({ amount: '250000000', households: 0 });
    expect(statement.body.disbursements.byPurpose.management).toEqual({ amount: '3000000', households: 0 });
    expect(statement.body.disbursements.byPurpose.visit_gift).toEqual({ amount: '2000000', households: 1 });
    const list = await t.http
      .get(`/api/disbursements?payeeId=${cemetery}`)
      .set(bearer(accountant))
      .expect(200);
    expect(list.body.total).toBe(2);
  });

  it('books an in-kind gift at its valuation (156 / 5112) with an acknowledgement naming the goods, no cashier', async () => {
    const res = await t.http
      .post('/api/contributions')
      .set(bearer(accountant))
      .send({
        fundCode: 'LC',
        donorId: enterprise,
        date: '2023-07-20',
        kind: 'in_kind',
        amount: 45_000_000,
        inKindDescription: 'Gạo tẻ 25 kg/bao và mì chính 1 kg/gói',
        inKindQuantity: '300 bao gạo, 300 gói mì chính',
        valuationBasis: 'Theo hóa đơn GTGT số 0001234 ngày 15/7/2023',
      })
      .expect(201);
    expect(res.body).toMatchObject({
      kind: 'in_kind',
      method: 'in_kind',
      inKind: {
        description: 'Gạo tẻ 25 kg/bao và mì chính 1 kg/gói',
        quantity: '300 bao gạo, 300 gói mì chính',
        valuationBasis: 'Theo hóa đơn GTGT số 0001234 ngày 15/7/2023',
      },
    });
    expect(res.body.receiptNo).toMatch(/^XN-2023-/);
    expect(await entryLines(res.body.entryId as number)).toEqual(['156 45000000/0', '5112 0/45000000']);
    const text = await pdf(`/api/contributions/${res.body.id}/receipt.pdf`);
    expect(text).toContain('BIÊN NHẬN HIỆN VẬT');
    expect(text).toMatch(/Hiện vật:\s*Gạo tẻ 25 kg\/bao/);
    expect(text).toMatch(/Số lượng:\s*300 bao gạo/);
    expect(text).toMatch(/Căn cứ xác định giá trị:\s*Theo hóa đơn GTGT số 0001234/);
    expect(text).toMatch(/Giá trị quy đổi:\s*45\.000\.000/);
    expect(text).toContain('Bốn mươi lăm triệu đồng');
    expect(text).not.toContain('THỦ QUỸ');
    expect(text).not.toContain('Tiền mặt');

    const bad = await t.http
      .post('/api/contributions')
      .set(bearer(accountant))
      .set('Accept-Language', 'en')
      .send({
        fundCode: 'LC',
        donorId: enterprise,
        date: '2023-07-20',
        kind: 'in_kind',
        method: 'cash',
        amount: 1,
      })
      .expect(400);
    expect(bad.body.message).toEqual([
      'method is for money; an in-kind gift (kind in_kind) has none',
      'inKindDescription is required for an in-kind gift (kind in_kind)',
      'inKindQuantity is required for an in-kind gift (kind in_kind)',
      'valuationBasis is required for an in-kind gift (kind in_kind)',
    ]);
  });

  it('takes state-budget support as a receipt kind of its own (5116), from an agency only', async () => {
    const res = await t.http
      .post('/api/contributions')
      .set(bearer(accountant))
      .send({
        fundCode: 'LC',
        donorId: agency,
        date: '2023-09-01',
        kind: 'state_budget',
        method: 'bank',
        amount: 500_000_000,
        bankRef: 'KB-2023-0901',
      })
      .expect(201);
    expect(res.body.kind).toBe('state_budget');
    expect(await entryLines(res.body.entryId as number)).toEqual(['112 500000000/0', '5116 0/500000000']);
    const text = await pdf(`/api/contributions/${res.body.id}/receipt.pdf`);
    expect(text).toContain('Tiếp nhận kinh phí hỗ trợ từ ngân sách nhà nước');
    expect(text).toContain('Nguồn: Ngân sách nhà nước hỗ trợ');
    expect(text).toMatch(/Có:\s*5116/);

    const wrong = await t.http
      .post('/api/contributions')
      .set(bearer(accountant))
      .set('Accept-Language', 'en')
      .send({
        fundCode: 'LC',
        donorId: enterprise,
        date: '2023-09-01',
        kind: 'state_budget',
        method: 'cash',
        amount: 5,
      })
      .expect(400);
    expect(wrong.body.message).toEqual([
      'state-budget support (kind state_budget) comes from an agency: the donor must be of kind agency',
    ]);
  });

  it('books interest and bank fees from the advice, once per reference, with their own accounts', async () => {
    const accounts = await t.http.get('/api/funds/LC/accounts').set(bearer(accountant)).expect(200);
    const names = Object.fromEntries(
      (accounts.body as { code: string; name: string }[]).map((a) => [a.code, a.name]),
    );
    expect(names).toMatchObject({
      '156': 'Hiện vật nhận đóng góp',
      '5115': 'Thu lãi tiền gửi',
      '5116': 'Thu hỗ trợ từ ngân sách nhà nước',
      '6117': 'Chi phí dịch vụ ngân hàng, Kho bạc',
    });

    const interest = await t.http
      .post('/api/bank-advices')
      .set(bearer(accountant))
      .send({
        fundCode: 'LC',
        kind: 'interest',
        date: '2023-12-25',
        amount: 1_250_000,
        bankRef: 'GBC-231225-01',
      })
      .expect(201);
    expect(await entryLines(interest.body.entryId as number)).toEqual(['112 1250000/0', '5115 0/1250000']);
    const entry = await t.http.get(`/api/journal-entries/${interest.body.entryId}`).set(bearer(accountant));
    expect(entry.body).toMatchObject({ source: 'bank_advice' });
    expect(entry.body.description).toContain('giấy báo Có số GBC-231225-01');

    const fee = await t.http
      .post('/api/bank-advices')
      .set(bearer(accountant))
      .send({ fundCode: 'LC', kind: 'fee', date: '2023-12-26', amount: 22_000, bankRef: 'GBN-231226-07' })
      .expect(201);
    expect(await entryLines(fee.body.entryId as number)).toEqual(['6117 22000/0', '112 0/22000']);

    const again = await t.http
      .post('/api/bank-advices')
      .set(bearer(accountant))
      .set('Accept-Language', 'en')
      .send({ fundCode: 'LC', kind: 'interest', date: '2023-12-27', amount: 5, bankRef: 'GBC-231225-01' })
      .expect(409);
    expect(again.body.message).toEqual([
      `bank advice GBC-231225-01 is already booked in fund LC (entry ${interest.body.entryId})`,
    ]);
    const big = await t.http
      .post('/api/bank-advices')
      .set(bearer(accountant))
      .send({ fundCode: 'LC', kind: 'fee', date: '2023-12-26', amount: 9_000_000, bankRef: 'GBN-231226-08' })
      .expect(422);
    expect(big.body.message).toEqual([expect.stringContaining('Nợ 6117 / Có 112')]);
    await t.http.post('/api/bank-advices').set(bearer(approver)).send({}).expect(403);
    const listed = await t.http.get('/api/bank-advices?fund=LC').set(bearer(approver)).expect(200);
    expect(listed.body.items.map((a: { bankRef: string }) => a.bankRef)).toEqual([
      'GBC-231225-01',
      'GBN-231226-07',
    ]);
  });
});
