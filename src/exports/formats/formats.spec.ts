import * as ExcelJS from 'exceljs';
import { PassThrough, Writable } from 'node:stream';
import type { ExportAccount, ExportEntry, ExportFund, ExportPlan } from '../export.types';
import { BeancountNames, beancountComponent, plainTextAccountName, plainTextNamePart } from './account-names';
import { beancountString } from './beancount';
import { csvField, csvText } from './csv';
import { plainTextAmount, plainTextCode, plainTextDescription } from './hledger';
import { FORMATS } from './index';
import { OutputClosedError, write } from './output';
import { compressorInput, XlsxJournalWriter } from './xlsx';

const LC: ExportFund = { id: 1, code: 'LC', name: 'Quỹ tỉnh Lào Cai', level: 'province' };
const bank: ExportAccount = {
  id: 11,
  fund: LC,
  code: '112',
  name: 'Tiền gửi Kho bạc, Ngân hàng',
  type: 'asset',
};
const income: ExportAccount = {
  id: 12,
  fund: LC,
  code: '5112',
  name: 'Thu đóng góp của doanh nghiệp',
  type: 'receipts',
};
const cash: ExportAccount = { id: 13, fund: LC, code: '111', name: 'Tiền mặt', type: 'asset' };

function plan(overrides: Partial<ExportPlan> = {}): ExportPlan {
  return {
    parameters: { fund: 'LC', from: '2023-01-01', to: '2023-12-31', consolidated: false },
    from: '2023-01-01',
    to: '2023-12-31',
    createdAt: '2024-01-02T03:04:05.000Z',
    generator: 'den-on-ledger 0.0.0',
    funds: [LC],
    chainHead: { hash: 'f'.repeat(64), entryCount: 3, lastEntryId: 3 },
    entryCount: 1,
    firstDate: '2023-01-01',
    opening: [
      { account: cash, debit: '700', credit: '200', balance: '500' },
      { account: income, debit: '0', credit: '500', balance: '-500' },
    ],
    closing: [
      { account: cash, debit: '700', credit: '200', balance: '500' },
      { account: bank, debit: '55500000000', credit: '0', balance: '55500000000' },
      { account: income, debit: '0', credit: '55500000500', balance: '-55500000500' },
    ],
    trialBalance: { asOf: '2023-12-31', funds: [], consolidated: null },
    accounts: [cash, bank, income],
    lastEntryNumbers: { LC: 2 },
    ...overrides,
  };
}

const gift: ExportEntry = {
  id: 3,
  fund: LC,
  number: 2,
  date: '2023-07-20',
  description: 'Thu "Tháng 7"; đợt 1\nCông ty A',
  source: 'contribution',
  sourceRef: 'PT-2023-000001',
  documentDate: '2023-07-20',
  donor: 'Công ty A',
  payee: null,
  reversalOf: null,
  hash: 'a'.repeat(64),
  lines: [
    { account: bank, debit: '55500000000', credit: '0', memo: '=1+1; x' },
    { account: income, debit: '0', credit: '55500000000', memo: null },
  ],
};

/** A writable that keeps what it is given. */
function collector(): { out: Writable; text: () => string; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { out, text: () => Buffer.concat(chunks).toString('utf8'), bytes: () => Buffer.concat(chunks) };
}

async function render(format: 'csv' | 'hledger' | 'beancount', p: ExportPlan, entries: ExportEntry[]) {
  const sink = collector();
  const writer = FORMATS[format].writer(p, sink.out);
  await writer.begin();
  await writer.write(entries);
  await writer.finish();
  return sink.text();
}

describe('account names', () => {
  it('names hledger/ledger accounts type:fund:code name, without colons, semicolons or runs of spaces', () => {
    expect(plainTextAccountName(bank)).toBe('assets:LC:112 Tiền gửi Kho bạc, Ngân hàng');
    expect(plainTextAccountName({ ...bank, type: 'liability', code: '338', name: 'Phải trả khác' })).toBe(
      'liabilities:LC:338 Phải trả khác',
    );
    expect(plainTextAccountName({ ...bank, type: 'fund_balance', code: '431', name: 'Quỹ' })).toBe(
      'equity:LC:431 Quỹ',
    );
    expect(plainTextAccountName(income)).toBe('income:LC:5112 Thu đóng góp của doanh nghiệp');
    expect(plainTextAccountName({ ...bank, type: 'disbursements', code: '6111', name: '' })).toBe(
      'expenses:LC:6111',
    );
    expect(plainTextNamePart(' Phải thu:\tkhác;  (tạm)\n"A" ')).toBe('Phải thu, khác, (tạm) "A"');
  });

  it('names beancount accounts Root:Fund:Code with valid components', () => {
    const names = new BeancountNames([LC]);
    expect(names.account(bank)).toBe('Assets:LC:112');
    expect(names.account(income)).toBe('Income:LC:5112');
    expect(names.account({ ...bank, type: 'fund_balance', code: '431' })).toBe('Equity:LC:431');
    expect(names.account({ ...bank, type: 'disbursements', code: '6121' })).toBe('Expenses:LC:6121');
    expect(names.account({ ...bank, type: 'liability', code: '338' })).toBe('Liabilities:LC:338');
    expect(beancountComponent('lc.ta_van')).toBe('Lc-ta-van');
    expect(beancountComponent('LC-TV')).toBe('LC-TV');
    expect(beancountComponent('-x')).toBe('X-x');
  });

  it('keeps two funds apart in beancount even when their codes clean up to the same component', () => {
    const a: ExportFund = { id: 7, code: 'lc.1', name: 'A', level: 'commune' };
    const b: ExportFund = { id: 8, code: 'Lc-1', name: 'B', level: 'commune' };
    const names = new BeancountNames([a, b, LC]);
    expect(names.account({ ...bank, fund: a })).toBe('Assets:Lc-1-7:112');
    expect(names.account({ ...bank, fund: b })).toBe('Assets:Lc-1-8:112');
    expect(names.account(bank)).toBe('Assets:LC:112');
  });
});

