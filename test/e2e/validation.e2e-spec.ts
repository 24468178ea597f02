import type { Test } from 'supertest';
import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { bankReceipt, expectError } from '../support/http';
import { postEntry as postApproved } from '../support/manual-entries';

interface Entry {
  id: number;
  lines: { account: string; debit: string; credit: string }[];
}

let t: TestApp;
let accountant: string;
let approver: string;

const postEntry = (body: unknown, token = accountant): Test =>
  t.http
    .post('/api/journal-entries')
    .set(bearer(token))
    .send(body as object);

/**
 * Sends a request that must fail with `status`, checks the error body, that there is one message per expected
 * problem (each matching its pattern, in order), and that the request wrote nothing at all.
 */
async function rejects(send: () => Test, status: number, expected: RegExp[]): Promise<string[]> {
  const before = await t.counts();
  const messages = expectError(await send(), status);
  expect(messages).toEqual(expected.map((pattern): unknown => expect.stringMatching(pattern)));
  expect(await t.counts()).toEqual(before);
  return messages;
}

/** As `rejects`, for requests where a validator may word one problem more than one way: every message names `field`. */
async function rejectsField(send: () => Test, field: string): Promise<void> {
  const before = await t.counts();
  const messages = expectError(await send(), 400);
  for (const message of messages)
    expect(message).toMatch(new RegExp(`^(${field} |each value in nested property ${field})`));
  expect(await t.counts()).toEqual(before);
}

async function balanceOf(fund: string, account: string): Promise<string> {
  const res = await t.http.get(`/api/funds/${fund}/accounts`).set(bearer(accountant)).expect(200);
  const row = (res.body as { code: string; balance: string }[]).find((a) => a.code === account);
  if (!row) throw new Error(`no account ${account} in ${fund}`);
  return row.balance;
}

const line = (account: string, side: 'debit' | 'credit', amount: unknown) => ({ account, [side]: amount });
const VALID = bankReceipt('V', '2023-03-01', 1000);

