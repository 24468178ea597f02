import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Response } from 'supertest';
import * as yauzl from 'yauzl';
import * as yazl from 'yazl';
import { bearer, startTestApp, TestApp } from './app';
import { postEntry } from './manual-entries';
import { createUser, TestUser } from './http';
import { binaryParser } from './pdf';

// The books that the export tests read: test/e2e/exports.e2e-spec.ts (formats, bundle, CLI, access) and
// test/tools/exports.tools-spec.ts (the same exports through hledger, ledger and bean-check).

export const FROM = '2023-01-01';
export const TO = '2023-12-31';
/** A description with what every format must escape: quotes, a semicolon, a comma and a line break. */
export const TRICKY = 'Chi thăm hỏi; tặng quà "Tết" cho gia đình, bà Mơ\nĐợt 2';
export const TRICKY_MEMO = '=SUM(A1); ghi chú\ndòng 2';
export const NASTY_ACCOUNT = 'Phải thu: khác; tạm  ứng (nội bộ) "A"';

export interface TrialBalanceBody {
  funds: string[];
  rows: { account: string; debit: string; credit: string; balance: string }[];
  eliminated: { account: string; debit: string; credit: string }[];
}

interface EntryBody {
  id: number;
  lines: unknown[];
}

/**
 * A real app on a fresh database with LC (province), LC-TV (its commune) and YB (another province): opening
 * balances before FROM; in [FROM, TO] gifts with receipt numbers, a voided gift, a transfer down, the TRICKY
 * entry, an advance on NASTY_ACCOUNT, a reversed entry and a commune payout; an entry after TO.
 */
export class ExportBooks {
  private constructor(
    readonly t: TestApp,
    readonly accountant: TestUser,
    readonly auditor: TestUser,
    /** A scratch folder for the files the tests write, removed by `close`. */
    readonly dir: string,
    /** Journal lines of LC in [FROM, TO]. */
    readonly linesInRange: number,
  ) {}

  static async start(): Promise<ExportBooks> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exports-'));
    const t = await startTestApp();
    await t.newFund('LC', 'province');
    await t.newFund('LC-TV', 'commune', 'LC');
    await t.newFund('YB', 'province');
    const accountant = await createUser(t, 'accountant');
    const auditor = await createUser(t, 'auditor');
    const post = async (url: string, body: object): Promise<Response> => {
      const res = await t.http.post(url).set(bearer(accountant.token)).send(body);
      if (res.status !== 201 && res.status !== 200) throw new Error(`${url}: ${res.status} ${res.text}`);
      return res;
    };
    // Entries that move money out wait for an approver (manual-entry-rules.ts): postEntry approves them. Their
    // amounts stay within the payout policy's caps (data/policy.json: visit_gift 10 M, house_new 100 M).
    const entry = (fundCode: string, date: string, description: string, lines: object[]) =>
      postEntry(t, accountant.token, { fundCode, date, description, lines });

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
      { account: '6113', debit: 9_876_543, memo: TRICKY_MEMO },
      { account: '112', credit: 9_876_543 },
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
      { account: '6111', debit: 80_000_000 },
      { account: '112', credit: 80_000_000 },
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

    const listed = await t.http
      .get(`/api/journal-entries?fund=LC&from=${FROM}&to=${TO}&pageSize=500`)
      .set(bearer(auditor.token))
      .expect(200);
    const linesInRange = (listed.body as { items: EntryBody[] }).items.reduce(
      (n, e) => n + e.lines.length,
      0,
    );
    return new ExportBooks(t, accountant, auditor, dir, linesInRange);
  }

  async close(): Promise<void> {
    await this.t.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** A GET answered 200, its JSON body (as the auditor unless told). */
  get<T>(url: string, token = this.auditor.token): Promise<T> {
    return this.t.http
      .get(url)
      .set(bearer(token))
      .expect(200)
      .then((res: Response) => res.body as T);
  }

  /** Downloads a file (as the auditor unless told); the answer is checked to be 200. */
  async download(url: string, token = this.auditor.token): Promise<Buffer> {
    const res = await this.t.http.get(url).set(bearer(token)).buffer(true).parse(binaryParser);
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${String(res.body)}`);
    return res.body as Buffer;
  }

  /** Writes a file into the scratch folder; returns its path. */
  save(name: string, data: Buffer | string): string {
    const file = path.join(this.dir, name);
    fs.writeFileSync(file, data);
    return file;
  }

  trialBalance(fund: string, consolidated = false): Promise<TrialBalanceBody> {
    return this.get<TrialBalanceBody>(
      `/api/reports/trial-balance?fund=${fund}&asOf=${TO}${consolidated ? '&consolidated=true' : ''}`,
    );
  }
}

/** Reads every member of a zip. */
export async function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
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
export function zipOf(members: Map<string, Buffer>): Promise<Buffer> {
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
