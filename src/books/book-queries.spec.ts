import { DataSource } from 'typeorm';
import { Money } from '../common/money';
import { openDatabase } from '../database/data-source';
import { sql } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { BalancesService } from '../ledger/balances.service';
import { Account } from '../ledger/entities';
import { JournalQueryService } from '../ledger/journal-query.service';
import { PostingService } from '../ledger/posting.service';
import {
  LedgerLineRecord,
  accountLinesOf,
  journalLines,
  LedgerScope,
  counterAccounts,
  journalEntriesAfter,
  journalPage,
  journalTotals,
  lastEntryId,
  ledgerPage,
  ledgerTotals,
  ledgerTurnoverBefore,
  turnoverAfterSnapshot,
} from './book-queries';
import { pageStartBalance, pagedLines, withRunningBalance } from './running-balance';

const dong = (n: number) => Money.parse(n);

/** The book queries against a real (in-memory SQLite) ledger, posted through the one posting path. */
describe('book queries', () => {
  let dataSource: DataSource;
  let uow: UnitOfWork;
  let cashId: number;
  const posting = new PostingService();

  const post = (date: string, lines: { account: string; debit?: number; credit?: number }[], ref?: string) =>
    uow.write((tx) =>
      posting.post(tx, {
        fundCode: 'F1',
        date,
        description: `Bút toán ${date}`,
        source: 'manual',
        sourceRef: ref ?? null,
        postedBy: 'tester',
        lines: lines.map((l) => ({
          account: l.account,
          debit: l.debit === undefined ? undefined : dong(l.debit),
          credit: l.credit === undefined ? undefined : dong(l.credit),
        })),
      }),
    );
  const scope = async (from: string, to: string): Promise<LedgerScope> => ({
    fundId: 1,
    accountId: cashId,
    from,
    to,
    lastEntryId: await lastEntryId(dataSource.manager),
  });
  const key = (l: LedgerLineRecord) => `${l.date}/${l.entryId}/${l.lineNo}`;

  beforeAll(async () => {
    dataSource = await openDatabase({ type: 'sqlite', path: ':memory:' });
    uow = new UnitOfWork(dataSource);
    await uow.write((tx) => new BalancesService().open(tx, 1, 'F1'));
    await uow.write((tx) => new BalancesService().open(tx, 2, 'F2'));
    cashId = (await dataSource.manager.findOneByOrFail(Account, { fundId: 1, code: '111' })).id;
    // 40 gifts over Jan–Apr in a scrambled date order, some days holding several; every 7th one paid out again
    // in the same entry (two cash lines in one entry); and the other fund's cash, which must never show up.
    for (let i = 0; i < 40; i++) {
      const date = `2023-0${1 + ((i * 7) % 4)}-${String(1 + ((i * 11) % 20)).padStart(2, '0')}`;
      const amount = 1_000_000 + i * 1_000;
      const lines =
        i % 7 === 0
          ? [
              { account: '111', debit: amount },
              { account: '111', credit: 1_000 },
              { account: '6113', debit: 1_000 },
              { account: '5114', credit: amount },
            ]
          : [
              { account: '111', debit: amount },
              { account: '5114', credit: amount },
            ];
      await post(date, lines, `PT-2023-${String(i + 1).padStart(6, '0')}`);
    }
    await uow.write((tx) =>
      posting.post(tx, {
        fundCode: 'F2',
        date: '2023-02-01',
        description: 'Quỹ khác',
        source: 'manual',
        postedBy: 'tester',
        lines: [
          { account: '111', debit: dong(9) },
          { account: '5114', credit: dong(9) },
        ],
      }),
    );
  });
  afterAll(() => dataSource.destroy());

  it('reads the lines in date, entry and line order, the same by numbered pages and by pages of entries', async () => {
    const s = await scope('2023-01-01', '2023-04-30');
    const totals = await ledgerTotals(dataSource.manager, s);
    expect(totals.count).toBe(46);
    const all = await ledgerPage(dataSource.manager, s, 0, 1000);
    const order = all.map(key);
    expect(order).toEqual(
      [...all]
        .sort((a, b) => a.date.localeCompare(b.date) || a.entryId - b.entryId || a.lineNo - b.lineNo)
        .map(key),
    );
    // What the files read: the range's entries a keyset page at a time, then the account's lines among theirs.
    const streamed: ReturnType<typeof accountLinesOf> = [];
    for await (const entries of pagedLines(
      (cursor: { date: string; entryId: number } | null) =>
        journalEntriesAfter(dataSource.manager, s, cursor, 5),
      (last) => ({ date: last.date, entryId: last.id }),
      5,
    )) {
      const lines = await journalLines(
        dataSource.manager,
        entries.map((e) => e.id),
      );
      streamed.push(...accountLinesOf(entries, lines, '111'));
    }
    expect(streamed.map(key)).toEqual(order);
    expect(streamed.map((l) => [l.debit.toString(), l.credit.toString()])).toEqual(
      all.map((l) => [l.debit.toString(), l.credit.toString()]),
    );
    const counters = await counterAccounts(
      dataSource.manager,
      all.map((l) => l.entryId),
      cashId,
    );
    expect(streamed.map((l) => l.counterAccounts)).toEqual(all.map((l) => counters.get(l.entryId)));
  });

  it('starts every numbered page at the balance a walk over all the lines reaches', async () => {
    const s = await scope('2023-02-01', '2023-04-30');
    const opening = dong(123_456);
    const walk = withRunningBalance(opening, await ledgerPage(dataSource.manager, s, 0, 1000));
    const paged: string[] = [];
    for (let offset = 0; offset < walk.length; offset += 6) {
      const before = await ledgerTurnoverBefore(dataSource.manager, s, offset);
      const page = await ledgerPage(dataSource.manager, s, offset, 6);
      paged.push(
        ...withRunningBalance(pageStartBalance(opening, before), page).map((l) => l.balance.toString()),
      );
    }
    expect(paged).toEqual(walk.map((l) => l.balance.toString()));
    const totals = await ledgerTotals(dataSource.manager, s);
    expect(walk[walk.length - 1].balance.toString()).toBe(
      opening.plus(totals.debit).minus(totals.credit).toString(),
    );
  });

  it('agrees with the trial balance read from the stored monthly balances', async () => {
    const journal = new JournalQueryService();
    const s = await scope('2023-02-15', '2023-03-20');
    const before = await journal.trialBalance(dataSource.manager, [1], '2023-02-14');
    const after = await journal.trialBalance(dataSource.manager, [1], '2023-03-20');
    const cash = (tb: typeof before) => tb.rows.find((r) => r.account === '111');
    const totals = await ledgerTotals(dataSource.manager, s);
    expect(totals.debit.toString()).toBe(
      Money.fromStored(cash(after)?.debit)
        .minus(Money.fromStored(cash(before)?.debit))
        .toString(),
    );
    expect(totals.credit.toString()).toBe(
      Money.fromStored(cash(after)?.credit)
        .minus(Money.fromStored(cash(before)?.credit))
        .toString(),
    );
  });

  it('names the other accounts of each entry', async () => {
    const s = await scope('2023-01-01', '2023-04-30');
    const lines = await ledgerPage(dataSource.manager, s, 0, 1000);
    const counters = await counterAccounts(
      dataSource.manager,
      lines.map((l) => l.entryId),
      cashId,
    );
    const [first] = await sql<{ id: number }>(
      dataSource.manager,
      'SELECT id FROM journal_entries WHERE source_ref = ?',
      ['PT-2023-000001'],
    );
    expect(counters.get(first.id)).toEqual(['5114', '6113']);
    expect(new Set([...counters.values()].map((codes) => codes.join(',')))).toEqual(
      new Set(['5114', '5114,6113']),
    );
  });

  it('pages the journal by entries, in date order, by number and by keyset alike', async () => {
    const s = await scope('2023-01-01', '2023-04-30');
    const all = await journalPage(dataSource.manager, s, 0, 1000);
    expect(all).toHaveLength((await journalTotals(dataSource.manager, s)).count);
    const keyset = [];
    for await (const page of pagedLines(
      (cursor: { date: string; entryId: number } | null) =>
        journalEntriesAfter(dataSource.manager, s, cursor, 4),
      (last) => ({ date: last.date, entryId: last.id }),
      4,
    )) {
      keyset.push(...page);
    }
    expect(keyset.map((e) => e.id)).toEqual(all.map((e) => e.id));
    const dates = all.map((e) => e.date);
    expect(dates).toEqual([...dates].sort());
  });

  // Last: it posts.
  it('sees nothing posted after its snapshot, and can tell what of it the stored balances already hold', async () => {
    const s = await scope('2023-01-01', '2023-04-30');
    const before = await ledgerTotals(dataSource.manager, s);
    const entriesBefore = await journalTotals(dataSource.manager, s);
    await post('2023-03-03', [
      { account: '111', debit: 77 },
      { account: '5118', credit: 77 },
    ]);
    await post('2022-12-31', [
      { account: '111', debit: 5 },
      { account: '5118', credit: 5 },
    ]);
    expect(await ledgerTotals(dataSource.manager, s)).toEqual(before);
    expect(await journalTotals(dataSource.manager, s)).toEqual(entriesBefore);
    const late = await turnoverAfterSnapshot(dataSource.manager, s, '2023-01-01');
    expect([late.debit.toString(), late.credit.toString()]).toEqual(['5', '0']);
  });
});
