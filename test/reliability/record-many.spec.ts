import { DataSource } from 'typeorm';
import { Money } from '../../src/common/money';
import type { AttachmentsService } from '../../src/attachments/attachments.service';
import { NumberingService } from '../../src/documents/numbering.service';
import { VerifyService } from '../../src/ledger/verify.service';
import { ContributionsService, RecordContribution } from '../../src/contributions/contributions.service';
import { Donor } from '../../src/contributions/entities';
import { createFund, Ledger, openLedger } from './harness';

// One instant for every posting, so that both paths hash the same canonical entries.
jest.mock('../../src/common/clock', () => ({
  ...jest.requireActual<typeof import('../../src/common/clock')>('../../src/common/clock'),
  nowIso: () => '2024-06-01T03:00:00.000Z',
}));

/**
 * The bulk path (recordMany, PostingService.postMany: what an import runs per chunk) and the single path (record,
 * one gift at a time: what the API runs) write the same books: the same entries and hashes, lines, balances,
 * receipt numbers, contributions and chain head, and both verify. On PostgreSQL when DATABASE_URL names one (each
 * posting then writes entries, lines, turnovers and heads in one statement, and the lines' ids must come out in
 * the same order either way).
 */
describe('ContributionsService.recordMany', () => {
  const opened: Ledger[] = [];
  afterEach(async () => {
    for (const ledger of opened.splice(0)) await ledger.close();
  });

  async function books() {
    const ledger = await openLedger();
    opened.push(ledger);
    const { dataSource, uow } = ledger;
    const contributions = new ContributionsService(
      uow,
      ledger.posting,
      new NumberingService(),
      {} as AttachmentsService,
    );
    // Opened now (nowIso is fixed below): a fund opened at that instant would have its earlier months locked.
    for (const code of ['F1', 'F2']) await createFund(ledger, code, new Date().toISOString());
    await uow.write(async (tx) => {
      for (const [name, kind] of [
        ['Nguyễn Văn An', 'individual'],
        ['Công ty Lào Cai', 'enterprise'],
      ] as const) {
        await tx.save(
          tx.create(Donor, {
            name,
            nameFolded: name.toLowerCase(),
            kind,
            inProvince: 1,
            createdAt: new Date().toISOString(),
          }),
        );
      }
    });
    return { dataSource, uow, contributions };
  }

  /**
   * Gifts over two funds, cash and bank, historical (LS) and live series, in date order per series; the last chunk
   * below is longer than one multi-row INSERT (ROWS_PER_INSERT, 50) and not a multiple of it.
   */
  const gifts: RecordContribution[] = Array.from({ length: 130 }, (_, i) => ({
    fundCode: i % 3 === 0 ? 'F2' : 'F1',
    donorId: 1 + (i % 2),
    date: `${2022 + Math.floor(i / 30)}-${String(1 + (Math.floor(i / 3) % 10)).padStart(2, '0')}-15`,
    amount: Money.parse(100_000 * (i + 1)),
    method: i % 4 === 0 ? 'cash' : 'bank',
    purpose: i % 5 === 0 ? 'Xây nhà tình nghĩa' : null,
    importKey: i < 40 ? `key-${i}` : null,
    historical: i < 40 ? { originalNo: i % 2 ? `PT-${i}` : null } : null,
    createdBy: 'tester',
  }));

  async function dump(dataSource: DataSource) {
    const tables: Record<string, string> = {
      journal_entries: 'id',
      journal_lines: 'entry_id, line_no',
      account_balances: 'account_id, period',
      contributions: 'id',
      document_series: 'fund_id, series, year',
      books: 'fund_id',
      chain_head: 'id',
    };
    const rows: Record<string, unknown> = {};
    for (const [table, order] of Object.entries(tables)) {
      rows[table] = await dataSource.query(`SELECT * FROM ${table} ORDER BY ${order}`);
    }
    return rows;
  }

  it('writes the same books as record, one gift at a time', async () => {
    const single = await books();
    for (const gift of gifts) await single.uow.write((tx) => single.contributions.record(tx, gift));

    const bulk = await books();
    // Chunks of uneven sizes, as an import's last chunk is.
    for (const [from, to] of [
      [0, 25],
      [25, 26],
      [26, 130],
    ]) {
      const made = await bulk.uow.write((tx) => bulk.contributions.recordMany(tx, gifts.slice(from, to)));
      expect(made.map((c) => c.importKey)).toEqual(gifts.slice(from, to).map((g) => g.importKey ?? null));
    }

    const expected = await dump(single.dataSource);
    expect((expected.journal_entries as unknown[]).length).toBe(130);
    expect(await dump(bulk.dataSource)).toEqual(expected);
    for (const { dataSource } of [single, bulk]) {
      const report = await new VerifyService().verify(dataSource.manager);
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
    }
  });

  it('refuses a chunk with one bad gift as record refuses that gift, and writes nothing', async () => {
    const { dataSource, uow, contributions } = await books();
    const before = await dump(dataSource);
    const bad = { ...gifts[5], donorId: 99 };
    await expect(uow.write((tx) => contributions.record(tx, bad))).rejects.toThrow(
      'donorId 99 is not a known donor',
    );
    await expect(uow.write((tx) => contributions.recordMany(tx, [gifts[0], bad, gifts[7]]))).rejects.toThrow(
      'donorId 99 is not a known donor',
    );
    expect(await dump(dataSource)).toEqual(before);
  });
});
