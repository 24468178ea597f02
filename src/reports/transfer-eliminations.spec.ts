import { DataSource } from 'typeorm';
import type { Actor } from '../common/actor';
import { Money } from '../common/money';
import { openDatabase } from '../database/data-source';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { Fund, FundLevel } from '../funds/fund.entity';
import { BalancesService } from '../ledger/balances.service';
import { JournalQueryService, TrialBalance } from '../ledger/journal-query.service';
import { PostingService } from '../ledger/posting.service';
import { TransfersService } from '../transfers/transfers.service';
import { eliminate, transferEliminations } from './transfer-eliminations';

const ADMIN: Actor = { userId: 1, username: 'admin', role: 'admin', fundScope: null };

describe('transfer eliminations', () => {
  let dataSource: DataSource;
  let uow: UnitOfWork;
  let transfers: TransfersService;
  const posting = new PostingService();
  const journal = new JournalQueryService();
  const ids: Record<string, number> = {};

  const newFund = (code: string, level: FundLevel, parent?: string) =>
    uow.write(async (tx) => {
      const fund = await tx.save(
        tx.create(Fund, {
          code,
          name: `Quỹ ${code}`,
          unitName: null,
          level,
          parentId: parent ? ids[parent] : null,
          validFrom: null,
          validTo: null,
          status: 'active',
          createdAt: nowIso(),
        }),
      );
      await new BalancesService().open(tx, fund.id, code);
      ids[code] = fund.id;
    });
  const transfer = (toFund: string, amount: number, date: string, method: 'cash' | 'bank' = 'bank') =>
    transfers.create(ADMIN, { fromFund: 'P', toFund, amount, date, method });
  const reverse = (entryId: number, date: string) =>
    uow.write((tx) => posting.reverse(tx, entryId, { date, reason: 'nhầm', postedBy: 'tester' }));
  /** The consolidated trial balance of P and C, as the report computes it. */
  const consolidated = async (asOf: string) => {
    const group = [ids.P, ids.C];
    const eliminated = await transferEliminations(dataSource.manager, group, asOf);
    const balance = eliminate(await journal.trialBalance(dataSource.manager, group, asOf), eliminated.rows);
    return { eliminated, balance };
  };
  const row = (balance: TrialBalance, account: string) => balance.rows.find((r) => r.account === account);

  beforeEach(async () => {
    dataSource = await openDatabase({ type: 'sqlite', path: ':memory:' });
    uow = new UnitOfWork(dataSource);
    transfers = new TransfersService(uow, posting);
    await newFund('P', 'province');
    await newFund('C', 'commune', 'P');
    await newFund('Q', 'province');
    await uow.write((tx) =>
      posting.post(tx, {
        fundCode: 'P',
        date: '2023-01-05',
        description: 'Thu đóng góp',
        source: 'manual',
        postedBy: 'tester',
        lines: [
          { account: '112', debit: Money.parse(10_000_000) },
          { account: '111', debit: Money.parse(1_000_000) },
          { account: '5111', credit: Money.parse(11_000_000) },
        ],
      }),
    );
  });
  afterEach(() => dataSource.destroy());

  it('removes both entries of a transfer inside the group, and keeps one leaving it', async () => {
    await transfer('C', 3_000_000, '2023-02-10');
    await transfer('C', 400_000, '2023-02-11', 'cash');
    await transfer('Q', 2_000_000, '2023-02-12');
    const { eliminated, balance } = await consolidated('2023-12-31');

    expect(eliminated.transfers).toBe(2);
    expect(eliminated.rows).toEqual([
      { account: '111', name: 'Tiền mặt', debit: '400000', credit: '400000' },
      { account: '112', name: 'Tiền gửi Kho bạc, Ngân hàng', debit: '3000000', credit: '3000000' },
      { account: '5121', name: 'Nhận từ quỹ cấp khác', debit: '0', credit: '3400000' },
      { account: '6121', name: 'Chuyển quỹ cấp khác', debit: '3400000', credit: '0' },
    ]);
    // Only the transfer to Q, outside the group, is left of 6121; no 5121 at all.
    expect(row(balance, '6121')).toMatchObject({ debit: '2000000', credit: '0' });
    expect(row(balance, '5121')).toBeUndefined();
    expect(row(balance, '112')).toMatchObject({ debit: '10000000', credit: '2000000', balance: '8000000' });
    expect(row(balance, '111')).toMatchObject({ debit: '1000000', credit: '0' });
    expect(balance.totalDebit).toBe(balance.totalCredit);
    expect(balance.totalDebit).toBe('13000000');
  });

  it('counts only transfers dated on or before asOf', async () => {
    await transfer('C', 3_000_000, '2023-02-10');
    expect((await consolidated('2023-02-09')).eliminated).toEqual({ transfers: 0, rows: [] });
    expect((await consolidated('2023-02-10')).eliminated.transfers).toBe(1);
  });

  it('removes nothing for a single fund', async () => {
    await transfer('C', 3_000_000, '2023-02-10');
    expect(await transferEliminations(dataSource.manager, [ids.P], '2023-12-31')).toEqual({
      transfers: 0,
      rows: [],
    });
  });

  it('removes the reversals of a transfer reversed on both sides, and keeps a one-sided reversal', async () => {
    const both = await transfer('C', 3_000_000, '2023-02-10');
    await reverse(both.fromEntryId, '2023-03-01');
    await reverse(both.toEntryId, '2023-03-02');
    const halfway = await consolidated('2023-03-01');
    // Until both reversals are in, the one that is stays: consolidated cash equals the funds' own.
    expect(row(halfway.balance, '6121')).toMatchObject({ debit: '0', credit: '3000000' });
    const after = await consolidated('2023-03-31');
    expect(row(after.balance, '6121')).toBeUndefined();
    expect(row(after.balance, '5121')).toBeUndefined();
    expect(row(after.balance, '112')).toMatchObject({ debit: '10000000', credit: '0' });

    const half = await transfer('C', 1_000_000, '2023-04-01');
    await reverse(half.fromEntryId, '2023-04-02');
    const { balance } = await consolidated('2023-12-31');
    expect(row(balance, '6121')).toMatchObject({ debit: '0', credit: '1000000' });
    expect(row(balance, '112')).toMatchObject({ balance: '11000000' });
    expect(balance.totalDebit).toBe(balance.totalCredit);
  });

  it('moves what a removal takes beyond one side to the other, keeping the balance exact', () => {
    // A close's single 431 line nets many accounts: its part in the group's transfers may exceed that side.
    const balance: TrialBalance = {
      rows: [{ account: '431', name: 'x', debit: '5', credit: '100', balance: '-95' }],
      totalDebit: '5',
      totalCredit: '100',
    };
    expect(eliminate(balance, [{ account: '431', name: 'x', debit: '6', credit: '0' }]).rows).toEqual([
      { account: '431', name: 'x', debit: '0', credit: '101', balance: '-101' },
    ]);
  });
});
