import type { BrowserContext, Page } from 'playwright-core';
import {
  api as apiAt,
  expectAccessible,
  login,
  PASSWORD,
  shared,
  shot,
  until,
  visible,
  type Shared,
} from './support/fixture';

// The payout request form pays a household or an organisation (a payee, docs/payees.md): in real Chromium, an
// accountant picks "Đơn vị nhận", finds a cemetery's board registered through the API, requests a memorial payout
// to it, and sees the payee on the payout's page. This file works in its own province fund HG with its own user.

jest.setTimeout(120_000);

const PAYEE = 'Ban quản lý Nghĩa trang liệt sĩ Quốc gia Vị Xuyên';
const TAX_CODE = '5100234567';
let run: Shared;
let base: string;
let payeeId: number;
const api = (method: string, url: string, token: string | null, body?: unknown) =>
  apiAt(base, method, url, token, body);

beforeAll(async () => {
  run = await shared();
  base = run.base;
  const adminToken = (
    await api('POST', '/api/auth/login', null, { username: 'admin', password: run.adminPassword })
  ).token as string;
  await api('POST', '/api/funds', adminToken, {
    code: 'HG',
    name: 'Quỹ Đền ơn đáp nghĩa tỉnh Hà Giang',
    level: 'province',
  });
  await api('POST', '/api/users', adminToken, {
    username: 'ketoan.hg',
    password: PASSWORD,
    role: 'accountant',
    fundCode: 'HG',
  });
  const token = (await api('POST', '/api/auth/login', null, { username: 'ketoan.hg', password: PASSWORD }))
    .token as string;
  payeeId = (
    await api('POST', '/api/payees', token, {
      name: PAYEE,
      taxCode: TAX_CODE,
      address: 'Thị trấn Vị Xuyên, tỉnh Hà Giang',
      bankAccount: '3761.0.1099881',
      bankName: 'Kho bạc Nhà nước tỉnh Hà Giang',
    })
  ).id as number;
});

afterAll(async () => {
  await run?.browser.close();
});

describe('payout request form: household or payee', () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    context = await run.browser.newContext({ viewport: { width: 1366, height: 768 } });
    page = await login(base, context, 'ketoan.hg', PASSWORD);
    await page.goto(`${base}/admin/fund?code=HG&back=/admin`);
  });
  afterAll(() => context?.close());

  it('asks the service, not the form, whether a payee may be paid for a purpose', async () => {
    await page.goto(`${base}/admin/disbursements/new?payeeId=${payeeId}`);
    const form = page.getByRole('main');
    await visible(form.getByRole('combobox', { name: 'Tên đơn vị nhận' }));
    await form.getByLabel('Mục đích').selectOption('hardship');
    await form.getByLabel('Số tiền').fill('5.000.000');
    await page.getByRole('button', { name: 'Gửi duyệt' }).click();
    // The one-party rule of src/disbursements, shown at the field it names.
    const error = await page.locator('#purpose-error').innerText();
    expect(error).toContain('hardship');
    expect(await page.getByLabel('Đơn vị nhận', { exact: true }).isChecked()).toBe(true);
    expect(await form.getByLabel('Số tiền').inputValue()).toBe('5.000.000');
    await expectAccessible(page);
    await shot(page, 'payee-00-refused');
  });

  it('requests a memorial payout to a payee picked in the form, and sees the payee on its page', async () => {
    await page.goto(`${base}/admin/disbursements/new`);
    const form = page.getByRole('main');
    // A household by default: the payee picker shows only once "Đơn vị nhận" is chosen.
    await visible(form.getByRole('combobox', { name: 'Đối tượng' }));
    expect(await form.getByRole('combobox', { name: 'Tên đơn vị nhận' }).isVisible()).toBe(false);
    await form.getByLabel('Đơn vị nhận', { exact: true }).check();
    expect(await form.getByRole('combobox', { name: 'Đối tượng' }).isVisible()).toBe(false);
    await form.getByRole('combobox', { name: 'Tên đơn vị nhận' }).last().fill('nghia trang');
    await page.getByRole('option', { name: `${PAYEE} (MST ${TAX_CODE})` }).click();
    await form.getByLabel('Mục đích').selectOption('memorial');
    await form.getByLabel('Số tiền').fill('150.000.000');
    await form.getByLabel('Số tiền').press('Tab');
    await until(async () =>
      ((await page.locator('#amount-words').textContent()) ?? '').includes('Một trăm năm mươi triệu'),
    );
    await form.getByLabel('Số quyết định').fill('45/QĐ-UBND');
    await expectAccessible(page);
    await shot(page, 'payee-01-request-form');
    await page.getByRole('button', { name: 'Gửi duyệt' }).click();
    await visible(page.getByText('Đã gửi đề nghị chi để duyệt.'));
    await visible(page.getByText(`${PAYEE} (MST ${TAX_CODE})`));
    await expectAccessible(page);
    await shot(page, 'payee-02-payout-page');
    const id = page.url().split('?')[0].split('/').pop();
    const token = (await api('POST', '/api/auth/login', null, { username: 'ketoan.hg', password: PASSWORD }))
      .token as string;
    const payout = await api('GET', `/api/disbursements/${id}`, token);
    expect(payout).toMatchObject({ purpose: 'memorial', amount: '150000000', beneficiary: null });
    expect(payout.payee).toMatchObject({ id: payeeId, name: PAYEE });
  });
});
