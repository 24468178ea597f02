import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { binaryParser, pdfText } from '../support/pdf';

interface Contribution {
  id: number;
  receiptNo: string;
  entryId: number;
  amount: string;
  status: string;
}

describe(`contributions, receipts and verification (${DB_LABEL})`, () => {
  let t: TestApp;
  let accountant: string;
  let donorId: number;

  const contribute = (body: Record<string, unknown>, token = accountant) =>
    t.http
      .post('/api/contributions')
      .set(bearer(token))
      .send({ fundCode: 'LC', donorId, method: 'bank', ...body });
  const receipt = (id: number, query = '') =>
    t.http
      .get(`/api/contributions/${id}/receipt.pdf${query}`)
      .set(bearer(accountant))
      .buffer(true)
      .parse(binaryParser);
  const trialTotals = async () => {
    const res = await t.http
      .get('/api/reports/trial-balance?fund=LC&asOf=2099-12-31')
      .set(bearer(accountant))
      .expect(200);
    return {
      debit: res.body.totalDebit as string,
      credit: res.body.totalCredit as string,
      rows: res.body.rows as unknown[],
    };
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
  });
  afterAll(() => t.close());

  it('creates a donor', async () => {
    const res = await t.http
      .post('/api/donors')
      .set(bearer(accountant))
      .send({
        name: 'Công ty CP Apatit Việt Nam',
        kind: 'enterprise',
        address: 'Phường Pom Hán, TP Lào Cai',
        taxCode: '5300100123',
      })
      .expect(201);
    expect(res.body).toMatchObject({ name: 'Công ty CP Apatit Việt Nam', kind: 'enterprise' });
    donorId = res.body.id as number;
  });

  it('refuses bad donors with a message per field', async () => {
    const res = await t.http
      .post('/api/donors')
      .set(bearer(accountant))
      .send({ name: '', kind: 'company', email: 'not-mail', taxCode: '12', nationalId: '12345' })
      .expect(400);
    expect(res.body.message).toEqual(
      expect.arrayContaining([
        'name must not be blank',
        expect.stringContaining('kind must be one of'),
        'email must be an e-mail address',
        expect.stringContaining('taxCode'),
        'nationalId must be a 12-digit CCCD or a 9-digit CMND',
      ]),
    );
  });

  let big: Contribution;

  it('records a contribution: receipt number, entry 112/5112, amount as a string', async () => {
    const res = await contribute({ date: '2023-07-20', amount: 55_500_000_000 }).expect(201);
    big = res.body as Contribution;
    expect(big).toMatchObject({ receiptNo: 'XN-2023-000001', amount: '55500000000', status: 'posted' });
    const entry = await t.http.get(`/api/journal-entries/${big.entryId}`).set(bearer(accountant)).expect(200);
    expect(entry.body).toMatchObject({
      source: 'contribution',
      sourceRef: 'XN-2023-000001',
      lines: [
        { account: '112', debit: '55500000000', credit: '0' },
        { account: '5112', debit: '0', credit: '55500000000' },
      ],
    });
    const read = await t.http.get(`/api/contributions/${big.id}`).set(bearer(accountant)).expect(200);
    expect(read.body).toMatchObject({
      id: big.id,
      receiptNo: 'XN-2023-000001',
      donor: { id: donorId, name: 'Công ty CP Apatit Việt Nam' },
    });
  });

  it('prints the C40-BB receipt with the amount in figures and words, byte-identical each time', async () => {
    const first = await receipt(big.id).expect(200).expect('Content-Type', 'application/pdf');
    const text = pdfText(first.body as Buffer);
    expect(text).toContain('XN-2023-000001');
    expect(text).toContain('55.500.000.000');
    expect(text).toContain('Năm mươi lăm tỷ năm trăm triệu đồng');
    expect(text).toContain('Công ty CP Apatit Việt Nam');
    expect(text).toMatch(/GIẤY XÁC NHẬN ĐÓNG GÓP/); // money through a bank: no cash form, no cashier
    const second = await receipt(big.id).expect(200);
    expect((second.body as Buffer).equals(first.body as Buffer)).toBe(true);

    const copy = await receipt(big.id, '?copy=true').expect(200);
    expect(pdfText(copy.body as Buffer)).toContain('BẢN SAO');
  });

  it('gives 50 concurrent contributions 50 consecutive receipt numbers with no gap', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        contribute({ date: '2023-08-01', amount: 100_000 + i, method: 'cash' }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    const numbers = results.map((r) => (r.body as Contribution).receiptNo).sort();
    expect(numbers).toEqual(
      Array.from({ length: 50 }, (_, i) => `PT-2023-${String(i + 1).padStart(6, '0')}`),
    );
  });

  it('numbers each year from 1 again', async () => {
    const res = await contribute({ date: '2024-01-02', amount: '1000000' }).expect(201);
    expect(res.body.receiptNo).toBe('XN-2024-000001');
  });

  it('voids a contribution: the number stays, the trial balance returns, the receipt and the page say void', async () => {
    const before = await trialTotals();
    // Dated after the series' latest (20/07): an earlier date would be a late entry (docs/late-entries.md).
    const gift = (await contribute({ date: '2023-07-21', amount: '7000000' }).expect(201))
      .body as Contribution;
    const during = await trialTotals();
    expect(BigInt(during.debit)).toBe(BigInt(before.debit) + 7_000_000n);

    const voided = await t.http
      .post(`/api/contributions/${gift.id}/void`)
      .set(bearer(accountant))
      .send({ reason: 'Ghi nhầm người nộp', date: '2023-07-22' })
      .expect(200);
    expect(voided.body).toMatchObject({ id: gift.id, status: 'voided', receiptNo: gift.receiptNo });
    const reversal = await t.http
      .get(`/api/journal-entries/${voided.body.reversalEntryId}`)
      .set(bearer(accountant))
      .expect(200);
    expect(reversal.body.reversalOf).toBe(gift.entryId);

    // Both sides of the books are back where they were (turnover grows by the reversal on both sides equally).
    const after = await trialTotals();
    const balances = await t.http.get('/api/funds/LC/accounts').set(bearer(accountant)).expect(200);
    const bank = (balances.body as { code: string; balance: string }[]).find((a) => a.code === '112');
    expect(bank?.balance).toBe(String(55_500_000_000 + 1_000_000));
    expect(BigInt(after.debit) - BigInt(after.credit)).toBe(0n);

    const read = await t.http.get(`/api/contributions/${gift.id}`).set(bearer(accountant)).expect(200);
    expect(read.body).toMatchObject({ receiptNo: gift.receiptNo, status: 'voided' });
    const pdf = await receipt(gift.id).expect(200);
    expect(pdfText(pdf.body as Buffer)).toContain('ĐÃ HỦY');

    const page = await t.http.get(`/verify/${gift.receiptNo}`).expect(200).expect('Content-Type', /html/);
    expect(page.text).toContain('Đã hủy');
    const json = await t.http.get(`/verify/${gift.receiptNo}`).set('Accept', 'application/json').expect(200);
    expect(json.body).toEqual({
      receiptNo: gift.receiptNo,
      fund: 'LC',
      fundName: 'Quỹ Đền ơn đáp nghĩa tỉnh Lào Cai',
      date: '2023-07-21',
      amount: '7000000',
      status: 'voided',
      donor: 'Công ty CP Apatit Việt Nam', // an enterprise: public, not masked
    });

    await t.http
      .post(`/api/contributions/${gift.id}/void`)
      .set(bearer(accountant))
      .send({ reason: 'again' })
      .expect(409);
  });

  it('the public verification page shows a valid receipt, and 404 for an unknown number', async () => {
    const page = await t.http.get('/verify/XN-2023-000001').expect(200);
    expect(page.text).toContain('Hợp lệ');
    expect(page.text).toContain('55.500.000.000 đ');
    expect(page.text).toContain('Công ty CP Apatit Việt Nam'); // an enterprise's name is public; a person's is masked
    await t.http.get('/verify/PT-2023-999999').expect(404);
    await t.http.get('/verify/PT-2023-999999').set('Accept', 'application/json').expect(404);
  });

  it('tags contributions with a campaign and lists them by it', async () => {
    await t.http
      .post('/api/campaigns')
      .set(bearer(accountant))
      .send({ code: 'T7-2023', name: 'Tháng 7 tri ân 2023', startsOn: '2023-06-28', endsOn: '2023-07-27' })
      .expect(201);
    await contribute({
      date: '2023-07-25',
      amount: 500_000,
      campaign: 'T7-2023',
      purpose: 'Xây nhà tình nghĩa',
    }).expect(201);
    await contribute({ date: '2023-07-25', amount: 500_000, campaign: 'NOPE' }).expect(400);
    const list = await t.http.get('/api/contributions?campaign=T7-2023').set(bearer(accountant)).expect(200);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toMatchObject({ campaign: 'T7-2023', purpose: 'Xây nhà tình nghĩa' });
  });

  it('closes a batch only when count and total agree, and prints the names as an annex', async () => {
    const agency = await t.http
      .post('/api/donors')
      .set(bearer(accountant))
      .send({ name: 'Sở Lao động – Thương binh và Xã hội', kind: 'agency' })
      .expect(201);
    const batch = await t.http
      .post('/api/contribution-batches')
      .set(bearer(accountant))
      .send({
        fundCode: 'LC',
        donorId: agency.body.id,
        // The day of the cash receipts before it (01/08): an earlier one would be a late entry.
        date: '2023-08-01',
        method: 'cash',
        description: 'Ủng hộ một ngày lương tháng 7/2023',
        expectedCount: 3,
        expectedTotal: '1500000',
      })
      .expect(201);
    const id = batch.body.id as number;
    await t.http
      .post(`/api/contribution-batches/${id}/members`)
      .set(bearer(accountant))
      .send({
        members: [
          { name: 'Trần Thị Bình', amount: 500_000 },
          { name: 'Lê Văn Cường', amount: '400000' },
        ],
      })
      .expect(200);
    const refused = await t.http
      .post(`/api/contribution-batches/${id}/close`)
      .set(bearer(accountant))
      .expect(422);
    expect(refused.body.message).toEqual([
      'the list has 2 names, the batch expects 3',
      'the list adds up to 900.000 đ, the batch expects 1.500.000 đ (difference -600.000 đ)',
    ]);
    await t.http
      .post(`/api/contribution-batches/${id}/members`)
      .set(bearer(accountant))
      .send({ members: [{ name: 'Hoàng Thị Dung', amount: 600_000, note: 'Phòng Người có công' }] })
      .expect(200);
    const closed = await t.http
      .post(`/api/contribution-batches/${id}/close`)
      .set(bearer(accountant))
      .expect(200);
    expect(closed.body.batch).toMatchObject({ status: 'closed', count: 3, total: '1500000' });
    expect(closed.body.contribution).toMatchObject({ amount: '1500000', batchId: id });
    const pdf = await receipt(closed.body.contribution.id as number).expect(200);
    const text = pdfText(pdf.body as Buffer);
    expect(text).toContain('Hoàng Thị Dung');
    expect(text).toContain('Trần Thị Bình');
    await t.http.post(`/api/contribution-batches/${id}/close`).set(bearer(accountant)).expect(409);
  });

  it('finds donors without diacritics and merges duplicates with a trace', async () => {
    const a = await t.http
      .post('/api/donors')
      .set(bearer(accountant))
      .send({ name: 'Nguyễn Văn An', kind: 'individual' })
      .expect(201);
    const b = await t.http
      .post('/api/donors')
      .set(bearer(accountant))
      .send({ name: 'Nguyen Van An', kind: 'individual' })
      .expect(201);
    await t.http
      .post('/api/contributions')
      .set(bearer(accountant))
      .send({ fundCode: 'LC', donorId: b.body.id, date: '2023-10-01', amount: 200_000, method: 'cash' })
      .expect(201);
    const found = await t.http.get('/api/donors?q=nguyen van an').set(bearer(accountant)).expect(200);
    expect(found.body.total).toBe(2);
    await t.http
      .post(`/api/donors/${b.body.id}/merge`)
      .set(bearer(accountant))
      .send({ intoId: a.body.id, reason: 'Cùng một người' })
      .expect(200);
    const after = await t.http.get('/api/donors?q=nguyen van an').set(bearer(accountant)).expect(200);
    expect(after.body.total).toBe(1);
    const gifts = await t.http
      .get(`/api/contributions?donorId=${a.body.id}`)
      .set(bearer(accountant))
      .expect(200);
    expect(gifts.body.total).toBe(1);
    const merged = await t.http.get(`/api/donors/${b.body.id}`).set(bearer(accountant)).expect(200);
    expect(merged.body.mergedIntoId).toBe(a.body.id);
  });

  it('prints a yearly thank-you letter listing the receipts and the total in words', async () => {
    const res = await t.http
      .get(`/api/donors/${donorId}/statement.pdf?fund=LC&year=2024`)
      .set(bearer(accountant))
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    const text = pdfText(res.body as Buffer);
    expect(text).toContain('XN-2024-000001');
    expect(text).toContain('Một triệu đồng');
  });

  describe('e-mail', () => {
    let smtp: SMTPServer;
    const received: { to: string; raw: string }[] = [];
    let mailApp: TestApp;

    beforeAll(async () => {
      smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        onData(stream, session, callback) {
          let raw = '';
          stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
          stream.on('end', () => {
            received.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw });
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
      const port = (smtp.server.address() as AddressInfo).port;
      mailApp = await startTestApp({ smtpUrl: `smtp://127.0.0.1:${port}` }, t.db);
    });
    afterAll(async () => {
      await mailApp.close();
      await new Promise<void>((resolve) => smtp.close(resolve));
    });

    it('sends the receipt PDF to the donor over SMTP and records the delivery', async () => {
      const token = await mailApp.login('admin', 'admin-password-1');
      const res = await mailApp.http
        .post(`/api/contributions/${big.id}/email`)
        .set(bearer(token))
        .send({ to: 'ketoan@apatit.vn' })
        .expect(200);
      expect(res.body).toMatchObject({ recipient: 'ketoan@apatit.vn', status: 'sent' });
      expect(received).toHaveLength(1);
      expect(received[0].to).toBe('ketoan@apatit.vn');
      expect(received[0].raw).toMatch(/Content-Type: application\/pdf; name=XN-2023-000001\.pdf/);
      expect(received[0].raw).toMatch(/JVBERi0/); // base64 of "%PDF-"
      const deliveries = await mailApp.http
        .get(`/api/contributions/${big.id}/deliveries`)
        .set(bearer(token))
        .expect(200);
      expect(deliveries.body).toEqual([
        expect.objectContaining({ status: 'sent', recipient: 'ketoan@apatit.vn' }),
      ]);
    });

    it('says so when e-mail is switched off, and records the attempt', async () => {
      const res = await t.http
        .post(`/api/contributions/${big.id}/email`)
        .set(bearer(accountant))
        .send({ to: 'x@example.vn' })
        .expect(503);
      expect(res.body.message[0]).toContain('SMTP_URL');
      const deliveries = await t.http
        .get(`/api/contributions/${big.id}/deliveries`)
        .set(bearer(accountant))
        .expect(200);
      expect(deliveries.body).toHaveLength(2);
      expect(deliveries.body[1]).toMatchObject({ status: 'failed', recipient: 'x@example.vn' });
    });
  });

  it('verifies the whole chain afterwards', async () => {
    const res = await t.http.get('/api/audit/verify').set(bearer(t.adminToken)).expect(200);
    expect(res.body).toMatchObject({ ok: true, problems: [] });
  });
});
