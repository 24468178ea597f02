import { parse } from 'csv-parse/sync';
import * as ExcelJS from 'exceljs';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Response } from 'supertest';
import * as yauzl from 'yauzl';
import * as yazl from 'yazl';
import { bearer, startTestApp, TestApp } from '../support/app';
import { runCli } from '../support/cli';
import { DB_LABEL } from '../support/database';
import { createUser, expectError, TestUser } from '../support/http';
import { binaryParser } from '../support/pdf';
import { ExportsService } from '../../src/exports/exports.service';
import { verifyBundle } from '../../src/exports/verify-bundle';

interface TrialBalanceBody {
  funds: string[];
  rows: { account: string; debit: string; credit: string; balance: string }[];
  eliminated: { account: string; debit: string; credit: string }[];
}

interface EntryBody {
  id: number;
  lines: unknown[];
}

const FROM = '2023-01-01';
const TO = '2023-12-31';
/** A description with what every format must escape: quotes, a semicolon, a comma and a line break. */
const TRICKY = 'Chi thăm hỏi; tặng quà "Tết" cho gia đình, bà Mơ\nĐợt 2';
const TRICKY_MEMO = '=SUM(A1); ghi chú\ndòng 2';
const NASTY_ACCOUNT = 'Phải thu: khác; tạm  ứng (nội bộ) "A"';

let t: TestApp;
let accountant: TestUser;
let auditor: TestUser;
let dir: string;
/** The audit bundle of LC and the funds below it, 2023. */
let bundleZip: string;

const post = async (url: string, body: object, token = accountant.token): Promise<Response> => {
  const res = await t.http.post(url).set(bearer(token)).send(body);
  if (res.status !== 201 && res.status !== 200) throw new Error(`${url}: ${res.status} ${res.text}`);
  return res;
};
const entry = (fundCode: string, date: string, description: string, lines: object[]) =>
  post('/api/journal-entries', { fundCode, date, description, lines });
const get = <T>(url: string, token = auditor.token): Promise<T> =>
  t.http
    .get(url)
    .set(bearer(token))
    .expect(200)
    .then((res: Response) => res.body as T);

/** Downloads a file; the answer is checked to be 200. */
async function download(url: string, token = auditor.token): Promise<Buffer> {
  const res = await t.http.get(url).set(bearer(token)).buffer(true).parse(binaryParser);
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${String(res.body)}`);
  return res.body as Buffer;
}

function save(name: string, data: Buffer | string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, data);
  return file;
}

/** Runs hledger, ledger or bean-check; fails the test with the tool's own words when it exits non-zero. */
function tool(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr}\n${result.stdout}`,
    );
  }
  return result.stdout;
}

/** `hledger bal` per fund and account code: `assets:LC:112 Tiền gửi…` → "LC|112". */
function hledgerBalances(file: string): Map<string, bigint> {
  const csv = tool('hledger', ['bal', '-f', file, '-O', 'csv', '--no-total']);
  const rows = parse(csv, { from_line: 2 }) as string[][];
  const result = new Map<string, bigint>();
  for (const [account, amount] of rows) {
    const [, fund, rest] = account.split(':');
    const value = amount === '0' ? 0n : BigInt(amount.replace(/ VND$/, ''));
    result.set(`${fund}|${rest.split(' ')[0]}`, value);
  }
  return result;
}

const trialBalance = (fund: string, consolidated = false) =>
  get<TrialBalanceBody>(
    `/api/reports/trial-balance?fund=${fund}&asOf=${TO}${consolidated ? '&consolidated=true' : ''}`,
  );

/** Every account of the fund's trial balance has the same balance in hledger, and hledger has no other. */
async function expectMatchesTrialBalance(balances: Map<string, bigint>, fund: string): Promise<void> {
  const tb = await trialBalance(fund);
  expect(tb.rows.length).toBeGreaterThan(0);
  const fromHledger = [...balances.entries()]
    .filter(([key, value]) => key.startsWith(`${fund}|`) && value !== 0n)
    .map(([key, value]) => [key.split('|')[1], value.toString()])
    .sort();
  const fromBooks = tb.rows
    .filter((r) => r.balance !== '0')
    .map((r) => [r.account, r.balance])
    .sort();
  expect(fromHledger).toEqual(fromBooks);
}

/** Reads every member of a zip. */
async function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  const file = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  const members = new Map<string, Buffer>();
  for await (const member of file.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of (await file.openReadStreamPromise(member)) as AsyncIterable<Buffer>)
      chunks.push(chunk);
    members.set(member.fileName, Buffer.concat(chunks));
  }
  return members;
}

