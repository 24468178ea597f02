import { parse } from 'csv-parse/sync';
import * as ExcelJS from 'exceljs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bearer, TestApp } from '../support/app';
import { runCli } from '../support/cli';
import { DB_LABEL } from '../support/database';
import {
  ExportBooks,
  FROM,
  TO,
  TRICKY,
  TRICKY_MEMO,
  TrialBalanceBody,
  unzip,
  zipOf,
} from '../support/export-books';
import { createUser, expectError, TestUser } from '../support/http';
import { binaryParser } from '../support/pdf';
import { ExportsService } from '../../src/exports/exports.service';
import { verifyBundle } from '../../src/exports/verify-bundle';
import { ledgerHead } from '../../src/ledger/chain-head';

let books: ExportBooks;
let t: TestApp;
let accountant: TestUser;
let auditor: TestUser;
let dir: string;
/** The audit bundle of LC and the funds below it, 2023. */
let bundleZip: string;

const get = <T>(url: string, token?: string): Promise<T> => books.get<T>(url, token);
const download = (url: string, token?: string): Promise<Buffer> => books.download(url, token);
const save = (name: string, data: Buffer | string): string => books.save(name, data);
const trialBalance = (fund: string, consolidated = false): Promise<TrialBalanceBody> =>
  books.trialBalance(fund, consolidated);

