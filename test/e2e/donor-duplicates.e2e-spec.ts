import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { idOf } from '../support/factories';
import { createUser, expectError, TestUser } from '../support/http';

/**
 * Issue 10, item 12: a tax code or a citizen ID names one donor (a second is a 409 naming the first); a
 * near-identical name of the same kind is accepted and listed as a possible duplicate. Item 15: POST and GET show
 * a donor's citizen ID alike.
 */
let t: TestApp;
let accountant: TestUser;

const create = (body: object, token = accountant.token) =>
  t.http.post('/api/donors').set(bearer(token)).send(body);

describe(`duplicate donors (${DB_LABEL})`, () => {
  let agencyId: number;

  beforeAll(async () => {
    t = await startTestApp();
    accountant = await createUser(t, 'accountant');
    agencyId = idOf(
      await create({ name: 'Sở Tài chính tỉnh Lào Cai', kind: 'agency', taxCode: '5300123456' }).expect(201),
    );
  }, 60_000);
  afterAll(() => t.close());

  it('refuses a second donor with the same tax code, naming the first, and writes nothing', async () => {
    const before = await t.counts();
    const messages = expectError(
      await create({ name: 'Một tên khác', kind: 'enterprise', taxCode: '5300123456' }),
      409,
    );
    expect(messages).toEqual([
      `tax code 5300123456 already belongs to donor ${agencyId} (Sở Tài chính tỉnh Lào Cai)`,
    ]);
    expect(await t.counts()).toEqual(before);
  });

  it('refuses a second donor with the same citizen ID', async () => {
    const first = idOf(
      await create({ name: 'Nguyễn Văn An', kind: 'individual', nationalId: '010090001234' }).expect(201),
    );
    const messages = expectError(
      await create({ name: 'Nguyễn An', kind: 'individual', nationalId: '010090001234' }),
      409,
    );
    expect(messages).toEqual([`national ID 010090001234 already belongs to donor ${first} (Nguyễn Văn An)`]);
  });

  it("refuses an edit that takes another donor's tax code, but not a donor keeping its own", async () => {
    const other = idOf(
      await create({ name: 'Công ty TNHH Sửa', kind: 'enterprise', taxCode: '5300999999' }).expect(201),
    );
    const taken = await t.http
      .patch(`/api/donors/${other}`)
      .set(bearer(accountant.token))
      .send({ name: 'Công ty TNHH Sửa', kind: 'enterprise', taxCode: '5300123456' });
    expect(expectError(taken, 409)[0]).toMatch(new RegExp(`donor ${agencyId} `));
    await t.http
      .patch(`/api/donors/${other}`)
      .set(bearer(accountant.token))
      .send({ name: 'Công ty TNHH Sửa Đổi', kind: 'enterprise', taxCode: '5300999999' })
      .expect(200);
  });

  it('accepts a near-identical name of the same kind and lists it as a possible duplicate', async () => {
    const res = await create({ name: 'SO TAI CHINH TINH LAO CAI.', kind: 'agency' }).expect(201);
    expect(res.body.possibleDuplicates).toEqual([{ id: agencyId, name: 'Sở Tài chính tỉnh Lào Cai' }]);
    // One letter off (a typo) is still near-identical.
    const typo = await create({ name: 'Sở Tài chín tỉnh Lào Cai', kind: 'agency' }).expect(201);
    expect(typo.body.possibleDuplicates).toEqual(
      expect.arrayContaining([{ id: agencyId, name: 'Sở Tài chính tỉnh Lào Cai' }]),
    );
  });

  it('does not list a donor of another kind, nor a different name', async () => {
    const otherKind = await create({ name: 'Sở Tài chính tỉnh Lào Cai', kind: 'organization' }).expect(201);
    expect(otherKind.body.possibleDuplicates).toEqual([]);
    const different = await create({ name: 'Sở Y tế tỉnh Lào Cai', kind: 'agency' }).expect(201);
    expect(different.body.possibleDuplicates).toEqual([]);
  });

  it('shows the citizen ID alike on POST and GET, for every role that may create a donor', async () => {
    for (const [token, nationalId] of [
      [accountant.token, '001190012345'],
      [t.adminToken, '001190054321'],
    ]) {
      const posted = await create(
        { name: `Lê Văn ${nationalId}`, kind: 'individual', nationalId },
        token,
      ).expect(201);
      const read = await t.http.get(`/api/donors/${posted.body.id}`).set(bearer(token)).expect(200);
      expect(posted.body.nationalId).toBe(read.body.nationalId);
    }
  });
});
