import * as ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import { postEntry } from '../support/manual-entries';
import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { createUser, expectError, TestUser } from '../support/http';
import { binaryParser, pdfText } from '../support/pdf';

interface BookLine {
  date: string;
  documentDate: string;
  entryId: number;
  number: number;
  reference: string | null;
  receiptNo?: string | null;
  paymentNo?: string | null;
  description: string;
  counterAccounts: string[];
  debit: string;
  credit: string;
  balance: string;
}

interface LedgerBody {
  book: string;
  fund: string;
  account: string;
  name: string;
  from: string;
  to: string;
  openingBalance: string;
  pageOpeningBalance: string;
  lines: BookLine[];
  totalDebit: string;
  totalCredit: string;
  closingBalance: string;
  page: number;
  pageSize: number;
  total: number;
}

interface JournalBody {
  entries: {
    entryId: number;
    number: number;
    date: string;
    documentDate: string;
    reference: string | null;
    source: string;
    lines: { account: string; name: string; debit: string; credit: string; memo: string | null }[];
  }[];
  totalDebit: string;
  totalCredit: string;
  total: number;
}

interface TrialBalanceBody {
  rows: { account: string; debit: string; credit: string }[];
  totalDebit: string;
  totalCredit: string;
}

let t: TestApp;
let accountant: TestUser;
let approver: TestUser;
let auditor: TestUser;
let outsider: TestUser;
let donorId: number;
let householdId: number;

const RANGE = 'from=2023-01-01&to=2023-02-28';

