import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { bearer, startTestApp, TestApp } from '../support/app';
import { runCli } from '../support/cli';
import { DB_LABEL } from '../support/database';
import { ApiFactory, idOf } from '../support/factories';
import { binaryParser, pdfText } from '../support/pdf';

// Issue 14: the public disclosure pages, signed open data, the honour roll, donor self-service and the printed
// disclosure, against a real database: figures equal the consolidated statement's, no household is named or
// singled out, a posting shows on the next request, files verify with `verify-public`, and a link works once.

const SECRET_NAMES = ['Hoàng Văn Bí Mật', 'Lò Thị Kín Đáo'];

jest.setTimeout(120_000);

describe(`public disclosure and donor self-service (${DB_LABEL})`, () => {
  let t: TestApp;
  let f: ApiFactory;
  let accountant: string;
  let donorWithMail: number;
  let otherDonor: number;
  let receiptNo: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'public-e2e-'));

  const statementTotal = async () =>
    (
      await t.http
        .get('/api/reports/statement?fund=LC&from=2022-01-01&to=2023-12-31&consolidated=true')
        .set(bearer(t.adminToken))
        .expect(200)
    ).body as { receipts: { total: string }; disbursements: { total: string } };
  const publicJson = async () =>
    JSON.parse((await t.http.get('/public/funds/LC/data.json?from=2022&to=2023').expect(200)).text) as {
      totals: { receipts: string; disbursements: string; housingHouseholds: number | string };
      chainHead: { entryId: number; hash: string };
      years: { year: number; households: { categories: { category: string; households: number }[] } }[];
      honourRoll: { name: string }[];
      signature: { keyId: string } | null;
    };

  beforeAll(async () => {
    t = await startTestApp();
    f = new ApiFactory(t);
    await f.post('/api/funds', { code: 'LC', name: 'Quỹ Đền ơn đáp nghĩa tỉnh Lào Cai', level: 'province' });
    await f.post('/api/funds', { code: 'LC-SP', name: 'Quỹ xã Sa Pa', level: 'commune', parentCode: 'LC' });
    accountant = await t.newUser('accountant');
    donorWithMail = idOf(
      await f.post('/api/donors', {
        name: 'Công ty CP Apatit Việt Nam',
        kind: 'enterprise',
        email: 'ketoan@apatit.vn',
      }),
    );
    otherDonor = idOf(
      await f.post('/api/donors', { name: 'Ngân hàng Nông nghiệp Lào Cai', kind: 'enterprise' }),
    );
    const c = await f.contribution('LC', donorWithMail, '2022-07-01', 900_000_000);
    receiptNo = (c.body as { receiptNo: string }).receiptNo;
    await f.contribution('LC-SP', donorWithMail, '2023-07-01', 100_000_000);
    await f.contribution('LC', otherDonor, '2023-03-01', 500_000_000);
    // Six households of Tả Van repaired in 2023 (a publishable cell), two of Bản Hồ (not: "< 5").
    const households: number[] = [];
    for (let i = 0; i < 6; i++)
      households.push(idOf(await f.post('/api/beneficiaries', f.household({ commune: 'Tả Van' }))));
    for (const name of SECRET_NAMES)
      households.push(
        idOf(
          await f.post(
            '/api/beneficiaries',
            f.household({ fullName: name, commune: 'Bản Hồ', category: 'martyr_relative' }),
          ),
        ),
      );
    for (const [i, id] of households.entries()) {
      const payout = idOf(
        await f.post(
          '/api/disbursements',
          {
            fundCode: 'LC',
            beneficiaryId: id,
            purpose: i < 6 ? 'house_repair' : 'house_new',
            amount: 20_000_000 + i,
            date: '2023-05-01',
            method: 'bank',
            description: 'Hỗ trợ nhà ở',
          },
          201,
          accountant,
        ),
      );
      await f.post(`/api/disbursements/${payout}/approve`, {}, 200);
      await f.post(`/api/disbursements/${payout}/pay`, { date: '2023-05-02' }, 200);
    }
    const lonely = idOf(await f.post('/api/beneficiaries', f.household({ commune: 'Tả Van' })));
    const payout = idOf(
      await f.post(
        '/api/disbursements',
        {
          fundCode: 'LC',
          beneficiaryId: lonely,
          purpose: 'hardship',
          amount: 500_000,
          date: '2022-09-01',
          method: 'bank',
          description: 'Ốm đau',
        },
        201,
        accountant,
      ),
    );
    await f.post(`/api/disbursements/${payout}/approve`, {}, 200);
    await f.post(`/api/disbursements/${payout}/pay`, { date: '2022-09-02' }, 200);
  });
  afterAll(() => t.close());

  it('shows the consolidated statement’s figures to anyone, without login', async () => {
    const statement = await statementTotal();
    const data = await publicJson();
    expect(data.totals.receipts).toBe(statement.receipts.total);
    expect(data.totals.receipts).toBe('1500000000');
    expect(data.totals.disbursements).toBe(statement.disbursements.total);
    expect(data.totals.housingHouseholds).toBe(8);
    const page = await t.http.get('/public/funds/LC?from=2022&to=2023&year=2023').expect(200);
    expect(page.text).toContain('1.500.000.000 đ');
    expect(page.text).toMatch(/data-figure="housing-households">8 hộ/);
  });

  it('names no household, shows cells of fewer than 5 as "< 5", and merges their amounts upward', async () => {
    const page = (await t.http.get('/public/funds/LC?from=2022&to=2023&year=2023').expect(200)).text;
    const csv = (await t.http.get('/public/funds/LC/data.csv?from=2022&to=2023').expect(200)).text;
    const json = (await t.http.get('/public/funds/LC/data.json?from=2022&to=2023').expect(200)).text;
    for (const text of [page, csv, json]) {
      for (const name of [...SECRET_NAMES, 'Nguyễn Văn Hộ']) expect(text).not.toContain(name);
      expect(text).not.toContain('20000006'); // one household's amount
      expect(text).not.toContain('20.000.006');
    }
    // 6 war invalids of Tả Van and 2 martyrs' relatives of Bản Hồ: the 2 would be 8 − 6 by subtraction, so the
    // 6 merge with them, and only the year's 8 is shown; the same for the purposes (2 new houses, 6 repairs).
    expect(csv).toContain('households,2023,total,,,8');
    expect(csv).toContain('households,2023,category,(other categories),,8');
    expect(csv).not.toContain('Bản Hồ');
    expect(csv).toMatch(/disbursements,2023,purpose_merged,house_new\+house_repair,160000028,8/);
    expect(csv).not.toMatch(/disbursements,2023,purpose,house_/);
    // One household supported in 2022: "< 5", its amount only inside the year's total.
    expect(csv).toContain('households,2022,total,,,< 5');
    expect(csv).toContain('disbursements,2022,purpose_merged,hardship,500000,< 5');
    expect(page).toContain('&lt; 5');
  });

  it('changes a public figure on the very next request after a posting', async () => {
    const before = await publicJson();
    await f.contribution('LC-SP', otherDonor, '2023-09-09', 7_000);
    const after = await publicJson();
    expect(BigInt(after.totals.receipts) - BigInt(before.totals.receipts)).toBe(7000n);
    expect(after.chainHead.entryId).toBeGreaterThan(before.chainHead.entryId);
    const page = await t.http.get('/public/funds/LC?from=2022&to=2023').expect(200);
    expect(page.text).toContain('1.500.007.000 đ');
  });

  it('lists a donor on the honour roll only after an accountant records consent, audited', async () => {
    expect((await publicJson()).honourRoll).toEqual([]);
    await t.http
      .patch(`/api/donors/${donorWithMail}/public-listing`)
      .set(bearer(accountant))
      .send({ publicListing: true, consentDate: '2024-01-15' })
      .expect(200);
    const auditor = await t.newUser('auditor');
    await t.http
      .patch(`/api/donors/${donorWithMail}/public-listing`)
      .set(bearer(auditor))
      .send({ publicListing: false, consentDate: '2024-01-16' })
      .expect(403);
    const bad = await t.http
      .patch(`/api/donors/${donorWithMail}/public-listing`)
      .set(bearer(accountant))
      .send({ publicListing: 'yes' })
      .expect(400);
    expect(bad.body.message.length).toBeGreaterThanOrEqual(2);
    expect((await publicJson()).honourRoll).toEqual([
      {
        name: 'Công ty CP Apatit Việt Nam',
        years: [
          { year: 2022, amount: '900000000' },
          { year: 2023, amount: '100000000' },
        ],
        total: '1000000000',
      },
    ]);
    const [row] = await t.dataSource.query(
      `SELECT details FROM audit_log WHERE action LIKE '%public-listing%' ORDER BY id DESC`,
    );
    expect(String(row.details)).toContain('2024-01-15');
  });

  it('signs the files with the fund key the admin configured; verify-public accepts them and refuses an edit', async () => {
    expect((await publicJson()).signature).toBeNull();
    const key = await t.http.post('/api/public/funds/LC/signing-key').set(bearer(accountant)).expect(403);
    expect(key.body.statusCode).toBe(403);
    const made = await f.post('/api/public/funds/LC/signing-key', {});
    expect(JSON.stringify(made.body)).not.toMatch(/private/i);
    const csv = (await t.http.get('/public/funds/LC/data.csv?from=2022&to=2023').expect(200)).text;
    const json = (await t.http.get('/public/funds/LC/data.json?from=2022&to=2023').expect(200)).text;
    const manifest = (await t.http.get('/public/funds/LC/manifest.json?from=2022&to=2023').expect(200)).text;
    const keys = (await t.http.get('/public/funds/LC/keys.json').expect(200)).text;
    writeFileSync(path.join(dir, 'cong-khai-LC.csv'), csv);
    writeFileSync(path.join(dir, 'cong-khai-LC.json'), json);
    writeFileSync(path.join(dir, 'manifest.json'), manifest);
    writeFileSync(path.join(dir, 'keys.json'), keys);
    for (const file of ['cong-khai-LC.csv', 'cong-khai-LC.json', 'manifest.json']) {
      const run = runCli(['verify-public', path.join(dir, file)], t.db.config);
      expect(run.stdout).toMatch(/^OK/);
      expect(run.status).toBe(0);
    }
    const withKey = runCli(
      ['verify-public', path.join(dir, 'cong-khai-LC.csv'), '--key', path.join(dir, 'keys.json'), '--no-db'],
      t.db.config,
    );
    expect(withKey.status).toBe(0);
    // One digit changed: refused.
    writeFileSync(path.join(dir, 'edited.csv'), csv.replace('1500007000', '1500008000'));
    const edited = runCli(['verify-public', path.join(dir, 'edited.csv')], t.db.config);
    expect(edited.status).toBe(1);
    expect(edited.stdout).toMatch(/changed after it was signed/);
    writeFileSync(path.join(dir, 'cong-khai-LC.csv'), `${csv}x`);
    expect(runCli(['verify-public', path.join(dir, 'manifest.json')], t.db.config).status).toBe(1);
    expect(readFileSync(path.join(dir, 'cong-khai-LC.json'), 'utf8')).toContain('"algorithm": "Ed25519"');
  });

  it('prints the year’s disclosure for the commune office with the same figures and the chain head', async () => {
    const res = await t.http
      .get('/public/funds/LC/disclosure.pdf?year=2023')
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    const text = pdfText(res.body as Buffer);
    expect(text).toContain('CÔNG KHAI TÌNH HÌNH THU, CHI');
    expect(text).toContain('600.007.000');
    expect(text).toContain('< 5');
    expect(text).toContain((await publicJson()).chainHead.hash);
    for (const name of SECRET_NAMES) expect(text).not.toContain(name);
  });

  describe('donor self-service', () => {
    let smtp: SMTPServer;
    const received: { to: string; raw: string }[] = [];
    let mailApp: TestApp;
    const linkIn = (raw: string) => {
      const text = raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      return /http:\/\/ledger\.test(\/public\/donor\/[A-Za-z0-9_-]{20,})/.exec(text)?.[1];
    };

    beforeAll(async () => {
      smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        onData(stream, session, callback) {
          let raw = '';
          stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
          stream.on('end', () => {
            received.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw });
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
      const port = (smtp.server.address() as AddressInfo).port;
      mailApp = await startTestApp({ smtpUrl: `smtp://127.0.0.1:${port}` }, t.db);
    });
    afterAll(async () => {
      await mailApp.close();
      await new Promise<void>((resolve) => smtp.close(resolve));
    });

    it('sends a one-time link to the e-mail on record; the page shows only that donor’s receipts', async () => {
      const res = await mailApp.http.post('/public/donor/link').type('form').send({ receiptNo }).expect(200);
      expect(res.text).toContain('Đã ghi nhận');
      expect(received).toHaveLength(1);
      expect(received[0].to).toBe('ketoan@apatit.vn');
      const link = linkIn(received[0].raw);
      expect(link).toBeDefined();
      const page = await mailApp.http.get(link as string).expect(200);
      expect(page.text).toContain('Công ty CP Apatit Việt Nam');
      expect(page.text).toContain(receiptNo);
      expect(page.text).not.toContain('Ngân hàng Nông nghiệp');
      expect(page.text).toContain('Thư cảm ơn 2022');
      const cookie = page.headers['set-cookie'] as unknown as string[];
      const href = /href="(\/public\/donor\/receipts\/\d+)"/.exec(page.text)?.[1] as string;
      const pdf = await mailApp.http
        .get(href)
        .set('Cookie', cookie)
        .buffer(true)
        .parse(binaryParser)
        .expect(200);
      expect(pdfText(pdf.body as Buffer)).toContain('Công ty CP Apatit Việt Nam');
      const letter = /href="(\/public\/donor\/letters\/[^"]+)"/.exec(page.text)?.[1] as string;
      await mailApp.http.get(letter).set('Cookie', cookie).expect(200);
      // Another donor's receipt, with this cookie: not found; without a cookie: refused.
      const others = await t.dataSource.query(`SELECT id FROM contributions WHERE donor_id = ${otherDonor}`);
      await mailApp.http.get(`/public/donor/receipts/${others[0].id}`).set('Cookie', cookie).expect(404);
      await mailApp.http.get(href).expect(403);
      // The same link twice: refused.
      const again = await mailApp.http.get(link as string).expect(410);
      expect(again.text).toContain('đã được dùng');
    });

    it('answers the same for an unknown e-mail, sends nothing, and logs only a hash of the e-mail', async () => {
      const res = await mailApp.http
        .post('/public/donor/link')
        .send({ email: 'nobody@example.vn' })
        .expect(200);
      expect(res.text).toContain('Đã ghi nhận');
      expect(received).toHaveLength(1);
      await mailApp.http.post('/public/donor/link').send({ email: 'KeToan@Apatit.vn' }).expect(200);
      expect(received).toHaveLength(2);
      const rows = await t.dataSource.query(
        'SELECT email_hash, outcome FROM donor_link_requests ORDER BY id',
      );
      expect(rows.map((r: { outcome: string }) => r.outcome)).toEqual(['sent', 'unknown', 'sent']);
      const everything = JSON.stringify(await t.dataSource.query('SELECT * FROM donor_link_requests'));
      expect(everything).not.toMatch(/nobody|apatit/i);
      const audit = JSON.stringify(
        await t.dataSource.query(`SELECT action, details FROM audit_log WHERE action LIKE '%/public/donor%'`),
      );
      expect(audit).toContain('emailHash');
      expect(audit).toContain('GET /public/donor/{token}');
      expect(audit).not.toMatch(/nobody@|ketoan@/i);
    });

    it('rate-limits link requests', async () => {
      let status = 200;
      for (let i = 0; i < 8 && status === 200; i++)
        status = (await mailApp.http.post('/public/donor/link').send({ email: `x${i}@example.vn` })).status;
      expect(status).toBe(429);
    });
  });
});
