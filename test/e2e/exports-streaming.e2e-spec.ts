import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Money } from '../../src/common/money';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { ExportSourceService } from '../../src/exports/export-source.service';
import { PostingService } from '../../src/ledger/posting.service';
import { startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { createUser, TestUser } from '../support/http';

const ENTRIES = 200;
const LINES_PER_ENTRY = 50;
const PAGE_SIZE = 4;
/** 500 characters, most of them two or three bytes in UTF-8: each CSV row is about 1.5 KB. */
const LONG_TEXT = 'Ủng hộ Quỹ Đền ơn đáp nghĩa xây nhà tình nghĩa; '.repeat(11).slice(0, 500);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// DESIGN.md §8: exports stream. Here a reader that stops reading must stop the export too: the server reads the
// next page of entries only when the previous one has left, so its memory does not grow with the journal.
describe(`export streaming and backpressure (${DB_LABEL})`, () => {
  let t: TestApp;
  let auditor: TestUser;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp();
    await t.newFund('S', 'province');
    auditor = await createUser(t, 'auditor');
    // Straight through the posting path, many entries a transaction: the HTTP API would take far longer.
    const uow = t.app.get(UnitOfWork);
    const posting = t.app.get(PostingService);
    for (let done = 0; done < ENTRIES; done += 100) {
      await uow.write(async (tx) => {
        for (let i = done; i < done + 100; i++) {
          await posting.post(tx, {
            fundCode: 'S',
            date: '2023-07-20',
            description: `${i} ${LONG_TEXT.slice(0, 490)}`,
            source: 'manual',
            postedBy: 'tester',
            lines: [
              ...Array.from({ length: LINES_PER_ENTRY - 1 }, () => ({
                account: '112',
                debit: Money.parse(1000),
                memo: LONG_TEXT,
              })),
              { account: '5118', credit: Money.parse(1000 * (LINES_PER_ENTRY - 1)) },
            ],
          });
        }
      });
    }
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  }, 120_000);
  afterAll(() => t.close());

  it('reads no further than the reader takes, then finishes the whole file when it reads again', async () => {
    const source = t.app.get(ExportSourceService);
    source.pageSize = PAGE_SIZE;
    const pages = jest.spyOn(source, 'readPage');
    const totalPages = ENTRIES / PAGE_SIZE;

    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http
        .get(
          `http://127.0.0.1:${port}/api/exports/journal?fund=S&format=csv`,
          { headers: { Authorization: `Bearer ${auditor.token}` } },
          resolve,
        )
        .on('error', reject);
    });
    response.pause();
    expect(response.statusCode).toBe(200);

    // Wait until the server has stopped reading pages (the count stays the same for a while).
    let seen = -1;
    let still = 0;
    while (still < 5) {
      await sleep(100);
      still = pages.mock.calls.length === seen ? still + 1 : 0;
      seen = pages.mock.calls.length;
    }
    // About 15 MB of CSV; the server stopped after the few pages the socket buffers hold.
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(totalPages / 2);

    let bytes = 0;
    let rows = 0;
    response.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 0x0a) rows += 1;
    });
    response.resume();
    await new Promise((resolve) => response.on('end', resolve));
    expect(rows).toBe(1 + ENTRIES * LINES_PER_ENTRY);
    expect(bytes).toBeGreaterThan(10_000_000);
    expect(pages.mock.calls.length).toBe(totalPages);
    pages.mockRestore();
  }, 60_000);

  it('stops reading when the reader goes away, and goes on serving', async () => {
    const source = t.app.get(ExportSourceService);
    source.pageSize = PAGE_SIZE;
    const pages = jest.spyOn(source, 'readPage');
    await new Promise<void>((resolve, reject) => {
      const request = http.get(
        `http://127.0.0.1:${port}/api/exports/journal?fund=S&format=xlsx`,
        { headers: { Authorization: `Bearer ${auditor.token}` } },
        (response) => {
          response.once('data', () => {
            request.destroy();
            resolve();
          });
        },
      );
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ECONNRESET') reject(error);
      });
    });
    let seen = -1;
    let still = 0;
    while (still < 5) {
      await sleep(100);
      still = pages.mock.calls.length === seen ? still + 1 : 0;
      seen = pages.mock.calls.length;
    }
    expect(seen).toBeLessThan(ENTRIES / PAGE_SIZE);
    pages.mockRestore();

    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);
  }, 60_000);
});
