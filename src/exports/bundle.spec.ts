import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as yauzl from 'yauzl';
import * as yazl from 'yazl';
import { writeBundle } from './bundle';
import type { ExportAccount, ExportEntry, ExportFund, ExportPlan } from './export.types';
import { verifyBundle } from './verify-bundle';

const LC: ExportFund = { id: 1, code: 'LC', name: 'Quỹ tỉnh Lào Cai', level: 'province' };
const bank: ExportAccount = { id: 11, fund: LC, code: '112', name: 'Tiền gửi', type: 'asset' };
const income: ExportAccount = { id: 12, fund: LC, code: '5118', name: 'Thu khác', type: 'receipts' };

const plan: ExportPlan = {
  parameters: { fund: 'LC', from: null, to: '2023-12-31', consolidated: false },
  from: null,
  to: '2023-12-31',
  createdAt: '2024-01-02T03:04:05.000Z',
  generator: 'den-on-ledger 0.0.0',
  funds: [LC],
  chainHead: { hash: 'c'.repeat(64), entryCount: 1, lastEntryId: 1 },
  entryCount: 1,
  firstDate: '2023-07-20',
  opening: [],
  closing: [
    { account: bank, debit: '1000', credit: '0', balance: '1000' },
    { account: income, debit: '0', credit: '1000', balance: '-1000' },
  ],
  trialBalance: { asOf: '2023-12-31', funds: [], consolidated: null },
  accounts: [bank, income],
  lastEntryNumbers: { LC: 1 },
};

const entry: ExportEntry = {
  id: 1,
  fund: LC,
  number: 1,
  date: '2023-07-20',
  description: 'Thu khác',
  source: 'manual',
  sourceRef: null,
  documentDate: '2023-07-20',
  donor: null,
  payee: null,
  reversalOf: null,
  hash: 'c'.repeat(64),
  lines: [
    { account: bank, debit: '1000', credit: '0', memo: null },
    { account: income, debit: '0', credit: '1000', memo: null },
  ],
};

async function* pages(): AsyncGenerator<ExportEntry[]> {
  yield await Promise.resolve([entry]);
}

async function members(file: string): Promise<Map<string, Buffer>> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true });
  const result = new Map<string, Buffer>();
  for await (const member of zip.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of (await zip.openReadStreamPromise(member)) as AsyncIterable<Buffer>)
      chunks.push(chunk);
    result.set(member.fileName, Buffer.concat(chunks));
  }
  return result;
}

async function rezip(file: string, content: Map<string, Buffer>): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of content) zip.addBuffer(data, name);
  zip.end();
  await pipeline(zip.outputStream, fs.createWriteStream(file));
}

describe('audit bundle', () => {
  let dir: string;
  let bundle: string;
  let temporary: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-spec-'));
    bundle = path.join(dir, 'bundle.zip');
    const mkdtemp = jest.spyOn(fs.promises, 'mkdtemp');
    await writeBundle(plan, pages(), fs.createWriteStream(bundle));
    temporary = (await mkdtemp.mock.results[0].value) as string;
    mkdtemp.mockRestore();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('zips the manifest first, then the files it lists with their size and SHA-256; leaves no temporary file', async () => {
    const content = await members(bundle);
    expect([...content.keys()]).toEqual([
      'manifest.json',
      'journal.csv',
      'journal.xlsx',
      'journal.hledger',
      'journal.beancount',
      'trial-balance.json',
    ]);
    const manifest = JSON.parse(content.get('manifest.json')!.toString('utf8'));
    expect(manifest).toMatchObject({
      generator: 'den-on-ledger 0.0.0',
      createdAt: '2024-01-02T03:04:05.000Z',
      parameters: { fund: 'LC', from: null, to: '2023-12-31', consolidated: false },
      funds: ['LC'],
      entries: 1,
      chainHead: plan.chainHead,
    });
    expect(manifest.files).toHaveLength(5);
    expect(manifest.files[0]).toEqual({
      name: 'journal.csv',
      bytes: content.get('journal.csv')!.length,
      sha256: createHash('sha256').update(content.get('journal.csv')!).digest('hex'),
    });
    expect(temporary).toContain('den-on-bundle-');
    expect(fs.existsSync(temporary)).toBe(false);

    expect(await verifyBundle(bundle)).toMatchObject({ ok: true, problems: [] });
  });

  it('names each file that was changed, removed or added, and a file that is no zip', async () => {
    const content = await members(bundle);
    const csv = Buffer.from(content.get('journal.csv')!);
    csv[csv.length - 3] ^= 0x20;
    content.set('journal.csv', csv);
    content.delete('trial-balance.json');
    content.set('extra.txt', Buffer.from('x'));
    const changed = path.join(dir, 'changed.zip');
    await rezip(changed, content);
    expect((await verifyBundle(changed)).problems).toEqual([
      expect.stringMatching(
        /^journal\.csv: does not match manifest\.json \(SHA-256 [0-9a-f]{64}, \d+ bytes; /,
      ),
      'trial-balance.json: listed in manifest.json but not in the bundle',
      'extra.txt: in the bundle but not listed in manifest.json',
    ]);

    content.delete('manifest.json');
    await rezip(changed, content);
    expect((await verifyBundle(changed)).problems).toEqual(['manifest.json is missing']);

    const notZip = path.join(dir, 'not.zip');
    fs.writeFileSync(notZip, 'PK not really');
    const check = await verifyBundle(notZip);
    expect(check.ok).toBe(false);
    expect(check.problems[0]).toContain('is not a readable zip file');
  });
});
