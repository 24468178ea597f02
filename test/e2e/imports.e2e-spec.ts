import * as ExcelJS from 'exceljs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { ImportReference } from '../../src/imports/import-reference';
import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { expectError, expectNoStackTrace } from '../support/http';

const HEADER =
  'fund_code,date,donor_name,donor_kind,amount,method,campaign,purpose,donor_address,donor_email,donor_tax_code,reference';
const KINDS = ['agency', 'enterprise', 'organization', 'individual'] as const;
const RECEIPTS_ACCOUNT = { agency: '5111', enterprise: '5112', organization: '5113', individual: '5114' };
const SURNAMES = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Lù', 'Vàng', 'Giàng'];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Thu', 'Hồng', 'Minh', 'A', 'Seo'];
const GIVEN = ['Hùng', 'Hà', 'Thắng', 'Nhung', 'Sử', 'Sình', 'Mai', 'Lợi', 'Dũng', 'Phương', 'Tâm', 'Chư'];
const ROWS = 10_000;
/** Lines (header = 1) that the bad file breaks, and how. */
const BAD_LINES = { 18: 'negative amount', 5_000: 'bad date', 9_999: 'unknown kind' } as const;

interface Row {
  fund: string;
  date: string;
  name: string;
  kind: (typeof KINDS)[number];
  amount: string;
  /** The amount as the file writes it: plain digits, or grouped with dots. */
  written: string;
  method: 'cash' | 'bank';
  campaign: string;
  purpose: string;
  reference: string;
}

interface ImportAnswer {
  importId: number;
  fileName: string;
  fileSha256: string;
  partial: boolean;
  rowsTotal: number;
  imported: number;
  skipped: number;
  badRowCount: number;
  badRows: { line: number; errors: string[] }[];
}

/**
 * The history file of the test: 10,000 gifts over 2013–2023 to the province fund LC and its commune fund LC-BT,
 * from 600 donors, both methods, amounts written plain or grouped with dots. Rows 102 and 103 are identical
 * (two equal gifts on one day): both must be imported, and neither twice.
 */
function historyRows(): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < ROWS; i++) {
    const donor = (i * 7) % 600;
    const kind = KINDS[donor % 4];
    const name =
      kind === 'individual'
        ? `${SURNAMES[donor % 12]} ${MIDDLE[(donor >> 2) % 8]} ${GIVEN[(donor >> 3) % 12]} ${donor}`
        : `${['Sở', 'Công ty CP', 'Hội', 'Ông'][donor % 4]} Lào Cai số ${donor}`;
    const year = 2013 + Math.floor((i * 11) / ROWS);
    const day = String(1 + (i % 28)).padStart(2, '0');
    const amount = String(100_000 + ((i * 7919) % 9_900) * 1_000);
    rows.push({
      fund: i % 3 === 0 ? 'LC-BT' : 'LC',
      date: `${year}-07-${day}`,
      name,
      kind,
      amount,
      written: i % 2 === 0 ? amount.replace(/\B(?=(\d{3})+(?!\d))/g, '.') : amount,
      method: i % 5 === 0 ? 'cash' : 'bank',
      campaign: year === 2023 && i % 2 === 0 ? 'T7-2023' : '',
      purpose: i % 10 === 0 ? 'Xây nhà tình nghĩa' : '',
      reference: i % 4 === 0 ? '' : `GS-${i}`,
    });
  }
  rows[102] = { ...rows[101] };
  return rows;
}

function toCsv(rows: Row[], change: (row: Row, line: number) => string[] = (r) => csvCells(r)): string {
  const lines = rows.map((row, i) => change(row, i + 2).join(','));
  return `\ufeff${HEADER}\n${lines.join('\n')}\n`;
}

function csvCells(row: Row): string[] {
  return [
    row.fund,
    row.date,
    `"${row.name}"`,
    row.kind,
    row.written,
    row.method,
    row.campaign,
    row.purpose,
    '',
    '',
    '',
    row.reference,
  ];
}

