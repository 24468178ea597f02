import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { createUser, expectError } from '../support/http';

// POST /api/users/:id/role (issue 12, Administration): an admin gives a user another role or fund scope; it
// applies from the user's next request, is audited with what it was before, and nothing else changes.

describe(`changing a user's role and scope (${DB_LABEL})`, () => {
  let t: TestApp;
  const admin = () => bearer(t.adminToken);
  const idOf = async (username: string) => {
    const users = (await t.http.get('/api/users').set(admin()).expect(200)).body as {
      id: number;
      username: string;
    }[];
    return users.find((u) => u.username === username)?.id ?? 0;
  };

  beforeAll(async () => {
    t = await startTestApp();
    await t.newFund('P', 'province');
    await t.newFund('P-C1', 'commune', 'P');
    await t.newFund('Q', 'province');
  }, 60_000);
  afterAll(() => t.close());

  it('gives a new role and scope, effective at the next request of the same session', async () => {
    const user = await createUser(t, 'accountant', 'P-C1');
    const id = await idOf(user.username);
    const me = () => t.http.get('/api/auth/me').set(bearer(user.token)).expect(200);
    expect((await me()).body).toEqual({ username: user.username, role: 'accountant', funds: ['P-C1'] });

    const res = await t.http
      .post(`/api/users/${id}/role`)
      .set(admin())
      .send({ role: 'approver', fundCode: 'P' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id,
      username: user.username,
      role: 'approver',
      fundCode: 'P',
      previous: { role: 'accountant', fundCode: 'P-C1' },
    });
    const after = (await me()).body as { role: string; funds: string[] };
    expect(after.role).toBe('approver');
    expect([...after.funds].sort()).toEqual(['P', 'P-C1']);

    // No fund: every fund.
    await t.http
      .post(`/api/users/${id}/role`)
      .set(admin())
      .send({ role: 'auditor', fundCode: null })
      .expect(200);
    expect((await me()).body).toEqual({ username: user.username, role: 'auditor', funds: null });

    const log = await t.http.get('/api/audit/log?pageSize=5').set(admin()).expect(200);
    const rows = (log.body as { items: { action: string; details: unknown }[] }).items.filter(
      (i) => i.action === `POST /api/users/${id}/role`,
    );
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows)).toContain('"previous":{"role":"approver","fundCode":"P"}');
  });

  it('refuses a bad role, an unknown fund, an unknown user and the admin themself, writing nothing', async () => {
    const user = await createUser(t, 'cashier');
    const id = await idOf(user.username);
    const before = await t.counts();
    const change = (target: number, body: object) =>
      t.http.post(`/api/users/${target}/role`).set(admin()).send(body);
    expect(expectError(await change(id, { role: 'owner' }), 400)[0]).toMatch(/^role must be one of/);
    expect(expectError(await change(id, { role: 'auditor', fundCode: 'NOPE' }), 400)).toEqual([
      'fundCode NOPE is not a known fund',
    ]);
    expectError(await change(999_999, { role: 'auditor' }), 404);
    expect(expectError(await change(await idOf('admin'), { role: 'auditor' }), 422)).toEqual([
      'an admin may not change their own role or fund',
    ]);
    expect(await t.counts()).toEqual(before);
    expectError(
      await t.http.post(`/api/users/${id}/role`).set(bearer(user.token)).send({ role: 'admin' }),
      403,
    );
  });
});
