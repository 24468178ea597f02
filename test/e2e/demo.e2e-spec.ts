import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Money } from '../../src/common/money';
import { ADMIN_PASSWORD, bearer, startTestApp, TestApp } from '../support/app';
import { copyDemoBooks, DemoBooks } from '../support/demo-fixture';
import { keepSample } from '../support/document-views';
import { binaryParser, pdfText } from '../support/pdf';

interface ClaimResult {
  metric: string;
  expected: string;
  actual: string;
  difference: string;
  verdict: 'agrees' | 'disagrees';
}

interface FundBody {
  code: string;
  level: string;
  parentCode: string | null;
  status: string;
}

const ROOT = path.resolve(__dirname, '..', '..');
const CLAIMS = '/api/reports/reconciliation?claims=lao-cai-2013-2023';

// `npm run demo` always builds an SQLite file (data/demo.sqlite), so this suite does too, whatever DATABASE_URL says.
// The books are built once per dist build and shared (test/support/demo-fixture.ts); this suite writes to its own copy.
describe('npm run demo: the Lào Cai demonstration books (an SQLite file, as npm run demo builds)', () => {
  let dir: string;
  let built: DemoBooks;
  let t: TestApp;
  let auditor: string;

  const get = async <T>(url: string, token = auditor): Promise<T> => {
    const res = await t.http.get(url).set(bearer(token));
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${res.text.slice(0, 300)}`);
    return res.body as T;
  };
  const claims = async () => (await get<{ claims: ClaimResult[] }>(CLAIMS)).claims;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'den-on-demo-'));
    const { file, books } = await copyDemoBooks(dir);
    built = books;
    console.log(
      `demo books built in ${(built.elapsedMs / 1000).toFixed(1)} s (shared: ${path.basename(books.file)})`,
    );
    t = await startTestApp(
      {},
      { config: { type: 'sqlite', path: file }, file, drop: () => Promise.resolve() },
    );
    auditor = await t.login('kiemtoan', 'demo-kiemtoan-2025');
  }, 300_000);

  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('agrees with all three published Lào Cai claims', async () => {
    const results = await claims();
    expect(results.map((c) => [c.metric, c.actual, c.verdict])).toEqual([
      ['receipts_total', '55318000000', 'agrees'],
      ['households_supported', '1024', 'agrees'],
      ['disbursements_total', '36845000000', 'agrees'],
    ]);
  });

  // Issue 14: the public page of the demo shows the statement's figures and names no household.
  it('publishes 2013–2023 on /public/funds/LC: the statement’s receipts, 1,024 households housed, no name', async () => {
    const statement = await get<{ receipts: { total: string } }>(
      '/api/reports/statement?fund=LC&from=2013-01-01&to=2023-12-31&consolidated=true',
    );
    const data = JSON.parse(
      (await t.http.get('/public/funds/LC/data.json?from=2013&to=2023').expect(200)).text,
    ) as {
      totals: { receipts: string; housingHouseholds: number | string };
    };
    expect(data.totals.receipts).toBe(statement.receipts.total);
    expect(data.totals.housingHouseholds).toBe(1024);
    const page = (await t.http.get('/public/funds/LC?from=2013&to=2023').expect(200)).text;
    expect(page).toContain(`${Number(statement.receipts.total).toLocaleString('de-DE')} đ`);
    expect(page).toMatch(/data-figure="housing-households">1\.024 hộ/);
    const csv = (await t.http.get('/public/funds/LC/data.csv?from=2013&to=2023').expect(200)).text;
    const names = await t.dataSource.query<{ full_name: string }[]>('SELECT full_name FROM beneficiaries');
    expect(names.length).toBeGreaterThan(1000);
    const named = names.filter((n) => page.includes(n.full_name) || csv.includes(n.full_name));
    expect(named).toEqual([]);
  });

  it('keeps its books whole: the hash chain and every stored balance verify', async () => {
    const report = await get<{ ok: boolean; entriesChecked: number; problems: string[] }>(
      '/api/audit/verify',
    );
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.entriesChecked).toBeGreaterThan(10_000);
  }, 60_000);

  it('never had a fund’s cash or bank below zero at the end of any day', async () => {
    const rows = await t.dataSource.query<{ fund: number; account: string; day: string; net: string }[]>(
      `SELECT e.fund_id AS fund, a.code AS account, e.entry_date AS day,
              CAST(SUM(l.debit) - SUM(l.credit) AS TEXT) AS net
         FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id JOIN accounts a ON a.id = l.account_id
        WHERE a.code IN ('111', '112')
        GROUP BY e.fund_id, a.code, e.entry_date
        ORDER BY e.fund_id, a.code, e.entry_date`,
    );
    const running = new Map<string, Money>();
    const negative: string[] = [];
    for (const row of rows) {
      const key = `${row.fund}/${row.account}`;
      const balance = (running.get(key) ?? Money.ZERO).plus(Money.fromStored(row.net));
      running.set(key, balance);
      if (balance.isNegative()) negative.push(`${key} on ${row.day}: ${balance.format()}`);
    }
    expect(rows.length).toBeGreaterThan(1000);
    expect(negative).toEqual([]);
  });

  it('has the province fund, its nine districts (closed by the merger of 1 July 2025) and their communes', async () => {
    const funds = await get<FundBody[]>('/api/funds');
    const districts = funds.filter((f) => f.level === 'district');
    const communes = funds.filter((f) => f.level === 'commune');
    expect(funds.filter((f) => f.level === 'province').map((f) => f.code)).toEqual(['LC']);
    expect(districts.map((f) => f.code).sort()).toEqual(
      ['LC-BH', 'LC-BT', 'LC-BX', 'LC-BY', 'LC-MK', 'LC-SMC', 'LC-SP', 'LC-TP', 'LC-VB'].sort(),
    );
    expect(districts.every((d) => d.status === 'closed' && d.parentCode === 'LC')).toBe(true);
    expect(communes.length).toBeGreaterThanOrEqual(27);
    // The merger moved the communes below the province; they stay open.
    expect(communes.every((c) => c.status === 'active' && c.parentCode === 'LC')).toBe(true);
    expect(funds).toHaveLength(1 + 9 + communes.length);
  });

  it('has donors of every kind, payouts of every purpose through maker–checker, tranches and transfers', async () => {
    const q = async (text: string) => (await t.dataSource.query<Record<string, string | number>[]>(text))[0];
    const kinds = await t.dataSource.query<{ kind: string }[]>(
      'SELECT DISTINCT kind FROM donors ORDER BY kind',
    );
    expect(kinds.map((k) => k.kind)).toEqual(['agency', 'enterprise', 'individual', 'organization']);
    const purposes = await t.dataSource.query<{ purpose: string }[]>(
      "SELECT DISTINCT purpose FROM disbursements WHERE status = 'paid' ORDER BY purpose",
    );
    expect(purposes.map((p) => p.purpose)).toEqual([
      'hardship',
      'house_new',
      'house_repair',
      'memorial',
      'savings_book',
      'visit_gift',
    ]);
    expect(
      Number((await q('SELECT COUNT(*) AS n FROM disbursements WHERE approved_by = prepared_by')).n),
    ).toBe(0);
    expect(
      Number((await q("SELECT COUNT(*) AS n FROM disbursements WHERE status = 'rejected'")).n),
    ).toBeGreaterThan(0);
    expect(
      Number((await q("SELECT COUNT(*) AS n FROM disbursements WHERE stage = 'settlement'")).n),
    ).toBeGreaterThan(100);
    expect(Number((await q('SELECT COUNT(*) AS n FROM transfers')).n)).toBeGreaterThan(100);
    expect(Number((await q('SELECT COUNT(*) AS n FROM contribution_batches')).n)).toBeGreaterThan(10);
  });

  // Issue 10, items 4 and 11: cemeteries are organisations paid as payees, and the unit changed its name in 2025.
  it('pays the cemeteries as payees, not households, and prints the Sở Nội vụ on documents from 1 March 2025', async () => {
    const count = async (sql: string) =>
      Number((await t.dataSource.query<{ n: string | number }[]>(sql))[0].n);
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM beneficiaries WHERE full_name LIKE 'Nghĩa trang%' OR full_name LIKE 'Đài tưởng%' OR full_name LIKE 'Nhà bia%'",
      ),
    ).toBe(0);
    const found = await get<{ items: { id: number; name: string; taxCode: string; bankAccount: string }[] }>(
      '/api/payees?q=nghia trang liet si tinh lao cai',
    );
    expect(found.items).toEqual([
      expect.objectContaining({
        name: 'Nghĩa trang liệt sĩ tỉnh Lào Cai',
        taxCode: expect.stringMatching(/^\d{10}$/),
      }),
    ]);
    const cemetery = found.items[0];
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM disbursements WHERE purpose = 'memorial' AND (payee_id IS NULL OR beneficiary_id IS NOT NULL)",
      ),
    ).toBe(0);
    const [paid] = await t.dataSource.query<{ id: number }[]>(
      `SELECT id FROM disbursements WHERE payee_id = ${cemetery.id} AND status = 'paid' ORDER BY id LIMIT 1`,
    );
    const pdf = async (url: string, name: string) =>
      pdfText(
        keepSample(
          (await t.http.get(url).set(bearer(auditor)).buffer(true).parse(binaryParser).expect(200))
            .body as Buffer,
          name,
        ),
      );
    const order = await pdf(`/api/disbursements/${paid.id}/voucher.pdf`, 'demo-payee-payment-order');
    expect(order).toContain('ỦY NHIỆM CHI');
    expect(order).toContain('Nghĩa trang liệt sĩ tỉnh Lào Cai');
    expect(order).toContain(`Mã số thuế đơn vị nhận: ${cemetery.taxCode}`);
    expect(order).toContain(cemetery.bankAccount);

    const statement = await get<{
      disbursements: { byPurpose: Record<string, { amount: string; households: number }> };
    }>('/api/reports/statement?fund=LC&from=2013-01-01&to=2025-12-31&consolidated=true');
    expect(statement.disbursements.byPurpose.memorial.households).toBe(0);
    expect(BigInt(statement.disbursements.byPurpose.memorial.amount)).toBeGreaterThan(0n);

    const names = await get<{ validFrom: string | null; name: string }[]>('/api/funds/LC/unit-names');
    expect(names.map((n) => [n.validFrom, n.name])).toEqual([
      [null, 'Sở Lao động - Thương binh và Xã hội tỉnh Lào Cai'],
      ['2025-03-01', 'Sở Nội vụ tỉnh Lào Cai'],
    ]);
    const receiptOn = async (from: string, to: string) =>
      (
        await t.dataSource.query<{ id: number }[]>(
          `SELECT c.id FROM contributions c JOIN funds f ON f.id = c.fund_id
            WHERE f.code = 'LC' AND c.status = 'posted' AND c.contribution_date >= '${from}' AND c.contribution_date <= '${to}'
            ORDER BY c.contribution_date, c.id LIMIT 1`,
        )
      )[0].id;
    const before = await pdf(
      `/api/contributions/${await receiptOn('2024-01-01', '2025-02-28')}/receipt.pdf`,
      'demo-2024-receipt',
    );
    expect(before).toMatch(/Đơn vị:\s*Sở Lao động - Thương binh và Xã hội\s+tỉnh\s+Lào\s+Cai/);
    expect(before).not.toContain('Sở Nội vụ');
    const after = await pdf(
      `/api/contributions/${await receiptOn('2025-03-01', '2025-12-31')}/receipt.pdf`,
      'demo-2025-receipt',
    );
    expect(after).toMatch(/Đơn vị:\s*Sở Nội vụ\s+tỉnh\s+Lào\s+Cai/);
    expect((await claims()).map((c) => c.verdict)).toEqual(['agrees', 'agrees', 'agrees']);
  });

  it('peaks every July, the month of the Tháng 7 tri ân campaign', async () => {
    const rows = await t.dataSource.query<{ month: string; total: string }[]>(
      `SELECT SUBSTR(contribution_date, 1, 7) AS month, CAST(SUM(amount) AS TEXT) AS total
         FROM contributions GROUP BY SUBSTR(contribution_date, 1, 7)`,
    );
    const peak = new Map<string, { month: string; total: Money }>();
    for (const row of rows) {
      const year = row.month.slice(0, 4);
      const total = Money.fromStored(row.total);
      const best = peak.get(year);
      if (!best || total.compare(best.total) > 0) peak.set(year, { month: row.month, total });
    }
    expect([...peak.values()].map((p) => p.month.slice(5))).toEqual(Array(peak.size).fill('07'));
    expect(peak.size).toBe(13);
  });

  it('lets the printed users log in, admin with ADMIN_PASSWORD', async () => {
    expect(built.users[0]).toMatchObject({ username: 'admin', password: ADMIN_PASSWORD, role: 'admin' });
    for (const user of built.users.filter((u) =>
      ['ketoan.laocai', 'pheduyet.laocai', 'ketoan.sapa'].includes(u.username),
    )) {
      await t.login(user.username, user.password);
    }
    expect(built.users.map((u) => u.role).sort()).toEqual(
      expect.arrayContaining(['accountant', 'approver', 'auditor']),
    );
  });

  it('closes every year up to the last full one, each fund in order, with the result carried into 431', async () => {
    const closings = await t.http.get('/api/funds/LC/closings').set(bearer(t.adminToken)).expect(200);
    const text = JSON.stringify(closings.body);
    for (let year = 2013; year <= 2025; year++) expect(text).toContain(`"year":${year}`);
    const balances = await t.http
      .get('/api/reports/account-balances?fund=LC&from=2024-01-01&to=2024-12-31')
      .set(bearer(t.adminToken))
      .expect(200);
    const rows = (balances.body as { rows: { account: string; opening: string; closing: string }[] }).rows;
    // The years before opened 2024 with their receipts and disbursements in 431, not in 51xx/61xx.
    for (const row of rows.filter((r) => /^5|^6/.test(r.account)))
      expect([row.account, row.opening]).toEqual([row.account, '0']);
    expect(rows.find((r) => r.account === '431')?.opening.startsWith('-')).toBe(true);
  });

  it('numbers every series in date order, but for its one late entry, which is confirmed and marked', async () => {
    // Within each fund × series × year (PT, XN, PC, UNC) the numbers follow the dates, and so do each fund's entry
    // numbers (issue 10 item 3); a late entry (ghi bổ sung) is the one allowed exception, and says so.
    const late = await t.dataSource.query<{ fund_id: number; document_no: string; decided_by: string }[]>(
      "SELECT fund_id, document_no, decided_by FROM late_entries WHERE status = 'used'",
    );
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({
      document_no: expect.stringMatching(/^PT-2025-\d{6}$/),
      decided_by: 'pheduyet.laocai',
    });
    const lateNos = new Set(late.map((l) => `${l.fund_id} ${l.document_no}`));
    const documents = await t.dataSource.query<{ fund_id: number; no: string; d: string }[]>(
      `SELECT fund_id, receipt_no AS no, contribution_date AS d FROM contributions
       UNION ALL SELECT fund_id, voucher_no AS no, payment_date AS d FROM disbursements WHERE voucher_no IS NOT NULL
       ORDER BY 1, 2`,
    );
    const backwards: string[] = [];
    let previous = null as { key: string; no: string; d: string } | null;
    for (const doc of documents) {
      if (lateNos.has(`${doc.fund_id} ${doc.no}`)) continue;
      const key = `${doc.fund_id} ${doc.no.slice(0, -7)}`;
      if (previous?.key === key && doc.d < previous.d)
        backwards.push(`${doc.no} ${doc.d} after ${previous.no} ${previous.d}`);
      previous = { key, no: doc.no, d: doc.d };
    }
    expect(backwards.slice(0, 5)).toEqual([]);
    expect(documents.length).toBeGreaterThan(5_000);

    const entries = await t.dataSource.query<
      { fund_id: number; number: number; entry_date: string; description: string }[]
    >('SELECT fund_id, number, entry_date, description FROM journal_entries ORDER BY fund_id, number');
    const outOfOrder: string[] = [];
    const lastDate = new Map<number, string>();
    for (const e of entries) {
      if (e.description.startsWith('[Ghi bổ sung] ')) continue;
      if ((lastDate.get(e.fund_id) ?? '') > e.entry_date)
        outOfOrder.push(`${e.fund_id} #${e.number} ${e.entry_date}`);
      lastDate.set(e.fund_id, e.entry_date);
    }
    expect(outOfOrder.slice(0, 5)).toEqual([]);
    expect(entries.filter((e) => e.description.startsWith('[Ghi bổ sung] '))).toHaveLength(1);

    // Its receipt says so.
    const [receipt] = await t.dataSource.query<{ id: number }[]>(
      'SELECT id FROM contributions WHERE receipt_no = ? AND fund_id = ?',
      [late[0].document_no, late[0].fund_id],
    );
    const pdf = await t.http
      .get(`/api/contributions/${receipt.id}/receipt.pdf`)
      .set(bearer(auditor))
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    const text = pdfText(keepSample(pdf.body as Buffer, 'demo-late-entry'));
    expect(text).toContain('(Chứng từ ghi bổ sung)');
    expect(text).toContain('xác nhận: pheduyet.laocai');
  });

  it('disagrees with the receipts claim, by the difference, once one more 2023 billion is posted', async () => {
    // 2023 is closed: the admin reopens the years after it, most recent first, as an auditor's correction needs.
    for (const year of [2025, 2024, 2023]) {
      await t.http
        .post('/api/funds/LC/reopen-year')
        .set(bearer(t.adminToken))
        .send({ year, reason: 'Bổ sung khoản thu năm 2023 (kiểm thử)' })
        .expect(200);
    }
    const accountant = await t.login('ketoan.laocai', 'demo-ketoan-2025');
    const [donor] = await t.dataSource.query<{ id: number }[]>(
      "SELECT id FROM donors WHERE kind = 'enterprise' ORDER BY id LIMIT 1",
    );
    await t.http
      .post('/api/contributions')
      .set(bearer(accountant))
      // The year's last day: an earlier one could be a late entry, which would need an approver's confirmation.
      .send({ fundCode: 'LC', donorId: donor.id, date: '2023-12-31', amount: 1_000_000_000, method: 'bank' })
      .expect(201);
    const [receipts, households, housing] = await claims();
    expect(receipts).toMatchObject({
      actual: '56318000000',
      expected: '55500000000',
      difference: '818000000',
      verdict: 'disagrees',
    });
    expect(households.verdict).toBe('agrees');
    expect(housing.verdict).toBe('agrees');
  });

  it('explains its command line', () => {
    const help = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'demo', 'main.js'), '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--build-only');
    const bad = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'demo', 'main.js'), '--fast'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unexpected arguments --fast');
  }, 60_000);
});
