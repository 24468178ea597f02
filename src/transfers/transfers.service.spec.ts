import { DataSource } from 'typeorm';
import type { Actor } from '../common/actor';
import {
  BusinessRuleError,
  ForbiddenError,
  InsufficientFundsError,
  InvalidRequestError,
  NotFoundError,
  PeriodLockedError,
} from '../common/errors';
import { Money } from '../common/money';
import { openDatabase } from '../database/data-source';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { Fund, FundLevel } from '../funds/fund.entity';
import { BalancesService } from '../ledger/balances.service';
import { JournalQueryService } from '../ledger/journal-query.service';
import { PostingService } from '../ledger/posting.service';
import { VerifyService } from '../ledger/verify.service';
import { CreateTransferDto } from './dto';
import { Transfer } from './transfer.entity';
import { TransfersService } from './transfers.service';

const ADMIN: Actor = { userId: 1, username: 'admin', role: 'admin', fundScope: null };
const scoped = (...codes: string[]): Actor => ({
  userId: 2,
  username: 'ketoan',
  role: 'accountant',
  fundScope: new Set(codes),
});

describe('TransfersService rules', () => {
  let dataSource: DataSource;
  let uow: UnitOfWork;
  let transfers: TransfersService;
  const posting = new PostingService();
  const books = new BalancesService();
  const journal = new JournalQueryService();

  const newFund = (code: string, level: FundLevel, parentId: number | null = null) =>
    uow.write(async (tx) => {
      const fund = await tx.save(
        tx.create(Fund, {
          code,
          name: `Quỹ ${code}`,
          unitName: null,
          level,
          parentId,
          validFrom: null,
          validTo: null,
          status: 'active',
          createdAt: nowIso(),
        }),
      );
      await books.open(tx, fund.id, code);
      return fund;
    });
  const receipt = (fundCode: string, account: '111' | '112', amount: number, date = '2023-03-01') =>
    uow.write((tx) =>
      posting.post(tx, {
        fundCode,
        date,
        description: 'Thu đóng góp',
        source: 'manual',
        postedBy: 'tester',
        lines: [
          { account, debit: Money.parse(amount) },
          { account: '5114', credit: Money.parse(amount) },
        ],
      }),
    );
  const dto = (overrides: Partial<CreateTransferDto> = {}): CreateTransferDto => ({
    fromFund: 'P',
    toFund: 'C',
    amount: 300_000,
    date: '2023-04-10',
    method: 'bank',
    ...overrides,
  });
  const rowCounts = async () => ({
    transfers: await dataSource.manager.count(Transfer),
    entries: (await journal.list(dataSource.manager, { fundCodes: null, page: 1, pageSize: 1 })).total,
  });
  const failure = async (promise: Promise<unknown>) => promise.then(() => null).catch((e: unknown) => e);

  beforeEach(async () => {
    dataSource = await openDatabase({ type: 'sqlite', path: ':memory:' });
    uow = new UnitOfWork(dataSource);
    transfers = new TransfersService(uow, posting);
    const p = await newFund('P', 'province');
    await newFund('C', 'commune', p.id);
    await newFund('Q', 'province');
    await receipt('P', '112', 1_000_000);
    await receipt('P', '111', 200_000);
  });
  afterEach(() => dataSource.destroy());

  it('posts a linked pair: 6121 / 112 in the sender, 112 / 5121 in the receiver, both naming the other', async () => {
    const made = await transfers.create(ADMIN, dto({ description: 'Hỗ trợ xây nhà' }));
    expect(made).toMatchObject({
      id: 1,
      reference: 'CK-000001',
      fromFund: 'P',
      toFund: 'C',
      amount: '300000',
      date: '2023-04-10',
      method: 'bank',
      description: 'Hỗ trợ xây nhà',
      createdBy: 'admin',
    });
    const out = await journal.get(dataSource.manager, made.fromEntryId);
    const into = await journal.get(dataSource.manager, made.toEntryId);
    expect(out).toMatchObject({
      fundCode: 'P',
      source: 'transfer',
      sourceRef: 'CK-000001',
      date: '2023-04-10',
    });
    expect(out.lines).toEqual([
      { account: '6121', debit: '300000', credit: '0', memo: 'Quỹ nhận: C' },
      { account: '112', debit: '0', credit: '300000', memo: null },
    ]);
    expect(out.description).toBe('Chuyển quỹ CK-000001 sang Quỹ C (C): Hỗ trợ xây nhà');
    expect(into).toMatchObject({ fundCode: 'C', source: 'transfer', sourceRef: 'CK-000001' });
    expect(into.lines).toEqual([
      { account: '112', debit: '300000', credit: '0', memo: null },
      { account: '5121', debit: '0', credit: '300000', memo: 'Quỹ chuyển: P' },
    ]);
    expect(into.description).toBe('Nhận chuyển quỹ CK-000001 từ Quỹ P (P): Hỗ trợ xây nhà');

    const row = await dataSource.manager.findOneByOrFail(Transfer, { id: made.id });
    expect(row).toMatchObject({ amount: '300000', fromEntryId: out.id, toEntryId: into.id });
    expect(await transfers.get(ADMIN, made.id)).toEqual(made);
    expect((await new VerifyService().verify(dataSource.manager)).ok).toBe(true);
  });

  it('moves cash through 111 on both sides, and numbers transfers in order', async () => {
    await transfers.create(ADMIN, dto());
    const cash = await transfers.create(ADMIN, dto({ method: 'cash', amount: '200000', toFund: 'Q' }));
    expect(cash.reference).toBe('CK-000002');
    expect(cash.description).toBe('Chuyển quỹ từ P sang Q');
    const accounts = async (code: string) =>
      Object.fromEntries((await books.accounts(dataSource.manager, code)).map((a) => [a.code, a.balance]));
    expect(await accounts('P')).toMatchObject({ '111': '0', '112': '700000', '6121': '500000' });
    expect(await accounts('Q')).toMatchObject({ '111': '200000', '112': '0', '5121': '200000' });
    expect(await accounts('C')).toMatchObject({ '111': '0', '112': '300000', '5121': '300000' });
  });

  it('refuses a transfer from a fund to itself', async () => {
    const error = await failure(transfers.create(ADMIN, dto({ toFund: 'P' })));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).messages).toEqual([
      'toFund must be a different fund from fromFund (P)',
    ]);
  });

  it('names every unknown fund by its field', async () => {
    const error = await failure(transfers.create(ADMIN, dto({ fromFund: 'NOPE', toFund: 'GONE' })));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).messages).toEqual([
      'fromFund NOPE is not a known fund',
      'toFund GONE is not a known fund',
    ]);
  });

  it('refuses a closed fund on either side', async () => {
    await dataSource.manager.update(Fund, { code: 'C' }, { status: 'closed' });
    for (const attempt of [dto(), dto({ fromFund: 'C', toFund: 'P' })]) {
      const error = await failure(transfers.create(ADMIN, attempt));
      expect(error).toBeInstanceOf(BusinessRuleError);
      expect((error as Error).message).toContain('fund C is closed');
    }
  });

  it('refuses to overdraw the sender, writing nothing', async () => {
    const before = await rowCounts();
    const error = await failure(transfers.create(ADMIN, dto({ amount: 1_000_001 })));
    expect(error).toBeInstanceOf(InsufficientFundsError);
    expect((error as Error).message).toContain('account 112');
    // Back-dated before the receipts: the bank had nothing on that day.
    const early = await failure(transfers.create(ADMIN, dto({ date: '2023-02-28' })));
    expect(early).toBeInstanceOf(InsufficientFundsError);
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses a locked period in either fund, writing nothing', async () => {
    const before = await rowCounts();
    await uow.write((tx) => books.lock(tx, 'C', '2023-04-30', false));
    const error = await failure(transfers.create(ADMIN, dto()));
    expect(error).toBeInstanceOf(PeriodLockedError);
    expect((error as Error).message).toContain('fund C is locked through 2023-04-30');
    await uow.write((tx) => books.lock(tx, 'P', '2023-05-31', false));
    expect(await failure(transfers.create(ADMIN, dto({ date: '2023-05-15' })))).toBeInstanceOf(
      PeriodLockedError,
    );
    expect(await rowCounts()).toEqual(before);
    await expect(transfers.create(ADMIN, dto({ date: '2023-06-01' }))).resolves.toMatchObject({ id: 1 });
  });

  it('needs both funds in the actor’s scope', async () => {
    expect(await failure(transfers.create(scoped('C'), dto()))).toBeInstanceOf(ForbiddenError);
    expect(await failure(transfers.create(scoped('P'), dto({ toFund: 'Q' })))).toBeInstanceOf(ForbiddenError);
    await expect(transfers.create(scoped('P', 'C'), dto())).resolves.toMatchObject({ fromFund: 'P' });
  });

  it('shows a transfer to whoever sees either fund, and lists by fund and date', async () => {
    const toC = await transfers.create(ADMIN, dto({ date: '2023-04-10' }));
    const toQ = await transfers.create(ADMIN, dto({ toFund: 'Q', date: '2023-05-10' }));
    await expect(transfers.get(scoped('C'), toC.id)).resolves.toMatchObject({ id: toC.id });
    expect(await failure(transfers.get(scoped('C'), toQ.id))).toBeInstanceOf(NotFoundError);
    expect(await failure(transfers.get(ADMIN, 99))).toBeInstanceOf(NotFoundError);

    const page = { page: 1, pageSize: 50 };
    const ids = async (actor: Actor, q: object) =>
      (await transfers.list(actor, { ...page, ...q })).items.map((t) => t.id);
    expect(await ids(ADMIN, {})).toEqual([toC.id, toQ.id]);
    expect(await ids(ADMIN, { fund: 'Q' })).toEqual([toQ.id]);
    expect(await ids(ADMIN, { fund: 'P', from: '2023-05-01' })).toEqual([toQ.id]);
    expect(await ids(ADMIN, { fund: 'P', to: '2023-04-30' })).toEqual([toC.id]);
    expect(await ids(scoped('C'), {})).toEqual([toC.id]);
    expect(await failure(ids(scoped('C'), { fund: 'Q' }))).toBeInstanceOf(ForbiddenError);
    expect((await transfers.list(ADMIN, { page: 2, pageSize: 1 })).items.map((t) => t.id)).toEqual([toQ.id]);
  });
});