// DESIGN.md §8: the journal as CSV, XLSX, hledger/ledger and beancount, and the audit bundle. That the plain-text
// journals satisfy hledger, ledger and bean-check themselves, and agree with the trial balance to the đồng, is
// checked by test/tools/exports.tools-spec.ts (`npm run test:tools`) on the same books (test/support/export-books.ts).
describe(`exports (${DB_LABEL})`, () => {
  let linesInRange: number;

  beforeAll(async () => {
    books = await ExportBooks.start();
    ({ t, accountant, auditor, dir, linesInRange } = books);
  }, 120_000);
  afterAll(async () => {
    await books.close();
  });

  describe('hledger / ledger', () => {
    it('writes hledger/ledger text: VND amounts, codes, escaped text, an opening and closing assertions', async () => {
      const text = await download(`/api/exports/journal?fund=LC&from=${FROM}&to=${TO}&format=hledger`);
      const journal = text.toString('utf8');
      expect(journal).toContain('commodity VND');
      expect(journal).toContain('2023-01-10 * (XN-2023-000001) ');
      expect(journal).toContain('    assets:LC:112 Tiền gửi Kho bạc, Ngân hàng    55500000000 VND');
      expect(journal).toContain('account assets:LC:1388 Phải thu, khác, tạm ứng (nội bộ) "A"');
      // The semicolon and the line break of the description would start a comment and a new line. The entry waited
      // for approval (it credits 112), so its code is its request's number (YC-1).
      expect(journal).toContain('* (YC-1) Chi thăm hỏi, tặng quà "Tết" cho gia đình, bà Mơ Đợt 2\n');
      expect(journal).toContain('; =SUM(A1); ghi chú dòng 2\n');
      expect(journal).toMatch(/\n2023-01-01 \* Số dư đầu kỳ\n/);
      expect(journal).toContain(`${TO} * Số dư cuối ngày ${TO}`);
      expect(journal).not.toContain('2024-01-05');
      expect(journal).not.toContain('Quỹ tỉnh khác');
    });

    it('covers the books from their start when there is no from, with no opening transaction', async () => {
      const text = await download(`/api/exports/journal?fund=LC-TV&format=hledger`);
      expect(text.toString('utf8')).not.toContain('Số dư đầu kỳ');
      expect(text.toString('utf8')).toContain('2022-12-20 * (LC-TV/1) Thu của xã');
    });

    it('closes on from itself when the range starts after the last entry and has no to', async () => {
      const text = await download('/api/exports/journal?fund=LC-TV&from=2030-01-01&format=hledger');
      expect(text.toString('utf8')).toContain('2030-01-01 * Số dư đầu kỳ');
      expect(text.toString('utf8')).toContain('2030-01-01 * Số dư cuối ngày 2030-01-01');
    });
  });

  describe('beancount', () => {
    it('writes beancount text, single fund and consolidated', async () => {
      for (const query of [`fund=LC&from=${FROM}&to=${TO}`, `fund=LC&to=${TO}&consolidated=true`]) {
        const text = await download(`/api/exports/journal?${query}&format=beancount`);
        const ledger = text.toString('utf8');
        expect(ledger).toContain('option "operating_currency" "VND"');
        expect(ledger).toContain('2023-01-10 * "XN-2023-000001" ');
        expect(ledger).toContain('  Assets:LC:112  55500000000 VND');
        expect(ledger).toContain('* "YC-1" "Chi thăm hỏi; tặng quà \\"Tết\\" cho gia đình, bà Mơ Đợt 2"');
        expect(ledger).toContain('2024-01-01 balance Assets:LC:112  ');
      }
    });
  });

  describe('CSV', () => {
    it('starts with a BOM, has one row per journal line, and keeps every text exactly', async () => {
      const res = await t.http
        .get(`/api/exports/journal?fund=LC&from=${FROM}&to=${TO}&format=csv`)
        .set(bearer(auditor.token))
        .buffer(true)
        .parse(binaryParser)
        .expect(200);
      expect(res.headers).toMatchObject({
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="journal-LC-${FROM}-${TO}.csv"`,
        'x-export-entries': '8',
      });
      const csv = res.body as Buffer;
      expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = parse(csv.toString('utf8').slice(1), { columns: true }) as Record<string, string>[];
      expect(Object.keys(rows[0])).toEqual([
        'entry_id',
        'fund',
        'number',
        'date',
        'source',
        'reference',
        'description',
        'account',
        'account_name',
        'debit',
        'credit',
        'memo',
        'entry_hash',
        'reversal_of',
      ]);
      expect(rows).toHaveLength(linesInRange);
      const tricky = rows.filter((r) => r.description === TRICKY);
      expect(tricky).toHaveLength(2);
      // A memo starting with "=" would be a formula in a spreadsheet.
      expect(tricky[0]).toMatchObject({
        account: '6113',
        debit: '9876543',
        credit: '0',
        memo: `'${TRICKY_MEMO}`,
      });
      expect(rows.find((r) => r.reference === 'XN-2023-000001')).toMatchObject({
        source: 'contribution',
        account: '112',
        debit: '55500000000',
      });
      expect(rows.filter((r) => r.source === 'reversal' && r.reversal_of !== '')).toHaveLength(4);
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.entry_hash))).toBe(true);
    });
  });

  describe('XLSX', () => {
    const loadSheet = async (res: { body: unknown }) => {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(res.body as ExcelJS.Buffer);
      return workbook.worksheets[0];
    };
    const xlsxUrl = `/api/exports/journal?fund=LC&from=${FROM}&to=${TO}&format=xlsx`;

    it('is read back by exceljs with number cells, Vietnamese headers, an autofilter and the columns to pivot on', async () => {
      // Without Accept-Language (the test app asks for English unless told otherwise): Vietnamese headers.
      const res = await t.http
        .get(xlsxUrl)
        .set(bearer(auditor.token))
        .unset('Accept-Language')
        .buffer(true)
        .parse(binaryParser)
        .expect(200);
      const sheet = await loadSheet(res);
      expect(sheet.rowCount).toBe(linesInRange + 1);
      const header = (sheet.getRow(1).values as ExcelJS.CellValue[]).slice(1);
      expect(header).toEqual([
        'Mã bút toán',
        'Mã quỹ',
        'Cấp quỹ',
        'Số bút toán',
        'Ngày ghi sổ',
        'Ngày chứng từ',
        'Số chứng từ',
        'Nguồn',
        'Diễn giải',
        'Tài khoản',
        'Tên tài khoản',
        'TK đối ứng',
        'Nợ',
        'Có',
        'Nhà tài trợ',
        'Đối tượng, người nhận',
        'Ghi chú dòng',
        'Đảo bút toán',
        'Mã băm bút toán',
      ]);
      expect(sheet.autoFilter).toBe(`A1:S${linesInRange + 1}`);
      const col = (name: string) => header.indexOf(name) + 1;
      const rows = sheet.getRows(2, linesInRange) ?? [];
      const big = rows.find((r) => r.getCell(col('Nợ')).value === 55_500_000_000);
      expect(big?.getCell(col('Nợ')).numFmt).toBe('#,##0');
      expect(big?.getCell(col('Số chứng từ')).value).toBe('XN-2023-000001');
      expect(big?.getCell(col('Ngày ghi sổ')).value).toEqual(new Date('2023-01-10T00:00:00Z'));
      expect(big?.getCell(col('Ngày chứng từ')).value).toEqual(new Date('2023-01-10T00:00:00Z'));
      expect(big?.getCell(col('Nhà tài trợ')).value).toBe('Công ty CP "Apatit" Việt Nam');
      expect(big?.getCell(col('TK đối ứng')).value).toBe('5112');
      expect(big?.getCell(col('Cấp quỹ')).value).toBe('Tỉnh');
      // The void of the gift of 14/02, booked on 20/02: dated by the receipt it undoes, naming its donor.
      const voided = rows.filter((r) => typeof r.getCell(col('Đảo bút toán')).value === 'number');
      const voidOfGift = voided.find((r) => r.getCell(col('Nhà tài trợ')).value === 'Nguyễn Văn An');
      expect(voidOfGift?.getCell(col('Ngày ghi sổ')).value).toEqual(new Date('2023-02-20T00:00:00Z'));
      expect(voidOfGift?.getCell(col('Ngày chứng từ')).value).toEqual(new Date('2023-02-14T00:00:00Z'));
      expect(rows.every((r) => typeof r.getCell(col('Có')).value === 'number')).toBe(true);
      expect(rows.some((r) => r.getCell(col('Diễn giải')).value === TRICKY)).toBe(true);
    });

    it('writes English headers on Accept-Language: en', async () => {
      // The test app asks for English.
      const sheet = await loadSheet({ body: await download(xlsxUrl) });
      const header = (sheet.getRow(1).values as ExcelJS.CellValue[]).slice(1);
      expect(header.slice(0, 7)).toEqual([
        'Entry id',
        'Fund',
        'Fund level',
        'Entry no.',
        'Posting date',
        'Document date',
        'Document no.',
      ]);
      expect(header).toContain('Counter-account');
      expect(header).toContain('Beneficiary or payee');
      expect(sheet.getRow(2).getCell(3).value).toBe('Province');
    });
  });

  describe('access and bad input', () => {
    it('lets every role export the funds it can see, and no other', async () => {
      const commune = await createUser(t, 'accountant', 'LC-TV');
      expectError(
        await t.http.get(`/api/exports/journal?fund=LC&format=csv`).set(bearer(commune.token)),
        403,
      );
      const own = await download('/api/exports/journal?fund=LC-TV&format=csv', commune.token);
      expect(own.toString('utf8')).toContain('LC-TV');
      // Without a fund: every fund the user can see.
      const all = (await download('/api/exports/journal?format=csv', commune.token)).toString('utf8');
      expect(all).not.toMatch(/\r\n\d+,LC,/);
      expect(all).toMatch(/\r\n\d+,LC-TV,/);
    });

    it('answers 400 with a message per problem, 404 for an unknown fund, and writes nothing', async () => {
      const before = await t.counts();
      const bad = expectError(
        await t.http
          .get('/api/exports/journal?fund=LC&format=pdf&from=2023-02-30&to=x')
          .set(bearer(auditor.token)),
        400,
      );
      expect(bad).toHaveLength(3);
      expect(
        expectError(
          await t.http
            .get('/api/exports/journal?fund=LC&format=csv&from=2023-05-01&to=2023-01-01')
            .set(bearer(auditor.token)),
          400,
        ),
      ).toEqual(['from must not be after to']);
      expectError(
        await t.http.get('/api/exports/journal?format=csv&consolidated=true').set(bearer(auditor.token)),
        400,
      );
      expectError(
        await t.http.get('/api/exports/journal?fund=NOPE&format=csv').set(bearer(auditor.token)),
        404,
      );
      expect(await t.counts()).toEqual(before);
    });
  });

  describe('audit bundle', () => {
    let zipFile: string;
    let members: Map<string, Buffer>;

    beforeAll(async () => {
      const zip = await download(`/api/exports/bundle?fund=LC&from=${FROM}&to=${TO}&consolidated=true`);
      zipFile = save('bundle.zip', zip);
      bundleZip = zipFile;
      members = await unzip(zip);
    });

    it('holds every format, the trial balance and a manifest of their SHA-256 and the chain head', async () => {
      expect([...members.keys()]).toEqual([
        'manifest.json',
        'journal.csv',
        'journal.xlsx',
        'journal.hledger',
        'journal.beancount',
        'trial-balance.json',
      ]);
      const manifest = JSON.parse(members.get('manifest.json')!.toString('utf8'));
      const head = await ledgerHead(t.dataSource.manager);
      expect(manifest).toMatchObject({
        generator: 'den-on-ledger 0.1.0',
        parameters: { fund: 'LC', from: FROM, to: TO, consolidated: true },
        funds: ['LC', 'LC-TV'],
        chainHead: {
          hash: head.hash,
          entryCount: head.entryCount,
          lastEntryId: head.lastEntryId,
        },
      });
      expect(manifest.files.map((f: { name: string }) => f.name)).toEqual([...members.keys()].slice(1));
      const tb = JSON.parse(members.get('trial-balance.json')!.toString('utf8'));
      expect(tb.funds.map((f: { fund: string }) => f.fund)).toEqual(['LC', 'LC-TV']);
      expect(tb.funds[0].rows).toEqual((await trialBalance('LC')).rows);
      expect(tb.consolidated.rows).toEqual((await trialBalance('LC', true)).rows);
    });

    it('verifies with the CLI, and names a changed, missing or extra file', async () => {
      const ok = runCli(['verify-bundle', zipFile], t.db.config);
      expect(ok.stdout).toContain('OK: ');
      expect(ok.status).toBe(0);

      const flipped = (name: string) => {
        const changed = new Map(members);
        const data = Buffer.from(changed.get(name)!);
        data[Math.floor(data.length / 2)] ^= 0x01;
        return changed.set(name, data);
      };
      const failed = runCli(
        ['verify-bundle', save('changed.zip', await zipOf(flipped('journal.hledger')))],
        t.db.config,
      );
      expect(failed.status).toBe(1);
      expect(failed.stdout).toContain('FAILED: ');
      expect(failed.stdout).toContain('journal.hledger: does not match manifest.json');
      expect(failed.stdout.match(/^ {2}- /gm)).toHaveLength(1);

      // The same check in process, for the other members.
      for (const name of ['journal.csv', 'journal.xlsx', 'journal.beancount', 'trial-balance.json']) {
        const check = await verifyBundle(save('changed.zip', await zipOf(flipped(name))));
        expect(check.ok).toBe(false);
        expect(check.problems).toHaveLength(1);
        expect(check.problems[0]).toMatch(new RegExp(`^${name.replace('.', '\\.')}: `));
      }
      const missing = new Map(members);
      missing.delete('journal.csv');
      missing.set('notes.txt', Buffer.from('thêm vào'));
      expect((await verifyBundle(save('missing.zip', await zipOf(missing)))).problems).toEqual([
        'journal.csv: listed in manifest.json but not in the bundle',
        'notes.txt: in the bundle but not listed in manifest.json',
      ]);
    }, 60_000);

    it('leaves a trace in the audit log: who exported what', async () => {
      const log = await get<{ items: { username: string; action: string; details: { request: object } }[] }>(
        '/api/audit/log?pageSize=5',
      );
      expect(log.items.find((i) => i.action === 'export bundle')).toMatchObject({
        username: auditor.username,
        details: { request: { fund: 'LC', from: FROM, to: TO, consolidated: true } },
      });
    });

    it('is for auditors and admins only', async () => {
      expectError(await t.http.get('/api/exports/bundle?fund=LC').set(bearer(accountant.token)), 403);
    });
  });

  describe('command line', () => {
    it('writes the same journal as the API, to a file or to stdout, and a bundle that verifies', async () => {
      const api = (
        await download(`/api/exports/journal?fund=LC&from=${FROM}&to=${TO}&format=beancount`)
      ).toString();
      const out = path.join(dir, 'cli.beancount');
      const written = runCli(
        [
          'export',
          'journal',
          '--format',
          'beancount',
          '--fund',
          'LC',
          '--from',
          FROM,
          '--to',
          TO,
          '--out',
          out,
        ],
        t.db.config,
      );
      expect(written.status).toBe(0);
      // Only the header's time stamp differs.
      const withoutHeader = (text: string) => text.replace(/^; .*\n/gm, '');
      expect(withoutHeader(fs.readFileSync(out, 'utf8'))).toBe(withoutHeader(api));

      const stdout = runCli(['export', 'journal', '--format', 'hledger', '--fund', 'LC-TV'], t.db.config);
      expect(stdout.status).toBe(0);
      expect(withoutHeader(stdout.stdout)).toBe(
        withoutHeader((await download('/api/exports/journal?fund=LC-TV&format=hledger')).toString()),
      );

      const zip = path.join(dir, 'cli-bundle.zip');
      expect(
        runCli(['export', 'bundle', '--fund', 'LC', '--consolidated', '--out', zip], t.db.config).status,
      ).toBe(0);
      expect(await verifyBundle(zip)).toMatchObject({ ok: true, problems: [] });

      const usage = runCli(['export', 'journal', '--format', 'pdf'], t.db.config);
      expect(usage.status).toBe(2);
      expect(usage.stderr).toContain('format must be one of the following values');
    }, 120_000);
  });

  describe('books changed behind the application', () => {
    it('are caught by a bundle made before: its chain head no longer matches the books', async () => {
      const same = runCli(['verify-bundle', bundleZip, '--db'], t.db.config);
      expect(same.stdout).toContain(', the same in the books)');
      expect(same.status).toBe(0);

      // A forger who rewrites the last entry and its fund's head together passes `verify`; not the bundle.
      const manifest = (await verifyBundle(bundleZip)).manifest!;
      const last = manifest.chainHead.lastEntryId!;
      const [{ hash: original }] = await t.dataSource.query(
        `SELECT hash FROM journal_entries WHERE id = ${last}`,
      );
      const forged = 'f'.repeat(64);
      await t.dataSource.query(`UPDATE journal_entries SET hash = '${forged}' WHERE id = ${last}`);
      const now = await ledgerHead(t.dataSource.manager, { upTo: last });
      expect(await t.app.get(ExportsService).checkChainHead(manifest.chainHead, manifest.funds)).toEqual([
        `the books' chain head up to entry ${last} is ${now.hash}, the bundle recorded ${manifest.chainHead.hash}: ` +
          'the journal up to it was changed after the bundle was made',
      ]);
      await t.dataSource.query(`UPDATE journal_entries SET hash = '${original}' WHERE id = ${last}`);
    }, 60_000);
  });
});
