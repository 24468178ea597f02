import Database from 'better-sqlite3';
import { InsufficientFundsError } from '../../src/common/errors';
import { Money } from '../../src/common/money';
import type { EntryView } from '../../src/ledger/ledger.types';
import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL, POSTGRES_URL } from '../support/database';
import {
  chainHead,
  createFund,
  Ledger,
  openLedger,
  post,
  rowCounts,
  snapshot,
  tableInvariantProblems,
} from './harness';

/**
 * Invariant 8 and the write path under stress: a write happens completely or not at all, concurrent writes
 * are serialized without gaps, and the cash rule holds under concurrency. (A process killed mid-write: crash.spec.ts.)
 */

describe(`a failed UnitOfWork.write leaves nothing behind (${DB_LABEL})`, () => {
  let ledger: Ledger;

  beforeAll(async () => {
    ledger = await openLedger();
    await createFund(ledger, 'AT');
    // Earlier entries in the same month, so a rollback must also undo an update of an existing balance row.
    await post(ledger, 'AT', '2024-02-01', [
      { account: '111', debit: 10_000_000n },
      { account: '5114', credit: 10_000_000n },
    ]);
    await post(ledger, 'AT', '2024-02-02', [
      { account: '6113', debit: 1_000_000n },
      { account: '111', credit: 1_000_000n },
    ]);
  });

  afterAll(() => ledger.close());

  it('(a) a callback that posts an entry and then throws: no entry, no lines, no balance change, no audit row', async () => {
    const manager = ledger.dataSource.manager;
    const before = await snapshot(manager);
    let posted: EntryView | null = null;
    await expect(
      ledger.uow.write(async (tx) => {
        posted = await ledger.posting.post(tx, {
          fundCode: 'AT',
          date: '2024-02-03',
          description: 'Chi rồi lỗi',
          source: 'manual',
          postedBy: 'reliability',
          lines: [
            { account: '6111', debit: Money.parse('2500000') },
            { account: '111', credit: Money.parse('2500000') },
          ],
        });
        throw new Error('boom after posting');
      }),
    ).rejects.toThrow('boom after posting');
    // The entry had been written inside the transaction …
    expect(posted).not.toBeNull();
    // … and is gone with everything it touched.
    expect(await snapshot(manager)).toEqual(before);
    expect(await tableInvariantProblems(manager)).toEqual([]);
    expect((await ledger.verifier.verify(manager)).ok).toBe(true);

    // The next posting takes the number the rolled-back one had.
    const next = await post(ledger, 'AT', '2024-02-03', [
      { account: '6111', debit: 2_500_000n },
      { account: '111', credit: 2_500_000n },
    ]);
    expect(next.number).toBe(3);
    expect((await ledger.verifier.verify(manager)).ok).toBe(true);
  });

  it('(a) two postings in one write, the second refused: the first is rolled back with it', async () => {
    const manager = ledger.dataSource.manager;
    const before = await snapshot(manager);
    await expect(
      ledger.uow.write(async (tx) => {
        const input = (amount: string) => ({
          fundCode: 'AT',
          date: '2024-02-10',
          description: 'Chi',
          source: 'manual' as const,
          postedBy: 'reliability',
          lines: [
            { account: '6113', debit: Money.parse(amount) },
            { account: '111', credit: Money.parse(amount) },
          ],
        });
        await ledger.posting.post(tx, input('4000000')); // fits: 6.500.000 đ in cash
        await ledger.posting.post(tx, input('4000000')); // does not
      }),
    ).rejects.toBeInstanceOf(InsufficientFundsError);
    expect(await snapshot(manager)).toEqual(before);
    expect((await ledger.verifier.verify(manager)).ok).toBe(true);
  });
});

