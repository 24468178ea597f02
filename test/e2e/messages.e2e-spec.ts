import type { Test } from 'supertest';
import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { ApiFactory, idOf } from '../support/factories';
import { createUser, expectError, TestUser } from '../support/http';

/**
 * Issue 10, item 13: every error message in Vietnamese by default and in English on `Accept-Language: en`, from
 * the catalogues of templates/i18n (messages.vi.json, messages.en.json), with the body's shape unchanged.
 * (The test app sends `Accept-Language: en` unless a test says otherwise: see test/support/app.ts.)
 */
let t: TestApp;
let make: ApiFactory;
let accountant: TestUser;

interface Sample {
  what: string;
  status: number;
  send: () => Test;
  vi: RegExp;
  en: RegExp;
}

const VIETNAMESE = /[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]/i;

const samples: Sample[] = [
  {
    what: '400, a validation message of class-validator',
    status: 400,
    send: () => t.http.post('/api/donors').set(bearer(t.adminToken)).send({ name: 'A', kind: 'company' }),
    vi: /^kind phải là một trong các giá trị: agency, enterprise, organization, individual$/,
    en: /^kind must be one of the following values: agency, enterprise, organization, individual$/,
  },
  {
    what: "400, a validation message of the project's own",
    status: 400,
    send: () =>
      t.http
        .post('/api/donors')
        .set(bearer(t.adminToken))
        .send({ name: 'A', kind: 'individual', taxCode: '12' }),
    vi: /^taxCode phải gồm 10 chữ số/,
    en: /^taxCode must be 10 digits/,
  },
  {
    what: '400, a field not allowed',
    status: 400,
    send: () =>
      t.http.post('/api/donors').set(bearer(t.adminToken)).send({ name: 'A', kind: 'individual', x: 1 }),
    vi: /^trường x không được phép có$/,
    en: /^property x should not exist$/,
  },
  {
    what: '401, no token',
    status: 401,
    send: () => t.http.get('/api/donors'),
    vi: /^thiếu mã truy cập/,
    en: /^missing bearer token/,
  },
  {
    what: '403, a role the route does not admit',
    status: 403,
    send: () => t.http.post('/api/users').set(bearer(accountant.token)).send({}),
    vi: /^vai trò accountant không được làm việc này; cần vai trò admin$/,
    en: /^role accountant may not do this; it needs admin$/,
  },
  {
    what: '404, a donor',
    status: 404,
    send: () => t.http.get('/api/donors/999999').set(bearer(t.adminToken)),
    vi: /^nhà tài trợ 999999 không tồn tại$/,
    en: /^donor 999999 does not exist$/,
  },
  {
    what: '404, a fund',
    status: 404,
    send: () => t.http.get('/api/funds/NOPE/accounts').set(bearer(t.adminToken)),
    vi: /^quỹ NOPE không tồn tại$/,
    en: /^fund NOPE does not exist$/,
  },
  {
    what: '409, a duplicate tax code (a keyed message)',
    status: 409,
    send: () =>
      t.http
        .post('/api/donors')
        .set(bearer(t.adminToken))
        .send({ name: 'Công ty Khác', kind: 'enterprise', taxCode: '5300123456' }),
    vi: /^mã số thuế 5300123456 đã thuộc về nhà tài trợ \d+ \(Công ty CP Thông Điệp\)$/,
    en: /^tax code 5300123456 already belongs to donor \d+ \(Công ty CP Thông Điệp\)$/,
  },
  {
    what: '409, a fund that exists',
    status: 409,
    send: () =>
      t.http
        .post('/api/funds')
        .set(bearer(t.adminToken))
        .send({ code: 'M', name: 'Quỹ M', level: 'province' }),
    vi: /^quỹ M đã tồn tại$/,
    en: /^fund M already exists$/,
  },
  {
    what: '422, a business rule (merging donors of two kinds)',
    status: 422,
    send: () =>
      t.http
        .post(`/api/donors/${enterpriseId}/merge`)
        .set(bearer(t.adminToken))
        .send({ intoId: individualId, reason: 'Trùng' }),
    vi: /chỉ gộp được các nhà tài trợ cùng loại$/,
    en: /only donors of one kind can be merged$/,
  },
  {
    what: '422, a year that has not ended',
    status: 422,
    send: () => t.http.post('/api/funds/M/close-year').set(bearer(t.adminToken)).send({ year: 2099 }),
    vi: VIETNAMESE,
    en: /^[\x20-\x7e]+$/,
  },
];

let enterpriseId: number;
let individualId: number;

describe(`error messages in Vietnamese and English (${DB_LABEL})`, () => {
  beforeAll(async () => {
    t = await startTestApp();
    make = new ApiFactory(t);
    await t.newFund('M', 'province');
    accountant = await createUser(t, 'accountant');
    enterpriseId = idOf(
      await make.post('/api/donors', {
        name: 'Công ty CP Thông Điệp',
        kind: 'enterprise',
        taxCode: '5300123456',
      }),
    );
    individualId = idOf(await make.post('/api/donors', { name: 'Trần Thị Lời', kind: 'individual' }));
  }, 60_000);
  afterAll(() => t.close());

  it.each(samples)('$what: Vietnamese by default, English on Accept-Language: en', async (sample) => {
    const vi = expectError(await sample.send().unset('Accept-Language'), sample.status);
    const en = expectError(await sample.send().set('Accept-Language', 'en'), sample.status);
    expect(vi).toHaveLength(en.length);
    expect(vi[0]).toMatch(sample.vi);
    expect(en[0]).toMatch(sample.en);
    for (const message of vi) expect(message).toMatch(VIETNAMESE);
  });

  it('reads the header as browsers send it: weights, regions, and Vietnamese when neither is asked for', async () => {
    const get = (language: string) =>
      t.http.get('/api/donors/999999').set(bearer(t.adminToken)).set('Accept-Language', language);
    expect(expectError(await get('en-US,en;q=0.9'), 404)).toEqual(['donor 999999 does not exist']);
    expect(expectError(await get('vi-VN,vi;q=0.9,en;q=0.8'), 404)).toEqual([
      'nhà tài trợ 999999 không tồn tại',
    ]);
    expect(expectError(await get('fr-FR,en;q=0.5'), 404)).toEqual(['donor 999999 does not exist']);
    expect(expectError(await get('fr-FR'), 404)).toEqual(['nhà tài trợ 999999 không tồn tại']);
    expect(expectError(await get('en;q=0.2,vi;q=0.8'), 404)).toEqual(['nhà tài trợ 999999 không tồn tại']);
  });

  it('keeps one message per problem, in order, in both languages', async () => {
    const body = { name: '', kind: 'company', email: 'not-mail', taxCode: '12', nationalId: '12345' };
    const send = () => t.http.post('/api/donors').set(bearer(t.adminToken)).send(body);
    const en = expectError(await send(), 400);
    const vi = expectError(await send().unset('Accept-Language'), 400);
    expect(vi).toHaveLength(en.length);
    expect(en.length).toBeGreaterThanOrEqual(4);
    vi.forEach((message, i) => {
      expect(message).toMatch(VIETNAMESE);
      // The field a message names comes first in both languages.
      expect(message.split(' ')[0]).toBe(en[i].split(' ')[0]);
    });
  });
});
