import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { binaryParser, pdfText } from '../support/pdf';

interface Payout {
  id: number;
  status: string;
  voucherNo: string | null;
  entryId: number | null;
}

describe(`payouts with maker–checker approval (${DB_LABEL})`, () => {
  let t: TestApp;
  let accountant: string;
  /** The cashier pays approved payouts (issue 10, item 14). */
  let cashier: string;
  let approver: string;
  let household: number;

  const receive = (amount: number, date = '2023-01-10', method = 'bank') =>
    t.http
      .post('/api/journal-entries')
      .set(bearer(accountant))
      .send({
        fundCode: 'LC',
        date,
        description: 'Thu đóng góp',
        lines: [
          { account: method === 'cash' ? '111' : '112', debit: amount },
          { account: '5111', credit: amount },
        ],
      })
      .expect(201);
  const request = (body: Record<string, unknown>, token = accountant) =>
    t.http
      .post('/api/disbursements')
      .set(bearer(token))
      .send({ fundCode: 'LC', beneficiaryId: household, method: 'bank', date: '2023-07-01', ...body });
  const approve = (id: number, token = approver, body: object = {}) =>
    t.http.post(`/api/disbursements/${id}/approve`).set(bearer(token)).send(body);
  const pay = (id: number, date = '2023-07-05') =>
    t.http.post(`/api/disbursements/${id}/pay`).set(bearer(cashier)).send({ date });
  const register = async (fullName: string, commune = 'Tả Van') => {
    const res = await t.http
      .post('/api/beneficiaries')
      .set(bearer(accountant))
      .send({
        fullName,
        category: 'martyr_relative',
        commune,
        birthYear: 1948,
        address: `Thôn Lao Chải, xã ${commune}`,
      })
      .expect(201);
    return res.body.id as number;
  };

  beforeAll(async () => {
    t = await startTestApp();
    await t.http
      .post('/api/funds')
      .set(bearer(t.adminToken))
      .send({
        code: 'LC',
        name: 'Quỹ Đền ơn đáp nghĩa tỉnh Lào Cai',
        unitName: 'UBND tỉnh Lào Cai',
        level: 'province',
      })
      .expect(201);
    accountant = await t.newUser('accountant');
    approver = await t.newUser('approver');
    cashier = await t.newUser('cashier');
    await receive(500_000_000);
    await receive(20_000_000, '2023-01-10', 'cash');
    household = await register('Nguyễn Thị Hoa');
  }, 60_000);
  afterAll(() => t.close());

  let paid: Payout;

  it('submits, refuses self-approval with 422, approves as another user, and pays with a payment order (UNC) from the bank', async () => {
    const created = await request({
      purpose: 'house_new',
      amount: 60_000_000,
      decisionNo: '125/QĐ-UBND',
    }).expect(201);
    expect(created.body).toMatchObject({ status: 'submitted', amount: '60000000', account: '6111' });
    const id = created.body.id as number;

    const self = await approve(id, accountant).expect(422);
    expect(self.body.message[0]).toContain('may not approve');
    await t.http
      .post(`/api/disbursements/${id}/pay`)
      .set(bearer(accountant))
      .send({ date: '2023-07-05' })
      .expect(409);

    await approve(id)
      .expect(200)
      .expect((res) => expect(res.body).toMatchObject({ id, status: 'approved' }));
    const res = await pay(id).expect(200);
    paid = res.body as Payout;
    expect(paid).toMatchObject({ id, status: 'paid', voucherNo: 'UNC-2023-000001' }); // through the bank: a payment order

    const entry = await t.http
      .get(`/api/journal-entries/${paid.entryId}`)
      .set(bearer(accountant))
      .expect(200);
    expect(entry.body).toMatchObject({
      source: 'disbursement',
      sourceRef: 'UNC-2023-000001',
      lines: [
        { account: '6111', debit: '60000000', credit: '0' },
        { account: '112', debit: '0', credit: '60000000' },
      ],
    });
    const detail = await t.http.get(`/api/disbursements/${id}`).set(bearer(accountant)).expect(200);
    expect((detail.body.events as { action: string }[]).map((e) => e.action)).toEqual([
      'created',
      'submitted',
      'approved',
      'paid',
    ]);
  });

  it('prints the payment order (Ủy nhiệm chi) with the amount in words', async () => {
    const res = await t.http
      .get(`/api/disbursements/${paid.id}/voucher.pdf`)
      .set(bearer(accountant))
      .buffer(true)
      .parse(binaryParser)
      .expect(200)
      .expect('Content-Type', 'application/pdf');
    const text = pdfText(res.body as Buffer);
    expect(text).toContain('ỦY NHIỆM CHI');
    expect(text).toContain('UNC-2023-000001');
    expect(text).toContain('Nguyễn Thị Hoa');
    expect(text).toContain('Sáu mươi triệu đồng');
    expect(text).toContain('125/QĐ-UBND');
  });

  it('refuses a second new house for the household by rule name, and lets it through with an approver’s recorded override', async () => {
    const refused = await request({ purpose: 'house_new', amount: 40_000_000, date: '2025-03-01' }).expect(
      422,
    );
    expect(refused.body.message[0]).toContain('rule house_new_interval');

    const asked = await request({
      purpose: 'house_new',
      amount: 40_000_000,
      date: '2025-03-01',
      overrideReason: 'Nhà bị lũ cuốn trôi tháng 9/2024',
    }).expect(201);
    expect(asked.body.override).toEqual({
      rules: ['house_new_interval'],
      reason: 'Nhà bị lũ cuốn trôi tháng 9/2024',
    });
    const id = asked.body.id as number;
    const noNote = await approve(id).expect(422);
    expect(noNote.body.message.join(' ')).toContain('note');
    await approve(id, approver, { note: 'Đồng ý theo biên bản khảo sát ngày 10/10/2024' }).expect(200);
    const detail = await t.http.get(`/api/disbursements/${id}`).set(bearer(accountant)).expect(200);
    expect(detail.body.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'override_approved',
          note: expect.stringContaining('biên bản khảo sát'),
        }),
      ]),
    );
    await pay(id, '2025-03-05').expect(200);
  });

  it('refuses a payout above the purpose cap, naming the rule', async () => {
    const other = await register('Lý Văn Sử', 'Bản Hồ');
    const res = await request({ beneficiaryId: other, purpose: 'visit_gift', amount: 10_000_001 }).expect(
      422,
    );
    expect(res.body.message[0]).toContain('rule purpose_cap');
  });

  it('refuses to pay more than the cash or bank holds with 422 and writes nothing', async () => {
    const other = await register('Giàng Seo Phủ', 'Bản Hồ');
    const big = await request({
      beneficiaryId: other,
      purpose: 'hardship',
      amount: 15_000_000,
      method: 'cash',
    }).expect(201);
    await approve(big.body.id as number).expect(200);
    // Spend most of the cash first.
    const small = await request({
      beneficiaryId: other,
      purpose: 'visit_gift',
      amount: 8_000_000,
      method: 'cash',
    }).expect(201);
    await approve(small.body.id as number).expect(200);
    await pay(small.body.id as number).expect(200);

    const before = await t.counts();
    const res = await pay(big.body.id as number).expect(422);
    expect(res.body.message[0]).toContain('111');
    expect(await t.counts()).toEqual(before);
    const still = await t.http.get(`/api/disbursements/${big.body.id}`).set(bearer(accountant)).expect(200);
    expect(still.body).toMatchObject({ status: 'approved', voucherNo: null });
  });

  it('reverses a paid payout through the posting path; the voucher keeps its number and prints void', async () => {
    const other = await register('Vàng A Lử', 'Cốc San');
    const created = await request({
      beneficiaryId: other,
      purpose: 'visit_gift',
      amount: 2_000_000,
      date: '2023-07-20',
    }).expect(201);
    const id = created.body.id as number;
    await approve(id).expect(200);
    const done = (await pay(id, '2023-07-27').expect(200)).body as Payout;
    const reversed = await t.http
      .post(`/api/disbursements/${id}/reverse`)
      .set(bearer(accountant))
      .send({ reason: 'Trả nhầm hộ', date: '2023-07-28' })
      .expect(200);
    expect(reversed.body).toMatchObject({ status: 'reversed', voucherNo: done.voucherNo });
    const entry = await t.http
      .get(`/api/journal-entries/${done.entryId}`)
      .set(bearer(accountant))
      .expect(200);
    expect(entry.body.reversedBy).toBe(reversed.body.reversalEntryId);
    const pdf = await t.http
      .get(`/api/disbursements/${id}/voucher.pdf`)
      .set(bearer(accountant))
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    expect(pdfText(pdf.body as Buffer)).toContain('ĐÃ HỦY');
  });

  it('rejects and cancels, and only in the right states', async () => {
    const a = await request({ purpose: 'hardship', amount: 1_000_000 }).expect(201);
    await t.http
      .post(`/api/disbursements/${a.body.id}/reject`)
      .set(bearer(approver))
      .send({ reason: 'Không đủ hồ sơ' })
      .expect(200);
    await approve(a.body.id as number).expect(409);
    const b = await request({ purpose: 'hardship', amount: 1_000_000, draft: true }).expect(201);
    expect(b.body.status).toBe('draft');
    await t.http.post(`/api/disbursements/${b.body.id}/submit`).set(bearer(accountant)).expect(200);
    await t.http
      .post(`/api/disbursements/${b.body.id}/cancel`)
      .set(bearer(accountant))
      .send({ reason: 'Trùng hồ sơ' })
      .expect(200);
    await t.http
      .post(`/api/disbursements/${b.body.id}/reject`)
      .set(bearer(accountant))
      .send({ reason: 'x' })
      .expect(403);
  });

  it('409 for the same payout requested twice under one decision', async () => {
    await request({ purpose: 'hardship', amount: 3_000_000, decisionNo: '77/QĐ' }).expect(201);
    await request({ purpose: 'hardship', amount: 3_000_000, decisionNo: '77/QĐ' }).expect(409);
  });

  it('pays a house in tranches: an advance to 141, then a settlement into 6111', async () => {
    const home = await register('Sùng Thị Mỷ', 'Bản Hồ');
    const project = await t.http
      .post('/api/house-projects')
      .set(bearer(accountant))
      .send({
        fundCode: 'LC',
        beneficiaryId: home,
        kind: 'new',
        description: 'Xây nhà tình nghĩa',
        budget: 80_000_000,
        startedOn: '2023-03-01',
        centralBudget: 40_000_000,
        socialSources: 20_000_000,
      })
      .expect(201);
    const projectId = project.body.id as number;
    const advance = await request({
      beneficiaryId: home,
      purpose: 'house_new',
      amount: 50_000_000,
      projectId,
      stage: 'advance',
    }).expect(201);
    expect(advance.body.account).toBe('141');
    await approve(advance.body.id as number).expect(200);
    // After the series' latest payment order (27/07): an earlier date would be a late entry (docs/late-entries.md).
    const paidAdvance = (await pay(advance.body.id as number, '2023-08-01').expect(200)).body as Payout;
    const advanceEntry = await t.http
      .get(`/api/journal-entries/${paidAdvance.entryId}`)
      .set(bearer(accountant))
      .expect(200);
    expect(advanceEntry.body.lines).toEqual([
      expect.objectContaining({ account: '141', debit: '50000000' }),
      expect.objectContaining({ account: '112', credit: '50000000' }),
    ]);
    await request({
      beneficiaryId: home,
      purpose: 'house_new',
      amount: 40_000_000,
      projectId,
      stage: 'advance',
    }).expect(422);

    const settle = await request({
      beneficiaryId: home,
      purpose: 'house_new',
      amount: 50_000_000,
      projectId,
      stage: 'settlement',
    }).expect(201);
    await approve(settle.body.id as number).expect(200);
    const settled = (await pay(settle.body.id as number, '2023-10-30').expect(200)).body as Payout;
    expect(settled.voucherNo).toBeNull();
    const settleEntry = await t.http
      .get(`/api/journal-entries/${settled.entryId}`)
      .set(bearer(accountant))
      .expect(200);
    expect(settleEntry.body.lines).toEqual([
      expect.objectContaining({ account: '6111', debit: '50000000' }),
      expect.objectContaining({ account: '141', credit: '50000000' }),
    ]);

    const view = await t.http.get(`/api/house-projects/${projectId}`).set(bearer(accountant)).expect(200);
    expect(view.body).toMatchObject({
      budget: '80000000',
      paid: '50000000',
      settled: '50000000',
      remaining: '30000000',
      allSources: '140000000',
    });
    await t.http
      .post(`/api/house-projects/${projectId}/complete`)
      .set(bearer(accountant))
      .send({ date: '2023-10-31' })
      .expect(200);

    const summary = await t.http
      .get('/api/house-projects/summary?fund=LC&from=2023-01-01&to=2023-12-31')
      .set(bearer(accountant))
      .expect(200);
    expect(summary.body).toMatchObject({
      households: 1,
      projects: 1,
      fundPaid: '50000000',
      allSources: '110000000',
    });
  });

  it('keeps management costs within their share of the year’s receipts', async () => {
    // 2023 receipts are 520,000,000 đ; 5 % is 26,000,000 đ.
    const office = await register('Văn phòng Quỹ', 'Cốc Lếu');
    const over = await request({ beneficiaryId: office, purpose: 'management', amount: 26_000_001 }).expect(
      422,
    );
    expect(over.body.message[0]).toContain('rule management_share');
    await request({ beneficiaryId: office, purpose: 'management', amount: 26_000_000 }).expect(201);
  });

  it('leaves books that verify', async () => {
    const res = await t.http.get('/api/audit/verify').set(bearer(t.adminToken)).expect(200);
    expect(res.body).toMatchObject({ ok: true, problems: [] });
  });
});
