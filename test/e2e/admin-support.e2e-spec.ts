import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { createUser, expectError, TestUser } from '../support/http';

// What the web admin needed from the services (issue 11): editing a donor (PATCH /api/donors/:id), a donor
// registered by a user limited to one fund is visible in that fund at once, and every verify run is kept for the
// dashboard's warning.

jest.setTimeout(60_000);

describe(`web admin support (${DB_LABEL})`, () => {
  let t: TestApp;
  let scoped: TestUser;
  let other: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    await t.newFund('P', 'province');
    await t.newFund('P-A', 'commune', 'P');
    await t.newFund('Q', 'province');
    scoped = await createUser(t, 'accountant', 'P-A');
    other = await createUser(t, 'accountant', 'Q');
  });
  afterAll(() => t.close());

  it('edits a donor with the same checks as a new one, audited, and refuses a bad field with nothing written', async () => {
    const created = await t.http
      .post('/api/donors')
      .set(bearer(t.adminToken))
      .send({ name: 'Cong ty Sai Ten', kind: 'enterprise' })
      .expect(201);
    const id = (created.body as { id: number }).id;
    const edited = await t.http
      .patch(`/api/donors/${id}`)
      .set(bearer(t.adminToken))
      .send({ name: 'Công ty CP Đúng Tên', kind: 'enterprise', taxCode: '5300100123', email: 'kt@dung.vn' })
      .expect(200);
    expect(edited.body).toMatchObject({ id, name: 'Công ty CP Đúng Tên', taxCode: '5300100123' });
    const found = await t.http.get('/api/donors?q=dung ten').set(bearer(t.adminToken)).expect(200);
    expect((found.body as { items: { id: number }[] }).items.map((d) => d.id)).toContain(id);

    const bad = await t.http
      .patch(`/api/donors/${id}`)
      .set(bearer(t.adminToken))
      .send({ name: 'Khác', kind: 'enterprise', taxCode: '12' })
      .expect(400);
    expect(expectError(bad, 400).join(' ')).toMatch(/taxCode/);
    const after = await t.http.get(`/api/donors/${id}`).set(bearer(t.adminToken)).expect(200);
    expect((after.body as { name: string }).name).toBe('Công ty CP Đúng Tên');

    const log = await t.http.get('/api/audit/log?pageSize=5').set(bearer(t.adminToken)).expect(200);
    expect((log.body as { items: { action: string }[] }).items.map((i) => i.action)).toContain(
      `PATCH /api/donors/${id}`,
    );
  });

  it('keeps the kind of a donor that has contributions (it decides the receipts account)', async () => {
    const donor = await t.http
      .post('/api/donors')
      .set(bearer(t.adminToken))
      .send({ name: 'Ông Đã Góp', kind: 'individual' })
      .expect(201);
    const id = (donor.body as { id: number }).id;
    await t.http
      .post('/api/contributions')
      .set(bearer(t.adminToken))
      .send({ fundCode: 'P', donorId: id, date: '2023-05-01', amount: '1000000', method: 'cash' })
      .expect(201);
    const res = await t.http
      .patch(`/api/donors/${id}`)
      .set(bearer(t.adminToken))
      .send({ name: 'Ông Đã Góp', kind: 'enterprise' })
      .expect(422);
    expect(expectError(res, 422).join(' ')).toMatch(/kind cannot change/);
    await t.http
      .patch(`/api/donors/${id}`)
      .set(bearer(scoped.token))
      .send({ name: 'Ông Đã Góp', kind: 'individual' })
      .expect(404);
  });

  it("shows a donor registered by a scoped user in that user's fund, and not in another fund", async () => {
    const res = await t.http
      .post('/api/donors')
      .set(bearer(scoped.token))
      .send({ name: 'Bà Mới Đăng Ký', kind: 'individual' })
      .expect(201);
    const id = (res.body as { id: number }).id;
    await t.http.get(`/api/donors/${id}`).set(bearer(scoped.token)).expect(200);
    const search = await t.http.get('/api/donors?q=moi dang ky').set(bearer(scoped.token)).expect(200);
    expect((search.body as { total: number }).total).toBe(1);
    await t.http.get(`/api/donors/${id}`).set(bearer(other.token)).expect(404);
    const otherSearch = await t.http.get('/api/donors?q=moi dang ky').set(bearer(other.token)).expect(200);
    expect((otherSearch.body as { total: number }).total).toBe(0);
    await t.http
      .patch(`/api/donors/${id}`)
      .set(bearer(scoped.token))
      .send({ name: 'Bà Mới Đăng Ký', kind: 'individual', address: 'Tả Van' })
      .expect(200);
  });

  it('keeps each verify run: time, result, entries checked and first problem', async () => {
    const report = await t.http.get('/api/audit/verify').set(bearer(t.adminToken)).expect(200);
    const rows: { ok: number; entries_checked: number; first_problem: string | null; run_by: string }[] =
      await t.dataSource.query(
        'SELECT ok, entries_checked, first_problem, run_by FROM verify_runs ORDER BY id',
      );
    expect(rows.length).toBe(1);
    expect(Number(rows[0].ok)).toBe(1);
    expect(Number(rows[0].entries_checked)).toBe((report.body as { entriesChecked: number }).entriesChecked);
    expect(rows[0].first_problem).toBeNull();
    expect(rows[0].run_by).toBe('admin');
  });
});