/** A zip of these members, in this order. */
function zipOf(members: Map<string, Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of members) zip.addBuffer(data, name);
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

// DESIGN.md §8: the journal as CSV, XLSX, hledger/ledger and beancount, and the audit bundle; the plain-text
// journals must satisfy the tools themselves and agree with the trial balance to the đồng.
describe(`exports (${DB_LABEL})`, () => {
  let linesInRange: number;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exports-e2e-'));
    t = await startTestApp();
    await t.newFund('LC', 'province');
    await t.newFund('LC-TV', 'commune', 'LC');
    await t.newFund('YB', 'province');
    accountant = await createUser(t, 'accountant');
    auditor = await createUser(t, 'auditor');
    await post('/api/funds/LC/accounts', { code: '1388', name: NASTY_ACCOUNT, type: 'asset' });

    // Before the range: the opening balances.
    await entry('LC', '2022-11-20', 'Số dư chuyển sang; "năm cũ"', [
      { account: '112', debit: '1000000000' },
      { account: '5118', credit: '1000000000' },
    ]);
    await entry('LC', '2022-12-01', 'Thu tiền mặt', [
      { account: '111', debit: 5_000_000 },
      { account: '5114', credit: 5_000_000 },
    ]);
    await entry('LC-TV', '2022-12-20', 'Thu của xã', [
      { account: '111', debit: 1_500_000 },
      { account: '5114', credit: 1_500_000 },
    ]);
    // In the range: receipts with PT numbers, one voided (a reversal), a transfer down to the commune, payouts.
    const company = await post('/api/donors', { name: 'Công ty CP "Apatit" Việt Nam', kind: 'enterprise' });
    const person = await post('/api/donors', { name: 'Nguyễn Văn An', kind: 'individual' });
    await post('/api/contributions', {
      fundCode: 'LC',
      donorId: company.body.id,
      date: '2023-01-10',
      amount: '55500000000',
      method: 'bank',
    });
    const voided = await post('/api/contributions', {
      fundCode: 'LC',
      donorId: person.body.id,
      date: '2023-02-14',
      amount: 2_000_000,
      method: 'cash',
    });
    await post(`/api/contributions/${voided.body.id}/void`, {
      reason: 'Ghi nhầm người nộp',
      date: '2023-02-20',
    });
    await post('/api/transfers', {
      fromFund: 'LC',
      toFund: 'LC-TV',
      amount: 300_000_000,
      date: '2023-03-01',
      method: 'bank',
      description: 'Hỗ trợ xây nhà "tình nghĩa"',
    });
    await entry('LC', '2023-04-05', TRICKY, [
      { account: '6113', debit: 12_345_678, memo: TRICKY_MEMO },
      { account: '112', credit: 12_345_678 },
    ]);
    await entry('LC', '2023-05-06', 'Tạm ứng nội bộ', [
      { account: '1388', debit: 7_000_000 },
      { account: '112', credit: 7_000_000 },
    ]);
    const mistaken = await entry('LC', '2023-06-01', 'Chi quản lý quỹ', [
      { account: '6118', debit: 1000 },
      { account: '111', credit: 1000 },
    ]);
    await post(`/api/journal-entries/${(mistaken.body as EntryBody).id}/reverse`, {
      date: '2023-06-02',
      reason: 'Ghi nhầm',
    });
    await entry('LC-TV', '2023-03-10', 'Xây nhà cho bà Nguyễn Thị "Mơ"', [
      { account: '6111', debit: 250_000_000 },
      { account: '112', credit: 250_000_000 },
    ]);
    // After the range: left out.
    await entry('LC', '2024-01-05', 'Thu năm sau', [
      { account: '112', debit: 9999 },
      { account: '5118', credit: 9999 },
    ]);
    await entry('YB', '2023-03-03', 'Quỹ tỉnh khác', [
      { account: '111', debit: 1 },
      { account: '5118', credit: 1 },
    ]);

    const listed = await get<{ items: EntryBody[] }>(
      `/api/journal-entries?fund=LC&from=${FROM}&to=${TO}&pageSize=500`,
    );
    linesInRange = listed.items.reduce((n, e) => n + e.lines.length, 0);
  }, 120_000);
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('hledger / ledger', () => {
    it('passes hledger check -s and ledger bal, and hledger bal equals the trial balance per account', async () => {
      const text = await download(`/api/exports/journal?fund=LC&from=${FROM}&to=${TO}&format=hledger`);
      const file = save('lc.hledger', text);
      tool('hledger', ['check', '-s', '-f', file]);
      tool('ledger', ['-f', file, 'bal']);
      await expectMatchesTrialBalance(hledgerBalances(file), 'LC');

      const journal = text.toString('utf8');
      expect(journal).toContain('commodity VND');
      expect(journal).toContain('2023-01-10 * (PT-2023-000001) ');
      expect(journal).toContain('    assets:LC:112 Tiền gửi Kho bạc, Ngân hàng    55500000000 VND');
      expect(journal).toContain('account assets:LC:1388 Phải thu, khác, tạm ứng (nội bộ) "A"');
      // The semicolon and the line break of the description would start a comment and a new line.
      expect(journal).toContain('* (LC/7) Chi thăm hỏi, tặng quà "Tết" cho gia đình, bà Mơ Đợt 2\n');
      expect(journal).toContain('; =SUM(A1); ghi chú dòng 2\n');
      expect(journal).toMatch(/\n2023-01-01 \* Số dư đầu kỳ\n/);
      expect(journal).toContain(`${TO} * Số dư cuối ngày ${TO}`);
      expect(journal).not.toContain('2024-01-05');
      expect(journal).not.toContain('Quỹ tỉnh khác');
    });

    it('keeps the funds of a consolidated export apart, each agreeing with its own trial balance', async () => {
      const file = save(
        'group.hledger',
        await download(`/api/exports/journal?fund=LC&from=${FROM}&to=${TO}&format=hledger&consolidated=true`),
      );
      tool('hledger', ['check', '-s', '-f', file]);
      tool('ledger', ['-f', file, 'bal']);
      const balances = hledgerBalances(file);
      await expectMatchesTrialBalance(balances, 'LC');
      await expectMatchesTrialBalance(balances, 'LC-TV');
      expect([...balances.keys()].some((k) => k.startsWith('YB|'))).toBe(false);

      // Summed over the funds, less the transfers inside the group, it is the consolidated trial balance.
      const group = await trialBalance('LC', true);
      expect(group.eliminated.length).toBeGreaterThan(0);
      const summed = new Map<string, bigint>();
      for (const [key, value] of balances) {
        const code = key.split('|')[1];
        summed.set(code, (summed.get(code) ?? 0n) + value);
      }
      for (const e of group.eliminated) {
        summed.set(e.account, (summed.get(e.account) ?? 0n) - BigInt(e.debit) + BigInt(e.credit));
      }
      for (const row of group.rows)
        expect([row.account, summed.get(row.account) ?? 0n]).toEqual([row.account, BigInt(row.balance)]);
    });

    it('covers the books from their start when there is no from, with no opening transaction', async () => {
      const text = await download(`/api/exports/journal?fund=LC-TV&format=hledger`);
      const file = save('tv-all.hledger', text);
      tool('hledger', ['check', '-s', '-f', file]);
      expect(text.toString('utf8')).not.toContain('Số dư đầu kỳ');
      expect(text.toString('utf8')).toContain('2022-12-20 * (LC-TV/1) Thu của xã');
    });

    it('closes on from itself when the range starts after the last entry and has no to', async () => {
      const text = await download('/api/exports/journal?fund=LC-TV&from=2030-01-01&format=hledger');
      tool('hledger', ['check', '-s', '-f', save('late.hledger', text)]);
      expect(text.toString('utf8')).toContain('2030-01-01 * Số dư đầu kỳ');
      expect(text.toString('utf8')).toContain('2030-01-01 * Số dư cuối ngày 2030-01-01');
    });
  });

  describe('beancount', () => {
    it('passes bean-check, single fund and consolidated', async () => {
      for (const query of [`fund=LC&from=${FROM}&to=${TO}`, `fund=LC&to=${TO}&consolidated=true`]) {
        const text = await download(`/api/exports/journal?${query}&format=beancount`);
        const file = save('journal.beancount', text);
        tool('bean-check', [file]);
        const ledger = text.toString('utf8');
        expect(ledger).toContain('option "operating_currency" "VND"');
        expect(ledger).toContain('2023-01-10 * "PT-2023-000001" ');
        expect(ledger).toContain('  Assets:LC:112  55500000000 VND');
        expect(ledger).toContain('* "Chi thăm hỏi; tặng quà \\"Tết\\" cho gia đình, bà Mơ Đợt 2"');
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
        debit: '12345678',
        credit: '0',
        memo: `'${TRICKY_MEMO}`,
      });
      expect(rows.find((r) => r.reference === 'PT-2023-000001')).toMatchObject({
        source: 'contribution',
        account: '112',
        debit: '55500000000',
      });
      expect(rows.filter((r) => r.source === 'reversal' && r.reversal_of !== '')).toHaveLength(4);
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.entry_hash))).toBe(true);
    });
  });

  describe('XLSX', () => {
    it('is read back by exceljs with number cells for the amounts', async () => {
      const xlsx = await download(`/api/exports/journal?fund=LC&from=${FROM}&to=${TO}&format=xlsx`);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx as unknown as ExcelJS.Buffer);
      const sheet = workbook.worksheets[0];
      expect(sheet.rowCount).toBe(linesInRange + 1);
      expect(sheet.getRow(1).getCell(10).value).toBe('debit');
      const rows = sheet.getRows(2, linesInRange) ?? [];
      const big = rows.find((r) => r.getCell(10).value === 55_500_000_000);
      expect(big?.getCell(10).numFmt).toBe('#,##0');
      expect(big?.getCell(6).value).toBe('PT-2023-000001');
      expect(big?.getCell(4).value).toEqual(new Date('2023-01-10T00:00:00Z'));
      expect(rows.every((r) => typeof r.getCell(11).value === 'number')).toBe(true);
      expect(rows.some((r) => r.getCell(7).value === TRICKY)).toBe(true);
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
      const [head] = await t.dataSource.query('SELECT hash, entry_count, last_entry_id FROM chain_head');
      expect(manifest).toMatchObject({
        generator: 'den-on-ledger 0.1.0',
        parameters: { fund: 'LC', from: FROM, to: TO, consolidated: true },
        funds: ['LC', 'LC-TV'],
        chainHead: {
          hash: head.hash,
          entryCount: Number(head.entry_count),
          lastEntryId: Number(head.last_entry_id),
        },
      });
      expect(manifest.files.map((f: { name: string }) => f.name)).toEqual([...members.keys()].slice(1));
      const tb = JSON.parse(members.get('trial-balance.json')!.toString('utf8'));
      expect(tb.funds.map((f: { fund: string }) => f.fund)).toEqual(['LC', 'LC-TV']);
      expect(tb.funds[0].rows).toEqual((await trialBalance('LC')).rows);
      expect(tb.consolidated.rows).toEqual((await trialBalance('LC', true)).rows);

      const hledger = save('bundle.hledger', members.get('journal.hledger')!);
      tool('hledger', ['check', '-s', '-f', hledger]);
      tool('bean-check', [save('bundle.beancount', members.get('journal.beancount')!)]);
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
      tool('hledger', ['check', '-s', '-f', save('stdout.hledger', stdout.stdout)]);

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

      // A forger who rewrites the last entry and the chain head row together passes `verify`; not the bundle.
      const manifest = (await verifyBundle(bundleZip)).manifest!;
      const last = manifest.chainHead.lastEntryId!;
      const forged = 'f'.repeat(64);
      await t.dataSource.query(`UPDATE journal_entries SET hash = '${forged}' WHERE id = ${last}`);
      expect(await t.app.get(ExportsService).checkChainHead(manifest.chainHead)).toEqual([
        `entry ${last} has the hash ${forged} in the books, the bundle recorded ${manifest.chainHead.hash}: ` +
          'the journal up to it was changed after the bundle was made',
      ]);
      await t.dataSource.query(
        `UPDATE journal_entries SET hash = '${manifest.chainHead.hash}' WHERE id = ${last}`,
      );
    }, 60_000);

    it('make the hledger export fail its balance assertion, naming the account', async () => {
      // Both lines, so the entry still balances: only the stored balances can tell.
      await t.dataSource.query('UPDATE journal_lines SET debit = 12345679 WHERE debit = 12345678');
      await t.dataSource.query('UPDATE journal_lines SET credit = 12345679 WHERE credit = 12345678');
      const file = save(
        'tampered.hledger',
        await download(`/api/exports/journal?fund=LC&from=${FROM}&to=${TO}&format=hledger`),
      );
      const result = spawnSync('hledger', ['check', '-s', '-f', file], { encoding: 'utf8' });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/balance assertion/i);
      expect(result.stderr).toContain('assets:LC:112');
    });
  });
});
