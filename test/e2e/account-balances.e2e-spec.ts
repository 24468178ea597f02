import * as ExcelJS from 'exceljs';
import { Money } from '../../src/common/money';
import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { expectError } from '../support/http';
import { binaryParser, pdfText } from '../support/pdf';

interface Row {
  account: string;
  name: string;
  opening: string;
  debit: string;
  credit: string;
  closing: string;
}

/**
 * The Bảng cân đối tài khoản (GET /api/reports/account-balances) and closing several years in one call
 * (POST /api/funds/:code/close-year with upTo): receipts in 2021, 2022 and 2023 on a province fund AB and a
 * commune fund AB-C below it, a transfer between them, 2021–2022 closed in one request.
 */
describe(`account balances and closing up to a year (${DB_LABEL})`, () => {
  let t: TestApp;
  let accountant: string;
  let approver: string;

  const post = (fundCode: string, date: string, debit: string, credit: string, amount: number) =>
    t.http
      .post('/api/journal-entries')
      .set(bearer(accountant))
      .send({
        fundCode,
        date,
        description: `Thu ${date}`,
        lines: [
          { account: debit, debit: amount },
          { account: credit, credit: amount },
        ],
      })
      .expect(201);

  beforeAll(async () => {
    t = await startTestApp();
    for (const [code, level, parentCode] of [
      ['AB', 'province', undefined],
      ['AB-C', 'commune', 'AB'],
    ] as const) {
      await t.http
        .post('/api/funds')
        .set(bearer(t.adminToken))
        .send({ code, name: `Quỹ ${code}`, level, parentCode })
        .expect(201);
    }
    accountant = await t.newUser('accountant');
    approver = await t.newUser('approver');
    await post('AB', '2021-03-01', '111', '5111', 1_000_000);
    await post('AB', '2022-05-01', '112', '5112', 2_000_000);
    await post('AB', '2022-06-01', '112', '5115', 30_000);
    await post('AB', '2023-02-01', '111', '5111', 4_000_000);
    await post('AB-C', '2023-03-01', '111', '5113', 500_000);
  }, 60_000);
  afterAll(() => t.close());

  it('closes every open year up to 2022 in one call, each with its own closing entry', async () => {
    const res = await t.http
      .post('/api/funds/AB/close-year')
      .set(bearer(approver))
      .send({ year: 2022, upTo: true })
      .expect(201);
    const body = res.body as {
      year: number;
      lockedThrough: string;
      years: { year: number; receipts: string }[];
    };
    expect(body.years.map((y) => [y.year, y.receipts])).toEqual([
      [2021, '1000000'],
      [2022, '2030000'],
    ]);
    expect(body).toMatchObject({ year: 2022, lockedThrough: '2022-12-31' });
    const closings = await t.http.get('/api/funds/AB/closings').set(bearer(approver)).expect(200);
    expect(JSON.stringify(closings.body)).toContain('2021');
    // Closing again is refused and writes nothing.
    expectError(
      await t.http.post('/api/funds/AB/close-year').set(bearer(approver)).send({ year: 2022, upTo: true }),
      409,
    );
  });

  it('a failed close up to a year writes nothing (2999 has not ended)', async () => {
    expectError(
      await t.http.post('/api/funds/AB-C/close-year').set(bearer(approver)).send({ year: 2999, upTo: true }),
      422,
    );
    const closings = await t.http.get('/api/funds/AB-C/closings').set(bearer(approver)).expect(200);
    expect(JSON.stringify(closings.body)).not.toContain('"year":2023');
  });

  it('2023: opening + debit − credit = closing for every account, and closing equals the trial balance', async () => {
    const res = await t.http
      .get('/api/reports/account-balances?fund=AB&from=2023-01-01&to=2023-12-31')
      .set(bearer(accountant))
      .expect(200);
    const body = res.body as { fund: string; from: string; to: string; rows: Row[] };
    expect(body).toMatchObject({ fund: 'AB', from: '2023-01-01', to: '2023-12-31' });
    for (const row of body.rows) {
      expect(Object.keys(row).sort()).toEqual(['account', 'closing', 'credit', 'debit', 'name', 'opening']);
      const computed = Money.fromStored(row.opening)
        .plus(Money.fromStored(row.debit))
        .minus(Money.fromStored(row.credit));
      expect(computed.toString()).toBe(row.closing);
    }
    const byAccount = new Map(body.rows.map((r) => [r.account, r]));
    // The closed years' result sits in 431, the receipts accounts open at zero.
    expect(byAccount.get('431')).toMatchObject({ opening: '-3030000', closing: '-3030000' });
    expect(byAccount.get('5111')).toMatchObject({
      opening: '0',
      debit: '0',
      credit: '4000000',
      closing: '-4000000',
    });
    expect(byAccount.get('111')).toMatchObject({ opening: '1000000', debit: '4000000', closing: '5000000' });

    const tb = await t.http
      .get('/api/reports/trial-balance?fund=AB&asOf=2023-12-31')
      .set(bearer(accountant))
      .expect(200);
    const trial = (tb.body as { rows: { account: string; debit: string; credit: string }[] }).rows;
    for (const r of trial) {
      const balance = Money.fromStored(r.debit).minus(Money.fromStored(r.credit)).toString();
      expect([r.account, byAccount.get(r.account)?.closing ?? '0']).toEqual([r.account, balance]);
    }
  });

  it("opens the next year's export with the closed years' result in 431 and no receipts", async () => {
    const res = await t.http
      .get('/api/exports/journal?fund=AB&from=2023-01-01&to=2023-12-31&format=hledger')
      .set(bearer(accountant))
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    const journal = (res.body as Buffer).toString('utf8');
    const opening = journal.slice(journal.indexOf('* Số dư đầu kỳ'));
    const block = opening.slice(0, opening.indexOf('\n\n'));
    expect(block).toMatch(/:AB:431 [^\n]*-3030000 VND/);
    expect(block).not.toMatch(/:AB:51\d\d/);
    expect(block).not.toMatch(/:AB:61\d\d/);
  });

  it('consolidated takes the funds below', async () => {
    const res = await t.http
      .get('/api/reports/account-balances?fund=AB&from=2023-01-01&to=2023-12-31&consolidated=true')
      .set(bearer(accountant))
      .expect(200);
    const rows = new Map((res.body as { rows: Row[] }).rows.map((r) => [r.account, r]));
    expect(rows.get('5113')).toMatchObject({ credit: '500000', closing: '-500000' });
    expect(rows.get('111')?.closing).toBe('5500000');
  });

  it('is a PDF, an XLSX and a CSV with the same figures', async () => {
    const base = '/api/reports/account-balances?fund=AB&from=2023-01-01&to=2023-12-31';
    const pdf = await t.http
      .get(`${base}&format=pdf`)
      .set(bearer(accountant))
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    expect(pdf.headers['content-type']).toContain('application/pdf');
    const text = pdfText(pdf.body as Buffer);
    expect(text).toContain('BẢNG CÂN ĐỐI TÀI KHOẢN');
    expect(text).toContain('4.000.000');
    const xlsx = await t.http
      .get(`${base}&format=xlsx`)
      .set(bearer(accountant))
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const csv = await t.http.get(`${base}&format=csv`).set(bearer(accountant)).expect(200);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toContain('Số dư đầu kỳ Nợ');
    expect(lines.find((l) => l.startsWith('431,'))).toBe('431,Quỹ Đền ơn đáp nghĩa,,3030000,0,0,,3030000');
  });

  it('prints form S05-H, consolidated too, and an XLSX with number cells, an autofilter and headers by language', async () => {
    const base = '/api/reports/account-balances?fund=AB&from=2023-01-01&to=2023-12-31&consolidated=true';
    const pdf = await t.http
      .get(`${base}&format=pdf`)
      .set(bearer(accountant))
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    const text = pdfText(pdf.body as Buffer);
    expect(text).toContain('Mẫu số S05-H');
    expect(text).toContain('Thông tư số 107/2017/TT-BTC');
    expect(text).toMatch(/Tổng hợp 2 quỹ/);
    // The period once, under the title (a one-page table has no running head).
    expect(text.match(/Từ ngày 01\/01\/2023 đến ngày 31\/12\/2023/g)).toHaveLength(1);
    const sheetOf = async (lang: string | null) => {
      const request = t.http.get(`${base}&format=xlsx`).set(bearer(accountant));
      const res = await (
        lang === null ? request.unset('Accept-Language') : request.set('Accept-Language', lang)
      )
        .buffer(true)
        .parse(binaryParser)
        .expect(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(res.body as ExcelJS.Buffer);
      return workbook.worksheets[0];
    };
    const findRow = (sheet: ExcelJS.Worksheet, value: string) => {
      for (let row = 1; row <= sheet.rowCount; row++)
        if ((sheet.getRow(row).values as ExcelJS.CellValue[]).includes(value)) return row;
      return -1;
    };
    const vi = await sheetOf(null);
    const header = findRow(vi, 'Số hiệu tài khoản');
    expect(header).toBeGreaterThan(0);
    expect(vi.autoFilter).toMatch(new RegExp(`^A${header}:H\\d+$`));
    const cash = vi.getRow(findRow(vi, '111'));
    expect(cash.getCell(7).value).toBe(5_500_000);
    const en = await sheetOf('en');
    expect(findRow(en, 'Opening debit')).toBeGreaterThan(0);
  });

  it('refuses a bad period with a message per field', async () => {
    const res = await t.http
      .get('/api/reports/account-balances?fund=AB&from=2023-13-01&to=2023-12-31&format=doc')
      .set(bearer(accountant));
    expect(expectError(res, 400).length).toBeGreaterThanOrEqual(2);
    expectError(
      await t.http
        .get('/api/reports/account-balances?fund=AB&from=2023-12-31&to=2023-01-01')
        .set(bearer(accountant)),
      400,
    );
  });
});
