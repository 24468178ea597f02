import type { BrowserContext, Page } from 'playwright-core';
import {
  api as apiAt,
  expectAccessible,
  login as loginAt,
  PASSWORD,
  shared,
  shot,
  visible,
  type Shared,
} from './support/fixture';

// The web admin, part 2: closing (journey 9), the books, house projects, campaigns and changing a user's role, in
// real Chromium on the run's shared app. This file works in its own funds DB (tỉnh Điện Biên) and DB-MN (xã Mường
// Nhé, below it) with its own users, beside the other specs' funds.

jest.setTimeout(150_000);

let run: Shared;
let base: string;
let adminToken: string;
const api = (method: string, url: string, token: string | null, body?: unknown) =>
  apiAt(base, method, url, token, body);

async function as(username: string, fund = 'DB'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await run.browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await loginAt(base, context, username, username === 'admin' ? run.adminPassword : PASSWORD);
  await page.goto(`${base}/admin/fund?code=${fund}&back=/admin`);
  return { context, page };
}

const figure = async (page: Page, selector: string) => (await page.locator(selector).textContent())?.trim();
const row = (page: Page, account: string) =>
  page.locator(`tr[data-account="${account}"] td`).allTextContents();

beforeAll(async () => {
  run = await shared();
  base = run.base;
  adminToken = (
    await api('POST', '/api/auth/login', null, { username: 'admin', password: run.adminPassword })
  ).token as string;
  await api('POST', '/api/funds', adminToken, {
    code: 'DB',
    name: 'Quỹ Đền ơn đáp nghĩa tỉnh Điện Biên',
    level: 'province',
  });
  await api('POST', '/api/funds', adminToken, {
    code: 'DB-MN',
    name: 'Quỹ Đền ơn đáp nghĩa xã Mường Nhé',
    level: 'commune',
    parentCode: 'DB',
  });
  for (const [username, role] of [
    ['ketoan.db', 'accountant'],
    ['duyet.db', 'approver'],
    ['thuquy.db', 'cashier'],
  ])
    await api('POST', '/api/users', adminToken, { username, password: PASSWORD, role, fundCode: 'DB' });
  const login = async (username: string) =>
    (await api('POST', '/api/auth/login', null, { username, password: PASSWORD })).token as string;
  const accountant = await login('ketoan.db');
  // 2023: 150 million by bank and 20 million in cash in, a 3 million hardship payout in cash out.
  const donor = await api('POST', '/api/donors', accountant, {
    name: 'Công ty Thủy điện Điện Biên',
    kind: 'enterprise',
  });
  for (const [date, amount, method] of [
    ['2023-03-10', '150000000', 'bank'],
    ['2023-07-10', '20000000', 'cash'],
  ])
    await api('POST', '/api/contributions', accountant, {
      fundCode: 'DB',
      donorId: donor.id,
      date,
      amount,
      method,
    });
  await api('POST', '/api/contributions', accountant, {
    fundCode: 'DB-MN',
    donorId: donor.id,
    date: '2024-03-01',
    amount: '10000000',
    method: 'bank',
  });
  const household = await api('POST', '/api/beneficiaries', accountant, {
    fullName: 'Lò Thị Xuân',
    category: 'martyr_relative',
    commune: 'Mường Nhé',
    birthYear: 1952,
  });
  const payout = await api('POST', '/api/disbursements', accountant, {
    fundCode: 'DB',
    beneficiaryId: household.id,
    purpose: 'hardship',
    amount: '3000000',
    date: '2023-08-01',
    method: 'cash',
  });
  await api('POST', `/api/disbursements/${String(payout.id)}/approve`, await login('duyet.db'), {});
  await api('POST', `/api/disbursements/${String(payout.id)}/pay`, await login('thuquy.db'), {
    date: '2023-08-01',
  });
  await api('POST', '/api/house-projects', accountant, {
    fundCode: 'DB',
    beneficiaryId: household.id,
    kind: 'new',
    description: 'Xây nhà tình nghĩa bà Lò Thị Xuân',
    budget: '80000000',
    startedOn: '2023-09-01',
    centralBudget: '20000000',
    socialSources: '15000000',
  });
});

afterAll(async () => {
  await run?.browser.close();
});

