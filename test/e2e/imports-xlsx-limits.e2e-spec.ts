import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { createUser, expectError, TestUser } from '../support/http';
import { understateSizes, writeXlsxBomb } from '../support/xlsx';

// Issue 9, finding 1: a 598 KB .xlsx whose xl/sharedStrings.xml unpacked to about 200 MB raised the server's
// memory by 490 MB and, under a smaller heap, killed it. Every import reads workbooks through one reader, which
// now refuses such a file with a 400 naming the limit, within a bounded amount of memory.

const MB = 1024 * 1024;
/** Peak extra resident memory allowed while the server refuses a bomb. */
const MAX_RSS_GROWTH_BYTES = 100 * MB;

const ROUTES = ['/api/imports/contributions', '/api/imports/beneficiaries', '/api/funds/LC/bank-statements'];

describe(`XLSX bombs (${DB_LABEL})`, () => {
  let t: TestApp;
  let accountant: TestUser;
  let dir: string;
  let honest: string;
  let lying: string;

  beforeAll(async () => {
    t = await startTestApp();
    await t.newFund('LC', 'province');
    accountant = await createUser(t, 'accountant');
    dir = mkdtempSync(join(tmpdir(), 'xlsx-bomb-'));
    // Says what it unpacks to: refused from the zip's directory, before anything is inflated.
    honest = join(dir, 'bom.xlsx');
    await writeXlsxBomb(honest, 200);
    // Claims 1,000 bytes: refused while inflating, once 64 MB have come out.
    lying = join(dir, 'bom-noi-doi.xlsx');
    await writeXlsxBomb(lying, 200);
    understateSizes(lying, 1000);
  }, 120_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  it('is a small file that unpacks to at least 200 MB', () => {
    expect(statSync(honest).size).toBeLessThan(2 * MB);
  });

  it.each(ROUTES.flatMap((route) => [route, `${route} (size understated)`]))(
    '%s: refused with a 400 naming the limit, nothing written, resident memory bounded',
    async (name) => {
      const route = name.replace(' (size understated)', '');
      const file = name === route ? honest : lying;
      const before = await t.counts();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      let messages: string[];
      try {
        const res = await t.http.post(route).set(bearer(accountant.token)).attach('file', file, 'bom.xlsx');
        messages = expectError(res, 400);
      } finally {
        clearInterval(sampler);
      }
      peak = Math.max(peak, process.memoryUsage().rss);
      expect(messages).toEqual([
        'the shared strings (xl/sharedStrings.xml) unpacks to more than 64 MB; the limit is 64 MB. ' +
          'Save the sheet as CSV (UTF-8), or split it into smaller files',
      ]);
      expect(await t.counts()).toEqual(before);
      const growthMb = Math.round((peak - baseline) / MB);
      expect({ route: name, growthMb, under: growthMb < MAX_RSS_GROWTH_BYTES / MB }).toEqual({
        route: name,
        growthMb,
        under: true,
      });
    },
    60_000,
  );
});