describe('amounts and text', () => {
  it('writes whole đồng with the commodity, credits negative, no separators', () => {
    expect(plainTextAmount('55500000000', '0')).toBe('55500000000 VND');
    expect(plainTextAmount('0', '1000000000000000')).toBe('-1000000000000000 VND');
  });

  it('escapes CSV fields and keeps spreadsheets from running text as formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' edge')).toBe('" edge"');
    expect(csvText('=1+1')).toBe("'=1+1");
    expect(csvText('-5')).toBe("'-5");
    expect(csvText('@x')).toBe("'@x");
    expect(csvText('+84 912')).toBe("'+84 912");
    expect(csvText(null)).toBe('');
  });

  it('puts hledger/ledger text on one line with no comment start, and codes without parentheses', () => {
    expect(plainTextDescription('Thu "A"; B\r\nC\tD')).toBe('Thu "A", B C D');
    expect(plainTextCode('PT-2023-000001')).toBe('PT-2023-000001');
    expect(plainTextCode('(QĐ 12)\n')).toBe('QĐ 12');
  });

  it('leaves text that needs no change as it is, and changes the rest as replacing would', () => {
    const replaced = (t: string) => t.replace(/;/g, ',').replace(/\s+/g, ' ').trim();
    const replacedCode = (t: string) => t.replace(/[()]/g, '').replace(/\s+/g, ' ').trim();
    const alphabet = ['a', 'đ', ' ', ';', '(', ')', '\t', '\n', '\r', '\u00a0', '\u3000'];
    // Every text of up to four of these characters.
    let texts = [''];
    for (let length = 1; length <= 4; length++) {
      texts = [
        ...texts,
        ...texts.filter((t) => t.length === length - 1).flatMap((t) => alphabet.map((c) => t + c)),
      ];
    }
    for (const text of texts) {
      expect(plainTextDescription(text)).toBe(replaced(text));
      expect(plainTextCode(text)).toBe(replacedCode(text));
    }
  });

  it('quotes beancount strings with escaped backslashes and quotes, on one line', () => {
    expect(beancountString('Thu "A" \\ B\nC')).toBe('"Thu \\"A\\" \\\\ B C"');
  });
});

describe('text formats', () => {
  it('CSV: BOM, header, one CRLF row per line, amounts as digits', async () => {
    const csv = await render('csv', plan(), [gift]);
    expect(csv.startsWith('\uFEFFentry_id,fund,number,date,source,reference,description,')).toBe(true);
    const rows = csv.split('\r\n');
    // The header, two rows (a line break inside a quoted field is not a row end), and what follows the last CRLF.
    expect(rows).toHaveLength(4);
    expect(csv).toContain(
      `3,LC,2,2023-07-20,contribution,PT-2023-000001,"Thu ""Tháng 7""; đợt 1\nCông ty A",112,` +
        `"Tiền gửi Kho bạc, Ngân hàng",55500000000,0,'=1+1; x,${'a'.repeat(64)},\r\n`,
    );
  });

  it('hledger: declarations, an opening transaction at from, the entry, and closing assertions', async () => {
    const text = await render('hledger', plan(), [gift]);
    expect(text).toContain('\ncommodity VND\n');
    expect(text).toContain('\naccount assets:LC:112 Tiền gửi Kho bạc, Ngân hàng\n');
    expect(text).toContain('2023-01-01 * Số dư đầu kỳ\n');
    expect(text).toContain('    assets:LC:111 Tiền mặt    500 VND\n    income:LC:5112');
    expect(text).toContain(
      '2023-07-20 * (PT-2023-000001) Thu "Tháng 7", đợt 1 Công ty A\n' +
        `    ; entry: 3, fund: LC, number: 2, source: contribution, hash: ${'a'.repeat(64)}\n` +
        '    assets:LC:112 Tiền gửi Kho bạc, Ngân hàng    55500000000 VND  ; =1+1; x\n' +
        '    income:LC:5112 Thu đóng góp của doanh nghiệp    -55500000000 VND\n',
    );
    expect(text).toContain('    income:LC:5112 Thu đóng góp của doanh nghiệp    0 VND = -55500000500 VND\n');
  });

  it('hledger: no opening transaction for a range from the start, and a code for an entry with no document', async () => {
    const text = await render('hledger', plan({ from: null, opening: [] }), [
      { ...gift, sourceRef: null, reversalOf: 1 },
    ]);
    expect(text).not.toContain('Số dư đầu kỳ');
    expect(text).toContain('2023-07-20 * (LC/2) ');
    expect(text).toContain('source: contribution, reverses: 1, hash: ');
  });

  it('beancount: options, opens, the entry with metadata, and balances the day after to', async () => {
    const text = await render('beancount', plan(), [gift]);
    expect(text).toContain('option "operating_currency" "VND"\n');
    expect(text).toContain('2023-01-01 open Assets:LC:112 VND\n  name: "Tiền gửi Kho bạc, Ngân hàng"\n');
    expect(text).toContain('2023-01-01 * "Số dư đầu kỳ"\n');
    expect(text).toContain(
      '2023-07-20 * "PT-2023-000001" "Thu \\"Tháng 7\\"; đợt 1 Công ty A"\n  entry: 3\n  fund: "LC"\n  number: 2\n',
    );
    expect(text).toContain(
      '  Assets:LC:112  55500000000 VND\n    memo: "=1+1; x"\n  Income:LC:5112  -55500000000 VND\n',
    );
    expect(text).toContain('2024-01-01 balance Income:LC:5112  -55500000500 VND\n');
  });
});

