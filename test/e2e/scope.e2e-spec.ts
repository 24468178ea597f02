import type { Response } from 'supertest';
import * as yauzl from 'yauzl';
import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { combineHeads } from '../../src/ledger/chain-head';
import { bankReceipt, createUser, expectError, TestUser } from '../support/http';

// Finding 4 and 10 of the security review (issue 9): a user limited to some funds sees donors and households only
// through those funds (docs/security.md, "Scope of personal data"), and every other record is unknown to them.

const idOf = (res: Response) => (res.body as { id: number }).id;

async function manifestOf(zip: Buffer): Promise<Record<string, unknown>> {
  const file = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  for await (const member of file.eachEntry()) {
    if (member.fileName !== 'manifest.json') continue;
    const chunks: Buffer[] = [];
    for await (const chunk of (await file.openReadStreamPromise(member)) as AsyncIterable<Buffer>)
      chunks.push(chunk);
    file.close();
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  }
  throw new Error('no manifest.json in the bundle');
}

function binary(response: unknown, callback: (err: Error | null, body: Buffer) => void): void {
  const res = response as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe(`scope of personal data (${DB_LABEL})`, () => {
  let t: TestApp;
  /** Accountant of commune fund P-A (xã Tả Van), below province fund P. */
  let userA: TestUser;
  /** Accountant of commune fund P-B (xã Bản Hồ), below P. */
  let userB: TestUser;
  let auditorA: TestUser;
  /** Accountant of the province fund P: sees P, P-A and P-B. */
  let userP: TestUser;
  /** An accountant of every fund, who prepares the payouts admin approves. */
  let preparer: TestUser;
  const ids = {} as Record<
    'donorQ' | 'donorA' | 'onlyCommuneA' | 'paidByQ' | 'paidByPAndB' | 'inBanHo' | 'twinA1' | 'twinA2',
    number
  >;
  let entryA: number;
  let entryQ: number;

  const admin = (path: string, body: object, status = 201) =>
    t.http.post(path).set(bearer(t.adminToken)).send(body).expect(status);
  const get = (user: TestUser, path: string) => t.http.get(path).set(bearer(user.token));

  async function household(fullName: string, commune: string, extra: object = {}): Promise<number> {
    const body = { fullName, category: 'war_invalid', commune, birthYear: 1948, ...extra };
    return idOf(await admin('/api/beneficiaries', body));
  }

  async function paidPayout(fundCode: string, beneficiaryId: number, amount: number): Promise<void> {
    const body = { fundCode, beneficiaryId, purpose: 'hardship', amount, date: '2023-09-01', method: 'bank' };
    const id = idOf(
      await t.http.post('/api/disbursements').set(bearer(preparer.token)).send(body).expect(201),
    );
    await admin(`/api/disbursements/${id}/approve`, {}, 200);
    await admin(`/api/disbursements/${id}/pay`, { date: '2023-09-02' }, 200);
  }

  beforeAll(async () => {
    t = await startTestApp();
    await admin('/api/funds', { code: 'P', name: 'Quỹ Đền ơn đáp nghĩa tỉnh P', level: 'province' });
    for (const [code, place] of [
      ['P-A', 'xã Tả Van'],
      ['P-B', 'xã Bản Hồ'],
    ])
      await admin('/api/funds', {
        code,
        name: `Quỹ Đền ơn đáp nghĩa ${place}`,
        level: 'commune',
        parentCode: 'P',
      });
    await admin('/api/funds', { code: 'Q', name: 'Quỹ Đền ơn đáp nghĩa tỉnh Q', level: 'province' });
    for (const code of ['P', 'P-A', 'P-B', 'Q'])
      await admin('/api/journal-entries', bankReceipt(code, '2023-01-10', 50_000_000));
    userA = await createUser(t, 'accountant', 'P-A');
    userB = await createUser(t, 'accountant', 'P-B');
    auditorA = await createUser(t, 'auditor', 'P-A');
    userP = await createUser(t, 'accountant', 'P');
    preparer = await createUser(t, 'accountant');

    const donor = async (name: string, fundCode: string, extra: object = {}) => {
      const id = idOf(await admin('/api/donors', { name, kind: 'individual', ...extra }));
      const gift = { fundCode, donorId: id, date: '2023-03-01', amount: 500_000, method: 'bank' };
      await admin('/api/contributions', gift);
      return id;
    };
    ids.donorQ = await donor('Hoàng Thị Quyên', 'Q', {
      address: 'Số 1 đường Q',
      email: 'quyen@example.com',
      nationalId: '010190123456',
    });
    ids.donorA = await donor('Vàng A Dính', 'P-A');

    ids.onlyCommuneA = await household('Giàng Seo Phủ', 'Xã Tả Van');
    ids.paidByQ = await household('Sùng A Lử', 'Sa Pa', {
      nationalId: '010148123456',
      address: 'Thôn 1, Sa Pa',
    });
    ids.paidByPAndB = await household('Ma Văn Sính', 'Bắc Hà');
    ids.inBanHo = await household('Lý Thị Mai', 'Bản Hồ');
    ids.twinA1 = await household('Lò Văn Hặc', 'Tả Van', { nationalId: '010148654321' });
    ids.twinA2 = await household('Lò Văn Hắc', 'Tả Van', { nationalId: '010148654321' });
    // A pair no commune user may see: same name, birth year and commune, in province Q's district.
    await household('Hầu A Chư', 'Mường Khương');
    await household('Hầu A Chư', 'Mường Khương');

    await paidPayout('Q', ids.paidByQ, 1_000_000);
    await paidPayout('P', ids.paidByPAndB, 3_000_000);
    await paidPayout('P-B', ids.paidByPAndB, 2_000_000);

    entryA = idOf(await admin('/api/journal-entries', bankReceipt('P-A', '2023-05-01', 300)));
    entryQ = idOf(await admin('/api/journal-entries', bankReceipt('Q', '2023-05-02', 400)));
  }, 60_000);
  afterAll(() => t.close());

  describe('donors', () => {
    it('answers 404 for a donor who gave only to another province, address, e-mail and ID unsaid', async () => {
      const res = await get(userA, `/api/donors/${ids.donorQ}`);
      const messages = expectError(res, 404);
      expect(messages).toEqual([`donor ${ids.donorQ} does not exist`]);
      expect(res.text).not.toMatch(/Quyên|example\.com|0101901/);
      const pdf = await get(userA, `/api/donors/${ids.donorQ}/statement.pdf?fund=P-A&year=2023`);
      expectError(pdf, 404);
    });

    it('shows a donor who gave to a fund in scope, and one who gave to a fund below', async () => {
      await get(userA, `/api/donors/${ids.donorA}`).expect(200);
      await get(userP, `/api/donors/${ids.donorA}`).expect(200);
      expectError(await get(userB, `/api/donors/${ids.donorA}`), 404);
      await t.http.get(`/api/donors/${ids.donorQ}`).set(bearer(t.adminToken)).expect(200);
    });

    it('lists only the donors seen through the funds in scope', async () => {
      const list = await get(userA, '/api/donors').expect(200);
      const page = list.body as { items: { id: number }[]; total: number };
      expect(page.items.map((d) => d.id)).toEqual([ids.donorA]);
      expect(page.total).toBe(1);
    });
  });

  describe('households', () => {
    it("answers 404 for another province's household, its CCCD and address unsaid", async () => {
      const res = await get(userA, `/api/beneficiaries/${ids.paidByQ}`);
      expect(expectError(res, 404)).toEqual([`beneficiary ${ids.paidByQ} does not exist`]);
      expect(res.text).not.toMatch(/010148123456|Thôn 1/);
    });

    it('shows a household registered in the commune of a commune fund in scope, even with no payout', async () => {
      const res = await get(userA, `/api/beneficiaries/${ids.onlyCommuneA}`).expect(200);
      expect(res.body).toMatchObject({ id: ids.onlyCommuneA, commune: 'Xã Tả Van' });
      expectError(await get(userB, `/api/beneficiaries/${ids.onlyCommuneA}`), 404);
      await get(userB, `/api/beneficiaries/${ids.inBanHo}`).expect(200);
    });

    it('counts in the payout totals only the funds in scope', async () => {
      const b = await get(userB, `/api/beneficiaries/${ids.paidByPAndB}`).expect(200);
      expect((b.body as { payouts: unknown }).payouts).toEqual({ paidCount: 1, paidTotal: '2000000' });
      const p = await get(userP, `/api/beneficiaries/${ids.paidByPAndB}`).expect(200);
      expect((p.body as { payouts: unknown }).payouts).toEqual({ paidCount: 2, paidTotal: '5000000' });
    });

    it('lists and searches only the households in scope', async () => {
      const list = await get(userA, '/api/beneficiaries?pageSize=100').expect(200);
      const seen = (list.body as { items: { id: number }[] }).items.map((b) => b.id).sort((x, y) => x - y);
      expect(seen).toEqual([ids.onlyCommuneA, ids.twinA1, ids.twinA2].sort((x, y) => x - y));
      const search = await get(userA, '/api/beneficiaries?q=sung a lu').expect(200);
      expect((search.body as { total: number }).total).toBe(0);
    });

    it('lists only duplicate pairs of households both in scope', async () => {
      const mine = await get(userA, '/api/beneficiaries/duplicates').expect(200);
      const pairs = (mine.body as { items: { a: { id: number }; b: { id: number } }[]; total: number }).items;
      expect(pairs.map((p) => [p.a.id, p.b.id])).toEqual([[ids.twinA1, ids.twinA2]]);
      expect((mine.body as { total: number }).total).toBe(1);
      const all = await t.http.get('/api/beneficiaries/duplicates').set(bearer(t.adminToken)).expect(200);
      expect((all.body as { total: number }).total).toBe(2);
    });

    it("names no household of another fund among a new record's possible duplicates", async () => {
      const body = {
        fullName: 'Sùng A Lử',
        category: 'war_invalid',
        commune: 'Tả Van',
        nationalId: '010148123456',
      };
      const res = await t.http.post('/api/beneficiaries').set(bearer(userA.token)).send(body).expect(201);
      expect((res.body as { possibleDuplicates: unknown[] }).possibleDuplicates).toEqual([]);
      expect(res.text).not.toContain('Sa Pa');
    });

    it('refuses a merge of a household with payouts elsewhere without naming the other funds', async () => {
      const res = await t.http
        .post(`/api/beneficiaries/${ids.paidByPAndB}/merge`)
        .set(bearer(userB.token))
        .send({ intoId: ids.inBanHo, reason: 'Trùng hồ sơ' });
      const messages = expectError(res, 403);
      expect(messages.join(' ')).not.toMatch(/\bP\b|fund\(s\)/);
      // A household the user cannot see is unknown to a merge as well.
      const hidden = await t.http
        .post(`/api/beneficiaries/${ids.paidByQ}/merge`)
        .set(bearer(userA.token))
        .send({ intoId: ids.onlyCommuneA, reason: 'Trùng hồ sơ' });
      expectError(hidden, 404);
    });
  });

  describe('journal and audit bundle', () => {
    it("answers 404, naming no fund, for another fund's entry", async () => {
      await get(userA, `/api/journal-entries/${entryA}`).expect(200);
      const res = await get(userA, `/api/journal-entries/${entryQ}`);
      expect(expectError(res, 404)).toEqual([`journal entry ${entryQ} does not exist`]);
    });

    it("gives a scoped auditor the head of their funds' chains, and says so", async () => {
      const last = await get(auditorA, `/api/journal-entries/${entryA}`).expect(200);
      const entry = last.body as { id: number; fundCode: string; number: number; hash: string };
      // Their one fund with entries: the head over its chain alone (src/ledger/chain-head.ts).
      const theirs = combineHeads([
        { fundCode: entry.fundCode, id: entry.id, number: entry.number, hash: entry.hash },
      ]);
      const zip = await t.http
        .get('/api/exports/bundle?fund=P-A&from=2023-01-01&to=2023-12-31')
        .set(bearer(auditorA.token))
        .buffer(true)
        .parse(binary)
        .expect(200);
      const manifest = await manifestOf(zip.body as Buffer);
      expect(manifest.chainHead).toMatchObject({ hash: theirs.hash, lastEntryId: entryA, scope: 'funds' });
      expect(manifest.chainHeadNote).toMatch(/hash chains of the funds in this bundle/);
      expect(zip.headers['x-chain-head']).toBe(theirs.hash);

      const whole = await t.http
        .get('/api/exports/bundle?fund=P-A&from=2023-01-01&to=2023-12-31')
        .set(bearer(t.adminToken))
        .buffer(true)
        .parse(binary)
        .expect(200);
      const global = await manifestOf(whole.body as Buffer);
      expect(global.chainHead).toMatchObject({ lastEntryId: entryQ, scope: 'global' });
      expect(global.chainHeadNote).toMatch(/head of the books/);
    });
  });
});
