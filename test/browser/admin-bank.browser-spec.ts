import type { BrowserContext, Page } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
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

// Journey 8 of the web admin (issue 12) and the pieces around it, in real Chromium on the run's shared app:
// a bank statement uploaded, a suggested match confirmed and undone; "not a duplicate" remembered in the households'
// duplicates queue; an auditor's export with its progress, downloaded whole. Its own province fund NB (Ninh Bình)
// and its own users, beside the other browser files' funds.

jest.setTimeout(150_000);

const ROOT = path.resolve(__dirname, '..', '..');
let run: Shared;
let base: string;
let adminToken: string;
const receipts: string[] = [];
const api = (method: string, url: string, token: string | null, body?: unknown) =>
  apiAt(base, method, url, token, body);

async function as(username: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await run.browser.newContext({
    viewport: { width: 1366, height: 768 },
    acceptDownloads: true,
  });
  const page = await loginAt(base, context, username, PASSWORD);
  await page.goto(`${base}/admin/fund?code=NB&back=/admin`);
  return { context, page };
}

beforeAll(async () => {
  run = await shared();
  base = run.base;
  adminToken = (
    await api('POST', '/api/auth/login', null, { username: 'admin', password: run.adminPassword })
  ).token as string;
  await api('POST', '/api/funds', adminToken, {
    code: 'NB',
    name: 'Quỹ Đền ơn đáp nghĩa tỉnh Ninh Bình',
    level: 'province',
  });
  for (const [username, role, fundCode] of [
    ['ketoan.nb', 'accountant', 'NB'],
    ['ketoan.hoso', 'accountant', undefined],
    ['kiemtoan.nb', 'auditor', undefined],
  ])
    await api('POST', '/api/users', adminToken, { username, password: PASSWORD, role, fundCode });
  const donor = await api('POST', '/api/donors', adminToken, {
    name: 'Công ty Xi măng Vissai Ninh Bình',
    kind: 'enterprise',
  });
  for (const [date, amount] of [
    ['2023-03-10', '15000000'],
    ['2023-03-20', '8000000'],
  ]) {
    const made = await api('POST', '/api/contributions', adminToken, {
      fundCode: 'NB',
      donorId: donor.id,
      date,
      amount,
      method: 'bank',
    });
    receipts.push(made.receiptNo as string);
  }
});

afterAll(async () => {
  await run.browser.close();
});

