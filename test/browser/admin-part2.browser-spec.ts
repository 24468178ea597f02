import type { BrowserContext, Page } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pdfText } from '../support/pdf';
import {
  api as apiAt,
  expectAccessible,
  login as loginAt,
  PASSWORD,
  shared,
  shot,
  until,
  visible,
  type Shared,
} from './support/fixture';

// The web admin, part 2, in real Chromium on the run's shared app and browser: households, payouts with their
// policy checks and maker–checker approval, paying with the voucher, reports and the auditor's verify and bundle.
// This file works in its own commune fund YB-TV (xã Tả Van, below province fund YB) with its own users, beside part 1's fund LC.

jest.setTimeout(150_000);

const ROOT = path.resolve(__dirname, '..', '..');
let run: Shared;
let base: string;
let adminToken: string;
const api = (method: string, url: string, token: string | null, body?: unknown) =>
  apiAt(base, method, url, token, body);
const login = (context: BrowserContext, username: string) =>
  loginAt(base, context, username, username === 'admin' ? run.adminPassword : PASSWORD);

async function as(username: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await run.browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await login(context, username);
  // This file's fund: the switcher keeps it for every page.
  await page.goto(`${base}/admin/fund?code=YB-TV&back=/admin`);
  return { context, page };
}

beforeAll(async () => {
  run = await shared();
  base = run.base;
  adminToken = (
    await api('POST', '/api/auth/login', null, { username: 'admin', password: run.adminPassword })
  ).token as string;
  await api('POST', '/api/funds', adminToken, {
    code: 'YB',
    name: 'Quỹ Đền ơn đáp nghĩa tỉnh Yên Bái',
    level: 'province',
  });
  await api('POST', '/api/funds', adminToken, {
    code: 'YB-TV',
    name: 'Quỹ Đền ơn đáp nghĩa xã Tả Van',
    level: 'commune',
    parentCode: 'YB',
  });
  for (const [username, role] of [
    ['ketoan.tv', 'accountant'],
    ['thuquy.tv', 'cashier'],
    ['duyet.tv', 'approver'],
  ])
    await api('POST', '/api/users', adminToken, { username, password: PASSWORD, role, fundCode: 'YB-TV' });
  await api('POST', '/api/users', adminToken, {
    username: 'kiemtoan.all',
    password: PASSWORD,
    role: 'auditor',
  });
  // Money in the fund's bank to pay from.
  const donor = await api('POST', '/api/donors', adminToken, {
    name: 'Ngân hàng Nông nghiệp Lào Cai',
    kind: 'enterprise',
  });
  await api('POST', '/api/contributions', adminToken, {
    fundCode: 'YB-TV',
    donorId: donor.id,
    date: '2023-01-10',
    amount: '200000000',
    method: 'bank',
  });
});

afterAll(async () => {
  await run?.browser.close();
});

