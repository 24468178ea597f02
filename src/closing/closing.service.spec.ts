import { DataSource } from 'typeorm';
import type { Actor } from '../common/actor';
import { BusinessRuleError, ConflictError, PeriodLockedError } from '../common/errors';
import { Money } from '../common/money';
import { openDatabase } from '../database/data-source';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { Fund, FundLevel } from '../funds/fund.entity';
import { FundsService } from '../funds/funds.service';
import { BalancesService } from '../ledger/balances.service';
import { Book, JournalEntry } from '../ledger/entities';
import { JournalQueryService, TrialBalance } from '../ledger/journal-query.service';
import { PostingService } from '../ledger/posting.service';
import { VerifyService } from '../ledger/verify.service';
import { mergerEliminations } from '../reports/merger-eliminations';
import { eliminate } from '../reports/transfer-eliminations';
import { FundMerger, YearClosing } from './entities';
import { MergerService } from './merger.service';
import { YearEndService } from './year-end.service';

const ADMIN: Actor = { userId: 1, username: 'admin', role: 'admin', fundScope: null };
const APPROVER: Actor = { userId: 2, username: 'duyet', role: 'approver', fundScope: null };
const TODAY = '2026-01-15';

describe('year-end close and mergers (service rules)', () => {
  let dataSource: DataSource;
  let uow: UnitOfWork;
  let years: YearEndService;
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
      return fund;
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
  const lock = (code: string, through: string) => uow.write((tx) => books.lock(tx, code, through, true));
  const lockedThrough = async (code: string) =>
    (await dataSource.manager.findOneByOrFail(Book, { fundCode: code })).lockedThrough;
  const tb = async (codes: string[], asOf: string) => {
    const ids = (await dataSource.manager.find(Fund)).filter((f) => codes.includes(f.code)).map((f) => f.id);
    return journal.trialBalance(dataSource.manager, ids, asOf);
  };
  const balanceOf = (balance: TrialBalance, account: string) =>
    balance.rows.find((r) => r.account === account)?.balance ?? '0';
  const rejects = async (promise: Promise<unknown>, type: new (...args: never[]) => Error, text: string) => {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toContain(text);
  };

  beforeEach(async () => {
    dataSource = await openDatabase({ type: 'sqlite', path: ':memory:' });
    uow = new UnitOfWork(dataSource);
    const funds = new FundsService(uow, books);
    years = new YearEndService(uow, funds, books, posting, journal);
    mergers = new MergerService(uow, funds, books, posting, journal);
    await newFund('P', 'province');
    await post('P', '2022-03-01', [
      ['112', 'debit', 10_000],
      ['5111', 'credit', 10_000],
    ]);
    await post('P', '2023-05-01', [
      ['112', 'debit', 7_000],
      ['5114', 'credit', 7_000],
    ]);
    await post('P', '2023-06-01', [
      ['6113', 'debit', 2_500],
      ['112', 'credit', 2_500],
    ]);
  });
  afterEach(() => dataSource.destroy());

  describe('closing a year', () => {
    it('closes years in order, once each, and moves the cumulative balances into 431', async () => {
      await rejects(years.close(ADMIN, 'P', 2023, TODAY), ConflictError, 'close 2022 first');
      const closed2022 = await years.close(ADMIN, 'P', 2022, TODAY);
      expect(closed2022).toMatchObject({
        receipts: '10000',
        disbursements: '0',
        surplus: '10000',
        deficit: '0',
      });
      const closed2023 = await years.close(APPROVER, 'P', 2023, TODAY);
      expect(closed2023).toMatchObject({ year: 2023, status: 'closed', lockedThrough: '2023-12-31' });
      expect(closed2023).toMatchObject({ receipts: '7000', disbursements: '2500', surplus: '4500' });

      const balance = await tb(['P'], '2023-12-31');
      expect(balanceOf(balance, '5111')).toBe('0');
      expect(balanceOf(balance, '5114')).toBe('0');
      expect(balanceOf(balance, '6113')).toBe('0');
      expect(balanceOf(balance, '431')).toBe('-14500');
      expect(balanceOf(balance, '112')).toBe('14500');

      await rejects(
        years.close(ADMIN, 'P', 2023, TODAY),
        ConflictError,
        'year 2023 of fund P is already closed',
      );
      await rejects(years.close(ADMIN, 'P', 2021, TODAY), ConflictError, 'has already closed 2023');
      const entry = await dataSource.manager.findOneByOrFail(JournalEntry, {
        id: closed2023.entryId as number,
      });
      expect(entry).toMatchObject({ source: 'closing', entryDate: '2023-12-31', sourceRef: 'KC-2023' });
    });

    it('closes a year an approver already locked, and leaves a later lock where it was', async () => {
      await years.close(ADMIN, 'P', 2022, TODAY);
      await lock('P', '2024-03-31');
      const closed = await years.close(APPROVER, 'P', 2023, TODAY);
      expect(closed.entryId).not.toBeNull();
      expect(closed.lockedThrough).toBe('2024-03-31');
      expect(await lockedThrough('P')).toBe('2024-03-31');
    });

    it('records a year with nothing to close, without an entry', async () => {
      await newFund('E', 'province');
      const closed = await years.close(ADMIN, 'E', 2020, TODAY);
      expect(closed).toMatchObject({
        entryId: null,
        receipts: '0',
        surplus: '0',
        lockedThrough: '2020-12-31',
      });
      expect(await dataSource.manager.count(YearClosing)).toBe(1);
    });

    it('refuses a year that has not ended', async () => {
      await rejects(years.close(ADMIN, 'P', 2026, TODAY), BusinessRuleError, 'year 2026 has not ended yet');
    });

    it('reopens only the most recent closed year: the entry is reversed and the lock goes back', async () => {
      await years.close(ADMIN, 'P', 2022, TODAY);
      const closed = await years.close(ADMIN, 'P', 2023, TODAY);
      await rejects(years.reopen(ADMIN, 'P', 2022, 'sửa'), ConflictError, 'reopen 2023 first');
      await rejects(
        years.reopen(ADMIN, 'P', 2019, 'sửa'),
        ConflictError,
        'year 2019 of fund P is not closed',
      );
      const reopened = await years.reopen(ADMIN, 'P', 2023, 'bổ sung chứng từ');
      expect(reopened).toMatchObject({
        status: 'reopened',
        reopenedBy: 'admin',
        lockedThrough: '2022-12-31',
      });
      const reversal = await dataSource.manager.findOneByOrFail(JournalEntry, {
        id: reopened.reversalEntryId as number,
      });
      expect(reversal).toMatchObject({
        reversalOfId: closed.entryId,
        entryDate: '2023-12-31',
        source: 'reversal',
      });
      expect(balanceOf(await tb(['P'], '2023-12-31'), '5114')).toBe('-7000');
      // 2023 takes postings again, and closes again as a new record.
      await post('P', '2023-12-20', [
        ['112', 'debit', 1_000],
        ['5118', 'credit', 1_000],
      ]);
      const again = await years.close(ADMIN, 'P', 2023, TODAY);
      expect(again.surplus).toBe('5500');
      expect((await years.list(ADMIN, 'P')).map((c) => [c.year, c.status])).toEqual([
        [2022, 'closed'],
        [2023, 'reopened'],
        [2023, 'closed'],
      ]);
    });

    it('gives the opening balances of a year: the trial balance of the 31 December before', async () => {
      await years.close(ADMIN, 'P', 2022, TODAY);
      await years.close(ADMIN, 'P', 2023, TODAY);
      const opening = await years.openingBalances(ADMIN, 'P', 2024);
      expect(opening).toMatchObject({ asOf: '2023-12-31', previousYearClosed: true, cashAndBank: '14500' });
      expect(opening.fundBalance).toBe('14500');
      expect(opening.rows.map((r) => [r.account, r.debit, r.credit])).toEqual([
        ['111', '0', '0'],
        ['112', '14500', '0'],
        ['431', '0', '14500'],
      ]);
      expect(opening.totalDebit).toBe(opening.totalCredit);
    });
  });

  describe('merging a fund', () => {
    const merge = (code: string, into: string, cutoff = '2025-06-30', reparentChildren = true) =>
      mergers.merge(ADMIN, code, { into, cutoff, note: 'Nghị quyết sắp xếp', reparentChildren });

    beforeEach(async () => {
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
      await post('D', '2025-04-01', [
        ['141', 'debit', 4_000],
        ['338', 'credit', 4_000],
      ]);
    });

    it('closes, hands over and opens; the predecessor ends at zero and the group is unchanged', async () => {
      const groupIds = (await dataSource.manager.find(Fund)).map((f) => f.id);
      expect(groupIds).toHaveLength(3);
      const consolidated = async (asOf: string) =>
        eliminate(
          await journal.trialBalance(dataSource.manager, groupIds, asOf),
          (await mergerEliminations(dataSource.manager, groupIds, asOf)).rows,
        );
      const before = await consolidated('2025-12-31');

      const merger = await merge('D', 'P');
      expect(merger.childrenMoved).toEqual(['C1']);
      expect(merger.balances).toEqual([
        { account: '111', debit: '3000', credit: '0' },
        { account: '112', debit: '12000', credit: '0' },
        { account: '141', debit: '4000', credit: '0' },
        { account: '338', debit: '0', credit: '4000' },
        { account: '431', debit: '0', credit: '15000' },
      ]);
      const d = await tb(['D'], '2025-06-30');
      expect(d.rows.every((r) => r.balance === '0')).toBe(true);
      const p = await tb(['P'], '2025-06-30');
      expect(balanceOf(p, '111')).toBe('3000');
      expect(balanceOf(p, '141')).toBe('4000');

      const after = await consolidated('2025-12-31');
      for (const account of ['111', '112', '141', '338']) {
        expect([account, balanceOf(after, account)]).toEqual([account, balanceOf(before, account)]);
      }
      // Receipts and disbursements are closed into 431, but what came in and went out stays on record.
      const turnover = (balance: TrialBalance, account: string) =>
        balance.rows.find((r) => r.account === account);
      expect(turnover(after, '5112')?.credit).toBe(turnover(before, '5112')?.credit);
      expect(turnover(after, '6111')?.debit).toBe(turnover(before, '6111')?.debit);
      expect(balanceOf(after, '431')).toBe('-15000');
      expect(after.totalDebit).toBe(after.totalCredit);

      const fund = await dataSource.manager.findOneByOrFail(Fund, { code: 'D' });
      expect(fund).toMatchObject({ status: 'closed', validTo: '2025-06-30' });
      const commune = await dataSource.manager.findOneByOrFail(Fund, { code: 'C1' });
      expect(commune.parentId).toBe((await dataSource.manager.findOneByOrFail(Fund, { code: 'P' })).id);
      expect(await lockedThrough('D')).toBe('2025-06-30');
      await rejects(
        post('D', '2025-08-01', [
          ['112', 'debit', 1],
          ['5118', 'credit', 1],
        ]),
        BusinessRuleError,
        'fund D is closed: merged into P (Quỹ P) on 2025-06-30',
      );
      await rejects(merge('D', 'P'), ConflictError, 'fund D is already closed');
      expect((await new VerifyService().verify(dataSource.manager)).ok).toBe(true);
    });

    it('is eliminated only in a group holding both funds, from the cutoff on', async () => {
      const merger = await merge('D', 'P');
      const ids = async (...codes: string[]) =>
        (await dataSource.manager.find(Fund)).filter((f) => codes.includes(f.code)).map((f) => f.id);
      const both = await ids('P', 'D');
      expect(await mergerEliminations(dataSource.manager, both, '2025-06-29')).toEqual({
        mergers: 0,
        rows: [],
      });
      expect(await mergerEliminations(dataSource.manager, await ids('D', 'C1'), '2025-12-31')).toEqual({
        mergers: 0,
        rows: [],
      });
      const removed = await mergerEliminations(dataSource.manager, both, '2025-06-30');
      expect(removed.mergers).toBe(1);
      // Both entries of the pair, and not the closing entry: each account moved out and back in.
      expect(removed.rows.map((r) => [r.account, r.debit, r.credit])).toEqual(
        merger.balances.map((b) => {
          const amount = b.debit === '0' ? b.credit : b.debit;
          return [b.account, amount, amount];
        }),
      );
    });

    it('refuses what it cannot do, and writes nothing', async () => {
      await newFund('Q', 'province');
      await newFund('C2', 'commune', 'Q');
      const entries = await dataSource.manager.count(JournalEntry);
      await rejects(merge('D', 'D'), Error, 'cannot be merged into itself');
      await rejects(merge('D', 'C1'), BusinessRuleError, 'fund C1 sits below D');
      await rejects(
        merge('D', 'C2'),
        BusinessRuleError,
        'the commune fund C1 cannot sit below the commune fund C2',
      );
      await rejects(merge('D', 'P', '2025-03-31'), BusinessRuleError, 'has 1 entry dated after the cutoff');
      await lock('P', '2025-06-30');
      await rejects(merge('D', 'P'), PeriodLockedError, 'fund P is locked through 2025-06-30');
      await dataSource.manager.update(Fund, { code: 'Q' }, { status: 'closed' });
      await rejects(merge('D', 'Q', '2025-06-30', false), BusinessRuleError, 'fund Q is closed');
      expect(await dataSource.manager.count(JournalEntry)).toBe(entries);
      expect(await dataSource.manager.count(FundMerger)).toBe(0);
    });

    it('refuses a successor without an account the predecessor hands over', async () => {
      await newFund('Q', 'province');
      await uow.write((tx) =>
        books.addAccount(tx, 'D', { code: '3388', nameVi: 'Phải trả riêng', nameEn: 'x', type: 'liability' }),
      );
      await post('D', '2025-05-01', [
        ['112', 'debit', 10],
        ['3388', 'credit', 10],
      ]);
      await rejects(merge('D', 'Q'), BusinessRuleError, 'fund Q has no account 3388 (Phải trả riêng)');
    });
  });
});
