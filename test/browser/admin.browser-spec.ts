import type { BrowserContext, Page } from 'playwright-core';
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

// The web admin in real Chromium: the built app (dist/main.js) on a fresh SQLite file, driven only through its
// pages by visible labels and roles, as an accountant would. The app and the browser are the run's shared ones
// (support/global-setup.js); this file uses fund LC and its own users.

jest.setTimeout(150_000);

let run: Shared;
let base: string;
let dir: string;
const api = (method: string, url: string, token: string | null, body?: unknown) =>
  apiAt(base, method, url, token, body);
const login = (context: BrowserContext, username: string, password: string) =>
  loginAt(base, context, username, password);

beforeAll(async () => {
  run = await shared();
  base = run.base;
  dir = run.dir;
});

afterAll(async () => {
  await run?.browser.close();
});

describe('web admin, part 1', () => {
  let adminToken: string;
  let contributionUrl: string;

  it('1. sets up a fund, an accountant of that fund and an auditor through the API', async () => {
    adminToken = (
      await api('POST', '/api/auth/login', null, { username: 'admin', password: run.adminPassword })
    ).token as string;
    await api('POST', '/api/funds', adminToken, {
      code: 'LC',
      name: 'Quỹ Đền ơn đáp nghĩa tỉnh Lào Cai',
      level: 'province',
    });
    await api('POST', '/api/users', adminToken, {
      username: 'ketoan',
      password: PASSWORD,
      role: 'accountant',
      fundCode: 'LC',
    });
    await api('POST', '/api/users', adminToken, {
      username: 'kiemtoan',
      password: PASSWORD,
      role: 'auditor',
      fundCode: 'LC',
    });
  });

  it('2. the admin logs in and sees the dashboard', async () => {
    const context = await run.browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await login(context, 'admin', run.adminPassword);
    await visible(page.getByRole('heading', { name: /Tổng quan/ }));
    await page.getByRole('banner').getByLabel('Quỹ').waitFor();
    // No fund chosen yet: the first the admin may see (other specs add funds to the same app, in any order).
    const picker = page.getByRole('banner').getByLabel('Quỹ');
    expect(await picker.inputValue()).toBe(await picker.locator('option').first().getAttribute('value'));
    await visible(page.getByText('Tiền mặt (111)'));
    await expectAccessible(page);
    await context.close();
  });

  describe('the accountant', () => {
    let context: BrowserContext;
    let page: Page;
    let receiptNo: string;

    beforeAll(async () => {
      context = await run.browser.newContext({ viewport: { width: 1366, height: 768 } });
    });
    afterAll(() => context.close());

    it('3. logs in', async () => {
      page = await login(context, 'ketoan', PASSWORD);
      await visible(page.getByText('ketoan · Kế toán'));
    });

    it('4. creates a donor', async () => {
      await page.goto(`${base}/admin/donors/new`);
      await page.getByLabel('Tên', { exact: true }).fill('Công ty CP Apatit Việt Nam');
      await page.getByLabel('Loại').selectOption('enterprise');
      await page.getByLabel('Địa chỉ').fill('Phường Pom Hán, TP Lào Cai');
      await page.getByLabel('Email').fill('ketoan@apatit.vn');
      await page.getByLabel('Mã số thuế').fill('5300100123');
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Lưu' }).click();
      await visible(page.getByRole('heading', { name: 'Công ty CP Apatit Việt Nam' }));
      await page.goto(`${base}/admin/donors`);
      await page.getByLabel('Tìm kiếm').fill('apatit viet');
      await visible(page.getByRole('link', { name: 'Công ty CP Apatit Việt Nam' }));
      await expectAccessible(page);
    });

    it('5. records a contribution of 55.500.000.000 đ, seeing the amount in words as it is typed', async () => {
      await page.goto(`${base}/admin/contributions/new`);
      const form = page.getByRole('main');
      await form.getByLabel('Quỹ').selectOption('LC');
      await form.getByRole('combobox', { name: 'Nhà tài trợ' }).last().fill('apatit');
      await page.getByRole('option', { name: 'Công ty CP Apatit Việt Nam' }).click();
      await form.getByLabel('Ngày').fill('20/07/2023');
      await form.getByLabel('Số tiền').fill('55.500.000.000');
      await until(
        async () =>
          ((await page.locator('#amount-words').textContent()) ?? '').trim() ===
          'Năm mươi lăm tỷ năm trăm triệu đồng',
      );
      await form.getByLabel('Hình thức').selectOption('bank');
      await expectAccessible(page);
      await shot(page, '05-contribution-form');
      await page.getByRole('button', { name: 'Ghi thu' }).click();
      const heading = page.getByRole('heading', { name: /Số phiếu/ });
      await visible(heading);
      receiptNo = ((await heading.textContent()) ?? '').replace('Số phiếu', '').trim();
      expect(receiptNo).toMatch(/^[A-Z]{2,4}-2023-\d{6}$/);
      await visible(page.getByText('55.500.000.000 đ'));
      contributionUrl = page.url();
      await expectAccessible(page);
    });

    it('6. opens the receipt: the PDF has its number and amount', async () => {
      const href = await page.getByRole('link', { name: 'Phiếu thu (PDF)' }).getAttribute('href');
      const res = await page.request.get(`${base}${href}`);
      expect(res.status()).toBe(200);
      expect(res.headers()['content-type']).toContain('application/pdf');
      const text = pdfText(await res.body());
      expect(text).toContain(receiptNo);
      expect(text).toContain('55.500.000.000');
    });

    it('7. enters a batch of 5 against control figures, refused while they differ', async () => {
      await page.goto(`${base}/admin/batches/new`);
      const form = page.getByRole('main');
      await form.getByRole('combobox', { name: 'Cơ quan, đơn vị nộp' }).last().fill('Sở Tài chính');
      await page.getByText('Thêm nhà tài trợ mới:').click();
      await form.getByLabel('Diễn giải').fill('Ủng hộ một ngày lương tháng 7/2023');
      await form.getByLabel('Ngày').fill('21/07/2023');
      await form.getByLabel('Số người').fill('5');
      await form.getByLabel('Tổng tiền').fill('5.000.000');
      const amounts = ['1.000.000', '1.000.000', '1.000.000', '1.000.000', '900.000'];
      for (const [i, amount] of amounts.entries()) {
        await form.getByLabel(`Họ và tên ${i + 1}`, { exact: true }).fill(`Cán bộ số ${i + 1}`);
        await form.getByLabel(`Số tiền ${i + 1}`, { exact: true }).fill(amount);
      }
      const save = page.getByRole('button', { name: 'Lưu' });
      await until(() => save.isDisabled());
      await visible(page.getByText('Chưa khớp với số liệu kiểm soát'));
      await form.getByLabel('Số tiền 5', { exact: true }).fill('1.000.000');
      await visible(page.getByText('Khớp với số liệu kiểm soát'));
      await until(() => save.isEnabled());
      await expectAccessible(page);
      await shot(page, '07-batch-grid');
      await save.click();
      await visible(page.getByRole('heading', { name: /Số phiếu/ }));
      await visible(page.getByText('5.000.000 đ', { exact: true }));
    });

    it('8. imports a CSV with one bad row and sees the row named', async () => {
      const csv = path.join(dir, 'contributions.csv');
      writeFileSync(
        csv,
        [
          'fund_code,date,donor_name,donor_kind,amount,method',
          'LC,2023-08-01,Hội Cựu chiến binh tỉnh Lào Cai,organization,8.500.000,cash',
          'LC,2023-08-02,Nguyễn Văn An,individual,một triệu,cash',
          'LC,2023-08-03,Trần Thị Bình,individual,500000,cash',
        ].join('\n'),
      );
      await page.goto(`${base}/admin/imports`);
      await expectAccessible(page);
      await page.getByLabel('Tệp', { exact: true }).setInputFiles(csv);
      await page.getByRole('button', { name: 'Nhập' }).click();
      await visible(page.getByText('Tệp bị từ chối'));
      await visible(page.getByText('Dòng 3'));
      await shot(page, '08-import');
    });

    it('9. posts a manual entry, then reverses it', async () => {
      await page.goto(`${base}/admin/journal/new`);
      const form = page.getByRole('main');
      await form.getByLabel('Diễn giải').fill('Tạm ứng mua quà');
      await form.getByLabel('Ngày').fill('22/07/2023');
      await form.getByLabel('Tài khoản 1', { exact: true }).selectOption('141');
      await form.getByLabel('Nợ 1', { exact: true }).fill('2.000.000');
      await form.getByLabel('Tài khoản 2', { exact: true }).selectOption('338');
      await form.getByLabel('Có 2', { exact: true }).fill('1.000.000');
      const post = page.getByRole('button', { name: 'Ghi sổ' });
      await until(() => post.isDisabled());
      await form.getByLabel('Có 2', { exact: true }).fill('2.000.000');
      await until(() => post.isEnabled());
      await expectAccessible(page);
      await post.click();
      await visible(page.getByText('Đã ghi bút toán.'));
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Đảo bút toán' }).click();
      await page.getByRole('dialog').getByLabel('Lý do').fill('Ghi nhầm');
      await page.getByRole('button', { name: 'Xác nhận đảo bút toán' }).click();
      await visible(page.getByText('Đã đảo bút toán.'));
      await visible(page.getByText('Đảo của bút toán'));
    });

    it('10. voids a contribution with a reason', async () => {
      await page.goto(contributionUrl);
      await page.getByRole('button', { name: 'Hủy phiếu' }).click();
      await page.getByRole('dialog').getByLabel('Lý do').fill('Ghi sai tên người nộp');
      await page.getByRole('button', { name: 'Xác nhận hủy phiếu' }).click();
      await visible(page.getByText('Phiếu đã bị hủy: Ghi sai tên người nộp'));
      expect(await page.getByRole('button', { name: 'Hủy phiếu' }).count()).toBe(0);
    });

    it('11. switches to English and back', async () => {
      await page.goto(`${base}/admin`);
      await page.getByRole('link', { name: 'English' }).click();
      await visible(page.getByRole('heading', { name: /Dashboard/ }));
      await visible(page.getByRole('button', { name: 'Log out' }));
      await expectAccessible(page);
      await page.getByRole('link', { name: 'Tiếng Việt' }).click();
      await visible(page.getByRole('heading', { name: /Tổng quan/ }));
      await expectAccessible(page);
      await shot(page, '11-dashboard');
    });

    it('refuses a forged POST without the CSRF token, and writes nothing', async () => {
      const before = (await api('GET', '/api/contributions?fund=LC', adminToken)).total;
      const forged = await page.request.post(`${base}/admin/contributions`, {
        form: { fundCode: 'LC', donorId: '1', date: '23/07/2023', amount: '1000000', method: 'cash' },
      });
      expect(forged.status()).toBe(403);
      expect((await api('GET', '/api/contributions?fund=LC', adminToken)).total).toBe(before);
    });

    it('12. logs out', async () => {
      await page.getByRole('button', { name: 'Đăng xuất' }).click();
      await visible(page.getByRole('button', { name: 'Đăng nhập' }));
      await page.goto(`${base}/admin/contributions`);
      await visible(page.getByLabel('Tên đăng nhập'));
    });
  });

  it('the auditor sees no "new contribution" button, and a forged POST by the auditor is 403', async () => {
    const context = await run.browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await login(context, 'kiemtoan', PASSWORD);
    await page.goto(`${base}/admin/contributions`);
    await visible(page.getByRole('heading', { name: /Phiếu thu/ }));
    expect(await page.getByRole('link', { name: 'Ghi phiếu thu mới' }).count()).toBe(0);
    await expectAccessible(page);
    const token = await page.locator('body').getAttribute('data-csrf');
    const before = (await api('GET', '/api/contributions?fund=LC', adminToken)).total;
    const forged = await page.request.post(`${base}/admin/contributions`, {
      form: {
        _csrf: token ?? '',
        fundCode: 'LC',
        donorId: '1',
        date: '23/07/2023',
        amount: '1000000',
        method: 'cash',
      },
    });
    expect(forged.status()).toBe(403);
    expect((await api('GET', '/api/contributions?fund=LC', adminToken)).total).toBe(before);
    expect((await page.request.get(`${base}/admin/contributions/new`)).status()).toBe(403);
    await context.close();
  });
});