describe('bank reconciliation, duplicates queue and exports in the browser', () => {
  it('8. uploads a bank statement CSV, confirms a suggested match, and undoes it', async () => {
    const { context, page } = await as('ketoan.nb');
    await page.goto(`${base}/admin/reports`);
    await page.getByRole('link', { name: 'Đối chiếu ngân hàng' }).click();
    await visible(page.getByRole('heading', { name: 'Đối chiếu tiền gửi Ngân hàng, Kho bạc' }));

    // The bank's CSV: the first gift with our receipt number as its reference, the second a day late with the
    // bank's own reference, and a fee nobody booked.
    const csv = [
      'Ngày,Số tiền,Loại,Số tham chiếu,Diễn giải',
      `10/03/2023,15000000,Có,${receipts[0]},Vissai nop tien ung ho`,
      '21/03/2023,8000000,Có,FT23080012345,Vissai chuyen khoan ung ho',
      '31/03/2023,22000,Nợ,PHI0323,Phi quan ly tai khoan',
    ].join('\n');
    const file = path.join(run.dir, 'sao-ke-nb-2023-03.csv');
    writeFileSync(file, `${csv}\n`);
    await page.getByLabel('Tệp').setInputFiles(file);
    await page.getByRole('button', { name: 'Nhập sao kê' }).click();
    await visible(page.getByText('đã nhập 3 / 3 dòng'));

    await page.getByRole('button', { name: 'Đề xuất khớp' }).click();
    await visible(page.getByText('Đã đề xuất 2 cặp khớp mới.'));
    const proposed = page.locator('section', {
      has: page.getByRole('heading', { name: /Đề xuất khớp chờ xác nhận/ }),
    });
    const byReference = proposed.locator('tr', { hasText: `cùng số tham chiếu ${receipts[0]}` });
    await visible(byReference);
    await expect(byReference.locator('.badge').textContent()).resolves.toBe('Cao');
    const dayLate = proposed.locator('tr', { hasText: 'FT23080012345' });
    await expect(dayLate.locator('.badge').textContent()).resolves.toBe('Trung bình');
    await expect(dayLate.textContent()).resolves.toContain('cùng số tiền; cách 1 ngày');
    await expectAccessible(page);
    await shot(page, 'p2-08-bank');

    const id = await byReference.getAttribute('data-match');
    await page.getByRole('button', { name: `Xác nhận khớp #${id}` }).click();
    await visible(page.getByText(`Đã xác nhận khớp #${id}.`));
    const matched = page.locator('section', { has: page.getByRole('heading', { name: /^Đã khớp/ }) });
    await visible(matched.locator(`tr[data-match="${id}"]`));
    await expect(page.locator('[data-count="matched"]').textContent()).resolves.toBe('1');
    let report = await api('GET', '/api/funds/NB/bank-reconciliation', adminToken);
    expect(report.counts).toMatchObject({ matched: 1, proposed: 1, unmatchedStatementLines: 1 });

    await page.getByLabel(`Lý do bỏ khớp #${id}`).fill('Kiểm tra lại chứng từ');
    await page.getByRole('button', { name: `Bỏ khớp #${id}` }).click();
    await visible(page.getByText(`Đã bỏ khớp #${id}`));
    await expect(page.locator('[data-count="matched"]').textContent()).resolves.toBe('0');
    report = await api('GET', '/api/funds/NB/bank-reconciliation', adminToken);
    expect(report.counts).toMatchObject({ matched: 0, proposed: 1, unmatchedStatementLines: 2 });
    const unmatched = page.locator('section', {
      has: page.getByRole('heading', { name: /^Dòng sao kê chưa khớp/ }),
    });
    await visible(unmatched.getByText(receipts[0]));
    // An undone pairing is never suggested again.
    await page.getByRole('button', { name: 'Đề xuất khớp' }).click();
    await visible(page.getByText('Đã đề xuất 0 cặp khớp mới.'));

    // The fee nobody booked: booked from its statement line (Nợ 6117 / Có 112) and matched at once.
    await page.getByRole('button', { name: 'Ghi phí ngân hàng từ dòng 4' }).click();
    await visible(page.getByText(/^Đã ghi phí ngân hàng \(bút toán \d+\)/));
    await expect(page.locator('[data-count="matched"]').textContent()).resolves.toBe('1');
    report = await api('GET', '/api/funds/NB/bank-reconciliation', adminToken);
    expect(report.counts).toMatchObject({ matched: 1, unmatchedStatementLines: 1 });
    expect(report.booksBalance).toBe('22978000');
    await expectAccessible(page);
    await context.close();
  });

  it('remembers "not a duplicate": the pair leaves the queue and is not flagged again', async () => {
    const household = {
      category: 'war_invalid',
      commune: 'Gia Sinh',
      birthYear: 1946,
      nationalId: '037046001122',
    };
    const first = await api('POST', '/api/beneficiaries', adminToken, {
      ...household,
      fullName: 'Đinh Văn Tráng',
    });
    const second = await api('POST', '/api/beneficiaries', adminToken, {
      ...household,
      fullName: 'Đinh Văn Trang',
    });
    const [a, b] = [Number(first.id), Number(second.id)].sort((x, y) => x - y);
    const { context, page } = await as('ketoan.hoso');
    await page.goto(`${base}/admin/beneficiaries/duplicates`);
    const row = page.locator('tr', { has: page.getByRole('link', { name: `#${a} ` }) }).filter({
      has: page.getByRole('link', { name: `#${b} ` }),
    });
    await visible(row);
    await expect(row.textContent()).resolves.toContain('same CCCD');
    await expectAccessible(page);
    await shot(page, 'p2-01-duplicates');
    await page.getByLabel(`Lý do hồ sơ #${a} và #${b} là hai hộ khác nhau`).fill('Hai anh em, CCCD ghi nhầm');
    await row.getByRole('button', { name: 'Không trùng' }).click();
    await visible(page.getByText('Đã ghi nhận hai hồ sơ là hai hộ khác nhau'));
    await expect(row.count()).resolves.toBe(0);
    await page.reload();
    await visible(page.getByRole('heading', { name: 'Hồ sơ có thể trùng' }));
    await expect(row.count()).resolves.toBe(0);
    const queue = await api('GET', '/api/beneficiaries/duplicates?pageSize=100', adminToken);
    const pairs = (queue.items as { a: { id: number }; b: { id: number } }[]).map(
      (p) => `${p.a.id}-${p.b.id}`,
    );
    expect(pairs).not.toContain(`${a}-${b}`);
    await context.close();
  });

  it('exports with a progress bar, and the file downloads whole (CSV, and the bundle verify-bundle accepts)', async () => {
    const { context, page } = await as('kiemtoan.nb');
    await page.goto(`${base}/admin/audit`);
    await page.getByRole('link', { name: /Mọi định dạng/ }).click();
    await visible(page.getByRole('heading', { name: 'Xuất dữ liệu kiểm toán' }));
    await page.locator('#export-fund').selectOption('NB');
    await page.getByLabel('Định dạng').selectOption('csv');
    await page.getByRole('button', { name: 'Xuất tệp' }).click();
    await page.waitForURL(/\/admin\/audit\/exports\/[0-9a-f-]{36}$/);
    const bar = page.getByRole('progressbar', { name: 'Tiến trình' });
    await visible(bar);
    await visible(page.getByText(/^Đã xong: \d+ bút toán/));
    await expect(bar.getAttribute('aria-valuenow')).resolves.toBe('100');
    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /^Tải xuống journal-NB-/ }).click(),
    ]);
    const csvFile = path.join(run.dir, 'journal-nb.csv');
    await csvDownload.saveAs(csvFile);
    const csv = readFileSync(csvFile, 'utf8');
    expect(csv).toContain(receipts[0]);
    expect(csv).toContain(receipts[1]);

    await page.goto(`${base}/admin/audit/exports`);
    await page.locator('#export-fund').selectOption('NB');
    await page.getByLabel('Định dạng').selectOption('bundle');
    await page.getByRole('button', { name: 'Xuất tệp' }).click();
    await visible(page.getByText(/^Đã xong: \d+ bút toán/));
    await expectAccessible(page);
    await shot(page, 'p2-10-export-job');
    const [zipDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /^Tải xuống audit-bundle-NB-/ }).click(),
    ]);
    const zipFile = path.join(run.dir, 'audit-bundle-nb.zip');
    await zipDownload.saveAs(zipFile);
    const checked = spawnSync(
      process.execPath,
      [path.join(ROOT, 'dist/cli/main.js'), 'verify-bundle', zipFile],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(`${checked.status} ${checked.stdout}${checked.stderr}`).toMatch(/^0 /);

    await page.goto(`${base}/admin/audit/exports`);
    await visible(page.getByRole('link', { name: /^audit-bundle-NB-/ }));
    await expectAccessible(page);
    await shot(page, 'p2-10-exports');
    await context.close();
  });
});