describe(`concurrent requests through HTTP (${DB_LABEL})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(() => t.close());

  const entry = (fundCode: string, date: string, debit: string, credit: string, amount: number | string) => ({
    fundCode,
    date,
    description: 'Bút toán đồng thời',
    lines: [
      { account: debit, debit: String(amount) },
      { account: credit, credit: String(amount) },
    ],
  });

  const cashOf = async (fundCode: string) => {
    const accounts = (
      await t.http.get(`/api/funds/${fundCode}/accounts`).set(bearer(t.adminToken)).expect(200)
    ).body as { code: string; balance: string }[];
    return BigInt(accounts.find((a) => a.code === '111')?.balance ?? 'x');
  };

  const verifyOk = async () => {
    const res = await t.http.get('/api/audit/verify').set(bearer(t.adminToken)).expect(200);
    expect(res.body).toMatchObject({ ok: true, problems: [] });
    expect(await tableInvariantProblems(t.dataSource.manager)).toEqual([]);
  };

  it('(b) 50 concurrent postings on one fund all succeed, numbered 1..50 without a gap', async () => {
    await t.newFund('CB');
    const before = await rowCounts(t.dataSource.manager);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.http
          .post('/api/journal-entries')
          .set(bearer(t.adminToken))
          .send(entry('CB', `2024-07-${String((i % 28) + 1).padStart(2, '0')}`, '111', '5114', 1_000 + i)),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 50 }, () => 201));
    const bodies = responses.map((r) => r.body as EntryView);
    expect(bodies.map((b) => b.number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(new Set(bodies.map((b) => b.id)).size).toBe(50);
    // Each request got back its own entry.
    bodies.forEach((b, i) => expect(b.lines[0].debit).toBe(String(1_000 + i)));

    const after = await rowCounts(t.dataSource.manager);
    expect(after.journal_entries - before.journal_entries).toBe(50);
    expect(after.audit_log - before.audit_log).toBe(50);
    expect((await chainHead(t.dataSource.manager)).entryCount).toBe(after.journal_entries);
    const sum = bodies.reduce((s, b) => s + BigInt(b.lines[0].debit), 0n);
    expect(await cashOf('CB')).toBe(sum);
    await verifyOk();
  });

  it('(b) concurrent retries with one Idempotency-Key write one entry and all get its answer', async () => {
    await t.newFund('CI');
    const before = await rowCounts(t.dataSource.manager);
    const body = entry('CI', '2024-07-01', '111', '5111', 777_000);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.http
          .post('/api/journal-entries')
          .set(bearer(t.adminToken))
          .set('Idempotency-Key', 'concurrent-retry-1')
          .send(body),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 201));
    const ids = new Set(responses.map((r) => (r.body as EntryView).id));
    expect(ids.size).toBe(1);
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
    const after = await rowCounts(t.dataSource.manager);
    expect(after.journal_entries - before.journal_entries).toBe(1);
    expect(after.idempotency_keys - before.idempotency_keys).toBe(1);
    expect(await cashOf('CI')).toBe(777_000n);
    await verifyOk();
  });

  // A manual payment from cash waits for an approver (202); the money moves when it is approved. So the race is
  // between approvals: requests that each fit alone, approved at once, must never take cash below zero.
  const submit = (fundCode: string, date: string, amount: bigint | number) =>
    t.http
      .post('/api/journal-entries')
      .set(bearer(t.adminToken))
      .send(entry(fundCode, date, '6113', '111', amount.toString()));
  const approveAll = async (requestIds: number[]) => {
    const approver = await t.newUser('approver');
    return Promise.all(
      requestIds.map((id) =>
        t.http.post(`/api/manual-entry-requests/${id}/approve`).set(bearer(approver)).send({}),
      ),
    );
  };

  it('(c) concurrent approvals of equal payments from cash: exactly as many as fit succeed, the rest get 422', async () => {
    await t.newFund('CE');
    await t.http
      .post('/api/journal-entries')
      .set(bearer(t.adminToken))
      .send(entry('CE', '2024-06-01', '111', '5114', 1_000_000))
      .expect(201);
    const requestIds: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await submit('CE', '2024-06-10', 100_000);
      expect(res.status).toBe(202);
      requestIds.push((res.body as { requestId: number }).requestId);
    }
    const responses = await approveAll(requestIds);
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 422)).toHaveLength(15);
    for (const res of responses.filter((r) => r.status === 422)) {
      expect((res.body as { message: string[] }).message.join(' ')).toMatch(
        /account 111 .* may not go below zero/,
      );
    }
    const numbers = await Promise.all(
      responses
        .filter((r) => r.status === 200)
        .map(async (r) => {
          const id = (r.body as { entryId: number }).entryId;
          const got = await t.http.get(`/api/journal-entries/${id}`).set(bearer(t.adminToken)).expect(200);
          return (got.body as EntryView).number;
        }),
    );
    expect(numbers.sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(await cashOf('CE')).toBe(0n);
    await verifyOk();
  });

  it('(c) concurrent approvals of mixed amounts and dates: every refused one did not fit, cash never below zero', async () => {
    await t.newFund('CM');
    const balance = 1_000_000n;
    await t.http
      .post('/api/journal-entries')
      .set(bearer(t.adminToken))
      .send(entry('CM', '2024-06-05', '111', '5111', balance.toString()))
      .expect(201);
    const amounts = [
      50_000n,
      730_000n,
      120_000n,
      999_999n,
      1n,
      260_000n,
      45_000n,
      1_000_000n,
      310_000n,
      80_000n,
      15_000n,
      500_000n,
      2n,
      90_000n,
      220_000n,
      1_000_001n,
    ];
    // Some back-dated to before the receipt: no day may end below zero, so those never fit, and neither does
    // more than the whole balance; both are refused when submitted, before any approver sees them.
    const dates = amounts.map((_, i) => (i % 5 === 4 ? '2024-06-04' : '2024-06-05'));
    const submitted: { amount: bigint; requestId: number }[] = [];
    for (let i = 0; i < amounts.length; i++) {
      const res = await submit('CM', dates[i], amounts[i]);
      if (dates[i] === '2024-06-04' || amounts[i] > balance) {
        expect(res.status).toBe(422);
        expect((res.body as { message: string[] }).message.join(' ')).toMatch(/account 111 /);
      } else {
        expect(res.status).toBe(202);
        submitted.push({ amount: amounts[i], requestId: (res.body as { requestId: number }).requestId });
      }
    }
    const responses = await approveAll(submitted.map((r) => r.requestId));
    let paid = 0n;
    const refused: bigint[] = [];
    responses.forEach((res, i) => {
      expect([200, 422]).toContain(res.status);
      if (res.status === 200) paid += submitted[i].amount;
      else {
        refused.push(submitted[i].amount);
        expect((res.body as { message: string[] }).message.join(' ')).toMatch(/account 111 /);
      }
    });
    const remaining = balance - paid;
    expect(remaining >= 0n).toBe(true);
    expect(await cashOf('CM')).toBe(remaining);
    // Writes are serialized: each refused approval was for more than was left when its turn came, hence more
    // than is left now.
    for (const amount of refused)
      expect({ amount, fitsNow: amount <= remaining }).toEqual({ amount, fitsNow: false });
    expect(refused.length).toBeGreaterThan(0);
    expect(paid > 0n).toBe(true);
    await verifyOk();
  });
});

// On SQLite (PostgreSQL's advisory locks are the concurrency specs' matter).
(POSTGRES_URL ? describe.skip : describe)(
  `a write holds the database from its first statement (${DB_LABEL})`,
  () => {
    let ledger: Ledger;

    beforeAll(async () => {
      ledger = await openLedger();
    });

    afterAll(() => ledger.close());

    it('on SQLite another process cannot start writing while a write is open, before it has changed a row', async () => {
      const other = new Database(ledger.db.file as string, { timeout: 0 });
      try {
        const attempts: string[] = [];
        await ledger.uow.write(() => {
          try {
            other.exec('BEGIN IMMEDIATE');
            other.exec('ROLLBACK');
            attempts.push('got the lock');
          } catch (error) {
            attempts.push((error as { code?: string }).code ?? String(error));
          }
          return Promise.resolve();
        });
        expect(attempts).toEqual(['SQLITE_BUSY']);
        // And the write, having changed nothing, let it go at its end.
        other.exec('BEGIN IMMEDIATE');
        other.exec('ROLLBACK');
      } finally {
        other.close();
      }
    });
  },
);
