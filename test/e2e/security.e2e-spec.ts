import type { Response } from 'supertest';
import { latestBookDate } from '../../src/common/validation';
import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL, POSTGRES_URL } from '../support/database';
import { bankReceipt, createUser, expectError, TestUser } from '../support/http';

// The findings of the outside security review (issue 9), each with the request that broke it.

const idOf = (res: Response) => (res.body as { id: number }).id;

const INVISIBLE = 'must not contain control, zero-width or bidi-override characters';

describe(`security review findings (${DB_LABEL})`, () => {
  let t: TestApp;
  let accountant: TestUser;
  let approver: TestUser;
  let householdId: number;

  const post = (token: string, path: string, body: object | string) => {
    const req = t.http.post(path).set(bearer(token));
    return typeof body === 'string' ? req.set('Content-Type', 'application/json').send(body) : req.send(body);
  };

  beforeAll(async () => {
    t = await startTestApp();
    await t.newFund('P', 'province');
    await t.newFund('P-C1', 'commune', 'P');
    accountant = await createUser(t, 'accountant');
    approver = await createUser(t, 'approver');
    await post(t.adminToken, '/api/journal-entries', bankReceipt('P', '2023-01-15', 10_000_000)).expect(201);
    householdId = idOf(
      await post(t.adminToken, '/api/beneficiaries', {
        fullName: 'Lò Văn Páo',
        category: 'war_invalid',
        commune: 'Tả Van',
        birthYear: 1950,
      }).expect(201),
    );
  }, 60_000);
  afterAll(() => t.close());

  describe('5. deeply nested bodies', () => {
    const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

    it('answers 400 to a login nested 3,000 levels deep, before any transformation', async () => {
      const messages = expectError(
        await t.http.post('/api/auth/login').set('Content-Type', 'application/json').send(deep(3000)),
        400,
      );
      expect(messages).toEqual(['body must not be nested deeper than 10 levels']);
    });

    it('answers 400 to one sent without a token to a guarded route, and writes nothing', async () => {
      const before = await t.counts();
      const res = await t.http
        .post('/api/journal-entries')
        .set('Content-Type', 'application/json')
        .send(deep(3000));
      expect(expectError(res, 400)).toEqual(['body must not be nested deeper than 10 levels']);
      expect(await t.counts()).toEqual(before);
    });
  });

  describe('6. dates', () => {
    it.each([
      ['year 0', '0000-01-01', /^date must not be before 1945-01-01$/],
      ['the day before 1945', '1944-12-31', /^date must not be before 1945-01-01$/],
    ])('refuses %s in POST /api/journal-entries, writing nothing', async (_label, date, reason) => {
      const before = await t.counts();
      const messages = expectError(
        await post(t.adminToken, '/api/journal-entries', bankReceipt('P', date, 1)),
        400,
      );
      expect(messages).toEqual([expect.stringMatching(reason)]);
      expect(await t.counts()).toEqual(before);
    });

    it('refuses a date over a year ahead in every dated write, e.g. a payout request and a fund', async () => {
      const later = new Date(`${latestBookDate()}T00:00:00Z`);
      later.setUTCDate(later.getUTCDate() + 1);
      const tooLate = later.toISOString().slice(0, 10);
      const before = await t.counts();
      const payout = await post(accountant.token, '/api/disbursements', {
        fundCode: 'P',
        beneficiaryId: householdId,
        purpose: 'hardship',
        amount: 1000,
        date: tooLate,
        method: 'bank',
      });
      expect(expectError(payout, 400)).toEqual([
        `date must not be after ${latestBookDate()}, a year from today`,
      ]);
      const fund = await post(t.adminToken, '/api/funds', {
        code: 'FUT',
        name: 'Quỹ tương lai',
        level: 'province',
        validFrom: tooLate,
      });
      expect(expectError(fund, 400)).toEqual([
        `validFrom must not be after ${latestBookDate()}, a year from today`,
      ]);
      expect(await t.counts()).toEqual(before);
    });

    it("refuses in the posting path a date before the fund's validFrom, whatever feature posts", async () => {
      await post(t.adminToken, '/api/funds', {
        code: 'NEW',
        name: 'Quỹ mới',
        level: 'province',
        validFrom: '2020-01-01',
      }).expect(201);
      const before = await t.counts();
      const messages = expectError(
        await post(t.adminToken, '/api/journal-entries', bankReceipt('NEW', '2019-12-31', 1)),
        400,
      );
      expect(messages).toEqual(['date 2019-12-31 is before fund NEW existed (valid from 2020-01-01)']);
      expect(await t.counts()).toEqual(before);
      await post(t.adminToken, '/api/journal-entries', bankReceipt('NEW', '2020-01-01', 1)).expect(201);
    });
  });

  describe('7. maker–checker', () => {
    it('refuses the approval of whoever submitted a payout someone else drafted (422), not another approver', async () => {
      const draft = idOf(
        await post(accountant.token, '/api/disbursements', {
          fundCode: 'P',
          beneficiaryId: householdId,
          purpose: 'hardship',
          amount: 1000,
          date: '2023-09-01',
          method: 'bank',
          draft: true,
        }).expect(201),
      );
      await post(t.adminToken, `/api/disbursements/${draft}/submit`, {}).expect(200);
      const before = await t.counts();
      const messages = expectError(await post(t.adminToken, `/api/disbursements/${draft}/approve`, {}), 422);
      expect(messages).toEqual([
        `admin submitted payout ${draft} and may not approve it; another approver must`,
      ]);
      expect(await t.counts()).toEqual(before);
      const approved = await post(approver.token, `/api/disbursements/${draft}/approve`, {}).expect(200);
      expect(approved.body).toMatchObject({ id: draft, status: 'approved' });
    });
  });

  describe('8. invisible characters in names and free text', () => {
    it.each([
      [
        'a donor name with zero-width spaces',
        '/api/donors',
        { name: 'Nguyễn\u200bVăn\u200bBình', kind: 'individual' },
        'name',
      ],
      [
        'a donor name made only of U+200B',
        '/api/donors',
        { name: '\u200b\u200b\u200b', kind: 'individual' },
        'name',
      ],
      [
        'a household name holding NUL',
        '/api/beneficiaries',
        { fullName: 'Lò\u0000Văn', category: 'war_invalid', commune: 'Tả Van' },
        'fullName',
      ],
      [
        'a bidi override in an address',
        '/api/donors',
        { name: 'Trần Bình', kind: 'individual', address: 'Số 5 \u202eđường' },
        'address',
      ],
      [
        'a bidi isolate in a journal memo',
        '/api/journal-entries',
        {
          ...bankReceipt('P', '2023-02-01', 5),
          lines: [
            { account: '112', debit: 5, memo: 'x\u2066y' },
            { account: '5118', credit: 5 },
          ],
        },
        'lines[0].memo',
      ],
    ])('refuses %s with a 400 naming the field, and writes nothing', async (_label, path, body, field) => {
      const before = await t.counts();
      expect(expectError(await post(t.adminToken, path, body), 400)).toEqual([`${field} ${INVISIBLE}`]);
      expect(await t.counts()).toEqual(before);
    });

    it('stores names in NFC, whichever way they were typed', async () => {
      const nfd = 'Nguyễn Thị Ánh'.normalize('NFD');
      const id = idOf(await post(t.adminToken, '/api/donors', { name: nfd, kind: 'individual' }).expect(201));
      const donor = await t.http.get(`/api/donors/${id}`).set(bearer(t.adminToken)).expect(200);
      expect((donor.body as { name: string }).name).toBe('Nguyễn Thị Ánh'.normalize('NFC'));
      const found = await t.http.get('/api/donors?q=nguyen thi anh').set(bearer(t.adminToken)).expect(200);
      expect((found.body as { items: { id: number }[] }).items.map((d) => d.id)).toContain(id);
    });
  });

  describe('9. passwords and user administration', () => {
    const admin = () => bearer(t.adminToken);

    it.each([
      ['12345678', 'password must be at least 12 characters'],
      ['        ', 'password must be at least 12 characters'],
      [
        'passwordpassword',
        'password is one of the most common passwords; choose a longer phrase of your own',
      ],
      ['123456789012', 'password is one of the most common passwords; choose a longer phrase of your own'],
    ])('refuses the password %j', async (password, reason) => {
      const body = { username: 'weak.user', password, role: 'auditor' };
      expect(expectError(await t.http.post('/api/users').set(admin()).send(body), 400)).toEqual([reason]);
    });

    async function newUser(): Promise<{ id: number; user: TestUser }> {
      const user = await createUser(t, 'auditor');
      const list = await t.http.get('/api/users').set(admin()).expect(200);
      const row = (list.body as { id: number; username: string }[]).find((u) => u.username === user.username);
      return { id: (row as { id: number }).id, user };
    }

    const me = (token: string) => t.http.get('/api/auth/me').set(bearer(token));
    const login = (username: string, password: string) =>
      t.http.post('/api/auth/login').send({ username, password });

    it('disables a user (every session ends at once, no login) and enables them again', async () => {
      const { id, user } = await newUser();
      const second = await t.login(user.username, user.password);
      // Both tokens are used first, so their lookups are cached: disabling must still end them at once.
      await me(user.token).expect(200);
      await me(second).expect(200);
      const disabled = await t.http.post(`/api/users/${id}/disable`).set(admin()).expect(200);
      expect(disabled.body).toMatchObject({
        id,
        username: user.username,
        status: 'disabled',
        sessionsRevoked: 2,
      });
      expectError(await me(user.token), 401);
      expectError(await me(second), 401);
      expect(expectError(await login(user.username, user.password), 401)).toEqual([
        'invalid username or password',
      ]);

      const enabled = await t.http.post(`/api/users/${id}/enable`).set(admin()).expect(200);
      expect(enabled.body).toMatchObject({ id, status: 'active' });
      await login(user.username, user.password).expect(200);
    });

    it('will not let an admin disable their own account', async () => {
      const list = await t.http.get('/api/users').set(admin()).expect(200);
      const self = (list.body as { id: number; username: string }[]).find((u) => u.username === 'admin');
      expectError(await t.http.post(`/api/users/${(self as { id: number }).id}/disable`).set(admin()), 422);
    });

    it("resets another user's password: their sessions end, the old password stops working", async () => {
      const { id, user } = await newUser();
      const weak = await t.http
        .post(`/api/users/${id}/password`)
        .set(admin())
        .send({ newPassword: '12345678' });
      expect(expectError(weak, 400)).toEqual(['newPassword must be at least 12 characters']);
      await me(user.token).expect(200);

      const reset = await t.http
        .post(`/api/users/${id}/password`)
        .set(admin())
        .send({ newPassword: 'núi Fansipan mùa mây' })
        .expect(200);
      expect(reset.body).toMatchObject({ id, sessionsRevoked: 1 });
      expect(JSON.stringify(reset.body)).not.toContain('Fansipan');
      expectError(await me(user.token), 401);
      expectError(await login(user.username, user.password), 401);
      await login(user.username, 'núi Fansipan mùa mây').expect(200);
    });

    it("ends all of a user's sessions, leaving their password alone", async () => {
      const { id, user } = await newUser();
      await me(user.token).expect(200);
      const res = await t.http.post(`/api/users/${id}/revoke-sessions`).set(admin()).expect(200);
      expect(res.body).toMatchObject({ id, sessionsRevoked: 1 });
      expectError(await me(user.token), 401);
      await login(user.username, user.password).expect(200);
    });

    it('lets any user change their own password, proving the old one; every session of theirs ends', async () => {
      const user = await createUser(t, 'accountant');
      const other = await t.login(user.username, user.password);
      const change = (currentPassword: string, newPassword: string) =>
        t.http.post('/api/auth/password').set(bearer(user.token)).send({ currentPassword, newPassword });

      expect(expectError(await change('not-my-password', 'sông Hồng đỏ nặng phù sa'), 400)).toEqual([
        'currentPassword is not your current password',
      ]);
      expect(expectError(await change(user.password, 'qwerty123456'), 400)).toEqual([
        'newPassword is one of the most common passwords; choose a longer phrase of your own',
      ]);
      await me(user.token).expect(200);

      const res = await change(user.password, 'sông Hồng đỏ nặng phù sa').expect(200);
      expect(res.body).toEqual({ username: user.username, sessionsRevoked: 2 });
      expectError(await me(user.token), 401);
      expectError(await me(other), 401);
      expectError(await login(user.username, user.password), 401);
      await login(user.username, 'sông Hồng đỏ nặng phù sa').expect(200);
    });

    it('records each administration step in the audit log, never the password', async () => {
      const { id } = await newUser();
      for (const action of ['disable', 'enable', 'revoke-sessions'])
        await t.http.post(`/api/users/${id}/${action}`).set(admin()).expect(200);
      await t.http
        .post(`/api/users/${id}/password`)
        .set(admin())
        .send({ newPassword: 'đèo Ô Quy Hồ gió lộng' })
        .expect(200);
      const log = await t.http.get('/api/audit/log?pageSize=10').set(admin()).expect(200);
      const items = (log.body as { items: { action: string; username: string; details: unknown }[] }).items;
      const actions = items.map((i) => i.action);
      for (const action of ['disable', 'enable', 'revoke-sessions', 'password'])
        expect(actions).toContain(`POST /api/users/${id}/${action}`);
      expect(items.every((i) => i.username === 'admin' || !i.action.startsWith('POST /api/users/'))).toBe(
        true,
      );
      expect(JSON.stringify(items)).not.toContain('Ô Quy Hồ');
    });
  });

  describe('10. small leaks', () => {
    it('strips __proto__, constructor and prototype keys before validation and the audit log', async () => {
      const raw =
        '{"name":"Công ty Proto","kind":"enterprise","__proto__":{"polluted":"yes"},' +
        '"constructor":{"prototype":{"polluted":"yes"}}}';
      const res = await post(t.adminToken, '/api/donors', raw).expect(201);
      expect(res.body).toMatchObject({ name: 'Công ty Proto' });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      const log = await t.http.get('/api/audit/log?pageSize=5').set(bearer(t.adminToken)).expect(200);
      const row = (log.body as { items: { action: string; details: unknown }[] }).items.find(
        (i) => i.action === 'POST /api/donors',
      );
      expect(JSON.stringify(row?.details)).toContain('Công ty Proto');
      expect(JSON.stringify(row?.details)).not.toMatch(/__proto__|constructor|prototype|polluted/);
    });

    it('sends Cache-Control: no-store with personal data, errors and public pages included', async () => {
      const donor = idOf(await post(t.adminToken, '/api/donors', { name: 'Đỗ Văn Lâm', kind: 'individual' }));
      const answers = [
        await t.http.get(`/api/donors/${donor}`).set(bearer(t.adminToken)),
        await t.http.get(`/api/beneficiaries/${householdId}`).set(bearer(t.adminToken)),
        await t.http.get('/api/beneficiaries').set(bearer(t.adminToken)),
        await t.http.get('/api/users').set(bearer(t.adminToken)),
        await t.http.get('/api/donors/999999').set(bearer(t.adminToken)),
        await t.http.get('/verify/PT-2023-999999'),
      ];
      for (const res of answers)
        expect([res.status, res.headers['cache-control']]).toEqual([res.status, 'no-store']);
    });
  });
});