const get = async <T>(path: string, token = auditor.token): Promise<T> => {
  const res = await t.http.get(path).set(bearer(token));
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text}`);
  return res.body as T;
};
const file = (path: string, token = auditor.token): Promise<Response> =>
  t.http.get(path).set(bearer(token)).buffer(true).parse(binaryParser).expect(200);
const post = async (path: string, body: object, token = accountant.token, status = 201) => {
  const res = await t.http.post(path).set(bearer(token)).send(body);
  if (res.status !== status) throw new Error(`POST ${path}: ${res.status} ${res.text}`);
  return res.body as { id: number; receiptNo?: string; voucherNo?: string };
};

const gift = (date: string, amount: number, method: 'cash' | 'bank' = 'cash', fundCode = 'BK') =>
  post('/api/contributions', { fundCode, donorId, date, amount, method });

let payoutCounter = 0;
/** A hardship payout paid in cash: asked by the accountant, approved by the approver, paid on `date`. */
async function payout(date: string, amount: number) {
  const request = await post('/api/disbursements', {
    fundCode: 'BK',
    beneficiaryId: householdId,
    purpose: 'hardship',
    amount,
    date,
    method: 'cash',
    description: `Hỗ trợ khó khăn đợt ${++payoutCounter}`,
  });
  await post(`/api/disbursements/${request.id}/approve`, {}, approver.token, 200);
  // The cashier's work (issue 10, item 14): the admin pays here.
  return post(`/api/disbursements/${request.id}/pay`, { date }, t.adminToken, 200);
}

const tbTurnover = async (fund: string, asOf: string) =>
  get<TrialBalanceBody>(`/api/reports/trial-balance?fund=${fund}&asOf=${asOf}`);

describe(`the books (${DB_LABEL})`, () => {
  let voidedReceipt: string;
  let reversedVoucher: string;
  let withdrawalRef: string;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = bearer(t.adminToken);
    for (const fund of [
      {
        code: 'BK',
        name: 'Quỹ Đền ơn đáp nghĩa tỉnh Lào Cai',
        unitName: 'UBND tỉnh Lào Cai',
        level: 'province',
      },
      { code: 'BIG', name: 'Quỹ Đền ơn đáp nghĩa xã Tả Van', unitName: 'UBND xã Tả Van', level: 'province' },
      { code: 'OT', name: 'Quỹ khác', level: 'province' },
    ]) {
      await t.http.post('/api/funds').set(admin).send(fund).expect(201);
    }
    accountant = await createUser(t, 'accountant');
    approver = await createUser(t, 'approver');
    auditor = await createUser(t, 'auditor');
    outsider = await createUser(t, 'accountant', 'OT');
    donorId = (await post('/api/donors', { name: 'Sở Tài chính tỉnh Lào Cai', kind: 'agency' })).id;
    householdId = (
      await post('/api/beneficiaries', {
        fullName: 'Hoàng Thị Xuân',
        category: 'heroic_mother',
        commune: 'Tả Van',
        birthYear: 1930,
      })
    ).id;

    // January: cash in (PT-…1, PT-…2), bank in (XN-…1), a cash payout (PC-…1).
    await gift('2023-01-05', 10_000_000);
    const second = await gift('2023-01-10', 5_000_000);
    voidedReceipt = second.receiptNo as string;
    await gift('2023-01-12', 50_000_000, 'bank');
    const firstPayout = await payout('2023-01-20', 3_000_000);
    reversedVoucher = firstPayout.voucherNo as string;
    // February: a gift, the January gift voided, a payout, the January payout reversed, a last gift.
    await gift('2023-02-03', 7_000_000);
    await post(
      `/api/contributions/${second.id}/void`,
      { reason: 'Ghi trùng', date: '2023-02-10' },
      undefined,
      200,
    );
    await payout('2023-02-15', 1_500_000);
    await post(
      `/api/disbursements/${firstPayout.id}/reverse`,
      { reason: 'Trả nhầm hộ', date: '2023-02-20' },
      undefined,
      200,
    );
    await gift('2023-02-28', 800_000);
    // Posted last but dated in January: the books order by date, then by entry. It credits 112, so it waits for
    // an approver and posts under its request's number (YC-…), its document in both books.
    const withdrawal = await postEntry(t, accountant.token, {
      fundCode: 'BK',
      date: '2023-01-25',
      description: 'Rút tiền gửi về nhập quỹ tiền mặt',
      lines: [
        { account: '111', debit: 2_000_000 },
        { account: '112', credit: 2_000_000 },
      ],
    });
    withdrawalRef = (withdrawal.body as { sourceRef: string }).sourceRef;
    expect(withdrawalRef).toMatch(/^YC-\d+$/);
    // After the range.
    await gift('2023-03-05', 1_000_000);

    // A long book for the page breaks: 40 cash entries over two months.
    for (let i = 0; i < 40; i++) {
      const day = String((i % 28) + 1).padStart(2, '0');
      await post('/api/journal-entries', {
        fundCode: 'BIG',
        date: `2023-${i < 20 ? '03' : '04'}-${day}`,
        description: `Thu ủng hộ của hộ gia đình số ${i + 1} thôn Lếch Mông, xã Tả Van, huyện Sa Pa, nộp tiền mặt tại quỹ nhân dịp kỷ niệm ngày Thương binh - Liệt sĩ 27/7`,
        lines: [
          { account: '111', debit: 100_000 + i },
          { account: '5114', credit: 100_000 + i },
        ],
      });
    }
  }, 120_000);
  afterAll(() => t.close());

  // Running cash balance after each line of January–February (in đồng).
  const EXPECTED_CASH = [
    ['2023-01-05', '10000000', '0', '10000000'],
    ['2023-01-10', '5000000', '0', '15000000'],
    ['2023-01-20', '0', '3000000', '12000000'],
    ['2023-01-25', '2000000', '0', '14000000'],
    ['2023-02-03', '7000000', '0', '21000000'],
    ['2023-02-10', '0', '5000000', '16000000'],
    ['2023-02-15', '0', '1500000', '14500000'],
    ['2023-02-20', '3000000', '0', '17500000'],
    ['2023-02-28', '800000', '0', '18300000'],
  ];

  describe('the cash book', () => {
    it('lists every cash line of the range in date order with its running balance', async () => {
      const book = await get<LedgerBody>(`/api/books/cash?fund=BK&${RANGE}`);
      expect(book).toMatchObject({
        book: 'cash',
        fund: 'BK',
        account: '111',
        name: 'Tiền mặt',
        openingBalance: '0',
        totalDebit: '27800000',
        totalCredit: '9500000',
        closingBalance: '18300000',
        total: 9,
      });
      expect(book.lines.map((l) => [l.date, l.debit, l.credit, l.balance])).toEqual(EXPECTED_CASH);
    });

    it('puts the PT and PC numbers in their columns, a void and a reversal under their own document', async () => {
      const book = await get<LedgerBody>(`/api/books/cash?fund=BK&${RANGE}`);
      const byDate = Object.fromEntries(book.lines.map((l) => [l.date, l]));
      expect(byDate['2023-01-05']).toMatchObject({ receiptNo: 'PT-2023-000001', paymentNo: null });
      expect(byDate['2023-01-20']).toMatchObject({ receiptNo: null, paymentNo: reversedVoucher });
      // The void pays the cash back out under the receipt's number; the reversal brings it in under the voucher's.
      expect(byDate['2023-02-10']).toMatchObject({
        receiptNo: voidedReceipt,
        paymentNo: null,
        credit: '5000000',
      });
      expect(byDate['2023-02-20']).toMatchObject({
        receiptNo: null,
        paymentNo: reversedVoucher,
        debit: '3000000',
      });
      // The withdrawal's cash comes in under its own document, the approved request.
      expect(byDate['2023-01-25']).toMatchObject({
        receiptNo: withdrawalRef,
        paymentNo: null,
        counterAccounts: ['112'],
      });
      expect(byDate['2023-01-05'].counterAccounts).toEqual(['5111']);
      expect(byDate['2023-01-20'].counterAccounts).toEqual(['6114']);
    });

    it('dates each line by its document beside its posting: a void and a reversal by the document they undo', async () => {
      const book = await get<LedgerBody>(`/api/books/cash?fund=BK&${RANGE}`);
      expect(book.lines.map((l) => [l.date, l.documentDate])).toEqual([
        ['2023-01-05', '2023-01-05'],
        ['2023-01-10', '2023-01-10'],
        ['2023-01-20', '2023-01-20'],
        ['2023-01-25', '2023-01-25'],
        ['2023-02-03', '2023-02-03'],
        // The void of the receipt of 10/01, booked on 10/02 under that receipt.
        ['2023-02-10', '2023-01-10'],
        ['2023-02-15', '2023-02-15'],
        // The reversal of the payment of 20/01, booked on 20/02 under that voucher.
        ['2023-02-20', '2023-01-20'],
        ['2023-02-28', '2023-02-28'],
      ]);
      const journal = await get<JournalBody>(`/api/books/journal?fund=BK&${RANGE}`);
      const voided = journal.entries.find((e) => e.date === '2023-02-10');
      expect(voided).toMatchObject({ reference: voidedReceipt, documentDate: '2023-01-10' });
    });

    it('opens a mid-range book at the balance of the day before, from the stored balances', async () => {
      const february = await get<LedgerBody>('/api/books/cash?fund=BK&from=2023-02-01&to=2023-02-28');
      expect(february.openingBalance).toBe('14000000');
      expect(february.lines.map((l) => l.balance)).toEqual(EXPECTED_CASH.slice(4).map((r) => r[3]));
      expect(february.closingBalance).toBe('18300000');

      const midMonth = await get<LedgerBody>('/api/books/cash?fund=BK&from=2023-01-15&to=2023-03-31');
      expect(midMonth.openingBalance).toBe('15000000');
      expect(midMonth.lines[0]).toMatchObject({ date: '2023-01-20', balance: '12000000' });
      expect(midMonth.closingBalance).toBe('19300000');
      expect(midMonth.total).toBe(8);
    });

    it('keeps the running balance right across page boundaries', async () => {
      const pages: LedgerBody[] = [];
      for (let page = 1; page <= 4; page++) {
        pages.push(await get<LedgerBody>(`/api/books/cash?fund=BK&${RANGE}&page=${page}&pageSize=4`));
      }
      expect(pages.map((p) => p.lines.length)).toEqual([4, 4, 1, 0]);
      expect(pages.flatMap((p) => p.lines.map((l) => l.balance))).toEqual(EXPECTED_CASH.map((r) => r[3]));
      expect(pages.map((p) => p.pageOpeningBalance)).toEqual(['0', '14000000', '17500000', '18300000']);
      for (const page of pages) {
        expect(page).toMatchObject({
          total: 9,
          totalDebit: '27800000',
          closingBalance: '18300000',
          pageSize: 4,
        });
      }
    });
  });

  describe('the bank book and the general ledger', () => {
    it('keeps the bank book on 112', async () => {
      const book = await get<LedgerBody>(`/api/books/bank?fund=BK&${RANGE}`);
      expect(book).toMatchObject({ book: 'bank', account: '112', closingBalance: '48000000' });
      expect(book.lines.map((l) => [l.date, l.balance, l.receiptNo, l.paymentNo])).toEqual([
        ['2023-01-12', '50000000', 'XN-2023-000001', null],
        ['2023-01-25', '48000000', null, withdrawalRef],
      ]);
    });

    it('shows a receipts account with a credit balance, negative as debit − credit', async () => {
      const book = await get<LedgerBody>(`/api/books/general-ledger?fund=BK&account=5111&${RANGE}`);
      expect(book).toMatchObject({ book: 'general', account: '5111', openingBalance: '0' });
      expect(book.lines.map((l) => l.balance)).toEqual([
        '-10000000',
        '-15000000',
        '-65000000',
        '-72000000',
        '-67000000',
        '-67800000',
      ]);
      expect(book.lines[4]).toMatchObject({
        reference: voidedReceipt,
        debit: '5000000',
        counterAccounts: ['111'],
      });
      expect(book.closingBalance).toBe('-67800000');
    });

    it("has totals equal to the trial balance's turnover over the range, for every account", async () => {
      const before = await tbTurnover('BK', '2022-12-31');
      const after = await tbTurnover('BK', '2023-02-28');
      expect(after.rows.map((r) => r.account)).toEqual(['111', '112', '5111', '6114']);
      for (const row of after.rows) {
        const prior = before.rows.find((r) => r.account === row.account) ?? { debit: '0', credit: '0' };
        const book = await get<LedgerBody>(
          `/api/books/general-ledger?fund=BK&account=${row.account}&${RANGE}`,
        );
        expect([row.account, book.totalDebit, book.totalCredit]).toEqual([
          row.account,
          (BigInt(row.debit) - BigInt(prior.debit)).toString(),
          (BigInt(row.credit) - BigInt(prior.credit)).toString(),
        ]);
      }
      const journal = await get<JournalBody>(`/api/books/journal?fund=BK&${RANGE}`);
      expect(journal.totalDebit).toBe((BigInt(after.totalDebit) - BigInt(before.totalDebit)).toString());
      expect(journal.totalCredit).toBe(journal.totalDebit);
    });
  });

  describe('the journal', () => {
    it('lists the entries of the range with their lines, in date order', async () => {
      const journal = await get<JournalBody>(`/api/books/journal?fund=BK&${RANGE}`);
      expect(journal.total).toBe(10);
      const dates = journal.entries.map((e) => e.date);
      expect(dates).toEqual([...dates].sort());
      const backdated = journal.entries.find((e) => e.date === '2023-01-25');
      expect(backdated?.lines).toEqual([
        { account: '111', name: 'Tiền mặt', debit: '2000000', credit: '0', memo: null },
        { account: '112', name: 'Tiền gửi Kho bạc, Ngân hàng', debit: '0', credit: '2000000', memo: null },
      ]);
      const page2 = await get<JournalBody>(`/api/books/journal?fund=BK&${RANGE}&page=2&pageSize=4`);
      expect(page2.entries.map((e) => e.entryId)).toEqual(journal.entries.slice(4, 8).map((e) => e.entryId));
    });
  });

  describe('files', () => {
    it('prints the cash book as a PDF with the headings, the amounts and the balances, the same bytes twice', async () => {
      const first = await file(`/api/books/cash?fund=BK&${RANGE}&format=pdf`);
      expect(first.headers['content-type']).toBe('application/pdf');
      expect(first.headers['content-disposition']).toBe(
        'inline; filename="so-quy-tien-mat_BK_111_2023-01-01_2023-02-28.pdf"',
      );
      const text = pdfText(first.body as Buffer);
      for (const expected of [
        'SỔ QUỸ TIỀN MẶT',
        'Quỹ Đền ơn đáp nghĩa tỉnh Lào Cai',
        'UBND tỉnh Lào Cai',
        'Từ ngày 01/01/2023 đến ngày 28/02/2023',
        'Số dư đầu kỳ',
        'Cộng phát sinh tháng 01/2023',
        'Cộng phát sinh trong kỳ',
        'Số dư cuối kỳ',
        '27.800.000',
        '9.500.000',
        '18.300.000',
        voidedReceipt,
        'Trang 1',
        'Sổ này có 01 trang',
        'THỦ QUỸ',
        // The form (templates/documents/books.vi.json) and the circular in force on the book's last day.
        'Mẫu số S11-H',
        'Thông tư số 107/2017/TT-BTC',
      ]) {
        expect(text).toContain(expected);
      }
      const second = await file(`/api/books/cash?fund=BK&${RANGE}&format=pdf`);
      expect((second.body as Buffer).equals(first.body as Buffer)).toBe(true);
      // The document is dated by the book's last day.
      expect((first.body as Buffer).toString('latin1')).toContain('D:20230228');
    });

    it('prints the general ledger, the bank book and the journal under their headings', async () => {
      const headings: [string, string[]][] = [
        [
          `/api/books/general-ledger?fund=BK&account=5111&${RANGE}`,
          ['SỔ CÁI', 'Tài khoản: 5111', '67.800.000'],
        ],
        [`/api/books/bank?fund=BK&${RANGE}`, ['SỔ TIỀN GỬI NGÂN HÀNG, KHO BẠC', '48.000.000']],
        [
          `/api/books/journal?fund=BK&${RANGE}`,
          ['SỔ NHẬT KÝ CHUNG', 'Rút tiền gửi về nhập quỹ tiền mặt', '87.300.000'],
        ],
      ];
      for (const [path, expected] of headings) {
        const text = pdfText((await file(`${path}&format=pdf`)).body as Buffer);
        for (const item of expected) expect(text).toContain(item);
      }
    });

    it('breaks a long book over pages, repeating the header and carrying the totals forward', async () => {
      const res = await file('/api/books/cash?fund=BIG&from=2023-03-01&to=2023-04-30&format=pdf');
      const pages = pdfText(res.body as Buffer)
        .split('\f')
        .filter((page) => page.trim() !== '');
      expect(pages.length).toBeGreaterThan(1);
      pages.forEach((page, index) => expect(page).toContain(`Trang ${index + 1}`));
      // Every page of the table repeats its header; a break inside it carries the totals over.
      const table = pages.filter((page) => page.includes('Diễn giải'));
      expect(table.length).toBeGreaterThan(1);
      table.forEach((page, index) => {
        if (index > 0) expect(page).toContain('Số trang trước chuyển sang');
        if (index < table.length - 1) expect(page).toContain('Cộng chuyển sang trang sau');
      });
      const count = String(pages.length).padStart(2, '0');
      expect(pages[pages.length - 1]).toContain(`Sổ này có ${count} trang`);
      // 40 gifts of 100.000 + i đồng.
      expect(table[table.length - 1]).toContain('4.000.780');
    });

    it('writes XLSX with numeric amount cells shown #,##0, the header row frozen and filtered', async () => {
      // Without Accept-Language (the test app asks for English unless told otherwise): Vietnamese headers.
      const res = await t.http
        .get(`/api/books/cash?fund=BK&${RANGE}&format=xlsx`)
        .set(bearer(auditor.token))
        .unset('Accept-Language')
        .buffer(true)
        .parse(binaryParser)
        .expect(200);
      expect(res.headers['content-type']).toBe(
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      );
      expect(res.headers['content-disposition']).toContain('attachment; filename="so-quy-tien-mat_BK_111_');
      const workbook = await loadWorkbook(res);
      const sheet = workbook.worksheets[0];
      const headerRow = findRow(sheet, 'Diễn giải');
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: headerRow });
      const values = (row: number) => (sheet.getRow(row).values as ExcelJS.CellValue[]).slice(1);
      expect(values(headerRow)).toEqual([
        'Ngày ghi sổ',
        'Ngày chứng từ',
        'Số bút toán',
        'Số phiếu thu',
        'Số phiếu chi',
        'Diễn giải',
        'TK đối ứng',
        'Thu',
        'Chi',
        'Tồn',
      ]);
      const first = sheet.getRow(headerRow + 2);
      expect(first.getCell(8).value).toBe(10_000_000);
      expect(first.getCell(8).numFmt).toBe('#,##0');
      expect(first.getCell(10).value).toBe(10_000_000);
      expect(first.getCell(1).value).toEqual(new Date('2023-01-05T00:00:00Z'));
      expect(first.getCell(2).value).toEqual(new Date('2023-01-05T00:00:00Z'));
      const closingRow = findRow(sheet, 'Số dư cuối kỳ');
      expect(sheet.getRow(closingRow).getCell(10).value).toBe(18_300_000);
      // The autofilter sits on the header row and spans the table.
      expect(sheet.autoFilter).toBe(`A${headerRow}:J${closingRow}`);
    });

    it('writes the spreadsheet header row in English on Accept-Language: en, the printed book in Vietnamese', async () => {
      const en = (path: string) =>
        t.http
          .get(path)
          .set(bearer(auditor.token))
          .set('Accept-Language', 'en')
          .buffer(true)
          .parse(binaryParser)
          .expect(200);
      const sheet = (await loadWorkbook(await en(`/api/books/cash?fund=BK&${RANGE}&format=xlsx`)))
        .worksheets[0];
      const headerRow = findRow(sheet, 'Description');
      expect((sheet.getRow(headerRow).values as ExcelJS.CellValue[]).slice(1)).toEqual([
        'Posting date',
        'Document date',
        'Entry no.',
        'Receipt no.',
        'Payment no.',
        'Description',
        'Counter-account',
        'Receipts',
        'Payments',
        'Balance',
      ]);
      expect(sheet.autoFilter).toMatch(new RegExp(`^A${headerRow}:J\\d+$`));
      const journal = (await loadWorkbook(await en(`/api/books/journal?fund=BK&${RANGE}&format=xlsx`)))
        .worksheets[0];
      expect(findRow(journal, 'Document date')).toBeGreaterThan(0);
      expect(pdfText((await en(`/api/books/cash?fund=BK&${RANGE}&format=pdf`)).body as Buffer)).toContain(
        'SỔ QUỸ TIỀN MẶT',
      );
    });

    it('writes CSV in UTF-8 with a BOM, plain digits, and no monthly subtotals', async () => {
      const res = await file(`/api/books/general-ledger?fund=BK&account=111&${RANGE}&format=csv`);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      const bytes = res.body as Buffer;
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
      expect(lines[0]).toBe(
        'Ngày ghi sổ,Ngày chứng từ,Số bút toán,Số chứng từ,Diễn giải,TK đối ứng,Nợ,Có,Số dư Nợ,Số dư Có',
      );
      expect(lines[1]).toBe(',,,,Số dư đầu kỳ,,,,0,');
      expect(lines).toHaveLength(1 + 1 + 9 + 2);
      expect(lines[2]).toMatch(/^2023-01-05,2023-01-05,\d+,PT-2023-000001,.*,5111,10000000,,10000000,$/);
      // The void of the receipt of 10/01, booked on 10/02.
      expect(lines.find((line) => line.startsWith('2023-02-10,'))).toMatch(
        new RegExp(`^2023-02-10,2023-01-10,\\d+,${voidedReceipt},`),
      );
      expect(lines[lines.length - 1]).toBe(',,,,Số dư cuối kỳ,,,,18300000,');
      expect(lines.some((line) => line.includes('Cộng phát sinh tháng'))).toBe(false);
    });

    it('writes the journal as CSV and XLSX, one row per line', async () => {
      const csv = await file(`/api/books/journal?fund=BK&${RANGE}&format=csv`);
      const rows = (csv.body as Buffer).toString('utf8').slice(1).trimEnd().split('\r\n');
      // The header, 10 entries of 2 lines, the total.
      expect(rows).toHaveLength(1 + 20 + 1);
      expect(rows[rows.length - 1]).toBe(',,,,Cộng phát sinh trong kỳ,,,87300000,87300000');
      const xlsx = await file(`/api/books/journal?fund=BK&${RANGE}&format=xlsx`);
      const workbook = await loadWorkbook(xlsx);
      expect(workbook.worksheets[0].name).toBe('Sổ nhật ký chung');
    });
  });

  describe('the XLSX journal export', () => {
    it('names the household a payout and its reversal went to, and the donor of a gift and of its void', async () => {
      const res = await file(`/api/exports/journal?fund=BK&${RANGE}&format=xlsx`);
      const sheet = (await loadWorkbook(res)).worksheets[0];
      const header = (sheet.getRow(1).values as ExcelJS.CellValue[]).slice(1);
      const col = (name: string) => header.indexOf(name) + 1;
      const rows = (sheet.getRows(2, sheet.rowCount - 1) ?? []).filter(
        (r) => r.getCell(col('Account')).value === '111',
      );
      const on = (date: string) =>
        rows.find((r) => (r.getCell(col('Posting date')).value as Date).toISOString().startsWith(date));
      expect(on('2023-01-20')?.getCell(col('Beneficiary or payee')).value).toBe('Hoàng Thị Xuân');
      // The reversal of that payment, booked on 20/02, under the voucher of 20/01.
      expect(on('2023-02-20')?.getCell(col('Beneficiary or payee')).value).toBe('Hoàng Thị Xuân');
      expect(on('2023-02-20')?.getCell(col('Document date')).value).toEqual(new Date('2023-01-20T00:00:00Z'));
      expect(on('2023-02-20')?.getCell(col('Counter-account')).value).toBe('6114');
      expect(on('2023-01-05')?.getCell(col('Donor')).value).toBe('Sở Tài chính tỉnh Lào Cai');
      expect(on('2023-02-10')?.getCell(col('Donor')).value).toBe('Sở Tài chính tỉnh Lào Cai');
      expect(on('2023-01-25')?.getCell(col('Donor')).value).toBeNull();
    });

    it('names the organisation a payout went to (a payee, not a household)', async () => {
      const payee = (
        await post('/api/payees', {
          name: 'Ban quản lý Nghĩa trang liệt sĩ tỉnh Lào Cai',
          taxCode: '5300234567',
          bankAccount: '3761.0.1057890',
          bankName: 'Kho bạc Nhà nước tỉnh Lào Cai',
        })
      ).id;
      // After the range of the other tests, through the bank (their cash figures stay as they are).
      const request = await post('/api/disbursements', {
        fundCode: 'BK',
        payeeId: payee,
        purpose: 'memorial',
        amount: 1_000_000,
        date: '2023-03-20',
        method: 'bank',
      });
      await post(`/api/disbursements/${request.id}/approve`, {}, approver.token, 200);
      await post(`/api/disbursements/${request.id}/pay`, { date: '2023-03-20' }, t.adminToken, 200);
      const res = await file('/api/exports/journal?fund=BK&from=2023-03-20&to=2023-03-20&format=xlsx');
      const sheet = (await loadWorkbook(res)).worksheets[0];
      const header = (sheet.getRow(1).values as ExcelJS.CellValue[]).slice(1);
      const row = sheet.getRow(2);
      expect(row.getCell(header.indexOf('Beneficiary or payee') + 1).value).toBe(
        'Ban quản lý Nghĩa trang liệt sĩ tỉnh Lào Cai',
      );
      expect(row.getCell(header.indexOf('Document no.') + 1).value).toMatch(/^UNC-2023-/);
    });
  });

  describe('bad requests and scope', () => {
    it('answers 400 for an unknown account and a reversed range, one message each', async () => {
      const messages = expectError(
        await t.http
          .get('/api/books/general-ledger?fund=BK&account=999&from=2023-03-01&to=2023-02-01')
          .set(bearer(auditor.token)),
        400,
      );
      expect(messages).toEqual([
        'from (2023-03-01) must not be after to (2023-02-01)',
        'account 999 is not an account of fund BK',
      ]);
      for (const path of [
        '/api/books/cash?fund=BK&from=2023-02-30&to=2023-03-01',
        '/api/books/bank?fund=BK&from=2023-01-01',
        '/api/books/journal?fund=BK&from=2023-03-01&to=2023-01-01&format=pdf',
        `/api/books/journal?fund=BK&${RANGE}&format=docx`,
        `/api/books/general-ledger?fund=BK&${RANGE}`,
        `/api/books/cash?fund=BK&${RANGE}&pageSize=501`,
      ]) {
        expectError(await t.http.get(path).set(bearer(auditor.token)), 400);
      }
      expectError(await t.http.get(`/api/books/cash?fund=NOPE&${RANGE}`).set(bearer(auditor.token)), 404);
    });

    it("gives a user scoped to another fund 403 on every book and format, and its own fund's books", async () => {
      for (const path of [
        `/api/books/general-ledger?fund=BK&account=111&${RANGE}`,
        `/api/books/cash?fund=BK&${RANGE}`,
        `/api/books/bank?fund=BK&${RANGE}&format=pdf`,
        `/api/books/journal?fund=BK&${RANGE}&format=csv`,
      ]) {
        expectError(await t.http.get(path).set(bearer(outsider.token)), 403);
      }
      const own = await get<LedgerBody>(`/api/books/cash?fund=OT&${RANGE}`, outsider.token);
      expect(own).toMatchObject({ total: 0, openingBalance: '0', closingBalance: '0', lines: [] });
    });
  });
});

async function loadWorkbook(res: Response): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(res.body);
  return workbook;
}

/** The number of the first row whose cells include `text`. */
function findRow(sheet: ExcelJS.Worksheet, text: string): number {
  for (let row = 1; row <= sheet.rowCount; row++) {
    const values = sheet.getRow(row).values as ExcelJS.CellValue[];
    if (values.includes(text)) return row;
  }
  throw new Error(`no row holds "${text}"`);
}
