import { DataSource } from 'typeorm';
import type { Actor } from '../common/actor';
import { nowIso } from '../common/clock';
import { BusinessRuleError } from '../common/errors';
import { Money } from '../common/money';
import { AuditLogEntry } from '../database/entities';
import { openDatabase } from '../database/data-source';
import { UnitOfWork } from '../database/unit-of-work';
import { Fund, FundLevel } from '../funds/fund.entity';
import { FundsService } from '../funds/funds.service';
import { BalancesService } from '../ledger/balances.service';
import { JournalEntry } from '../ledger/entities';
import { ledgerHead } from '../ledger/chain-head';
import { JournalQueryService } from '../ledger/journal-query.service';
import { PostingService } from '../ledger/posting.service';
import { FundMerger } from './entities';
import { MergerService } from './merger.service';

const ADMIN: Actor = { userId: 1, username: 'admin', role: 'admin', fundScope: null };

/** The web admin's merger preview: the merger's own result, with nothing written. */
describe('merger preview', () => {
  let dataSource: DataSource;
  let uow: UnitOfWork;
  let mergers: MergerService;
  const posting = new PostingService();
  const books = new BalancesService();
  const journal = new JournalQueryService();

  const newFund = (code: string, level: FundLevel, parent: string | null = null) =>
    uow.write(async (tx) => {
      const parentFund = parent ? await tx.findOneByOrFail(Fund, { code: parent }) : null;
      const fund = await tx.save(
        tx.create(Fund, {
          code,
          name: `Quỹ ${code}`,
          unitName: null,
          level,
          parentId: parentFund?.id ?? null,
          validFrom: null,
          validTo: null,
          status: 'active',
          createdAt: nowIso(),
        }),
      );
      await books.open(tx, fund.id, code);
    });
  const post = (fundCode: string, date: string, lines: [string, 'debit' | 'credit', number][]) =>
    uow.write((tx) =>
      posting.post(tx, {
        fundCode,
        date,
        description: 'Bút toán thử',
        source: 'manual',
        postedBy: 'tester',
        lines: lines.map(([account, side, amount]) => ({ account, [side]: Money.parse(amount) })),
      }),
    );
  /** Everything a merger would change. */
  const state = async () => ({
    entries: await dataSource.manager.count(JournalEntry),
    audit: await dataSource.manager.count(AuditLogEntry),
    mergers: await dataSource.manager.count(FundMerger),
    head: await ledgerHead(dataSource.manager),
    funds: await dataSource.manager.find(Fund, { order: { id: 'ASC' } }),
  });

  beforeEach(async () => {
    dataSource = await openDatabase({ type: 'sqlite', path: ':memory:' });
    uow = new UnitOfWork(dataSource);
    mergers = new MergerService(uow, new FundsService(uow, books), books, posting, journal);
    await newFund('P', 'province');
    await newFund('D', 'district', 'P');
    await newFund('C1', 'commune', 'D');
    await post('D', '2025-02-01', [
      ['111', 'debit', 3_000],
      ['112', 'debit', 20_000],
      ['5112', 'credit', 23_000],
    ]);
    await post('D', '2025-03-01', [
      ['6111', 'debit', 8_000],
      ['112', 'credit', 8_000],
    ]);
  });

  afterEach(() => dataSource.destroy());

  it('shows the balances the merger then moves, and writes nothing', async () => {
    const dto = { into: 'P', cutoff: '2025-06-30', note: 'Nghị quyết sắp xếp', reparentChildren: true };
    const before = await state();
    const preview = await mergers.preview(ADMIN, 'D', dto);
    expect(preview.balances).toEqual([
      { account: '111', debit: '3000', credit: '0' },
      { account: '112', debit: '12000', credit: '0' },
      { account: '431', debit: '0', credit: '15000' },
    ]);
    expect(preview.childrenMoved).toEqual(['C1']);
    expect(await state()).toEqual(before);

    const merged = await mergers.merge(ADMIN, 'D', dto);
    expect(merged.balances).toEqual(preview.balances);
    expect(merged.childrenMoved).toEqual(preview.childrenMoved);
    expect((await state()).mergers).toBe(1);
  });

  it('refuses what the merger refuses, with the same messages', async () => {
    const dto = { into: 'C1', cutoff: '2025-06-30', note: 'Sai' };
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: unknown) => e as Error,
      );
    const previewed = await refusal(mergers.preview(ADMIN, 'D', dto));
    const merged = await refusal(mergers.merge(ADMIN, 'D', dto));
    expect(previewed).toBeInstanceOf(BusinessRuleError);
    expect(previewed?.message).toBe(merged?.message);
    expect(previewed?.message).toContain('fund C1 sits below D');
  });
});