describe('XLSX', () => {
  it('continues on a new sheet when one is full, with number cells for ids and amounts', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    const writer = new XlsxJournalWriter(plan(), out, 3);
    await writer.begin();
    await writer.write([gift, { ...gift, id: 4, number: 3 }]);
    await writer.finish();

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ExcelJS.Buffer);
    expect(workbook.worksheets.map((s) => [s.name, s.rowCount])).toEqual([
      ['Nhật ký', 3],
      ['Nhật ký 2', 3],
    ]);
    const sheet = workbook.worksheets[0];
    const at = (name: string) => (sheet.getRow(1).values as ExcelJS.CellValue[]).indexOf(name);
    const row = sheet.getRow(2);
    expect(row.getCell(1).value).toBe(3);
    expect(row.getCell(at('Nợ')).value).toBe(55_500_000_000);
    expect(row.getCell(at('Nợ')).numFmt).toBe('#,##0');
    expect(row.getCell(at('Ghi chú dòng')).value).toBe('=1+1; x');
    expect(row.getCell(at('TK đối ứng')).value).toBe('5112');
    expect(row.getCell(at('Nhà tài trợ')).value).toBe('Công ty A');
    expect(row.getCell(at('Cấp quỹ')).value).toBe('Tỉnh');
    expect(row.getCell(at('Số chứng từ')).value).toBe('PT-2023-000001');
    expect(row.getCell(at('Ngày chứng từ')).value).toEqual(new Date('2023-07-20T00:00:00Z'));
    // Each sheet repeats the header row and filters on it.
    expect(workbook.worksheets[1].getRow(1).getCell(1).value).toBe('Mã bút toán');
    expect(sheet.autoFilter).toBe('A1:S3');
    expect(workbook.worksheets[1].autoFilter).toBe('A1:S3');
  });

  it('writes its headers in English when the request asked for English', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    const writer = new XlsxJournalWriter(plan({ language: 'en' }), out);
    await writer.begin();
    await writer.write([gift]);
    await writer.finish();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ExcelJS.Buffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.name).toBe('Journal');
    expect((sheet.getRow(1).values as ExcelJS.CellValue[]).slice(1)).toEqual([
      'Entry id',
      'Fund',
      'Fund level',
      'Entry no.',
      'Posting date',
      'Document date',
      'Document no.',
      'Source',
      'Description',
      'Account',
      'Account name',
      'Counter-account',
      'Debit',
      'Credit',
      'Donor',
      'Beneficiary or payee',
      'Line memo',
      'Reversal of',
      'Entry hash',
    ]);
    expect(sheet.getRow(2).getCell(3).value).toBe('Province');
  });

  it("finds exceljs's compressor input, so that it can wait for it (pins an exceljs internal)", async () => {
    const out = new PassThrough();
    out.resume();
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out });
    const sheet = workbook.addWorksheet('x');
    sheet.addRow([1]).commit();
    expect(compressorInput(sheet)).not.toBeNull();
    sheet.commit();
    await workbook.commit();
  });
});

describe('output', () => {
  it('waits for the reader before taking the next chunk, and stops when the reader is gone', async () => {
    const pending: (() => void)[] = [];
    const slow = new Writable({
      highWaterMark: 4,
      write(_chunk, _encoding, callback) {
        pending.push(callback);
      },
    });
    let resolved = false;
    const first = write(slow, 'more than four bytes').then(() => (resolved = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(resolved).toBe(false);
    pending.shift()?.();
    await first;
    expect(resolved).toBe(true);

    const second = write(slow, 'again, more than four');
    slow.destroy();
    await expect(second).rejects.toBeInstanceOf(OutputClosedError);
    await expect(write(slow, 'x')).rejects.toBeInstanceOf(OutputClosedError);
  });
});
