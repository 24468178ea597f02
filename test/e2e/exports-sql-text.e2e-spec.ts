import { CLI_ACTOR } from '../../src/common/actor';
import { sql } from '../../src/database/sql';
import { ExportSourceService } from '../../src/exports/export-source.service';
import { ExportsService } from '../../src/exports/exports.service';
import { HledgerSqlText, HledgerTextPages } from '../../src/exports/formats/hledger-sql';
import { PassThrough } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import { DB_LABEL } from '../support/database';
import { startTestApp, TestApp } from '../support/app';

/**
 * The hledger export of an SQLite file, whose text SQLite makes (src/exports/formats/hledger-sql.ts), byte for byte
 * the writer's (textInDatabase off), over rows written straight into the tables with what the writer cleans or
 * must refuse to skip: every kind of white space JavaScript's `\s` knows, `;` and parentheses, text at either end,
 * empty text, NUL, invalid UTF-8, non-ASCII, amounts above 2^53, reversals, memos, an entry without lines, a
 * fund's numbers out of id order; at page sizes that put them on page boundaries and at the default. On
 * PostgreSQL both are the writer (the comparison still holds).
 */
const WHITESPACE = [...Array(0x10000).keys()]
  .map((c) => String.fromCharCode(c))
  .filter((c) => c !== ' ' && /\s/.test(c));

const DESCRIPTIONS = [
  'Thu đóng góp của Nguyễn Văn An',
  'Chi thăm hỏi; tặng quà "Tết"',
  ' đầu',
  'cuối ',
  'hai  dấu cách',
  '',
  'nul\u0000ở giữa',
  'Tiếng Việt “ngoặc” — gạch … 😀',
  '(ngoặc) [vuông] {nhọn} = 1+1',
  ...WHITESPACE.map((w) => `trắng${w}ở giữa`),
];
const REFS = [null, '', 'PT-2023-0001', 'PT-(1)', 'PT 1 ', ' PT', 'PT;1', 'PT  1', 'PT\n1', 'CK\u00a01'];
const MEMOS = [
  null,
  '',
  ' ',
  'ghi chú; =SUM(A1)',
  'dòng\n2',
  'tab\tx',
  'hai  dấu',
  'không\u3000gian',
  ' đầu',
];

