import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import { Money } from '../../src/common/money';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { PostingService } from '../../src/ledger/posting.service';
import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { createUser, expectError, TestUser } from '../support/http';
import { binaryParser, pdfInfo, pdfText } from '../support/pdf';

/**
 * The statement of receipts and disbursements and the reconciliation against published claims, over books
 * built through the API: a province fund TST, a district TST-D below it and a commune TST-C below that, donors
 * of every kind, payouts to three households, a transfer TST → TST-C, a transfer to a fund outside (OUT), a
 * voided gift, a reversed payout and a year-end close of TST for 2022. data/claims/test-fixture.json states
 * figures about exactly these books.
 *
 * Expected, 2022-01-01..2023-12-31 (đồng):
 *   TST    opening 10.000.000; receipts 175.150.000; disbursements 92.000.000; closing 93.150.000
 *   TST-D  opening 0;          receipts  43.000.000; disbursements  2.000.000; closing 41.000.000
 *   TST-C  opening 0;          receipts  50.000.000; disbursements 45.000.000; closing  5.000.000
 *   group  opening 10.000.000; receipts 238.150.000 (= 268.150.000 − 30.000.000 transferred inside);
 *          disbursements 109.000.000; closing 139.150.000
 */

interface Statement {
  fund: string;
  consolidated: boolean;
  funds: string[];
  openingBalance: string;
  receipts: {
    total: string;
    byDonorKind: Record<string, string>;
    byAccount: Record<string, string>;
    byLevel?: Record<string, string>;
  };
  disbursements: {
    total: string;
    byPurpose: Record<string, { amount: string; households: number }>;
    households: number;
  };
  otherMovements: string;
  closingBalance: string;
  eliminated?: { transfers: number; receipts: string; disbursements: string };
  closingAddedBack: { receipts: string; disbursements: string };
  years?: {
    year: number;
    receipts: string;
    disbursements: string;
    households: number;
    closingBalance: string;
  }[];
}

interface ClaimResult {
  index: number;
  label: string;
  metric: string;
  expected: string;
  actual: string;
  difference: string;
  verdict: 'agrees' | 'disagrees';
  qualifier: string;
  tolerancePercent: string;
  entries: string;
}

interface DrillDown {
  kind: 'entries' | 'households';
  sum: string;
  total: number;
  page: number;
  pageSize: number;
  claim: ClaimResult;
  items: {
    id?: number;
    fundCode: string;
    source?: string;
    amount: string;
    beneficiaryName?: string;
    purpose?: string;
  }[];
}

const RANGE = 'from=2022-01-01&to=2023-12-31';
const CLAIMS_DIR = path.join(__dirname, '..', '..', 'data', 'claims');

let t: TestApp;
let accountant: TestUser;
let approver: TestUser;
let cashier: TestUser;
const households: Record<string, number> = {};
const donors: Record<string, number> = {};

const post = (path: string, body: object, token = accountant.token) =>
  t.http.post(path).set(bearer(token)).send(body);
