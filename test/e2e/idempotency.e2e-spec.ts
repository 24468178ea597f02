import type { Response, Test } from 'supertest';
import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { bankReceipt, createUser, expectError, TestUser } from '../support/http';

interface Entry {
  id: number;
  number: number;
  lines: { account: string; debit: string; credit: string }[];
}

let t: TestApp;
let alice: TestUser;
let bob: TestUser;

const post = (token: string, path: string, body: unknown, key?: string): Test => {
  const request = t.http
    .post(path)
    .set(bearer(token))
    .send(body as object);
  return key === undefined ? request : request.set('Idempotency-Key', key);
};

/** Row-count changes between two `counts()`, leaving out the tables that did not move. */
function delta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.keys(after)
      .filter((table) => after[table] !== before[table])
      .map((table) => [table, after[table] - before[table]]),
  );
}

const replayed = (res: Response) => res.headers['idempotent-replayed'] === 'true';

async function entriesIn(fund: string): Promise<number> {
  const res = await t.http.get(`/api/journal-entries?fund=${fund}`).set(bearer(alice.token)).expect(200);
  return (res.body as { total: number }).total;
}

describe(`Idempotency-Key (${DB_LABEL})`, () => {
  beforeAll(async () => {
    t = await startTestApp();
    for (const code of ['I1', 'I2', 'I3', 'I4', 'I5', 'I6']) await t.newFund(code, 'province');
    alice = await createUser(t, 'accountant');
    bob = await createUser(t, 'accountant');
  }, 60_000);
  afterAll(() => t.close());

  describe('POST /api/journal-entries', () => {
    const body = bankReceipt('I1', '2023-07-27', '55500000000', 'Thu đóng góp Tháng 7 tri ân');

    it('answers a retry with the same key and body with the first answer, and writes once', async () => {
      // A second session of the same user (a login writes an audit row, so it happens before counting).
      const again = await t.login(alice.username, alice.password);
      const before = await t.counts();
      const first = await post(alice.token, '/api/journal-entries', body, 'entry-1');
      const second = await post(alice.token, '/api/journal-entries', body, 'entry-1');
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.body).toEqual(first.body);
      expect(replayed(first)).toBe(false);
      expect(replayed(second)).toBe(true);
      expect((second.body as Entry).lines.map((l) => [l.debit, l.credit])).toEqual([
        ['55500000000', '0'],
        ['0', '55500000000'],
      ]);

      // A retry from another session of the same user is still the same request.
      const third = await post(again, '/api/journal-entries', body, 'entry-1').expect(201);
      expect(third.body).toEqual(first.body);

      expect(delta(before, await t.counts())).toEqual({
        journal_entries: 1,
        journal_lines: 2,
        account_balances: 2,
        audit_log: 1,
        idempotency_keys: 1,
      });
      expect(await entriesIn('I1')).toBe(1);
    });

    it('treats the same body with its keys in another order as the same request', async () => {
      const reordered = {
        lines: body.lines.map((l) => Object.fromEntries(Object.entries(l).reverse())),
        description: body.description,
        date: body.date,
        fundCode: body.fundCode,
      };
      expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(body));
      const res = await post(alice.token, '/api/journal-entries', reordered, 'entry-1').expect(201);
      expect(replayed(res)).toBe(true);
      expect(await entriesIn('I1')).toBe(1);
    });

    it('answers 409 to the same key with a different body, and writes nothing', async () => {
      const before = await t.counts();
      const variants = [
        { ...body, description: 'Một bút toán khác' },
        bankReceipt('I1', '2023-07-27', '55500000001', body.description),
        // Same value, other JSON type: a different request body.
        bankReceipt('I1', '2023-07-27', 55_500_000_000, body.description),
      ];
      for (const variant of variants) {
        const messages = expectError(
          await post(alice.token, '/api/journal-entries', variant, 'entry-1'),
          409,
        );
        expect(messages).toEqual([
          expect.stringMatching(/Idempotency-Key was already used with a different request/),
        ]);
      }
      expect(await t.counts()).toEqual(before);
      // The first answer is still there for a faithful retry.
      expect(replayed(await post(alice.token, '/api/journal-entries', body, 'entry-1').expect(201))).toBe(
        true,
      );
    });

    it('answers 409 to the same key on another route', async () => {
      const before = await t.counts();
      const res = await post(
        alice.token,
        '/api/funds/I1/accounts',
        { code: '5119', name: 'Khác', type: 'receipts' },
        'entry-1',
      );
      expectError(res, 409);
      expect(await t.counts()).toEqual(before);
    });

    it("keeps different users' keys apart", async () => {
      const shared = bankReceipt('I2', '2023-08-01', 1000);
      const a = await post(alice.token, '/api/journal-entries', shared, 'shared-key').expect(201);
      const b = await post(bob.token, '/api/journal-entries', shared, 'shared-key').expect(201);
      expect(replayed(b)).toBe(false);
      expect((b.body as Entry).id).not.toBe((a.body as Entry).id);
      expect(await entriesIn('I2')).toBe(2);

      const aAgain = await post(alice.token, '/api/journal-entries', shared, 'shared-key').expect(201);
      const bAgain = await post(bob.token, '/api/journal-entries', shared, 'shared-key').expect(201);
      expect(aAgain.body).toEqual(a.body);
      expect(bAgain.body).toEqual(b.body);
      // Bob reusing his key with another body conflicts with his own request only.
      expectError(
        await post(bob.token, '/api/journal-entries', bankReceipt('I2', '2023-08-01', 2000), 'shared-key'),
        409,
      );
      expect(await entriesIn('I2')).toBe(2);
    });

    it('makes one entry from concurrent identical requests with one key', async () => {
      const before = await t.counts();
      const same = bankReceipt('I3', '2023-09-01', '777');
      const answers = await Promise.all(
        Array.from({ length: 8 }, () =>
          post(alice.token, '/api/journal-entries', same, 'concurrent-1').then((r) => r),
        ),
      );
      expect(answers.map((r) => r.status)).toEqual(Array(8).fill(201));
      for (const answer of answers) expect(answer.body).toEqual(answers[0].body);
      expect(answers.filter((r) => !replayed(r))).toHaveLength(1);
      expect(await entriesIn('I3')).toBe(1);
      expect(delta(before, await t.counts())).toMatchObject({ journal_entries: 1, idempotency_keys: 1 });
    });

    it('lets exactly one of concurrent different requests with one key through; the rest get 409', async () => {
      const answers = await Promise.all(
        [1, 2, 3, 4].map((n) =>
          post(alice.token, '/api/journal-entries', bankReceipt('I3', '2023-09-02', n), 'concurrent-2').then(
            (r) => r,
          ),
        ),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
      for (const answer of answers.filter((r) => r.status === 409)) expectError(answer, 409);
      expect(await entriesIn('I3')).toBe(2);
    });

    it('ignores the key on GET', async () => {
      await t.http
        .get('/api/journal-entries')
        .set(bearer(alice.token))
        .set('Idempotency-Key', 'entry-1')
        .expect(200);
    });

    it('rejects a malformed key with 400, and writes nothing', async () => {
      const before = await t.counts();
      for (const key of ['x'.repeat(201), 'has space', '']) {
        const res = await post(alice.token, '/api/journal-entries', bankReceipt('I4', '2023-01-01', 1), key);
        expect(expectError(res, 400)).toEqual(['Idempotency-Key must be 1 to 200 visible ASCII characters']);
      }
      expect(await t.counts()).toEqual(before);
    });
  });

  describe('a failed request stores nothing under its key', () => {
    it('lets the corrected request use the key of a request that failed validation (400)', async () => {
      const before = await t.counts();
      const bad = {
        ...bankReceipt('I4', '2023-03-01', 500),
        lines: [
          { account: '112', debit: -500 },
          { account: '5118', credit: 500 },
        ],
      };
      expectError(await post(alice.token, '/api/journal-entries', bad, 'fix-me'), 400);
      const unbalanced = bankReceipt('I4', '2023-03-01', 500);
      unbalanced.lines[1].credit = 499;
      expectError(await post(alice.token, '/api/journal-entries', unbalanced, 'fix-me'), 400);
      expect(await t.counts()).toEqual(before);

      const good = bankReceipt('I4', '2023-03-01', 500);
      const fixed = await post(alice.token, '/api/journal-entries', good, 'fix-me').expect(201);
      expect(replayed(fixed)).toBe(false);
      const retry = await post(alice.token, '/api/journal-entries', good, 'fix-me').expect(201);
      expect(retry.body).toEqual(fixed.body);
      expect(await entriesIn('I4')).toBe(1);

      // The bad body is still refused, and still writes nothing, whether as bad input or as a key conflict.
      const stillBad = await post(alice.token, '/api/journal-entries', bad, 'fix-me');
      expect([400, 409]).toContain(stillBad.status);
      expect(await entriesIn('I4')).toBe(1);
    });

    it('lets a request refused by a business rule (422) succeed with the same key once the rule is met', async () => {
      const payment = {
        fundCode: 'I5',
        date: '2023-10-10',
        description: 'Chi thăm hỏi',
        lines: [
          { account: '6113', debit: '300' },
          { account: '111', credit: '300' },
        ],
      };
      const before = await t.counts();
      expectError(await post(alice.token, '/api/journal-entries', payment, 'pay-1'), 422);
      expect(await t.counts()).toEqual(before);

      await post(alice.token, '/api/journal-entries', {
        fundCode: 'I5',
        date: '2023-10-01',
        description: 'Thu tiền mặt',
        lines: [
          { account: '111', debit: '300' },
          { account: '5114', credit: '300' },
        ],
      }).expect(201);
      // Money out waits for an approver (202); the key now answers with that request.
      const paid = await post(alice.token, '/api/journal-entries', payment, 'pay-1').expect(202);
      expect(replayed(paid)).toBe(false);
      expect(replayed(await post(alice.token, '/api/journal-entries', payment, 'pay-1').expect(202))).toBe(
        true,
      );
      // The receipt only: the payment waits for its approver.
      expect(await entriesIn('I5')).toBe(1);
    });

    it('does not spend the key on a 404', async () => {
      expectError(
        await post(
          alice.token,
          '/api/journal-entries/987654/reverse',
          { date: '2023-01-01', reason: 'x' },
          'k404',
        ),
        404,
      );
      await post(alice.token, '/api/journal-entries', bankReceipt('I6', '2023-01-01', 5), 'k404').expect(201);
    });
  });

  describe('other creating routes', () => {
    it('POST /api/journal-entries/:id/reverse replays the reversal, and a new key gets 409', async () => {
      const original = (
        await post(alice.token, '/api/journal-entries', bankReceipt('I6', '2023-02-01', 90)).expect(201)
      ).body as Entry;
      const path = `/api/journal-entries/${original.id}/reverse`;
      const body = { date: '2023-02-02', reason: 'Ghi nhầm' };
      const before = await t.counts();
      const first = await post(alice.token, path, body, 'rev-1').expect(201);
      const second = await post(alice.token, path, body, 'rev-1').expect(201);
      expect(second.body).toEqual(first.body);
      expect(replayed(second)).toBe(true);
      expect(delta(before, await t.counts())).toMatchObject({ journal_entries: 1, idempotency_keys: 1 });
      expectError(await post(alice.token, path, body, 'rev-2'), 409);
      expectError(await post(alice.token, path, { ...body, reason: 'Khác' }, 'rev-1'), 409);
    });

    it('POST /api/funds replays the fund; without a key the same request is a duplicate (409)', async () => {
      const body = { code: 'IF', name: 'Quỹ xã Idem', level: 'commune', parentCode: 'I1' };
      const before = await t.counts();
      const first = await post(t.adminToken, '/api/funds', body, 'fund-1').expect(201);
      const second = await post(t.adminToken, '/api/funds', body, 'fund-1').expect(201);
      expect(second.body).toEqual(first.body);
      expect(first.body).toMatchObject({ code: 'IF', level: 'commune', parentCode: 'I1' });
      const moved = delta(before, await t.counts());
      expect(moved).toMatchObject({ funds: 1, books: 1, idempotency_keys: 1, audit_log: 1 });
      expect(moved.accounts).toBeGreaterThan(0);
      expectError(await post(t.adminToken, '/api/funds', body), 409);
      expectError(await post(t.adminToken, '/api/funds', { ...body, name: 'Tên khác' }, 'fund-1'), 409);
    });

    it('POST /api/users replays the user without ever echoing the password', async () => {
      const body = { username: 'idem.user', password: 'idem-password-1', role: 'auditor' };
      const before = await t.counts();
      const first = await post(t.adminToken, '/api/users', body, 'user-1').expect(201);
      const second = await post(t.adminToken, '/api/users', body, 'user-1').expect(201);
      expect(second.body).toEqual(first.body);
      expect(first.body).toMatchObject({ id: expect.any(Number), username: 'idem.user', role: 'auditor' });
      expect(second.text).not.toContain('idem-password-1');
      expect(delta(before, await t.counts())).toEqual({ users: 1, idempotency_keys: 1, audit_log: 1 });
      expectError(await post(t.adminToken, '/api/users', body), 409);
      expectError(await post(t.adminToken, '/api/users', { ...body, role: 'admin' }, 'user-1'), 409);
    });

    it('POST /api/funds/:code/accounts and /lock replay with their own status', async () => {
      const account = { code: '5119', name: 'Thu tài trợ khác', type: 'receipts' };
      const a1 = await post(alice.token, '/api/funds/I6/accounts', account, 'acct-1').expect(201);
      const a2 = await post(alice.token, '/api/funds/I6/accounts', account, 'acct-1').expect(201);
      expect(a2.body).toEqual(a1.body);

      const approver = await createUser(t, 'approver');
      const l1 = await post(approver.token, '/api/funds/I6/lock', { through: '2022-12-31' }, 'lock-1').expect(
        200,
      );
      const l2 = await post(approver.token, '/api/funds/I6/lock', { through: '2022-12-31' }, 'lock-1').expect(
        200,
      );
      expect(l2.body).toEqual(l1.body);
      expect(replayed(l2)).toBe(true);
    });
  });

  describe('login and logout ignore the key (they create no record to replay)', () => {
    it('gives every login its own working token, and stores no token', async () => {
      const before = await t.counts();
      const login = () =>
        t.http
          .post('/api/auth/login')
          .set('Idempotency-Key', 'login-1')
          .send({ username: bob.username, password: bob.password })
          .expect(200);
      const first = await login();
      const second = await login();
      const tokens = [first.body.token as string, second.body.token as string];
      expect(typeof tokens[0]).toBe('string');
      expect(tokens[1]).not.toBe(tokens[0]);
      expect(second.body).toMatchObject({ user: { username: bob.username, role: 'accountant' } });
      for (const token of tokens) await t.http.get('/api/auth/me').set(bearer(token)).expect(200);
      expect(delta(before, await t.counts()).idempotency_keys).toBeUndefined();

      const stored = await t.dataSource.query<{ response_body: string }[]>(
        'SELECT response_body FROM idempotency_keys',
      );
      for (const row of stored) for (const token of tokens) expect(row.response_body).not.toContain(token);

      // Logging out twice with one key really ends both sessions: the second is not a replay of the first.
      await t.http
        .post('/api/auth/logout')
        .set(bearer(tokens[0]))
        .set('Idempotency-Key', 'logout-1')
        .expect(204);
      await t.http
        .post('/api/auth/logout')
        .set(bearer(tokens[1]))
        .set('Idempotency-Key', 'logout-1')
        .expect(204);
      for (const token of tokens) expectError(await t.http.get('/api/auth/me').set(bearer(token)), 401);
    });
  });
});