describe('web admin, part 2', () => {
  let payoutUrl: string;
  let householdId: string;

  describe('the accountant', () => {
    let context: BrowserContext;
    let page: Page;
    beforeAll(async () => ({ context, page } = await as('ketoan.tv')));
    afterAll(() => context?.close());

    it('1. registers a household, and sees a possible duplicate flagged', async () => {
      const register = async () => {
        await page.goto(`${base}/admin/beneficiaries/new`);
        await page.getByLabel('Họ và tên chủ hộ').fill('Giàng A Páo');
        await page.getByLabel('Diện đối tượng').selectOption('war_invalid');
        await page.getByLabel('Xã, phường').fill('Tả Van');
        await page.getByLabel('Năm sinh').fill('1948');
        await page.getByLabel('Tình trạng nhà ở').fill('Nhà tạm, dột nát');
      };
      await register();
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Lưu' }).click();
      await visible(page.getByRole('heading', { name: 'Giàng A Páo' }));
      householdId = page.url().split('/').pop()?.split('?')[0] ?? '';
      await register();
      await page.getByRole('button', { name: 'Lưu' }).click();
      await visible(page.getByText('Có thể trùng với hồ sơ đã có'));
      await visible(page.getByText('same name, birth year and commune'));
      await expectAccessible(page);
      await shot(page, 'p2-01-household-duplicate');
      await page.goto(`${base}/admin/beneficiaries?q=giang a pao`);
      await visible(page.getByRole('link', { name: 'Giàng A Páo' }));
      await expectAccessible(page);
    });

    it('2. requests a house repair above the cap, and sees the rule named before and on submitting', async () => {
      await page.goto(`${base}/admin/disbursements/new?beneficiaryId=${householdId}`);
      const form = page.getByRole('main');
      await form.getByLabel('Mục đích').selectOption('house_repair');
      await form.getByLabel('Số tiền').fill('60.000.000');
      await form.getByLabel('Số tiền').press('Tab');
      await until(async () =>
        ((await page.locator('#amount-words').textContent()) ?? '').includes('Sáu mươi triệu'),
      );
      await visible(page.locator('#policy-checks').getByText('purpose_cap'));
      await expectAccessible(page);
      await shot(page, 'p2-02-payout-over-cap');
      await page.getByRole('button', { name: 'Gửi duyệt' }).click();
      await visible(page.getByRole('alert').getByText(/quy định purpose_cap/));
      expect(await form.getByLabel('Số tiền').inputValue()).toBe('60.000.000');
    });

    it('3. requests one within the cap; sees no approve button, and a forged approve is refused', async () => {
      const form = page.getByRole('main');
      await form.getByLabel('Số tiền').fill('30.000.000');
      await page.getByRole('button', { name: 'Gửi duyệt' }).click();
      await visible(page.getByText('Đã gửi đề nghị chi để duyệt.'));
      payoutUrl = page.url().split('?')[0];
      expect(await page.getByRole('button', { name: 'Duyệt' }).count()).toBe(0);
      await visible(page.getByText('Diễn biến'));
      await expectAccessible(page);
      const token = await page.locator('body').getAttribute('data-csrf');
      const forged = await page.request.post(`${payoutUrl}/approve`, {
        form: { _csrf: token ?? '', note: 'tự duyệt' },
      });
      expect(forged.status()).toBe(403);
      const id = payoutUrl.split('/').pop();
      expect((await api('GET', `/api/disbursements/${id}`, adminToken)).status).toBe('submitted');
    });
  });

  it('4. the approver approves it from the queue', async () => {
    const { context, page } = await as('duyet.tv');
    await page.goto(`${base}/admin/disbursements?view=queue`);
    await expectAccessible(page);
    await page.getByRole('link', { name: payoutUrl.split('/').pop() ?? '', exact: true }).click();
    await page.getByLabel('Ghi chú duyệt').fill('Đúng hồ sơ');
    await page.getByRole('button', { name: 'Duyệt', exact: true }).click();
    await visible(page.getByText('Đã duyệt.'));
    await expectAccessible(page);
    await shot(page, 'p2-04-approved');
    await context.close();
  });

  it('5. the cashier pays it and opens the voucher (the amount in words is on it)', async () => {
    const { context, page } = await as('thuquy.tv');
    await page.goto(`${base}/admin/disbursements?view=topay`);
    await page.getByRole('link', { name: payoutUrl.split('/').pop() ?? '', exact: true }).click();
    await page.getByRole('button', { name: 'Chi tiền' }).click();
    // Paying posts the entry and takes the voucher number: give a loaded machine time.
    await page.waitForLoadState('load');
    if (!page.url().includes('done=paid'))
      throw new Error(`not paid: ${await page.getByRole('main').innerText()}`);
    await visible(page.getByText('Đã chi tiền và lập phiếu chi.'));
    const href = await page.getByRole('link', { name: 'Phiếu chi (PDF)' }).getAttribute('href');
    const res = await page.request.get(`${base}${href}`);
    expect(res.headers()['content-type']).toContain('application/pdf');
    const text = pdfText(await res.body());
    expect(text).toContain('Ba mươi triệu đồng');
    await expectAccessible(page);
    await shot(page, 'p2-05-paid');
    await context.close();
  });

  it('the statement shows the year with its chart and downloads that agree with the page', async () => {
    const { context, page } = await as('ketoan.tv');
    await page.goto(`${base}/admin/reports`);
    await page.getByLabel('Từ ngày').fill('01/01/2023');
    await page.getByLabel('Đến ngày').fill('31/12/2026');
    await page.getByLabel('Hợp nhất').check();
    await page.getByRole('button', { name: 'Xem' }).click();
    await visible(page.locator('[data-total="receipts"]'));
    expect((await page.locator('[data-total="receipts"]').textContent())?.trim()).toBe('200.000.000 đ');
    expect((await page.locator('[data-total="disbursements"]').textContent())?.trim()).toBe('30.000.000 đ');
    for (const name of ['PDF', 'XLSX', 'CSV']) await visible(page.getByRole('link', { name, exact: true }));
    const csvHref = await page.getByRole('link', { name: 'CSV', exact: true }).getAttribute('href');
    const csv = await (await page.request.get(`${base}${csvHref}`)).text();
    expect(csv).toContain('200000000');
    await expectAccessible(page);
    await shot(page, 'p2-statement');
    await context.close();
  });

  it('6. a transfer between two funds leaves the consolidated statement unchanged, with both entries linked', async () => {
    const { context, page } = await as('admin');
    await page.goto(`${base}/admin/fund?code=YB&back=/admin`);
    const totals = async () => {
      await page.goto(`${base}/admin/reports?from=01/01/2023&to=31/12/2026&consolidated=on`);
      return [
        (await page.locator('[data-total="receipts"]').textContent())?.trim(),
        (await page.locator('[data-total="disbursements"]').textContent())?.trim(),
      ];
    };
    const before = await totals();
    await page.goto(`${base}/admin/transfers/new`);
    await page.getByLabel('Quỹ chuyển').selectOption('YB-TV');
    await page.getByLabel('Quỹ nhận').selectOption('YB');
    await page.getByRole('main').getByLabel('Số tiền').fill('20.000.000');
    await page.getByRole('main').getByLabel('Diễn giải').fill('Chuyển về quỹ tỉnh');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Ghi điều chuyển' }).click();
    await visible(page.getByText('Đã ghi điều chuyển: một bút toán ở mỗi quỹ.'));
    expect(await page.getByRole('link', { name: /^#\d+$/ }).count()).toBe(2);
    await expectAccessible(page);
    await shot(page, 'p2-06-transfer');
    expect(await totals()).toEqual(before);
    await context.close();
  });

  it('10. the auditor runs verify, and downloads the audit bundle that verify-bundle accepts', async () => {
    const { context, page } = await as('kiemtoan.all');
    await page.goto(`${base}/admin/audit`);
    await page.getByRole('button', { name: 'Kiểm tra chuỗi' }).click();
    await visible(page.getByText('Chuỗi khớp: không có sai lệch.'));
    await visible(page.getByText(/Lần kiểm tra gần nhất/));
    await expectAccessible(page);
    await shot(page, 'p2-10-audit');
    const href = await page.getByRole('link', { name: 'Hồ sơ kiểm toán (ZIP)' }).getAttribute('href');
    const zip = await page.request.get(`${base}${href}`);
    expect(zip.status()).toBe(200);
    const file = path.join(run.dir, 'bundle.zip');
    writeFileSync(file, await zip.body());
    const checked = spawnSync(
      process.execPath,
      [path.join(ROOT, 'dist/cli/main.js'), 'verify-bundle', file],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(`${checked.status} ${checked.stdout}${checked.stderr}`).toMatch(/^0 /);
    await context.close();
  });

  it("11. the admin disables a user; that user's open session stops working at the next click", async () => {
    const cashier = await as('thuquy.tv');
    const admin = await as('admin');
    await admin.page.goto(`${base}/admin/users`);
    await expectAccessible(admin.page);
    await admin.page.getByRole('button', { name: 'Khóa thuquy.tv' }).click();
    await visible(admin.page.getByText('Đã khóa người dùng; mọi phiên của họ đã kết thúc.'));
    await shot(admin.page, 'p2-11-users');
    await cashier.page.getByRole('link', { name: 'Phiếu chi' }).first().click();
    await visible(cashier.page.getByLabel('Tên đăng nhập'));
    await cashier.context.close();
    await admin.context.close();
  });
});