const get = (path: string, token = accountant.token) => t.http.get(path).set(bearer(token));
const json = async <T>(path: string, token = accountant.token): Promise<T> => {
  const res = await get(path, token);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text}`);
  return res.body as T;
};
const binary = (path: string) => get(path).buffer(true).parse(binaryParser).expect(200);
const statement = (fund: string, consolidated = false, range = RANGE) =>
  json<Statement>(`/api/reports/statement?fund=${fund}&${range}${consolidated ? '&consolidated=true' : ''}`);

async function contribute(fundCode: string, donor: string, date: string, amount: number, method = 'bank') {
  const res = await post('/api/contributions', { fundCode, donorId: donors[donor], date, amount, method });
  expect(res.status).toBe(201);
  return res.body as { id: number };
}

/** A payout requested by the accountant, approved by the approver and paid by the cashier, all on `date`. */
async function payout(
  fundCode: string,
  household: string,
  purpose: string,
  amount: number,
  date: string,
  method = 'bank',
) {
  const created = await post('/api/disbursements', {
    fundCode,
    beneficiaryId: households[household],
    purpose,
    amount,
    date,
    method,
  });
  if (created.status !== 201) throw new Error(`payout: ${created.status} ${created.text}`);
  const id = (created.body as { id: number }).id;
  await post(`/api/disbursements/${id}/approve`, {}, approver.token).expect(200);
  await post(`/api/disbursements/${id}/pay`, { date }, cashier.token).expect(200);
  return id;
}

async function journal(fundCode: string, date: string, lines: object[]) {
  await post('/api/journal-entries', { fundCode, date, description: 'Bút toán thử', lines }).expect(201);
}

beforeAll(async () => {
  t = await startTestApp();
  await t.newFund('TST', 'province');
  await t.newFund('TST-D', 'district', 'TST');
  await t.newFund('TST-C', 'commune', 'TST-D');
  await t.newFund('OUT', 'province');
  accountant = await createUser(t, 'accountant');
  approver = await createUser(t, 'approver');
  cashier = await createUser(t, 'cashier');

  for (const [key, name, kind] of [
    ['agency', 'Sở Lao động - Thương binh và Xã hội', 'agency'],
    ['enterprise', 'Công ty Cổ phần Apatit', 'enterprise'],
    ['organization', 'Hội Cựu chiến binh', 'organization'],
    ['individual', 'Nguyễn Văn An', 'individual'],
  ]) {
    const res = await post('/api/donors', { name, kind }).expect(201);
    donors[key] = (res.body as { id: number }).id;
  }
  for (const [key, fullName, commune] of [
    ['H1', 'Hoàng Thị Mai', 'Bắc Hà'],
    ['H2', 'Lò Văn Pao', 'Sa Pa'],
    ['H3', 'Giàng Seo Chư', 'Mường Khương'],
  ]) {
    const res = await post('/api/beneficiaries', {
      fullName,
      category: 'martyr_relative',
      commune,
      birthYear: 1950,
    });
    expect(res.status).toBe(201);
    households[key] = (res.body as { id: number }).id;
  }

  // Before the period: the opening balance.
  await contribute('TST', 'agency', '2021-12-20', 10_000_000);
  // 2022
  await contribute('TST', 'agency', '2022-03-10', 100_000_000);
  await contribute('TST', 'enterprise', '2022-07-01', 50_000_000);
  await payout('TST', 'H1', 'house_new', 60_000_000, '2022-09-01');
  await contribute('TST-C', 'organization', '2022-11-11', 7_000_000);
  // Year-end close of TST for 2022 (the closing module posts these through the same path): 5111 100M and
  // 5112 50M against 6111 60M, the difference to 431. The statement must still show them.
  const uow = t.app.get(UnitOfWork);
  const posting = t.app.get(PostingService);
  await uow.write((tx) =>
    posting.post(tx, {
      fundCode: 'TST',
      date: '2022-12-31',
      description: 'Kết chuyển cuối năm 2022',
      source: 'closing',
      postedBy: 'tester',
      lines: [
        { account: '5111', debit: Money.parse(100_000_000) },
        { account: '5112', debit: Money.parse(50_000_000) },
        { account: '6111', credit: Money.parse(60_000_000) },
        { account: '431', credit: Money.parse(90_000_000) },
      ],
    }),
  );
  // 2023
  await journal('TST-C', '2023-01-20', [
    { account: '112', debit: 1_000_000 },
    { account: '5118', credit: 1_000_000 },
  ]);
  await contribute('TST', 'organization', '2023-02-01', 20_000_000, 'cash');
  await payout('TST', 'H3', 'visit_gift', 1_000_000, '2023-02-02', 'cash');
  await contribute('TST-D', 'individual', '2023-03-01', 3_000_000, 'cash');
  await payout('TST-D', 'H3', 'visit_gift', 2_000_000, '2023-03-02', 'cash');
  const hardship = await payout('TST', 'H2', 'hardship', 5_000_000, '2023-03-03');
  await post('/api/transfers', {
    fromFund: 'TST',
    toFund: 'TST-C',
    amount: 30_000_000,
    date: '2023-04-01',
    method: 'bank',
  }).expect(201);
  await post(`/api/disbursements/${hardship}/reverse`, { reason: 'Trả nhầm hộ', date: '2023-04-15' }).expect(
    200,
  );
  await payout('TST-C', 'H1', 'house_repair', 30_000_000, '2023-05-01');
  await contribute('TST-D', 'agency', '2023-05-05', 40_000_000);
  await contribute('TST-C', 'enterprise', '2023-05-20', 12_000_000);
  await payout('TST-C', 'H2', 'house_repair', 15_000_000, '2023-06-01');
  await contribute('TST', 'individual', '2023-07-15', 5_000_000, 'cash');
  const voided = await contribute('TST', 'enterprise', '2023-08-01', 9_000_000);
  await post(`/api/contributions/${voided.id}/void`, { reason: 'Ghi nhầm', date: '2023-08-02' }).expect(200);
  await post('/api/transfers', {
    fromFund: 'TST',
    toFund: 'OUT',
    amount: 1_000_000,
    date: '2023-09-01',
    method: 'bank',
  }).expect(201);
  await journal('TST', '2023-12-31', [
    { account: '112', debit: 150_000 },
    { account: '5115', credit: 150_000 },
  ]);
}, 60_000);
afterAll(() => t.close());

describe(`statement of receipts and disbursements (${DB_LABEL})`, () => {
  it("shows one fund's own books to the đồng, with the year-end close added back", async () => {
    const s = await statement('TST');
    expect(s).toMatchObject({
      fund: 'TST',
      consolidated: false,
      funds: ['TST'],
      openingBalance: '10000000',
      receipts: {
        total: '175150000',
        byDonorKind: {
          agency: '100000000',
          enterprise: '50000000',
          organization: '20000000',
          individual: '5000000',
          other: '150000',
        },
      },
      // H1 (new house) and H3 (visit); H2's hardship payout was reversed.
      disbursements: { total: '92000000', households: 2 },
      otherMovements: '0',
      closingBalance: '93150000',
      closingAddedBack: { receipts: '150000000', disbursements: '60000000' },
    });
    expect(s.receipts.byLevel).toBeUndefined();
    expect(s.eliminated).toBeUndefined();
    expect(s.disbursements.byPurpose).toMatchObject({
      house_new: { amount: '60000000', households: 1 },
      house_repair: { amount: '0', households: 0 },
      visit_gift: { amount: '1000000', households: 1 },
      // Paid and reversed inside the period: nothing spent, nobody supported.
      hardship: { amount: '0', households: 0 },
      transfer: { amount: '31000000', households: 0 },
    });
  });

  it('reads each fund of the group on its own', async () => {
    const district = await statement('TST-D');
    expect(district).toMatchObject({
      openingBalance: '0',
      receipts: { total: '43000000', byDonorKind: { agency: '40000000', individual: '3000000' } },
      disbursements: { total: '2000000', byPurpose: { visit_gift: { amount: '2000000', households: 1 } } },
      closingBalance: '41000000',
    });
    const commune = await statement('TST-C');
    expect(commune).toMatchObject({
      receipts: {
        total: '50000000',
        byDonorKind: { organization: '7000000', enterprise: '12000000', other: '31000000' },
        byAccount: { '5118': '1000000', '5121': '30000000' },
      },
      disbursements: {
        total: '45000000',
        byPurpose: { house_repair: { amount: '45000000', households: 2 } },
      },
      closingBalance: '5000000',
    });
  });

  it('consolidates the group: the sum of the funds less the transfers inside it, by level and by year', async () => {
    const s = await statement('TST', true);
    expect(s.funds).toEqual(['TST', 'TST-D', 'TST-C']);
    expect(s).toMatchObject({
      openingBalance: '10000000',
      receipts: {
        total: '238150000',
        byDonorKind: {
          agency: '140000000',
          enterprise: '62000000',
          organization: '27000000',
          individual: '8000000',
          other: '1150000',
        },
        byLevel: { central: '0', province: '175150000', district: '43000000', commune: '20000000' },
      },
      disbursements: { total: '109000000', households: 3 },
      otherMovements: '0',
      closingBalance: '139150000',
      eliminated: { transfers: 1, receipts: '30000000', disbursements: '30000000' },
    });
    expect(s.disbursements.byPurpose).toMatchObject({
      house_new: { amount: '60000000', households: 1 },
      house_repair: { amount: '45000000', households: 2 },
      // H3 was visited by the province and by the district: one household.
      visit_gift: { amount: '3000000', households: 1 },
      transfer: { amount: '1000000', households: 0 },
    });

    const own = await Promise.all(['TST', 'TST-D', 'TST-C'].map((code) => statement(code)));
    const sum = (values: string[]) => Money.sum(values.map((v) => Money.fromStored(v)));
    const eliminated = Money.fromStored(s.eliminated?.receipts ?? '0');
    expect(
      sum(own.map((o) => o.receipts.total))
        .minus(eliminated)
        .toString(),
    ).toBe(s.receipts.total);
    expect(
      sum(own.map((o) => o.disbursements.total))
        .minus(eliminated)
        .toString(),
    ).toBe(s.disbursements.total);
    expect(sum(own.map((o) => o.closingBalance)).toString()).toBe(s.closingBalance);

    expect(s.years).toEqual([
      expect.objectContaining({
        year: 2022,
        receipts: '157000000',
        disbursements: '60000000',
        households: 1,
        closingBalance: '107000000',
      }),
      expect.objectContaining({
        year: 2023,
        receipts: '81150000',
        disbursements: '49000000',
        households: 3,
        closingBalance: '139150000',
      }),
    ]);
  });

  it('gives the fund balance (TK 431) of each scope: the 2022 close in 431, opening + result = closing', async () => {
    const own = (await statement('TST')) as unknown as WithFund;
    expect(own.fundBalance).toMatchObject({
      opening: '10000000',
      opening431: '0',
      carriedBefore: [],
      carriedInPeriod: [{ year: 2022, amount: '90000000' }],
      otherMovements: '0',
      closing: '93150000',
      closing431: '90000000',
    });
    const group = (await statement('TST', true)) as unknown as WithFund;
    expect(group.fundBalance).toMatchObject({
      opening: '10000000',
      otherMovements: '0',
      closing: '139150000',
    });
    for (const s of [own, group]) expectFundArithmetic(s.fundBalance);
    const year = (await statement('TST', false, 'from=2023-01-01&to=2023-12-31')) as unknown as WithFund;
    expect(year.fundBalance).toMatchObject({
      opening: '100000000',
      opening431: '90000000',
      openingNotCarried: '10000000',
      carriedBefore: [{ year: 2022, amount: '90000000' }],
      carriedInPeriod: [],
    });
  });

  it('keeps a transfer from outside a sub-group as its receipt', async () => {
    const s = await statement('TST-D', true);
    expect(s.funds).toEqual(['TST-D', 'TST-C']);
    expect(s.receipts.total).toBe('93000000');
    expect(s.eliminated).toEqual({ transfers: 0, receipts: '0', disbursements: '0' });
  });

  it('reads a single year, and a close dated before the period changes nothing', async () => {
    const s = await statement('TST', false, 'from=2023-01-01&to=2023-12-31');
    expect(s).toMatchObject({
      openingBalance: '100000000',
      receipts: { total: '25150000' },
      disbursements: { total: '32000000' },
      closingBalance: '93150000',
      closingAddedBack: { receipts: '0', disbursements: '0' },
    });
    expect(s.years).toBeUndefined();
  });

  it('prints the same figures as a PDF with the words, the chart and fixed bytes', async () => {
    const path = `/api/reports/statement?fund=TST&${RANGE}&consolidated=true&format=pdf`;
    const res = await binary(path).expect('Content-Type', 'application/pdf');
    expect(res.headers['content-disposition']).toBe(
      'inline; filename="bao-cao-thu-chi-TST-tong-hop-2022-01-01-2023-12-31.pdf"',
    );
    const pdf = res.body as Buffer;
    const text = pdfText(pdf);
    expect(text).toContain('BÁO CÁO THU CHI QUỸ ĐỀN ƠN ĐÁP NGHĨA');
    expect(text).toContain('Từ ngày 01/01/2022 đến ngày 31/12/2023');
    for (const amount of [
      '10.000.000',
      '238.150.000',
      '109.000.000',
      '139.150.000',
      '175.150.000',
      '20.000.000',
    ])
      expect(text).toContain(amount);
    expect(text).toContain('Hai trăm ba mươi tám triệu một trăm năm mươi nghìn đồng');
    expect(text).toContain('Một trăm linh chín triệu đồng');
    expect(text).toContain('Một trăm ba mươi chín triệu một trăm năm mươi nghìn đồng');
    expect(text).toContain('Biểu đồ thu, chi theo năm');
    expect(text).toContain('Cấp quỹ');
    // The same statement gives the same bytes, dated on its last day.
    expect((await binary(path)).body).toEqual(pdf);
    expect(pdfInfo(pdf).creationDate).toBe('2023-12-31T00:00:00Z');
  });

  it('exports XLSX with number cells and a column per year', async () => {
    const res = await binary(`/api/reports/statement?fund=TST&${RANGE}&consolidated=true&format=xlsx`);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.headers['content-disposition']).toContain(
      'attachment; filename="bao-cao-thu-chi-TST-tong-hop',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body);
    const sheet = workbook.worksheets[0];
    const rows = new Map<string, ExcelJS.Row>();
    let section = '';
    sheet.eachRow((row) => {
      const value = row.getCell(1).value;
      const key = typeof value === 'string' ? value : '';
      if (key === 'opening_balance' || key === 'closing_balance' || key === 'other_movements') section = key;
      else if (key === 'agency') section = 'receipts';
      else if (key === 'house_new') section = 'disbursements';
      else if (key === 'central') section = 'levels';
      rows.set(`${section}/${key}`, row);
    });
    const cells = (key: string) => {
      const row = rows.get(key);
      if (!row) throw new Error(`no row ${key}`);
      return [4, 5, 6].map((column) => row.getCell(column).value);
    };
    expect(cells('opening_balance/opening_balance')).toEqual([10_000_000, 10_000_000, 107_000_000]);
    expect(cells('receipts/total')).toEqual([238_150_000, 157_000_000, 81_150_000]);
    expect(cells('receipts/agency')).toEqual([140_000_000, 100_000_000, 40_000_000]);
    expect(cells('disbursements/total')).toEqual([109_000_000, 60_000_000, 49_000_000]);
    expect(cells('closing_balance/closing_balance')).toEqual([139_150_000, 107_000_000, 139_150_000]);
    expect(rows.get('levels/commune')?.getCell(4).value).toBe(20_000_000);
    // The header row in the request's language (the test app asks for English), filtered; Vietnamese by default.
    const headerRow = (sheet.views[0] as Partial<ExcelJS.WorksheetViewFrozen>).ySplit ?? 0;
    expect((sheet.getRow(headerRow).values as ExcelJS.CellValue[]).slice(1)).toEqual([
      'No.',
      'Item',
      'Households',
      'Amount',
      'Year 2022',
      'Year 2023',
    ]);
    expect(sheet.autoFilter).toBe(`A${headerRow}:F${sheet.rowCount}`);
    const vi = await get(`/api/reports/statement?fund=TST&${RANGE}&consolidated=true&format=xlsx`)
      .unset('Accept-Language')
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    const viBook = new ExcelJS.Workbook();
    await viBook.xlsx.load(vi.body as ExcelJS.Buffer);
    const viSheet = viBook.worksheets[0];
    expect((viSheet.getRow(headerRow).values as ExcelJS.CellValue[]).slice(1, 3)).toEqual([
      'STT',
      'Chỉ tiêu',
    ]);
    expect(rows.get('disbursements/house_repair')?.getCell(3).value).toBe(2);
    expect(rows.get('receipts/total')?.getCell(4).numFmt).toBe('#,##0');
  });

  it('exports CSV with a BOM, one row per line item', async () => {
    const res = await binary(`/api/reports/statement?fund=TST&${RANGE}&consolidated=true&format=csv`);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain('.csv"');
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = body.subarray(3).toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe('section,key,label,amount,households');
    expect(lines).toContain('opening_balance,opening_balance,"Số dư đầu kỳ (tiền mặt, tiền gửi)",10000000,');
    expect(lines).toContain('receipts,total,Tổng thu trong kỳ,238150000,');
    expect(lines).toContain('disbursements,house_repair,Chi hỗ trợ sửa chữa nhà ở,45000000,2');
    expect(lines).toContain('disbursements,total,Tổng chi trong kỳ,109000000,3');
    expect(lines).toContain('receipts_by_level,commune,Quỹ cấp xã,20000000,');
    expect(lines).toContain(
      'closing_balance,closing_balance,"Số dư cuối kỳ (tiền mặt, tiền gửi)",139150000,',
    );
    expect(lines).toContain('disbursements_by_year,2023,Năm 2023,49000000,3');
  });

  it('refuses a bad request with 400, an unknown fund with 404, and a fund out of scope with 403', async () => {
    const url = (query: string) => `/api/reports/statement?${query}`;
    expect(expectError(await get(url('fund=TST&from=2023-12-31&to=2023-01-01')), 400)).toEqual([
      'from (2023-12-31) must not be after to (2023-01-01)',
    ]);
    const messages = expectError(await get(url('fund=TST&from=2023-02-30&to=2023-13-01&format=doc')), 400);
    expect(messages).toEqual(
      expect.arrayContaining([
        'from must be a date written YYYY-MM-DD',
        'to must be a date written YYYY-MM-DD',
      ]),
    );
    expect(messages.some((m) => m.startsWith('format must be one of'))).toBe(true);
    expectError(await get(url('from=2023-01-01&to=2023-12-31')), 400);
    expectError(await get(url('fund=NOPE&from=2023-01-01&to=2023-12-31')), 404);
    const commune = await createUser(t, 'auditor', 'TST-C');
    expectError(await get(url(`fund=TST&${RANGE}&consolidated=true`), commune.token), 403);
    await get(url(`fund=TST-C&${RANGE}`), commune.token).expect(200);
  });
});

describe(`reconciliation against published claims (${DB_LABEL})`, () => {
  let claims: ClaimResult[];

  beforeAll(async () => {
    claims = (await json<{ claims: ClaimResult[] }>('/api/reports/reconciliation?claims=test-fixture'))
      .claims;
  });

  it('gives each claim the books’ figure, the signed difference and a verdict', () => {
    const summary = claims.map((c) => [c.qualifier, c.expected, c.actual, c.difference, c.verdict]);
    expect(summary).toEqual([
      ['exactly', '238150000', '238150000', '0', 'agrees'],
      ['exactly', '238150001', '238150000', '-1', 'disagrees'],
      ['about', '175000000', '175150000', '150000', 'agrees'],
      ['about', '250000000', '238150000', '-11850000', 'disagrees'],
      ['nearly', '240000000', '238150000', '-1850000', 'agrees'],
      ['nearly', '238000000', '238150000', '150000', 'disagrees'],
      ['more_than', '100000000', '105000000', '5000000', 'agrees'],
      ['more_than', '105000000', '105000000', '0', 'disagrees'],
      ['exactly', '2', '2', '0', 'agrees'],
      ['exactly', '3', '3', '0', 'agrees'],
      ['exactly', '139150000', '139150000', '0', 'agrees'],
      ['exactly', '109000000', '109000000', '0', 'agrees'],
      ['more_than', '90000000', '105000000', '15000000', 'disagrees'],
    ]);
    expect(claims[0]).toMatchObject({
      index: 0,
      metric: 'receipts_total',
      tolerancePercent: '0',
      fund: 'TST',
      from: '2022-01-01',
      to: '2023-12-31',
      consolidated: true,
      entries: '/api/reports/reconciliation/entries?claims=test-fixture&index=0',
    });
    expect(claims[4].tolerancePercent).toBe('1');
  });

  it('drills down to the entries behind a figure, without the transfers inside the group or the close', async () => {
    const all = await json<DrillDown>(`${claims[0].entries}&pageSize=500`);
    expect(all).toMatchObject({ kind: 'entries', sum: '238150000', total: 12 });
    expect(all.items).toHaveLength(12);
    expect(all.items.map((i) => i.source)).not.toContain('transfer');
    expect(all.items.map((i) => i.source)).not.toContain('closing');
    expect(Money.sum(all.items.map((i) => Money.fromStored(i.amount))).toString()).toBe('238150000');
    // The voided gift and its reversal are both there, and cancel out.
    expect(all.items.filter((i) => i.amount === '9000000' || i.amount === '-9000000')).toHaveLength(2);

    const page = await json<DrillDown>(`${claims[0].entries}&page=2&pageSize=5`);
    expect(page).toMatchObject({ total: 12, page: 2, pageSize: 5 });
    expect(page.items.map((i) => i.id)).toEqual(all.items.slice(5, 10).map((i) => i.id));

    const own = await json<DrillDown>(claims[2].entries);
    expect(own).toMatchObject({ sum: '175150000', total: 7 });
    expect(new Set(own.items.map((i) => i.fundCode))).toEqual(new Set(['TST']));

    const cash = await json<DrillDown>(`${claims[10].entries}&pageSize=500`);
    expect(cash.sum).toBe('139150000');
  });

  it('drills down to the households behind a households figure, each with its paid payouts', async () => {
    const res = await json<DrillDown>(claims[8].entries);
    expect(res.kind).toBe('households');
    expect(res.sum).toBe('2');
    expect(res.total).toBe(2);
    const households = res.items as unknown as {
      beneficiaryName: string;
      payouts: { fundCode: string; purpose: string; amount: string }[];
    }[];
    expect(
      households.map((h) => [h.beneficiaryName, h.payouts.map((p) => [p.fundCode, p.purpose, p.amount])]),
    ).toEqual([
      [
        'Hoàng Thị Mai',
        [
          ['TST', 'house_new', '60000000'],
          ['TST-C', 'house_repair', '30000000'],
        ],
      ],
      ['Lò Văn Pao', [['TST-C', 'house_repair', '15000000']]],
    ]);
  });

  it('answers 400 for a bad name, 404 for a missing file or claim, 422 naming what is wrong in a broken file', async () => {
    expectError(await get('/api/reports/reconciliation?claims=../secrets'), 400);
    expectError(await get('/api/reports/reconciliation?claims=Lao_Cai'), 400);
    expectError(await get('/api/reports/reconciliation'), 400);
    expect(expectError(await get('/api/reports/reconciliation?claims=no-such-claims'), 404)[0]).toContain(
      'no-such-claims',
    );
    expectError(await get('/api/reports/reconciliation/entries?claims=test-fixture&index=99'), 404);
    expectError(await get('/api/reports/reconciliation/entries?claims=test-fixture&index=-1'), 400);

    // A broken file, written for this test only and removed straight after.
    const name = `zz-broken-${process.pid}`;
    const file = path.join(CLAIMS_DIR, `${name}.json`);
    fs.writeFileSync(
      file,
      JSON.stringify({
        title: 'Hỏng',
        source: 'test',
        claims: [
          {
            label: 'x',
            fund: 'TST',
            from: '2023-01-01',
            to: '2022-01-01',
            consolidated: 'yes',
            metric: 'receipts',
            value: '1e6',
            qualifier: 'roughly',
          },
        ],
      }),
    );
    let messages: string[];
    try {
      messages = expectError(await get(`/api/reports/reconciliation?claims=${name}`), 422);
      fs.writeFileSync(file, '{ "title": ');
      expect(expectError(await get(`/api/reports/reconciliation?claims=${name}`), 422)[0]).toContain(
        'not valid JSON',
      );
    } finally {
      fs.rmSync(file, { force: true });
    }
    expect(messages).toEqual([
      `data/claims/${name}.json: claims[0]: from (2023-01-01) must not be after to (2022-01-01)`,
      `data/claims/${name}.json: claims[0].consolidated must be true or false`,
      `data/claims/${name}.json: claims[0].metric must be one of receipts_total, disbursements_total, households_supported, closing_balance`,
      `data/claims/${name}.json: claims[0].qualifier must be one of exactly, about, nearly, more_than`,
      `data/claims/${name}.json: claims[0].value must be written in digits, not in exponent form`,
    ]);
  });

  it('refuses claims about funds out of the user’s scope', async () => {
    const commune = await createUser(t, 'auditor', 'TST-C');
    expectError(await get('/api/reports/reconciliation?claims=test-fixture', commune.token), 403);
  });

  it('ships the Lào Cai claims: 404 until the books hold the LC fund, then the three published figures', async () => {
    const res: Response = await get('/api/reports/reconciliation?claims=lao-cai-2013-2023');
    expect(expectError(res, 404)).toEqual(['fund LC does not exist']);
    await t.newFund('LC', 'province');
    const report = await json<{ title: string; claims: ClaimResult[] }>(
      '/api/reports/reconciliation?claims=lao-cai-2013-2023',
    );
    expect(report.claims.map((c) => [c.metric, c.qualifier, c.expected, c.tolerancePercent])).toEqual([
      ['receipts_total', 'nearly', '55500000000', '1'],
      ['households_supported', 'exactly', '1024', '0'],
      ['disbursements_total', 'more_than', '36500000000', '2'],
    ]);
    // Empty books bear none of them out.
    expect(report.claims.map((c) => c.verdict)).toEqual(['disagrees', 'disagrees', 'disagrees']);
  });
});

interface FundBalance {
  account: string;
  opening: string;
  opening431: string;
  openingNotCarried: string;
  carriedBefore: { year: number; amount: string }[];
  carriedBeforeTotal: string;
  receipts: string;
  disbursements: string;
  otherMovements: string;
  carriedInPeriod: { year: number; amount: string }[];
  closing: string;
  closing431: string;
  closingNotCarried: string;
}
type WithFund = Omit<Statement, 'years'> & {
  fundBalance: FundBalance;
  years?: { year: number; fundOpening: string; carriedInto431: string; fundClosing: string }[];
};

/** opening + receipts − disbursements + other movements = closing, for the fund balance (TK 431). */
function expectFundArithmetic(fund: FundBalance): void {
  const closing = BigInt(fund.opening) + BigInt(fund.receipts) - BigInt(fund.disbursements);
  expect((closing + BigInt(fund.otherMovements)).toString()).toBe(fund.closing);
  expect((BigInt(fund.opening431) + BigInt(fund.openingNotCarried)).toString()).toBe(fund.opening);
  expect((BigInt(fund.closing431) + BigInt(fund.closingNotCarried)).toString()).toBe(fund.closing);
}

// Issue 10, item 5: each year's statement shows a closed year's result carried into 431. Fund KC: 2022 receipts
// 100.000.000, disbursements 30.000.000 (result 70.000.000); 2023 20.000.000 and 5.000.000 (15.000.000); both
// closed in one call; 2024 8.000.000 and 2.000.000, not closed.
describe(`the fund balance (TK 431) on the statement, through year-end closes (${DB_LABEL})`, () => {
  const kc = (range: string) => json<WithFund>(`/api/reports/statement?fund=KC&${range}`).then((s) => s);
  const YEAR_2024 = 'from=2024-01-01&to=2024-12-31';
  let unclosed2024: WithFund;

  beforeAll(async () => {
    await t.newFund('KC', 'province');
    await contribute('KC', 'agency', '2022-02-01', 100_000_000);
    await payout('KC', 'H3', 'house_new', 30_000_000, '2022-06-01');
    await contribute('KC', 'individual', '2023-03-01', 20_000_000, 'cash');
    await payout('KC', 'H2', 'visit_gift', 5_000_000, '2023-04-01', 'cash');
    await contribute('KC', 'enterprise', '2024-02-01', 8_000_000);
    await payout('KC', 'H3', 'hardship', 2_000_000, '2024-03-01');
    unclosed2024 = await kc(YEAR_2024);
    const closed = await post('/api/funds/KC/close-year', { year: 2023, upTo: true }, approver.token);
    expect([closed.status, closed.text]).toEqual([201, expect.any(String)]);
  }, 60_000);

  it('before the closes: 431 is empty and the earlier years’ result is not carried yet', () => {
    expect(unclosed2024.fundBalance).toMatchObject({
      account: '431',
      opening: '85000000',
      opening431: '0',
      openingNotCarried: '85000000',
      carriedBefore: [],
      closing: '91000000',
      closing431: '0',
      closingNotCarried: '91000000',
    });
    expectFundArithmetic(unclosed2024.fundBalance);
  });

  it("opens 2024 with 2022's and 2023's results carried into 431, and closes at opening + receipts − disbursements", async () => {
    const s = await kc(YEAR_2024);
    expect(s.fundBalance).toEqual({
      account: '431',
      opening: '85000000',
      opening431: '85000000',
      openingNotCarried: '0',
      carriedBefore: [
        { year: 2022, amount: '70000000' },
        { year: 2023, amount: '15000000' },
      ],
      carriedBeforeTotal: '85000000',
      receipts: '8000000',
      disbursements: '2000000',
      otherMovements: '0',
      carriedInPeriod: [],
      closing: '91000000',
      closing431: '85000000',
      closingNotCarried: '6000000',
    });
    expectFundArithmetic(s.fundBalance);
    // The fund's figures are the statement's own totals, and the cash statement is as before.
    expect([s.receipts.total, s.disbursements.total]).toEqual(['8000000', '2000000']);
    expect([s.openingBalance, s.closingBalance, s.otherMovements]).toEqual(['85000000', '91000000', '0']);
    expect({ ...s, fundBalance: undefined }).toEqual({ ...unclosed2024, fundBalance: undefined });
  });

  it("shows 2023's own close inside its period: 431 takes the result, the fund balance stays whole", async () => {
    const s = await kc('from=2023-01-01&to=2023-12-31');
    expect(s.fundBalance).toMatchObject({
      opening: '70000000',
      opening431: '70000000',
      carriedBefore: [{ year: 2022, amount: '70000000' }],
      receipts: '20000000',
      disbursements: '5000000',
      carriedInPeriod: [{ year: 2023, amount: '15000000' }],
      closing: '85000000',
      closing431: '85000000',
      closingNotCarried: '0',
    });
    expectFundArithmetic(s.fundBalance);
    // The close does not take the year's receipts and disbursements away.
    expect([s.receipts.total, s.disbursements.total]).toEqual(['20000000', '5000000']);
  });

  it('gives the fund balance and the result carried into 431 per year', async () => {
    const s = await kc('from=2022-01-01&to=2024-12-31');
    expect(s.years?.map((y) => [y.year, y.fundOpening, y.carriedInto431, y.fundClosing])).toEqual([
      [2022, '0', '70000000', '70000000'],
      [2023, '70000000', '15000000', '85000000'],
      [2024, '85000000', '0', '91000000'],
    ]);
    expect(s.fundBalance.carriedInPeriod).toEqual([
      { year: 2022, amount: '70000000' },
      { year: 2023, amount: '15000000' },
    ]);
    expectFundArithmetic(s.fundBalance);
  });

  it('prints the 431 table on the PDF and its lines in the CSV and XLSX', async () => {
    const pdf = (await binary(`/api/reports/statement?fund=KC&${YEAR_2024}&format=pdf`)).body as Buffer;
    const text = pdfText(pdf).replace(/\s+/g, ' ');
    expect(text).toContain('Quỹ Đền ơn đáp nghĩa (TK 431)');
    expect(text).toMatch(/Số dư Quỹ đầu kỳ 85\.000\.000/);
    expect(text).toMatch(/kết quả năm 2022 đã kết chuyển vào TK 431 70\.000\.000/);
    expect(text).toMatch(/kết quả năm 2023 đã kết chuyển vào TK 431 15\.000\.000/);
    expect(text).toMatch(/Số dư Quỹ cuối kỳ 91\.000\.000/);

    const csv = (await binary(`/api/reports/statement?fund=KC&${YEAR_2024}&format=csv`)).body as Buffer;
    const lines = csv.subarray(3).toString('utf8').trim().split('\r\n');
    expect(lines).toContain('fund_balance,fund_opening,Số dư Quỹ đầu kỳ,85000000,');
    expect(lines).toContain(
      'fund_balance,carried_2023,Trong đó: kết quả năm 2023 đã kết chuyển vào TK 431,15000000,',
    );
    expect(lines).toContain('fund_balance,fund_closing,Số dư Quỹ cuối kỳ,91000000,');

    const res = await binary(`/api/reports/statement?fund=KC&${YEAR_2024}&format=xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as ExcelJS.Buffer);
    const values = new Map<string, unknown>();
    workbook.worksheets[0].eachRow((row) => values.set(row.getCell(1).text, row.getCell(4).value));
    expect(values.get('carried_2022')).toBe(70_000_000);
    expect(values.get('fund_closing')).toBe(91_000_000);
  });
});