describe('web admin, part 2: closing', () => {
  it('9. the approver closes 2023, and the 2024 opening balances carry the 2023 closing figures', async () => {
    const { context, page } = await as('duyet.db');
    // The 2023 closing figures as the statement gives them.
    await page.goto(`${base}/admin/reports?from=01/01/2023&to=31/12/2023`);
    const closing2023 = await page
      .locator('tr', { has: page.locator('th[scope="row"]', { hasText: 'Tồn cuối kỳ' }) })
      .locator('td')
      .textContent();
    expect(closing2023?.trim()).toBe('167.000.000 đ');

    await page.getByRole('link', { name: 'Khóa sổ', exact: true }).click();
    await page.waitForURL(`${base}/admin/closing`);
    await visible(page.getByText('Chưa khóa sổ năm nào.'));
    await expectAccessible(page);
    await shot(page, 'p2-09-closing');
    await page.getByLabel('Năm', { exact: true }).fill('2023');
    await page.getByRole('button', { name: 'Khóa sổ năm' }).click();
    await page.waitForURL(/\/admin\/closing\/opening\?year=2024/);
    await visible(page.getByText('Đã khóa sổ năm 2023'));
    await visible(page.getByText('Năm trước đã khóa sổ'));
    // Cash and bank open 2024 with what 2023 closed with; 431 holds the 2023 surplus (170 in, 3 out).
    expect(await figure(page, '[data-figure="cashAndBank"]')).toBe(closing2023?.trim());
    expect(await figure(page, '[data-figure="fundBalance"]')).toBe('167.000.000 đ');
    expect((await row(page, '111')).slice(2)).toEqual(['17.000.000 đ', '']);
    expect((await row(page, '112')).slice(2)).toEqual(['150.000.000 đ', '']);
    expect((await row(page, '431')).slice(2)).toEqual(['', '167.000.000 đ']);
    // No receipts or disbursements account carries into 2024.
    expect(await page.locator('tr[data-account^="5"], tr[data-account^="6"]').count()).toBe(0);
    const api2024 = await api('GET', '/api/funds/DB/opening-balances?year=2024', adminToken);
    expect(api2024).toMatchObject({
      previousYearClosed: true,
      cashAndBank: '167000000',
      fundBalance: '167000000',
    });
    await expectAccessible(page);
    await shot(page, 'p2-09-opening-2024');

    // The closing entry moved the year's receipts and disbursements into 431.
    await page.getByRole('link', { name: /Bút toán kết chuyển #/ }).click();
    await visible(page.getByText('431'));
    // Closing 2023 again is refused, with the reason at the top of the form.
    await page.goto(`${base}/admin/closing`);
    await page.getByLabel('Năm', { exact: true }).fill('2023');
    await page.getByRole('button', { name: 'Khóa sổ năm' }).click();
    await visible(page.getByRole('alert').getByText(/năm 2023 của quỹ DB đã khóa sổ/));
    expect(await page.getByLabel('Năm', { exact: true }).inputValue()).toBe('2023');
    // An approver may lock a period, but neither reopens a year nor merges funds.
    await page.getByLabel('Khóa đến ngày').fill('31/01/2024');
    await page.getByRole('button', { name: 'Khóa kỳ' }).click();
    await visible(page.getByText('Đã khóa kỳ.'));
    expect(await figure(page, '[data-locked-through]')).toBe('31/01/2024');
    expect(await page.getByRole('button', { name: 'Mở lại sổ' }).count()).toBe(0);
    const token = (await page.locator('body').getAttribute('data-csrf')) ?? '';
    const forged = await page.request.post(`${base}/admin/closing/reopen-year`, {
      form: { _csrf: token, fund: 'DB', reopenYear: '2023', reason: 'thử' },
    });
    expect(forged.status()).toBe(403);
    await context.close();
  });

  it('the admin reopens 2023 with a reason, and closes it again up to 2023', async () => {
    const { context, page } = await as('admin');
    await page.goto(`${base}/admin/closing`);
    await page.getByLabel('Năm mở lại').fill('2023');
    await page
      .getByLabel('Lý do', { exact: true })
      .fill('Bổ sung chứng từ chi tháng 12 theo kết luận thanh tra');
    await page.getByRole('button', { name: 'Mở lại sổ' }).click();
    await visible(page.getByText('Đã mở lại sổ'));
    await visible(page.getByRole('cell', { name: 'Bổ sung chứng từ chi tháng 12 theo kết luận thanh tra' }));
    expect(await figure(page, '[data-locked-through]')).toBe('31/12/2022');
    await page.getByLabel('Năm', { exact: true }).fill('2023');
    await page.getByLabel('Khóa luôn mọi năm trước còn mở').check();
    await page.getByRole('button', { name: 'Khóa sổ năm' }).click();
    await page.waitForURL(/\/admin\/closing\/opening\?year=2024/);
    expect(await figure(page, '[data-figure="fundBalance"]')).toBe('167.000.000 đ');
    const closings = (await api('GET', '/api/funds/DB/closings', adminToken)) as unknown as {
      years: { year: number; status: string }[];
    };
    expect(closings.years.map((y) => `${y.year} ${y.status}`)).toEqual(['2023 reopened', '2023 closed']);
    await context.close();
  });

  it('the admin previews a merger, sees the totals moving, then confirms it', async () => {
    const { context, page } = await as('admin', 'DB-MN');
    await page.goto(`${base}/admin/closing`);
    await page.getByLabel('Quỹ nhận', { exact: true }).selectOption('DB');
    await page.getByLabel('Ngày chốt').fill('30/06/2024');
    await page.getByLabel('Căn cứ (nghị quyết, quyết định)').fill('Nghị quyết sắp xếp đơn vị hành chính');
    await page.getByRole('button', { name: 'Xem trước' }).click();
    await visible(page.getByRole('heading', { name: /Xem trước hợp nhất: DB-MN → DB/ }));
    expect((await row(page, '112')).slice(1)).toEqual(['10.000.000 đ', '']);
    expect((await row(page, '431')).slice(1)).toEqual(['', '10.000.000 đ']);
    // The preview wrote nothing.
    expect((await api('GET', '/api/funds/DB-MN/closings', adminToken)).status).toBe('active');
    await expectAccessible(page);
    await shot(page, 'p2-09-merger-preview');
    await page.getByRole('button', { name: 'Xác nhận hợp nhất' }).click();
    await visible(page.getByText('Đã hợp nhất quỹ.'));
    const closed = await api('GET', '/api/funds/DB-MN/closings', adminToken);
    expect(closed).toMatchObject({ status: 'closed', successor: 'DB', validTo: '2024-06-30' });
    await context.close();
  });

  it('an accountant has no closing page', async () => {
    const { context, page } = await as('ketoan.db');
    expect(await page.getByRole('link', { name: 'Khóa sổ', exact: true }).count()).toBe(0);
    const res = await page.goto(`${base}/admin/closing`);
    expect(res?.status()).toBe(403);
    await context.close();
  });
});

describe('web admin, part 2: books, projects, campaigns, users', () => {
  it('shows the cash book of 2023 page by page, with files for the whole range', async () => {
    const { context, page } = await as('ketoan.db');
    await page.goto(`${base}/admin/reports`);
    await page.getByRole('link', { name: 'Sổ sách' }).click();
    await page.getByLabel('Sổ', { exact: true }).selectOption('cash');
    await page.getByLabel('Từ ngày').fill('01/01/2023');
    await page.getByLabel('Đến ngày').fill('31/12/2023');
    await page.getByRole('button', { name: 'Xem' }).click();
    await visible(page.getByRole('heading', { name: /Sổ quỹ tiền mặt/ }));
    expect(await figure(page, '[data-figure="opening"]')).toBe('0 đ');
    expect(await figure(page, '[data-figure="closing"]')).toBe('17.000.000 đ');
    await expectAccessible(page);
    await shot(page, 'p2-books-cash');
    for (const [name, type] of [
      ['PDF', 'application/pdf'],
      ['XLSX', 'spreadsheetml'],
      ['CSV', 'text/csv'],
    ]) {
      const href = await page.getByRole('link', { name, exact: true }).getAttribute('href');
      const res = await page.request.get(`${base}${href}`);
      expect([name, res.status()]).toEqual([name, 200]);
      expect(res.headers()['content-type']).toContain(type);
      if (name === 'CSV') expect((await res.body()).toString('utf8')).toContain('17000000');
    }
    await page.getByLabel('Sổ', { exact: true }).selectOption('journal');
    await page.getByRole('button', { name: 'Xem' }).click();
    await visible(page.getByRole('heading', { name: 'Sổ nhật ký chung' }));
    await expectAccessible(page);
    await shot(page, 'p2-books-journal');
    await context.close();
  });

  it('shows a house project tranche by tranche, and requests an advance', async () => {
    const { context, page } = await as('ketoan.db');
    await page.getByRole('link', { name: 'Công trình nhà' }).click();
    await visible(page.getByText('Tổng mọi nguồn'));
    await expectAccessible(page);
    await shot(page, 'p2-projects');
    await page
      .getByRole('link', { name: /Xây mới/ })
      .first()
      .click();
    const projectUrl = page.url();
    expect(await figure(page, '[data-figure="budget"]')).toBe('80.000.000 đ');
    expect(await figure(page, '[data-figure="remaining"]')).toBe('80.000.000 đ');
    await visible(page.getByText('115.000.000 đ'));
    await page.getByLabel('Đợt', { exact: true }).selectOption('advance');
    await page.getByLabel('Số tiền').fill('90.000.000');
    await page.getByLabel('Ngày', { exact: true }).fill('15/09/2023');
    await page.getByRole('button', { name: 'Gửi duyệt' }).click();
    await visible(page.getByRole('alert').getByText(/80\.000\.000/));
    await page.getByLabel('Số tiền').fill('40.000.000');
    await page.getByRole('button', { name: 'Gửi duyệt' }).click();
    await visible(page.getByText('Đã gửi đề nghị chi để duyệt.'));
    await page.goto(projectUrl);
    await visible(page.getByRole('cell', { name: 'Tạm ứng' }));
    await expectAccessible(page);
    await shot(page, 'p2-project');
    await context.close();
  });

  it('lists campaigns and adds one', async () => {
    const { context, page } = await as('ketoan.db');
    await page.getByRole('link', { name: 'Đợt vận động' }).click();
    await page.getByLabel('Mã đợt').fill('DB-T7-2024');
    await page.getByLabel('Tên đợt').fill('Tháng 7 tri ân 2024 — Điện Biên');
    await page.getByLabel('Từ ngày').fill('28/06/2024');
    await page.getByLabel('Đến ngày').fill('27/07/2023');
    await page.getByRole('button', { name: 'Lưu đợt' }).click();
    await visible(page.getByRole('alert'));
    await page.getByLabel('Đến ngày').fill('27/07/2024');
    await page.getByRole('button', { name: 'Lưu đợt' }).click();
    await visible(page.getByText('Đã thêm đợt vận động.'));
    await visible(page.getByRole('cell', { name: 'Tháng 7 tri ân 2024 — Điện Biên' }));
    await expectAccessible(page);
    await shot(page, 'p2-campaigns');
    await context.close();
  });

  it("the admin changes a user's role and scope; it applies at the user's next click", async () => {
    const user = await as('ketoan.db');
    await visible(user.page.getByRole('link', { name: 'Thu theo danh sách' }));
    const { context, page } = await as('admin');
    await page.getByRole('link', { name: 'Người dùng' }).click();
    await page.getByLabel('Vai trò ketoan.db', { exact: true }).selectOption('auditor');
    await page.getByLabel('Quỹ ketoan.db', { exact: true }).selectOption('DB-MN');
    await page.getByRole('button', { name: 'Đổi vai trò ketoan.db' }).click();
    await visible(page.getByText('Đã đổi vai trò và phạm vi'));
    await expectAccessible(page);
    await shot(page, 'p2-users-role');
    await user.page.reload();
    await visible(user.page.getByText('ketoan.db · Kiểm toán'));
    expect(await user.page.getByRole('link', { name: 'Thu theo danh sách' }).count()).toBe(0);
    const users = (await api('GET', '/api/users', adminToken)) as unknown as {
      username: string;
      role: string;
      fundCode: string;
    }[];
    expect(users.find((u) => u.username === 'ketoan.db')).toMatchObject({
      role: 'auditor',
      fundCode: 'DB-MN',
    });
    await user.context.close();
    await context.close();
  });
});