/** Exact sums in whole đồng (BigInt), per account code of each fund. */
function expectedBalances(rows: Row[]): Map<string, bigint> {
  const sums = new Map<string, bigint>();
  const add = (key: string, amount: bigint) => sums.set(key, (sums.get(key) ?? 0n) + amount);
  for (const row of rows) {
    add(`${row.fund} ${row.method === 'cash' ? '111' : '112'}`, BigInt(row.amount));
    add(`${row.fund} ${RECEIPTS_ACCOUNT[row.kind]}`, BigInt(row.amount));
  }
  return sums;
}

describe(`imports of contributions (${DB_LABEL})`, () => {
  let t: TestApp;
  let accountant: string;
  let dir: string;
  const rows = historyRows();
  let goodFile: string;
  let badFile: string;

  const upload = (file: string, token = accountant, fields: Record<string, string> = {}) => {
    const request = t.http.post('/api/imports/contributions').set(bearer(token));
    for (const [name, value] of Object.entries(fields)) void request.field(name, value);
    return request.attach('file', file);
  };
  const count = async (table: string) => {
    const [row] = await t.dataSource.query<{ n: string | number }[]>(`SELECT COUNT(*) AS n FROM ${table}`);
    return Number(row.n);
  };
  const everything = async (): Promise<Record<string, number>> => ({
    ...(await t.counts()),
    contributions: await count('contributions'),
    donors: await count('donors'),
    imports: await count('imports'),
  });
  const write = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  beforeAll(async () => {
    t = await startTestApp();
    await t.newFund('LC', 'province');
    await t.newFund('LC-BT', 'commune', 'LC');
    await t.newFund('YB', 'province');
    accountant = await t.newUser('accountant');
    await t.http
      .post('/api/campaigns')
      .set(bearer(accountant))
      .send({ code: 'T7-2023', name: 'Tháng 7 tri ân 2023', startsOn: '2023-06-28', endsOn: '2023-07-27' })
      .expect(201);
    dir = mkdtempSync(join(tmpdir(), 'imports-e2e-'));
    goodFile = write('lich-su-2013-2023.csv', toCsv(rows));
    badFile = write(
      'lich-su-2013-2023-loi.csv',
      toCsv(rows, (row, line) => {
        const cells = csvCells(row);
        if (line === 18) cells[4] = '-500000';
        if (line === 5_000) cells[1] = '2019-02-30';
        if (line === 9_999) cells[3] = 'company';
        return cells;
      }),
    );
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  it('reports exactly the 3 bad rows of a 10,000-row file, by line and reason, and writes nothing', async () => {
    const before = await everything();
    const res = await upload(badFile);
    expect(res.status).toBe(422);
    expectNoStackTrace(res.text);
    expect(res.body).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: [
        'line 18: amount must not be negative',
        'line 5000: date 2019-02-30 is not a real calendar date',
        'line 9999: donor_kind "company" is not one of agency, enterprise, organization, individual (or cơ quan, doanh nghiệp, tổ chức, cá nhân)',
        '3 of 10000 rows are bad; nothing was written (fix them, or import with partial=true to import the others)',
      ],
      rowsTotal: ROWS,
      badRowCount: 3,
      badRows: [
        { line: 18, errors: ['amount must not be negative'] },
        { line: 5000, errors: ['date 2019-02-30 is not a real calendar date'] },
        { line: 9999, errors: [expect.stringMatching(/^donor_kind "company" is not one of/)] },
      ],
    });
    expect(Object.keys(BAD_LINES).map(Number)).toEqual(res.body.badRows.map((r: { line: number }) => r.line));
    expect(await everything()).toEqual(before);
  }, 300_000);

  it('imports the corrected file fully: 10,000 contributions with gap-free historical (LS) numbers per fund and year', async () => {
    const started = Date.now();
    const res = await upload(goodFile).expect(201);
    const seconds = (Date.now() - started) / 1000;
    console.log(`${DB_LABEL}: imported ${ROWS} rows over HTTP in ${seconds.toFixed(1)} s`);
    const answer = res.body as ImportAnswer;
    expect(answer).toMatchObject({
      fileName: 'lich-su-2013-2023.csv',
      partial: false,
      rowsTotal: ROWS,
      imported: ROWS,
      skipped: 0,
      badRowCount: 0,
      badRows: [],
    });
    expect(answer.fileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await count('contributions')).toBe(ROWS);
    expect(await count('donors')).toBe(600);

    const receipts = await t.dataSource.query<{ code: string; receipt_no: string; import_key: string }[]>(
      `SELECT f.code, c.receipt_no, c.import_key FROM contributions c JOIN funds f ON f.id = c.fund_id ORDER BY c.id`,
    );
    const series = new Map<string, number[]>();
    for (const r of receipts) {
      // History never draws from the live series (PT, XN): its own, LS, gap-free per fund and year (issue 10 item 3).
      const [, prefix, year, number] = /^(LS)-(\d{4})-(\d{6})$/.exec(r.receipt_no) ?? [];
      const key = `${r.code} ${prefix} ${year}`;
      series.set(key, [...(series.get(key) ?? []), Number(number)]);
    }
    expect(series.size).toBe(22); // 2 funds × 11 years
    for (const [key, numbers] of series) {
      expect([key, numbers]).toEqual([key, numbers.map((_, i) => i + 1)]);
    }
    expect(new Set(receipts.map((r) => r.import_key)).size).toBe(ROWS);

    const [run] = await t.dataSource.query<Record<string, unknown>[]>('SELECT * FROM imports');
    expect(run).toMatchObject({ kind: 'contributions', file_name: 'lich-su-2013-2023.csv' });
    expect(Number(run.rows_total)).toBe(ROWS);
    expect(Number(run.rows_imported)).toBe(ROWS);
  }, 600_000);

  it('keeps what the rows said: donor, method, campaign, purpose and the original document number', async () => {
    const [c] = await t.dataSource.query<Record<string, unknown>[]>(
      `SELECT c.method, c.purpose, c.external_ref, c.contribution_date, k.code AS campaign, d.name, d.kind
         FROM contributions c JOIN donors d ON d.id = c.donor_id LEFT JOIN campaigns k ON k.id = c.campaign_id
        WHERE c.external_ref = 'GS-9998'`,
    );
    const row = rows[9998];
    expect(c).toEqual({
      method: row.method,
      purpose: row.purpose || null,
      external_ref: 'GS-9998',
      contribution_date: row.date,
      campaign: 'T7-2023',
      name: row.name,
      kind: row.kind,
    });
    // The two identical rows are two gifts.
    const twins = await t.dataSource.query<unknown[]>(
      `SELECT id FROM contributions WHERE external_ref = '${rows[101].reference}'`,
    );
    expect(twins).toHaveLength(2);
  });

  it('moves the balances by exactly the imported amounts', async () => {
    const expected = expectedBalances(rows);
    for (const fund of ['LC', 'LC-BT']) {
      const res = await t.http.get(`/api/funds/${fund}/accounts`).set(bearer(accountant)).expect(200);
      for (const account of res.body as { code: string; balance: string }[]) {
        expect([fund, account.code, account.balance]).toEqual([
          fund,
          account.code,
          String(expected.get(`${fund} ${account.code}`) ?? 0n),
        ]);
      }
      const total = rows.filter((r) => r.fund === fund).reduce((sum, r) => sum + BigInt(r.amount), 0n);
      const trial = await t.http
        .get(`/api/reports/trial-balance?fund=${fund}&asOf=2099-12-31`)
        .set(bearer(accountant))
        .expect(200);
      expect([trial.body.totalDebit, trial.body.totalCredit]).toEqual([String(total), String(total)]);
    }
  });

  it('adds nothing when the same file is imported again', async () => {
    const before = await everything();
    const res = await upload(goodFile).expect(201);
    expect(res.body).toMatchObject({ rowsTotal: ROWS, imported: 0, skipped: ROWS, badRowCount: 0 });
    const after = await everything();
    expect(after).toEqual({ ...before, imports: before.imports + 1, audit_log: before.audit_log + 1 });
  }, 300_000);

  it('imports an XLSX workbook (date and number cells, Vietnamese headers), and skips it the second time', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Đóng góp 2024');
    sheet.addRow([
      'STT',
      'Mã quỹ',
      'Ngày',
      'Tên người nộp',
      'Loại',
      'Số tiền',
      'Hình thức',
      'Mục đích',
      'Số chứng từ',
    ]);
    sheet.addRow([
      1,
      'LC',
      new Date(Date.UTC(2024, 6, 15)),
      'Công ty TNHH Thương mại Kim Thành',
      'doanh nghiệp',
      50000000,
      'chuyển khoản',
      'Xây nhà tình nghĩa',
      'X-1',
    ]);
    sheet.addRow([2, 'LC', '16/07/2024', 'Lù Thị Mai', 'cá nhân', '1.500.000', 'tiền mặt', null, 'X-2']);
    sheet.addRow([
      3,
      'LC-BT',
      new Date(Date.UTC(2024, 6, 17)),
      'Hội Cựu chiến binh xã Gia Phú',
      'tổ chức',
      7200000,
      'tiền mặt',
      null,
      5300,
    ]);
    sheet.getColumn(3).numFmt = 'dd/mm/yyyy';
    const file = join(dir, 'dong-gop-2024.xlsx');
    await workbook.xlsx.writeFile(file);

    const res = await upload(file).expect(201);
    expect(res.body).toMatchObject({ fileName: 'dong-gop-2024.xlsx', rowsTotal: 3, imported: 3, skipped: 0 });
    const imported = await t.dataSource.query<Record<string, unknown>[]>(
      `SELECT c.contribution_date, CAST(c.amount AS TEXT) AS amount, c.method, c.receipt_no, c.external_ref, d.kind
         FROM contributions c JOIN donors d ON d.id = c.donor_id WHERE c.contribution_date >= '2024-01-01' ORDER BY c.id`,
    );
    expect(imported).toEqual([
      {
        contribution_date: '2024-07-15',
        amount: '50000000',
        method: 'bank',
        receipt_no: 'LS-2024-000001',
        external_ref: 'X-1',
        kind: 'enterprise',
      },
      {
        contribution_date: '2024-07-16',
        amount: '1500000',
        method: 'cash',
        receipt_no: 'LS-2024-000002',
        external_ref: 'X-2',
        kind: 'individual',
      },
      {
        contribution_date: '2024-07-17',
        amount: '7200000',
        method: 'cash',
        receipt_no: 'LS-2024-000001',
        external_ref: '5300',
        kind: 'organization',
      },
    ]);
    const again = await upload(file).expect(201);
    expect(again.body).toMatchObject({ rowsTotal: 3, imported: 0, skipped: 3 });
  });

  it('refuses a fractional amount in a number cell of a workbook', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Sheet1');
    sheet.addRow(HEADER.split(','));
    sheet.addRow(['LC', '2024-08-01', 'Trần Thị Thu Hà', 'individual', 1500000.5, 'cash']);
    const file = join(dir, 'phan-so.xlsx');
    await workbook.xlsx.writeFile(file);
    const res = await upload(file).expect(422);
    expect(res.body.message[0]).toBe('line 2: amount must be a whole number of đồng, without a fraction');
  });

  it('with partial=true imports the good rows and reports the bad ones', async () => {
    const csv = [
      HEADER,
      'LC,2024-09-02,Phạm Thị Hồng Nhung,individual,3000000,cash,,,,,,P-1',
      'LC,2024-09-02,Phạm Thị Hồng Nhung,individual,abc,cash,,,,,,P-2',
      'HN,2024-09-03,Sở Tài chính Hà Nội,agency,9000000,bank,,,,,,P-3',
      'LC,03/09/2024,Hoàng Văn Sử,ca-nhan,2.500.000,tien-mat,,,,,,P-4',
    ].join('\n');
    const file = write('mot-phan.csv', csv);
    const before = await count('contributions');

    const refused = await upload(file).expect(422);
    expect(refused.body.badRows.map((r: { line: number }) => r.line)).toEqual([3, 4]);
    expect(await count('contributions')).toBe(before);

    const res = await upload(file, accountant, { partial: 'true' }).expect(201);
    expect(res.body).toMatchObject({
      partial: true,
      rowsTotal: 4,
      imported: 2,
      skipped: 0,
      badRowCount: 2,
      badRows: [
        { line: 3, errors: ['amount must be a string of digits'] },
        { line: 4, errors: ['fund_code HN is not a known fund'] },
      ],
    });
    expect(await count('contributions')).toBe(before + 2);
    // Nothing to import is still a refusal, partial or not.
    const hopeless = write('toan-loi.csv', `${HEADER}\nLC,2024-09-04,Lê Văn An,individual,0,cash,,,,,,\n`);
    const none = await upload(hopeless, accountant, { partial: 'true' }).expect(422);
    expect(none.body.message).toEqual([
      'line 2: amount must be a positive whole number of đồng',
      "no row of the file's 1 can be imported; nothing was written",
    ]);
    // Once fixed, the file imports the rest, and only the rest.
    const fixed = write('mot-phan-da-sua.csv', csv.replace(',abc,', ',4000000,').replace('HN,', 'LC,'));
    const rest = await upload(fixed).expect(201);
    expect(rest.body).toMatchObject({ rowsTotal: 4, imported: 2, skipped: 2 });
  });

  it('finds donors without regard to diacritics, and records gifts of a merged donor on the one it was merged into', async () => {
    const donor = (name: string) =>
      t.http.post('/api/donors').set(bearer(accountant)).send({ name, kind: 'enterprise' }).expect(201);
    const kept = (await donor('Công ty CP Apatit Việt Nam')).body.id as number;
    const merged = (await donor('Cty Apatit')).body.id as number;
    await t.http
      .post(`/api/donors/${merged}/merge`)
      .set(bearer(accountant))
      .send({ intoId: kept, reason: 'Trùng' })
      .expect(200);
    const donorsBefore = await count('donors');
    const file = write(
      'apatit.csv',
      `${HEADER}\nLC,2024-10-02,CTY APATIT,enterprise,9000000,bank,,,,,,A-1\nLC,2024-10-03,cong ty cp apatit viet nam,enterprise,8000000,bank,,,,,,A-2\n`,
    );
    await upload(file).expect(201);
    const owners = await t.dataSource.query<{ donor_id: number }[]>(
      "SELECT donor_id FROM contributions WHERE external_ref IN ('A-1', 'A-2') ORDER BY external_ref",
    );
    expect(owners.map((o) => Number(o.donor_id))).toEqual([kept, kept]);
    expect(await count('donors')).toBe(donorsBefore);
  });

  it('takes a raw text/csv body too', async () => {
    const csv = `${HEADER}\nYB,2024-10-01,Đặng Minh Tâm,individual,700000,cash,,,,,,R-1\n`;
    const res = await t.http
      .post('/api/imports/contributions?fileName=tho.csv')
      .set(bearer(accountant))
      .set('Content-Type', 'text/csv; charset=utf-8')
      .send(csv)
      .expect(201);
    expect(res.body).toMatchObject({ fileName: 'tho.csv', rowsTotal: 1, imported: 1 });
  });

  it('refuses rows on or before a lock date, in the future, or of an unknown campaign', async () => {
    await t.http
      .post('/api/funds/YB/lock')
      .set(bearer(t.adminToken))
      .send({ through: '2024-12-31' })
      .expect(200);
    const file = write(
      'khoa-so.csv',
      [
        HEADER,
        'YB,2024-12-31,Đặng Minh Tâm,individual,700000,cash,,,,,,',
        'YB,2099-01-01,Đặng Minh Tâm,individual,700000,cash,,,,,,',
        'YB,2025-01-02,Đặng Minh Tâm,individual,700000,cash,T7-2099,,,,,',
      ].join('\r\n'),
    );
    const res = await upload(file).expect(422);
    expect(res.body.badRows).toEqual([
      { line: 2, errors: ["date 2024-12-31 is on or before fund YB's lock date 2024-12-31"] },
      { line: 3, errors: ['date 2099-01-01 is in the future'] },
      { line: 4, errors: ['campaign T7-2099 is not a known campaign'] },
    ]);
  });

  it('refuses with 409 and writes nothing when the books change between the checking and the posting pass', async () => {
    const file = write(
      'doi-khoa.csv',
      `${HEADER}\nYB,2025-02-01,Đặng Minh Tâm,individual,700000,cash,,,,,,\n`,
    );
    const load = ImportReference.load.bind(ImportReference);
    let calls = 0;
    const spy = jest.spyOn(ImportReference, 'load').mockImplementation(async (manager, actor, today) => {
      // The second pass reads the books inside its transaction: lock the fund just before, as an approver might.
      if (++calls === 2)
        await manager.query("UPDATE books SET locked_through = '2030-12-31' WHERE fund_code = 'YB'");
      return load(manager, actor, today);
    });
    try {
      const before = await everything();
      const messages = expectError(await upload(file), 409);
      expect(messages).toEqual([
        "line 2: date 2025-02-01 is on or before fund YB's lock date 2030-12-31",
        'the books changed while the file was being imported; nothing was written',
      ]);
      expect(await everything()).toEqual(before);
    } finally {
      spy.mockRestore();
    }
    const [book] = await t.dataSource.query<{ locked_through: string }[]>(
      "SELECT locked_through FROM books WHERE fund_code = 'YB'",
    );
    expect(book.locked_through).toBe('2024-12-31');
    expect(calls).toBe(2);
  });

  it("keeps a fund-scoped accountant to the user's funds, and other roles out", async () => {
    const commune = await t.newUser('accountant', 'LC-BT');
    const file = write(
      'xa.csv',
      `${HEADER}\nLC-BT,2024-11-01,Giàng Seo Chư,individual,300000,cash,,,,,,\nLC,2024-11-01,Giàng Seo Chư,individual,300000,cash,,,,,,\n`,
    );
    const res = await upload(file, commune).expect(422);
    expect(res.body.badRows).toEqual([
      {
        line: 3,
        errors: [
          expect.stringMatching(/^fund_code LC is outside the funds user accountant\d+ may write to$/),
        ],
      },
    ]);
    for (const role of ['auditor', 'approver'] as const) {
      expectError(await upload(file, await t.newUser(role)), 403);
    }
    expectError(await t.http.post('/api/imports/contributions').attach('file', file), 401);
  });

  it('answers 400 with the contract’s error body for a file it cannot read', async () => {
    const cases: [string, string | Buffer, RegExp][] = [
      ['rong.csv', '', /the file is empty/],
      ['chi-tieu-de.csv', `${HEADER}\n\n`, /no rows below it/],
      [
        'sai-cot.csv',
        'fund_code,date,donor_name,donor_kind,ammount,method\n',
        /column "ammount" is not a column/,
      ],
      [
        'ngoac.csv',
        `${HEADER}\nLC,2024-01-01,"Lê "Văn" An,individual,1,cash,,,,,,\n`,
        /^line 2: the file is not valid CSV/,
      ],
      ['cu.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), /\.xls files cannot be read/],
    ];
    for (const [name, content, message] of cases) {
      const before = await everything();
      const messages = expectError(await upload(write(name, content)), 400);
      expect([name, messages.join('\n')]).toEqual([name, expect.stringMatching(message)]);
      expect(await everything()).toEqual(before);
    }
    const none = await t.http.post('/api/imports/contributions').set(bearer(accountant)).send({});
    expect(expectError(none, 400)[0]).toMatch(/multipart\/form-data field "file"/);
    expectError(await upload(goodFile, accountant, { partial: 'maybe' }), 400);
  });

  it('honours Idempotency-Key: the same file replays the answer, another file with the key is a 409', async () => {
    const first = write(
      'idem-1.csv',
      `${HEADER}\nLC,2024-12-01,Vũ Thu Phương,individual,400000,bank,,,,,,I-1\n`,
    );
    const second = write(
      'idem-2.csv',
      `${HEADER}\nLC,2024-12-01,Vũ Thu Phương,individual,500000,bank,,,,,,I-2\n`,
    );
    const send = (file: string): Promise<Response> => upload(file).set('Idempotency-Key', 'import-idem-1');
    const a = await send(first);
    expect(a.status).toBe(201);
    const replay = await send(first);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(a.body);
    expectError(await send(second), 409);
  });

  it('leaves the books verifiable', async () => {
    const res = await t.http.get('/api/audit/verify').set(bearer(t.adminToken)).expect(200);
    expect(res.body).toMatchObject({ ok: true, problems: [] });
  });

  it('ships a sample file that imports as it is', async () => {
    const sample = join(__dirname, '..', '..', 'data', 'samples', 'contributions-sample.csv');
    expect(readFileSync(sample, 'utf8').split('\n')[0]).toBe(HEADER);
    const res = await upload(sample).expect(201);
    expect(res.body).toMatchObject({ rowsTotal: 20, imported: 20, badRowCount: 0 });
  });
});
