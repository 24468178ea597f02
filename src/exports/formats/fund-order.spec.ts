import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import type { ExportEntry, ExportFund, ExportPlan } from '../export.types';
import { writeInFundOrder } from './fund-order';
import { TextJournalWriter } from './journal-writer';

/** A format whose entry is its fund, number and a long text, so that the temporary file is used. */
class NumbersWriter extends TextJournalWriter {
  protected header(): string {
    return 'head\n';
  }
  protected entry(e: ExportEntry): string {
    return `${e.fund.code}/${e.number} ${'đ'.repeat(e.id % 7 === 0 ? 9000 : 40)}\n`;
  }
  protected footer(): string {
    return 'end\n';
  }
}

const funds: ExportFund[] = ['P', 'C1', 'C2'].map((code, i) => ({
  id: i + 1,
  code,
  name: code,
  level: 'commune',
}));
const plan = { funds } as unknown as ExportPlan;

/** `count` entries posted in turn by the funds (ids in posting order), numbered per fund. */
function posted(count: number): ExportEntry[] {
  const numbers = new Map<number, number>();
  return Array.from({ length: count }, (_, i) => {
    const fund = funds[(i * 7 + (i >> 3)) % funds.length];
    const number = (numbers.get(fund.id) ?? 0) + 1;
    numbers.set(fund.id, number);
    return { id: i + 1, fund, number } as ExportEntry;
  });
}

async function* pagesOf(entries: ExportEntry[], size: number, failAt = Infinity) {
  for (let at = 0; at < entries.length; at += size) {
    await Promise.resolve();
    if (at >= failAt) throw new Error('the database went away');
    yield entries.slice(at, at + size);
  }
}

async function run(entries: ExportEntry[], failAt = Infinity) {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const writer = new NumbersWriter(plan, out);
  await writer.begin();
  let counted = 0;
  const whole = await writeInFundOrder(writer, plan, pagesOf(entries, 50, failAt), (n) => (counted += n));
  if (whole) await writer.finish();
  return { whole, text: Buffer.concat(chunks).toString('utf8'), counted };
}

describe('writeInFundOrder', () => {
  let tmp: string;
  const before = process.env.TMPDIR;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fund-order-spec-'));
    process.env.TMPDIR = tmp;
  });
  afterEach(() => {
    process.env.TMPDIR = before;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('writes entries read in id order fund by fund, as reading fund by fund does, and removes its file', async () => {
    const entries = posted(3000);
    const { whole, text, counted } = await run(entries);
    const byFund = funds.flatMap((f) => entries.filter((e) => e.fund.id === f.id));
    const writer = new NumbersWriter(plan, new PassThrough());
    expect(whole).toBe(true);
    expect(counted).toBe(3000);
    expect(text).toBe(`head\n${byFund.map((e) => writer.text(e)).join('')}end\n`);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it('writes nothing and says so when a fund’s numbers go backwards in id order', async () => {
    const entries = posted(300);
    const ofC1 = entries.filter((e) => e.fund.id === 2);
    const [a, b] = [ofC1[0], ofC1[ofC1.length - 1]];
    [a.number, b.number] = [b.number, a.number];
    const { whole, text } = await run(entries);
    expect(whole).toBe(false);
    expect(text).toBe('head\n');
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it('removes its file when reading fails half-way', async () => {
    await expect(run(posted(3000), 1500)).rejects.toThrow('the database went away');
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});