describe(`login throttling (${DB_LABEL})`, () => {
  const wrong = (t: TestApp, username: string, i: number) =>
    t.http.post('/api/auth/login').send({ username, password: `wrong-password-${i}` });

  it('answers 429 with Retry-After per username, and per address whatever the usernames', async () => {
    const t = await startTestApp({ loginAttemptsPerMinute: 3, loginAttemptsPerAddressPerMinute: 6 });
    try {
      for (let i = 0; i < 3; i++) expectError(await wrong(t, 'admin', i), 401);
      const refused = await wrong(t, 'admin', 9);
      expect(expectError(refused, 429)).toEqual([
        expect.stringMatching(/^too many failed logins; try again in \d+ s$/),
      ]);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);

      // 4 attempts so far from this address; 2 more with made-up names and the address is spent for everyone.
      for (let i = 0; i < 2; i++) expectError(await wrong(t, `nobody-${i}`, i), 401);
      const spent = await t.http.post('/api/auth/login').send({ username: 'someone', password: 'x' });
      expectError(spent, 429);
      expect(spent.headers['retry-after']).toBeDefined();
    } finally {
      await t.close();
    }
  });

  (POSTGRES_URL ? it : it.skip)(
    'shares the counters between processes on PostgreSQL: N servers do not allow N times the guesses',
    async () => {
      const a = await startTestApp({ loginAttemptsPerMinute: 3 });
      const b = await startTestApp({ loginAttemptsPerMinute: 3 }, a.db);
      try {
        expectError(await wrong(a, 'admin', 1), 401);
        expectError(await wrong(b, 'admin', 2), 401);
        expectError(await wrong(a, 'admin', 3), 401);
        expectError(await wrong(b, 'admin', 4), 429);
        expectError(await wrong(a, 'admin', 5), 429);
        const [row] = await a.dataSource.query<{ n: string }[]>('SELECT COUNT(*) AS n FROM rate_limits');
        expect(Number(row.n)).toBeGreaterThan(0);
      } finally {
        await b.close();
        await a.close();
      }
    },
    60_000,
  );
});

describe(`login timing (${DB_LABEL})`, () => {
  let t: TestApp;
  let user: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    user = await createUser(t, 'auditor');
  });
  afterAll(() => t.close());

  const median = (values: number[]) => {
    const sorted = [...values].sort((x, y) => x - y);
    return sorted[Math.floor(sorted.length / 2)];
  };

  it('takes as long for an unknown user as for a real one with a wrong password (medians within 20%)', async () => {
    const timed = async (username: string) => {
      const start = process.hrtime.bigint();
      await t.http.post('/api/auth/login').send({ username, password: 'a-wrong-password' }).expect(401);
      return Number(process.hrtime.bigint() - start);
    };
    const unknown: number[] = [];
    const known: number[] = [];
    await timed(user.username); // warm-up
    // Interleaved, so that a slow moment of the machine weighs on both series alike.
    for (let i = 0; i < 25; i++) {
      unknown.push(await timed(`nobody-${i}`));
      known.push(await timed(user.username));
    }
    const [u, k] = [median(unknown), median(known)];
    expect({ ratio: Math.abs(u - k) / Math.max(u, k) < 0.2, u, k }).toEqual({ ratio: true, u, k });
  }, 120_000);
});