describe(`the hledger text SQLite makes equals the writer's (${DB_LABEL})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await t.newFund('LC', 'province');
    await t.newFund('LC-TV', 'commune', 'LC');
    await t.newFund('YB', 'province');
    const funds = await sql<{ id: number; code: string }>(t.dataSource.manager, 'SELECT id, code FROM funds');
    const accounts = await sql<{ id: number; fund_id: number }>(
      t.dataSource.manager,
      'SELECT id, fund_id FROM accounts ORDER BY id',
    );
    const numbers = new Map<number, number>();
    const insert = async (
      fundId: number,
      description: string | Buffer,
      sourceRef: string | null,
      lines: { debit: string; credit: string; memo: string | null }[],
      options: { reversalOf?: number; number?: number; date?: string } = {},
    ) => {
      const number = options.number ?? (numbers.get(fundId) ?? 0) + 1;
      numbers.set(fundId, Math.max(number, numbers.get(fundId) ?? 0));
      const description_ = Buffer.isBuffer(description)
        ? `CAST(X'${description.toString('hex')}' AS TEXT)`
        : '?';
      const params = Buffer.isBuffer(description) ? [] : [description];
      await sql(
        t.dataSource.manager,
        `INSERT INTO journal_entries (fund_id, number, entry_date, description, source, source_ref, reversal_of_id,
                                      posted_by, posted_at, prev_hash, hash)
         VALUES (?, ?, ?, ${description_}, 'manual', ?, ?, 'test', '2023-05-01T00:00:00.000Z', ?, ?)`,
        [
          fundId,
          number,
          options.date ?? '2023-05-01',
          ...params,
          sourceRef,
          options.reversalOf ?? null,
          '0'.repeat(64),
          'a'.repeat(64),
        ],
      );
      const [{ id }] = await sql<{ id: number }>(
        t.dataSource.manager,
        'SELECT MAX(id) AS id FROM journal_entries',
      );
      const own = accounts.filter((a) => Number(a.fund_id) === fundId);
      for (const [i, line] of lines.entries()) {
        await sql(
          t.dataSource.manager,
          `INSERT INTO journal_lines (entry_id, line_no, account_id, debit, credit, memo) VALUES (?, ?, ?, ${line.debit}, ${line.credit}, ?)`,
          [id, i + 1, own[i % own.length].id, line.memo],
        );
      }
      return Number(id);
    };
    const pair = (amount: string, memo: string | null = null) => [
      { debit: amount, credit: '0', memo },
      { debit: '0', credit: amount, memo: null },
    ];
    let i = 0;
    // PostgreSQL holds neither a NUL nor invalid UTF-8 in text.
    const sqlite = !DB_LABEL.startsWith('PostgreSQL');
    for (const description of DESCRIPTIONS.filter((d) => sqlite || !d.includes('\u0000'))) {
      const fund = funds[i % funds.length];
      await insert(
        Number(fund.id),
        description,
        REFS[i % REFS.length],
        pair(String(1000 + i), MEMOS[i % MEMOS.length]),
      );
      i++;
    }
    for (const ref of REFS) await insert(Number(funds[0].id), 'Mã chứng từ', ref, pair('5'));
    for (const memo of MEMOS) await insert(Number(funds[1].id), 'Ghi chú dòng', null, pair('7', memo));
    const big = await insert(Number(funds[2].id), 'Số lớn', 'PT-9', pair('9007199254740993'));
    await insert(
      Number(funds[2].id),
      'Đảo bút toán',
      null,
      [
        { debit: '0', credit: '9007199254740993', memo: 'đảo' },
        { debit: '9007199254740993', credit: '0', memo: null },
      ],
      { reversalOf: big },
    );
    await insert(Number(funds[0].id), 'Không có dòng', 'PT-0', []);
    if (sqlite)
      await insert(Number(funds[0].id), Buffer.from('UTF-8 h\xc3\xa0\xc3 ng', 'latin1'), null, pair('3'));
    // Numbers out of id order in one fund (damaged books): the file is still in number order.
    const n = (numbers.get(Number(funds[1].id)) ?? 0) + 2;
    await insert(Number(funds[1].id), 'Số sau', null, pair('11'), { number: n, date: '2023-07-01' });
    await insert(Number(funds[1].id), 'Số trước', null, pair('12'), { number: n - 1, date: '2023-07-01' });
    for (let k = 0; k < 40; k++)
      await insert(Number(funds[k % 3].id), `Thu lần ${k}`, `PT-${k}`, pair(String(k + 1)));
    // Later, only text SQLite makes.
    for (let k = 0; k < 30; k++)
      await insert(
        Number(funds[(k * 7) % 3].id),
        `Thu tháng 6 lần ${k}`,
        k % 4 ? `PT-6-${k}` : null,
        pair(String(k + 1), k % 5 ? null : 'ghi chú'),
        {
          date: '2023-06-01',
        },
      );
    for (const [fundId, last] of numbers) {
      await sql(t.dataSource.manager, 'UPDATE books SET last_entry_no = ? WHERE fund_id = ?', [last, fundId]);
    }
  }, 120_000);
  afterAll(() => t.close());

  async function hledger(
    textInDatabase: boolean,
    pageSize: number,
    textPageSize: number,
    from: string | null,
    to: string | null,
  ): Promise<string> {
    const source = t.app.get(ExportSourceService);
    const saved = { ...source };
    Object.assign(source, { textInDatabase, pageSize, textPageSize });
    try {
      const exports = t.app.get(ExportsService);
      const plan = await exports.plan(
        CLI_ACTOR,
        { fund: null, consolidated: false, from, to },
        'journal (hledger)',
      );
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (chunk: Buffer) => chunks.push(chunk));
      await exports.writeJournal(plan, 'hledger', out);
      return Buffer.concat(chunks)
        .toString('latin1')
        .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z/, '<time>');
    } finally {
      Object.assign(source, {
        textInDatabase: saved.textInDatabase,
        pageSize: saved.pageSize,
        textPageSize: saved.textPageSize,
      });
    }
  }

  it.each([
    [1, 1],
    [2, 3],
    [3, 7],
    [1000, 5000],
  ])('pages of %i entries, %i ids of text: the same bytes', async (pageSize, textPageSize) => {
    const made = jest.spyOn(HledgerSqlText.prototype, 'checked');
    try {
      const expected = await hledger(false, pageSize, textPageSize, null, '2023-05-31');
      expect(made).not.toHaveBeenCalled();
      const text = await hledger(true, pageSize, textPageSize, null, '2023-05-31');
      expect(text).toBe(expected);
      expect(text).toContain(Buffer.from('Thu lần 39\n').toString('latin1'));
      // The line breaks, tabs … were cleaned: no line of the file starts with the rest of a description.
      expect(text).toContain(Buffer.from('trắng ở giữa').toString('latin1'));
      if (DB_LABEL.startsWith('SQLite')) {
        // SQLite left the pages with text to clean to the writer, and with small pages made the others.
        const results = made.mock.results.map((r) => r.value as unknown);
        expect(results.some((r) => r === null)).toBe(true);
        if (textPageSize < 10) expect(results.some((r) => r !== null)).toBe(true);
      }
    } finally {
      made.mockRestore();
    }
  });

  it('a range of clean text: SQLite makes all of it, the same bytes', async () => {
    const made = jest.spyOn(HledgerSqlText.prototype, 'checked');
    try {
      for (const [pageSize, textPageSize] of [
        [1000, 5000],
        [2, 3],
      ]) {
        const expected = await hledger(false, pageSize, textPageSize, '2023-06-01', '2023-06-30');
        made.mockClear();
        const text = await hledger(true, pageSize, textPageSize, '2023-06-01', '2023-06-30');
        expect(text).toBe(expected);
        expect(text).toContain(Buffer.from('Thu tháng 6 lần 29').toString('latin1'));
        expect(text).not.toContain('Thu lần');
        expect(text).not.toContain(Buffer.from('Số sau').toString('latin1'));
        if (DB_LABEL.startsWith('SQLite')) {
          expect(made).toHaveBeenCalled();
          expect(made.mock.results.every((r) => r.value !== null)).toBe(true);
        }
      }
    } finally {
      made.mockRestore();
    }
  });

  it('pages made on two connections at once (a worker thread) or on one: the same bytes', async () => {
    const checked = jest.spyOn(HledgerSqlText.prototype, 'checked');
    const local = jest.spyOn(HledgerSqlText.prototype, 'page');
    try {
      for (const [pageSize, textPageSize] of [
        [1000, 5000],
        [2, 3],
        [1, 1],
      ]) {
        HledgerTextPages.parallel = false;
        checked.mockClear();
        local.mockClear();
        const alone = await hledger(true, pageSize, textPageSize, null, null);
        expect(checked.mock.calls.length).toBe(local.mock.calls.length);
        HledgerTextPages.parallel = true;
        checked.mockClear();
        local.mockClear();
        const both = await hledger(true, pageSize, textPageSize, null, null);
        expect(both).toBe(alone);
        expect(both).toBe(await hledger(false, pageSize, textPageSize, null, null));
        // With more than one window of ids, the worker made some of the pages (they are checked, not made here).
        if (DB_LABEL.startsWith('SQLite') && textPageSize < 10)
          expect(checked.mock.calls.length).toBeGreaterThan(local.mock.calls.length);
      }
    } finally {
      HledgerTextPages.parallel = 'auto';
      checked.mockRestore();
      local.mockRestore();
    }
  });

  it("'auto': a worker only when the CPUs were idle while the first windows were made; the same bytes", async () => {
    const checked = jest.spyOn(HledgerSqlText.prototype, 'checked');
    const local = jest.spyOn(HledgerSqlText.prototype, 'page');
    const times = HledgerTextPages.cpuTimes;
    try {
      const expected = await hledger(false, 2, 3, null, null);
      for (const idle of [0, 1]) {
        // Each call, 100 ms more of CPU time, `idle` of it idle.
        let now = 0;
        HledgerTextPages.cpuTimes = () => ((now += 100), { idle: now * idle, total: now });
        checked.mockClear();
        local.mockClear();
        expect(await hledger(true, 2, 3, null, null)).toBe(expected);
        if (DB_LABEL.startsWith('SQLite'))
          expect(checked.mock.calls.length > local.mock.calls.length).toBe(idle === 1);
      }
    } finally {
      HledgerTextPages.cpuTimes = times;
      checked.mockRestore();
      local.mockRestore();
    }
  });

  it('a worker that cannot open the file or dies mid-way: its windows made here, the same bytes', async () => {
    type Inside = { start(file: string, plan: unknown): void; worker: Worker | null };
    const inside = HledgerTextPages.prototype as unknown as Inside;
    const start = inside.start;
    const page = HledgerTextPages.prototype.page;
    const checked = jest.spyOn(HledgerSqlText.prototype, 'checked');
    const local = jest.spyOn(HledgerSqlText.prototype, 'page');
    // Each page as it came back (its entries, or null: left to the writer); the worker ended at page `endAt`. Clean
    // text only (June), so that SQLite makes every page.
    let pages: (number | null)[] = [];
    let endAt = 0;
    jest.spyOn(HledgerTextPages.prototype, 'page').mockImplementation(async function (
      this: HledgerTextPages,
      afterId: number,
      throughId: number,
    ) {
      const worker = (this as unknown as Inside).worker;
      if (pages.length + 1 === endAt && worker) void worker.terminate();
      const made = await page.call(this, afterId, throughId);
      pages.push(made === null ? null : made.entries);
      return made;
    });
    const run = async () => {
      checked.mockClear();
      local.mockClear();
      pages = [];
      const text = await hledger(true, 2, 3, '2023-06-01', '2023-06-30');
      return { text, pages, checked: checked.mock.calls.length, local: local.mock.calls.length };
    };
    HledgerTextPages.parallel = true;
    try {
      const expected = await hledger(false, 2, 3, '2023-06-01', '2023-06-30');
      const healthy = await run();
      // The worker started on a file that does not exist: it fails opening it, every window is made here.
      const started = jest.spyOn(inside, 'start').mockImplementation(function (this: Inside, file, plan) {
        start.call(this, `${file}.missing`, plan);
      });
      const missing = await run();
      // PostgreSQL has no SQLite text and so no worker: only the bytes are compared there.
      if (DB_LABEL.startsWith('SQLite')) expect(started).toHaveBeenCalled();
      started.mockRestore();
      // The worker ended while it has windows queued (at the 20th page of 43), after it made some.
      endAt = 20;
      const died = await run();
      for (const r of [healthy, missing, died]) expect(r.text).toBe(expected);
      if (DB_LABEL.startsWith('SQLite')) {
        expect(healthy.checked).toBeGreaterThan(healthy.local);
        expect(missing.checked).toBe(missing.local);
        expect(died.checked).toBeGreaterThan(died.local);
        expect(died.local).toBeGreaterThan(healthy.local);
        // Every page made by SQLite, as with a healthy worker: none of the worker's windows left to the writer.
        expect(healthy.pages).not.toContain(null);
        expect(missing.pages).toEqual(healthy.pages);
        expect(died.pages).toEqual(healthy.pages);
      }
    } finally {
      HledgerTextPages.parallel = 'auto';
      jest.restoreAllMocks(); // also `start`'s and `page`'s spies, should an expectation above fail
    }
  });

  it('a second connection that cannot be opened: the writer makes every page, the same bytes', async () => {
    const open = jest.spyOn(HledgerSqlText, 'open').mockImplementation(() => {
      throw new Error('SQLITE_CANTOPEN');
    });
    try {
      const expected = await hledger(false, 1000, 5000, null, '2023-05-31');
      expect(await hledger(true, 1000, 5000, null, '2023-05-31')).toBe(expected);
      if (DB_LABEL.startsWith('SQLite')) expect(open).toHaveBeenCalled();
    } finally {
      open.mockRestore();
    }
  });

  it('numbers out of id order (damaged books): the same bytes, in number order', async () => {
    for (const [pageSize, textPageSize] of [
      [1000, 5000],
      [1, 1],
    ]) {
      const expected = await hledger(false, pageSize, textPageSize, null, null);
      const text = await hledger(true, pageSize, textPageSize, null, null);
      expect(text).toBe(expected);
      const later = text.indexOf(Buffer.from('Số sau').toString('latin1'));
      expect(text.indexOf(Buffer.from('Số trước').toString('latin1'))).toBeLessThan(later);
    }
  });
});