describe(`bad input is a 400 that writes nothing (${DB_LABEL})`, () => {
  beforeAll(async () => {
    t = await startTestApp();
    await t.newFund('V', 'province');
    await t.newFund('V-C1', 'commune', 'V');
    accountant = await t.newUser('accountant');
    approver = await t.newUser('approver');
    // An account only the commune has: unknown to V.
    await t.http
      .post('/api/funds/V-C1/accounts')
      .set(bearer(accountant))
      .send({ code: '5119', name: 'Thu tài trợ khác', type: 'receipts' })
      .expect(201);
  });
  afterAll(() => t.close());

  describe('amounts (CONTRACT.md: whole đồng, a JSON integer or a string of digits, 0 < amount ≤ 10^15)', () => {
    const BAD_AMOUNTS: [string, unknown, RegExp][] = [
      ['a negative number', -5, /must not be negative$/],
      ['a negative string "-5"', '-5', /must not be negative$/],
      ['zero', 0, /must be a positive whole number of đồng$/],
      ['zero as "0"', '0', /must be a positive whole number of đồng$/],
      ['"000"', '000', /must be a positive whole number of đồng$/],
      ['a fraction 1.5', 1.5, /without a fraction/],
      ['a fraction "1.5"', '1.5', /without a fraction/],
      ['thousands separators "1.000.000"', '1.000.000', /without a fraction or separators/],
      ['exponent form "1e6"', '1e6', /not in exponent form/],
      ['exponent form "1E6"', '1E6', /not in exponent form/],
      ['blank ""', '', /must not be blank$/],
      ['blank "   "', '   ', /must not be blank$/],
      ['10^15 + 1 as a number', 1_000_000_000_000_001, /must not exceed 1000000000000000 đồng$/],
      ['10^15 + 1 as a string', '1000000000000001', /must not exceed 1000000000000000 đồng$/],
      ['10^16 as a number', 1e16, /must not exceed 1000000000000000 đồng$/],
      ['a 30-digit string', '1'.repeat(30), /must not exceed 1000000000000000 đồng$/],
      ['non-numeric "abc"', 'abc', /must be a string of digits$/],
      ['digits with a space " 5"', ' 5', /must be a string of digits$/],
      ['a plus sign "+5"', '+5', /must be a string of digits$/],
      ['a boolean', true, /a JSON integer or a string of digits/],
      ['null', null, /a JSON integer or a string of digits/],
      ['an object', { amount: 5 }, /a JSON integer or a string of digits/],
      ['an array', [5], /a JSON integer or a string of digits/],
    ];

    it.each(BAD_AMOUNTS)('rejects %s as a debit', async (_label, amount, reason) => {
      const body = { ...VALID, lines: [line('112', 'debit', amount), line('5118', 'credit', 1000)] };
      await rejects(() => postEntry(body), 400, [new RegExp(`^lines\\.0\\.debit .*${reason.source}`)]);
    });

    it.each(BAD_AMOUNTS)('rejects %s as a credit', async (_label, amount, reason) => {
      const body = { ...VALID, lines: [line('112', 'debit', 1000), line('5118', 'credit', amount)] };
      await rejects(() => postEntry(body), 400, [new RegExp(`^lines\\.1\\.credit .*${reason.source}`)]);
    });

    it('accepts exactly 10^15, as a number and as a string, and answers digit strings', async () => {
      const res = await postEntry({
        ...VALID,
        lines: [line('112', 'debit', 1_000_000_000_000_000), line('5118', 'credit', '1000000000000000')],
      }).expect(201);
      expect((res.body as Entry).lines).toEqual([
        expect.objectContaining({ account: '112', debit: '1000000000000000', credit: '0' }),
        expect.objectContaining({ account: '5118', debit: '0', credit: '1000000000000000' }),
      ]);
    });

    it('names every bad amount, one message each', async () => {
      const body = {
        ...VALID,
        lines: [line('112', 'debit', -5), line('5118', 'credit', '1.5'), line('5118', 'credit', '1e6')],
      };
      await rejects(() => postEntry(body), 400, [
        /^lines\.0\.debit must not be negative$/,
        /^lines\.1\.credit .*without a fraction/,
        /^lines\.2\.credit .*exponent form/,
      ]);
    });
  });

  describe('journal entries', () => {
    it('rejects an unbalanced entry', async () => {
      const body = { ...VALID, lines: [line('112', 'debit', 1000), line('5118', 'credit', '999')] };
      await rejects(() => postEntry(body), 400, [
        /^entry does not balance: debits 1\.000 đ ≠ credits 999 đ$/,
      ]);
    });

    it('rejects an unknown account, and an account of another fund', async () => {
      await rejects(
        () => postEntry({ ...VALID, lines: [line('999', 'debit', 1000), line('5118', 'credit', 1000)] }),
        400,
        [/^lines\.0\.account 999 is not an account of fund V$/],
      );
      await rejects(
        () => postEntry({ ...VALID, lines: [line('112', 'debit', 1000), line('5119', 'credit', 1000)] }),
        400,
        [/^lines\.1\.account 5119 is not an account of fund V$/],
      );
    });

    it('rejects a line with both a debit and a credit', async () => {
      const body = {
        ...VALID,
        lines: [
          { account: '112', debit: 500, credit: 500 },
          line('112', 'debit', 500),
          line('5118', 'credit', 500),
        ],
      };
      await rejects(() => postEntry(body), 400, [
        /^lines\.0 must have either a positive debit or a positive credit/,
      ]);
    });

    it('rejects a line with neither a debit nor a credit', async () => {
      const body = {
        ...VALID,
        lines: [{ account: '138' }, line('112', 'debit', 500), line('5118', 'credit', 500)],
      };
      await rejects(() => postEntry(body), 400, [
        /^lines\.0 must have either a positive debit or a positive credit/,
      ]);
    });

    it.each([
      ['one line', [line('112', 'debit', 1000)], /^lines must contain at least 2 elements$/],
      ['no lines', [], /^lines must contain at least 2 elements$/],
      [
        '201 lines',
        Array.from({ length: 201 }, (_, i) => line(i % 2 ? '5118' : '112', i % 2 ? 'credit' : 'debit', 1)),
        /^lines must contain no more than 200 elements$/,
      ],
    ])('rejects %s', async (_label, lines, reason) => {
      await rejects(() => postEntry({ ...VALID, lines }), 400, [reason]);
    });

    it.each(['fundCode', 'date', 'description', 'lines'])('rejects an entry without %s', async (field) => {
      const body: Record<string, unknown> = { ...VALID };
      delete body[field];
      await rejectsField(() => postEntry(body), field);
    });

    it('rejects lines that are not a list, and a line without an account', async () => {
      await rejectsField(() => postEntry({ ...VALID, lines: 'x' }), 'lines');
      await rejectsField(
        () => postEntry({ ...VALID, lines: [{ debit: 1000 }, line('5118', 'credit', 1000)] }),
        'lines\\.0\\.account',
      );
    });

    it('rejects unknown fields, at the top and inside a line', async () => {
      await rejects(() => postEntry({ ...VALID, approvedBy: 'me' }), 400, [
        /^property approvedBy should not exist$/,
      ]);
      await rejects(
        () =>
          postEntry({
            ...VALID,
            lines: [{ ...line('112', 'debit', 1000), vat: 10 }, line('5118', 'credit', 1000)],
          }),
        400,
        [/^lines\.0\.property vat should not exist$/],
      );
    });

    it.each(['2023-02-30', '2023-13-01', '2023-1-1', '23-01-01', '2023-01-01T00:00:00Z', '', '01/03/2023'])(
      'rejects the date %j',
      async (date) => {
        await rejects(() => postEntry({ ...VALID, date }), 400, [/^date must be a date written YYYY-MM-DD$/]);
      },
    );

    it('rejects a date that is not a string', async () => {
      await rejects(() => postEntry({ ...VALID, date: 20230301 }), 400, [
        /^date must be a date written YYYY-MM-DD$/,
      ]);
    });

    it('rejects an unknown fund', async () => {
      await rejects(() => postEntry({ ...VALID, fundCode: 'NOPE' }), 400, [
        /^fundCode NOPE is not a known fund$/,
      ]);
    });

    it('rejects a blank description', async () => {
      await rejects(() => postEntry({ ...VALID, description: '   ' }), 400, [
        /^description must not be blank$/,
      ]);
    });

    it('reports several problems of an entry at once, one message each', async () => {
      const body = { ...VALID, lines: [line('999', 'debit', 1000), line('5118', 'credit', 10)] };
      await rejects(() => postEntry(body), 400, [/^lines\.0\.account 999 /, /^entry does not balance/]);
    });

    it('rejects malformed JSON', async () => {
      await rejects(
        () =>
          t.http
            .post('/api/journal-entries')
            .set(bearer(accountant))
            .set('Content-Type', 'application/json')
            .send('{"fundCode": "V",'),
        400,
        [/./],
      );
    });

    it('rejects bad query parameters of the list, one message per parameter', async () => {
      const res = await t.http
        .get('/api/journal-entries?from=2023-02-30&page=0&pageSize=501')
        .set(bearer(accountant));
      expect(expectError(res, 400)).toEqual([
        expect.stringMatching(/^from must be a date/),
        expect.stringMatching(/^page must not be less than 1$/),
        expect.stringMatching(/^pageSize must not be greater than 500$/),
      ]);
      expectError(
        await t.http.get('/api/journal-entries?page=100000000000000000000').set(bearer(accountant)),
        400,
      );
      expectError(
        await t.http.get('/api/reports/trial-balance?fund=V&asOf=2023-02-30').set(bearer(accountant)),
        400,
      );
      expectError(
        await t.http.get('/api/reports/trial-balance?asOf=2023-01-01').set(bearer(accountant)),
        400,
      );
    });

    it('still accepts the valid entry these cases were built from', async () => {
      const res = await postEntry(VALID).expect(201);
      expect((res.body as Entry).lines.map((l) => [l.account, l.debit, l.credit])).toEqual([
        ['112', '1000', '0'],
        ['5118', '0', '1000'],
      ]);
    });
  });

  describe('funds', () => {
    const postFund = (body: object) => t.http.post('/api/funds').set(bearer(t.adminToken)).send(body);

    it.each([
      [
        'a bad level',
        { code: 'X1', name: 'x', level: 'village' },
        /^level must be one of the following values/,
      ],
      [
        'a commune without a parent',
        { code: 'X2', name: 'x', level: 'commune' },
        /^parentCode is required for a commune fund$/,
      ],
      [
        'a district without a parent',
        { code: 'X3', name: 'x', level: 'district' },
        /^parentCode is required for a district fund$/,
      ],
      [
        'an unknown parent',
        { code: 'X4', name: 'x', level: 'commune', parentCode: 'NOPE' },
        /^parentCode NOPE is not a known fund$/,
      ],
      [
        'a parent of a lower level',
        { code: 'X5', name: 'x', level: 'district', parentCode: 'V-C1' },
        /^a district fund cannot sit below the commune fund V-C1$/,
      ],
      ['a bad code', { code: 'a b', name: 'x', level: 'province' }, /^code must be 1 to 32 letters/],
      [
        'an unknown field',
        { code: 'X6', name: 'x', level: 'province', budget: 5 },
        /^property budget should not exist$/,
      ],
      [
        'validTo before validFrom',
        { code: 'X7', name: 'x', level: 'province', validFrom: '2020-01-01', validTo: '2019-12-31' },
        /^validTo must not be before validFrom$/,
      ],
    ])('rejects %s with 400', async (_label, body, reason) => {
      await rejects(() => postFund(body), 400, [reason]);
    });

    it('rejects a duplicate code with 409', async () => {
      await rejects(() => postFund({ code: 'V', name: 'Lần hai', level: 'province' }), 409, [
        /^fund V already exists$/,
      ]);
    });
  });

  describe('users', () => {
    const postUser = (body: object) => t.http.post('/api/users').set(bearer(t.adminToken)).send(body);

    it.each([
      [
        'a bad role',
        { username: 'new.user', password: 'long-enough-phrase', role: 'boss' },
        /^role must be one of the following values/,
      ],
      [
        'a short password',
        { username: 'new.user', password: 'short', role: 'auditor' },
        /^password must be at least 12 characters$/,
      ],
      [
        'a bad username',
        { username: 'Bad Name', password: 'long-enough-phrase', role: 'auditor' },
        /^username must be 2 to 64/,
      ],
      [
        'an unknown fund',
        { username: 'new.user', password: 'long-enough-phrase', role: 'auditor', fundCode: 'NOPE' },
        /^fundCode NOPE is not a known fund$/,
      ],
    ])('rejects %s with 400', async (_label, body, reason) => {
      await rejects(() => postUser(body), 400, [reason]);
    });

    it('rejects a duplicate username with 409', async () => {
      await rejects(
        () => postUser({ username: 'admin', password: 'long-enough-phrase', role: 'admin' }),
        409,
        [/^user admin already exists$/],
      );
    });
  });

  describe('reversals', () => {
    let original: number;
    const reverse = (id: number | string, body: object) =>
      t.http.post(`/api/journal-entries/${id}/reverse`).set(bearer(accountant)).send(body);

    beforeAll(async () => {
      original = ((await postEntry(bankReceipt('V', '2023-06-10', 2500)).expect(201)).body as Entry).id;
    });

    it('answers 404 to an unknown id, however large, and 400 to one that is not a number', async () => {
      await rejects(() => reverse(987654, { date: '2023-06-11', reason: 'x' }), 404, [
        /^journal entry 987654 does not exist$/,
      ]);
      await rejects(() => reverse('99999999999', { date: '2023-06-11', reason: 'x' }), 404, [
        /does not exist$/,
      ]);
      await rejects(() => reverse('abc', { date: '2023-06-11', reason: 'x' }), 400, [/./]);
      expectError(await t.http.get('/api/journal-entries/99999999999').set(bearer(accountant)), 404);
    });

    it('rejects a reversal dated before the original', async () => {
      await rejects(() => reverse(original, { date: '2023-06-09', reason: 'Ghi nhầm' }), 400, [
        /^date must not be before the reversed entry's date 2023-06-10$/,
      ]);
    });

    it('rejects a reversal without a reason or with a bad date', async () => {
      await rejectsField(() => reverse(original, { date: '2023-06-11' }), 'reason');
      await rejects(() => reverse(original, { date: '2023-06-31', reason: 'x' }), 400, [
        /^date must be a date/,
      ]);
    });

    it('reverses once, and answers 409 the second time', async () => {
      const first = await reverse(original, { date: '2023-06-10', reason: 'Ghi nhầm' }).expect(201);
      const reversal = first.body as Entry & { reversalOf: number };
      expect(reversal.reversalOf).toBe(original);
      expect(reversal.lines.map((l) => [l.account, l.debit, l.credit])).toEqual([
        ['112', '0', '2500'],
        ['5118', '2500', '0'],
      ]);
      await rejects(() => reverse(original, { date: '2023-06-12', reason: 'Lần nữa' }), 409, [
        new RegExp(`^journal entry ${original} was already reversed by entry ${reversal.id}$`),
      ]);
    });
  });

  describe('the lock date', () => {
    let march: number;
    const lock = (token: string, through: string) =>
      t.http.post('/api/funds/LK/lock').set(bearer(token)).send({ through });

    beforeAll(async () => {
      await t.newFund('LK', 'province');
      march = ((await postEntry(bankReceipt('LK', '2023-03-31', 100)).expect(201)).body as Entry).id;
      const locked = await lock(approver, '2023-03-31').expect(200);
      expect(locked.body).toEqual({ code: 'LK', lockedThrough: '2023-03-31' });
    });

    it('refuses posting on or before the lock date with 409, and allows the day after', async () => {
      for (const date of ['2023-03-31', '2023-03-01', '2020-01-01']) {
        await rejects(() => postEntry(bankReceipt('LK', date, 100)), 409, [
          /^fund LK is locked through 2023-03-31/,
        ]);
      }
      await postEntry(bankReceipt('LK', '2023-04-01', 100)).expect(201);
    });

    it('dates the reversal of a locked entry after the lock', async () => {
      await rejects(
        () =>
          t.http
            .post(`/api/journal-entries/${march}/reverse`)
            .set(bearer(accountant))
            .send({ date: '2023-03-31', reason: 'x' }),
        409,
        [/locked through 2023-03-31/],
      );
      await t.http
        .post(`/api/journal-entries/${march}/reverse`)
        .set(bearer(accountant))
        .send({ date: '2023-04-02', reason: 'Sửa sai' })
        .expect(201);
    });

    it('lets an approver move the lock forward but not back (403); an admin may move it back', async () => {
      await rejects(() => lock(approver, '2023-02-28'), 403, [/only an admin may move the lock date back/]);
      await rejects(() => postEntry(bankReceipt('LK', '2023-03-15', 100)), 409, [
        /locked through 2023-03-31/,
      ]);

      await lock(approver, '2023-04-30').expect(200);
      await rejects(() => postEntry(bankReceipt('LK', '2023-04-15', 100)), 409, [
        /locked through 2023-04-30/,
      ]);

      const reopened = await lock(t.adminToken, '2023-02-28').expect(200);
      expect(reopened.body).toEqual({ code: 'LK', lockedThrough: '2023-02-28' });
      await postEntry(bankReceipt('LK', '2023-03-15', 100)).expect(201);
    });

    it('rejects a bad lock date with 400 and an unknown fund with 404', async () => {
      await rejects(() => lock(approver, '2023-02-29'), 400, [/^through must be a date written YYYY-MM-DD$/]);
      await rejects(
        () => t.http.post('/api/funds/NOPE/lock').set(bearer(approver)).send({ through: '2023-01-31' }),
        404,
        [/^fund NOPE does not exist$/],
      );
    });
  });

  describe('cash and bank never go below zero', () => {
    const payment = (account: '111' | '112', date: string, amount: string) => ({
      fundCode: 'CA',
      date,
      description: 'Chi thăm hỏi',
      lines: [line('6113', 'debit', amount), line(account, 'credit', amount)],
    });
    const pay = (account: '111' | '112', date: string, amount: string) =>
      postEntry(payment(account, date, amount));

    beforeAll(async () => {
      await t.newFund('CA', 'province');
      await postEntry({
        fundCode: 'CA',
        date: '2023-05-10',
        description: 'Thu tiền mặt',
        lines: [line('111', 'debit', '1000'), line('5114', 'credit', '1000')],
      }).expect(201);
    });

    it('answers 422 to a payment beyond the cash balance, and writes nothing', async () => {
      await rejects(() => pay('111', '2023-05-20', '1001'), 422, [
        /^account 111 .* would be -1 đ at the end of 2023-05-20; /,
      ]);
      expect(await balanceOf('CA', '111')).toBe('1000');
    });

    it('answers 422 to a back-dated payment that a later receipt would have covered', async () => {
      await rejects(() => pay('111', '2023-05-09', '1'), 422, [/would be -1 đ at the end of 2023-05-09/]);
    });

    it('answers 422 when the bank account has nothing', async () => {
      await rejects(() => pay('112', '2023-05-20', '1'), 422, [/^account 112 /]);
      expect(await balanceOf('CA', '112')).toBe('0');
    });

    it('allows spending exactly the balance, and not one đồng more', async () => {
      // Money out waits for an approver (202); postApproved has it approved, and the entry posts.
      const paid = await postApproved(t, accountant, payment('111', '2023-05-20', '1000'));
      expect(paid.status).toBe(200);
      expect(await balanceOf('CA', '111')).toBe('0');
      await rejects(() => pay('111', '2023-05-21', '1'), 422, [/^account 111 /]);
    });
  });
});
