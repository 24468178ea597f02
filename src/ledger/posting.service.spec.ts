import { DataSource } from 'typeorm';
import {
  AlreadyReversedError,
  InsufficientFundsError,
  InvalidRequestError,
  PeriodLockedError,
} from '../common/errors';
import { Money } from '../common/money';
import { openDatabase } from '../database/data-source';
import { UnitOfWork } from '../database/unit-of-work';
import { BalancesService } from './balances.service';
import { JournalQueryService } from './journal-query.service';
import type { PostingInput } from './ledger.types';
import { PostingService } from './posting.service';
import { VerifyService } from './verify.service';

const dong = (n: number | string) => Money.parse(n);

describe('PostingService rules', () => {
  let dataSource: DataSource;
  let uow: UnitOfWork;
  const posting = new PostingService();
  const books = new BalancesService();

  const entry = (overrides: Partial<PostingInput> = {}): PostingInput => ({
    fundCode: 'F1',
    date: '2024-03-10',
    description: 'Thu đóng góp',
    source: 'manual',
    postedBy: 'tester',
    lines: [
      { account: '111', debit: dong(1_000_000) },
      { account: '5114', credit: dong(1_000_000) },
    ],
    ...overrides,
  });
  const post = (overrides: Partial<PostingInput> = {}) =>
    uow.write((tx) => posting.post(tx, entry(overrides)));

  beforeEach(async () => {
    dataSource = await openDatabase({ type: 'sqlite', path: ':memory:' });
    uow = new UnitOfWork(dataSource);
    await uow.write((tx) => books.open(tx, 1, 'F1'));
  });
  afterEach(() => dataSource.destroy());

  it('numbers entries per fund and chains their hashes', async () => {
    const first = await post();
    const second = await post();
    expect([first.number, second.number]).toEqual([1, 2]);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(second.hash).not.toBe(first.hash);
    expect((await new VerifyService().verify(dataSource.manager)).ok).toBe(true);
  });

  it('refuses an unbalanced entry with the two totals', async () => {
    await expect(
      post({
        lines: [
          { account: '111', debit: dong(10) },
          { account: '5114', credit: dong(9) },
        ],
      }),
    ).rejects.toThrow('entry does not balance: debits 10 đ ≠ credits 9 đ');
  });

  it('refuses unknown accounts, two-sided lines and empty lines, all at once', async () => {
    const attempt = post({
      lines: [
        { account: '999', debit: dong(5) },
        { account: '111', debit: dong(5), credit: dong(5) },
        { account: '5114' },
      ],
    });
    await expect(attempt).rejects.toBeInstanceOf(InvalidRequestError);
    const error = (await attempt.catch((e: unknown) => e)) as InvalidRequestError;
    expect(error.messages).toEqual(
      expect.arrayContaining([
        'lines.0.account 999 is not an account of fund F1',
        'lines.1 must have either a positive debit or a positive credit, not both and not neither',
        'lines.2 must have either a positive debit or a positive credit, not both and not neither',
      ]),
    );
  });

  it('needs two lines', async () => {
    await expect(post({ lines: [{ account: '111', debit: dong(0) }] })).rejects.toThrow('at least two lines');
  });

  it('refuses a posting on or before the lock date, but not after', async () => {
    await uow.write((tx) => books.lock(tx, 'F1', '2024-03-10', false));
    await expect(post()).rejects.toBeInstanceOf(PeriodLockedError);
    await expect(post({ date: '2024-01-01' })).rejects.toBeInstanceOf(PeriodLockedError);
    await expect(post({ date: '2024-03-11' })).resolves.toMatchObject({ number: 1 });
  });

  it('keeps cash from going below zero, also on a back-dated day later receipts covered', async () => {
    await post({ date: '2024-03-01' }); // cash 1,000,000
    const pay = (date: string, amount: number) =>
      post({
        date,
        lines: [
          { account: '6113', debit: dong(amount) },
          { account: '111', credit: dong(amount) },
        ],
      });
    await pay('2024-03-05', 1_000_000); // cash 0 from 5 March
    await post({ date: '2024-03-20' }); // cash 1,000,000 again from 20 March
    // Today's balance would allow it, but on 5–19 March the cash would be negative.
    await expect(pay('2024-03-03', 500_000)).rejects.toBeInstanceOf(InsufficientFundsError);
    await expect(pay('2024-03-21', 1_000_001)).rejects.toBeInstanceOf(InsufficientFundsError);
    await expect(pay('2024-03-21', 1_000_000)).resolves.toMatchObject({ number: 4 });
  });

  it('reverses once, mirrored and linked', async () => {
    const original = await post();
    const reversal = await uow.write((tx) =>
      posting.reverse(tx, original.id, { date: '2024-03-11', reason: 'nhầm', postedBy: 'tester' }),
    );
    expect(reversal.reversalOf).toBe(original.id);
    expect(reversal.lines).toEqual([
      { account: '111', debit: '0', credit: '1000000', memo: null },
      { account: '5114', debit: '1000000', credit: '0', memo: null },
    ]);
    const reread = await new JournalQueryService().get(dataSource.manager, original.id);
    expect(reread.reversedBy).toBe(reversal.id);
    await expect(
      uow.write((tx) =>
        posting.reverse(tx, original.id, { date: '2024-03-12', reason: 'again', postedBy: 'tester' }),
      ),
    ).rejects.toBeInstanceOf(AlreadyReversedError);
  });

  it('keeps monthly balances equal to the lines', async () => {
    await post({ date: '2024-03-31' });
    await post({ date: '2024-04-01' });
    const accounts = await books.accounts(dataSource.manager, 'F1');
    expect(accounts.find((a) => a.code === '111')?.balance).toBe('2000000');
    expect(accounts.find((a) => a.code === '5114')?.balance).toBe('2000000');
    const trial = await new JournalQueryService().trialBalance(dataSource.manager, [1], '2024-03-31');
    expect(trial.totalDebit).toBe('1000000');
    expect(trial.totalCredit).toBe('1000000');
  });
});
