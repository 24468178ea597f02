import * as ExcelJS from 'exceljs';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { serveDemoBooks, type DemoBooks } from '../support/demo-fixture';
import { expectAccessible, login, shared, shot, until, visible, type Shared } from './support/fixture';

// The web admin on the Lào Cai demonstration books (test/support/demo-fixture.ts: built once per dist build and
// shared with test/e2e/demo.e2e-spec.ts), served by a second dist/main.js on a copy, in the run's shared Chromium.
// Journey 7 of issue 12 as a newcomer would do it with the demo users, then every admin page as each role sees it:
// axe-core on each, and screenshots at 1366×768 and 768 px into test/browser/screenshots/ (demo-*.png).
// With UPDATE_DOCS_IMG=1 it also refreshes the guide's pictures, docs/img/admin-*.png (1366×768, as on screen).

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '..', '..');
const DOCS_IMG = path.join(ROOT, 'docs', 'img');
let run: Shared;
let demo: { base: string; books: DemoBooks; stop(): void };
let dir: string;

/** The page's amount ("55.318.000.000 đ") as digits. */
const digitsOf = (text: string | null) => (text ?? '').replace(/[^\d-]/g, '');

async function as(username: string): Promise<{ context: BrowserContext; page: Page }> {
  const user = demo.books.users.find((u) => u.username === username);
  if (!user) throw new Error(`no demo user ${username}`);
  const context = await run.browser.newContext({ viewport: { width: 1366, height: 768 } });
  return { context, page: await login(demo.base, context, user.username, user.password) };
}

interface Look {
  /** The guide's picture, docs/img/admin-<docs>.png, refreshed with UPDATE_DOCS_IMG=1. */
  docs?: string;
  /** false where another spec already runs axe on this page (axe takes seconds on a page of 50 rows). */
  axe?: boolean;
}

/** axe, both screenshots, and (UPDATE_DOCS_IMG=1) the guide's picture of what is on screen. */
async function look(page: Page, name: string, { docs, axe = true }: Look = {}): Promise<void> {
  if (axe) await expectAccessible(page);
  await shot(page, `demo-${name}`);
  if (docs && process.env.UPDATE_DOCS_IMG === '1') {
    mkdirSync(DOCS_IMG, { recursive: true });
    await page.screenshot({ path: path.join(DOCS_IMG, `admin-${docs}.png`) });
  }
}

/** Opens the first link of the main area whose address matches, as a person clicks the first row. */
async function openFirst(page: Page, pattern: RegExp): Promise<string> {
  const hrefs = await page
    .getByRole('main')
    .locator('a[href^="/admin/"]')
    .evaluateAll((links: { getAttribute(name: string): string | null }[]) =>
      links.map((a) => a.getAttribute('href') ?? ''),
    );
  const href = hrefs.find((h) => pattern.test(h));
  if (!href) throw new Error(`no link like ${pattern} on ${page.url()}`);
  await page.goto(`${demo.base}${href}`);
  return href;
}

beforeAll(async () => {
  run = await shared();
  dir = mkdtempSync(path.join(tmpdir(), 'admin-demo-'));
  // Waits for the shared build (started by the global set-up) or builds the books: give it the time it needs.
  demo = await serveDemoBooks(dir);
}, 20 * 60_000);

afterAll(async () => {
  demo?.stop();
  await run?.browser.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('7. the demo books in the web admin', () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => ({ context, page } = await as('ketoan.laocai')));
  afterAll(() => context?.close());

  it('opens the consolidated 2013–2023 statement, and its XLSX has the page’s totals', async () => {
    await page.getByRole('link', { name: 'Báo cáo' }).click();
    await page.getByLabel('Từ ngày').fill('01/01/2013');
    await page.getByLabel('Đến ngày').fill('31/12/2023');
    await page.getByLabel('Hợp nhất').check();
    await page.getByRole('button', { name: 'Xem' }).click();
    await visible(page.locator('[data-total="receipts"]'));
    const shown = {
      receipts: digitsOf(await page.locator('[data-total="receipts"]').textContent()),
      disbursements: digitsOf(await page.locator('[data-total="disbursements"]').textContent()),
    };
    // Contributions alone are the claim's 55.318.000.000 đ; the statement adds Treasury interest and other receipts.
    expect(BigInt(shown.receipts)).toBeGreaterThanOrEqual(55_318_000_000n);
    await visible(page.getByRole('img', { name: /2023: Thu/ }));
    await look(page, 'statement-2013-2023', { docs: 'statement' });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'XLSX', exact: true }).click(),
    ]);
    const file = path.join(dir, download.suggestedFilename());
    await download.saveAs(file);
    expect(path.basename(file)).toMatch(/\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    // Column A names each line (agency … total for receipts, house_new … total for disbursements), D is the amount.
    const totals: string[] = [];
    workbook.worksheets[0].eachRow((row) => {
      const amount = row.getCell(4).value;
      if (row.getCell(1).value === 'total') totals.push(typeof amount === 'number' ? String(amount) : '?');
    });
    expect(totals.slice(0, 2)).toEqual([shown.receipts, shown.disbursements]);
  });

  it('runs the claims reconciliation: all three published claims agree', async () => {
    await page.getByRole('link', { name: 'Đối chiếu số liệu công bố' }).click();
    await page.getByLabel('Tệp số liệu công bố', { exact: true }).selectOption('lao-cai-2013-2023');
    await page.getByRole('button', { name: 'Đối chiếu', exact: true }).click();
    const rows = page.getByRole('main').locator('tbody tr');
    await visible(rows);
    expect(await rows.count()).toBe(3);
    const verdicts = await page.locator('td[data-verdict]').allTextContents();
    expect(verdicts.map((v) => v.trim())).toEqual(['Khớp', 'Khớp', 'Khớp']);
    await look(page, 'claims', { docs: 'claims' });
  });

  it('uploads a claims file of its own: an inflated figure disagrees, and its entries are a click away', async () => {
    const claims = JSON.parse(
      readFileSync(path.join(ROOT, 'data', 'claims', 'lao-cai-2013-2023.json'), 'utf8'),
    ) as { title: string; claims: { label: string; value: string; qualifier: string }[] };
    claims.title = 'Báo cáo thử: số thu công bố 60 tỷ';
    claims.claims = [
      { ...claims.claims[0], label: 'Thu 60 tỷ (2013–2023)', value: '60000000000', qualifier: 'about' },
    ];
    const file = path.join(dir, 'bao-cao-thu.json');
    writeFileSync(file, JSON.stringify(claims));
    await page.getByLabel('Hoặc tải lên tệp số liệu công bố (JSON)').setInputFiles(file);
    await page.getByRole('button', { name: 'Tải lên và đối chiếu' }).click();
    await visible(page.getByText('Tệp đã tải lên: bao-cao-thu.json'));
    expect((await page.locator('td[data-verdict]').allTextContents()).map((v) => v.trim())).toEqual([
      'Không khớp',
    ]);
    await expectAccessible(page);
    await shot(page, 'demo-claims-uploaded');
    await page.getByRole('link', { name: 'Thu 60 tỷ (2013–2023)' }).click();
    // The contributions behind 55.318.000.000 đ, 50 a page.
    await visible(page.getByRole('status').getByText(/bút toán · 55\.318\.000\.000 đ/));
    expect(await page.getByRole('main').locator('tbody tr').count()).toBe(50);
    await page.getByRole('link', { name: '‹ Đối chiếu số liệu công bố' }).click();
    await page.getByRole('button', { name: 'Đối chiếu', exact: true }).click();
    await visible(page.locator('td[data-verdict]'));
  });

  it('drills into the households claim, and sees 1,024 households', async () => {
    await page.getByRole('link', { name: /1\.024 hộ/ }).click();
    await visible(page.getByRole('status').getByText('1.024 hộ'));
    // 50 households a page: 21 pages, the last with 24.
    await visible(page.getByText('Trang 1 / 21'));
    expect(await page.getByRole('main').locator('tbody tr').count()).toBe(50);
    await look(page, 'claims-households', { docs: 'claims-households' });
  });
});

// Every page of the admin as its users see it on real books: both screenshots of each, and axe on those that no
// other spec checks (admin.browser-spec.ts and admin-part2.browser-spec.ts run it on the others, on small books).
// Later pages (house projects, books, closing, campaigns, bank reconciliation) have their own specs.
// The tour adds about a minute of two cores, so `npm test` (the journeys above) leaves it to ADMIN_TOUR=1: `.ci/run`
// runs it as a step of its own, and refreshing the guide's pictures (UPDATE_DOCS_IMG=1) runs it too.
const TOUR = process.env.ADMIN_TOUR === '1' || process.env.UPDATE_DOCS_IMG === '1';
(TOUR ? describe : describe.skip)('every page, by role, on the demo books (ADMIN_TOUR=1)', () => {
  let payout = '';
  const covered = { axe: false };

  it('the sign-in page', async () => {
    const context = await run.browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await page.goto(`${demo.base}/admin/login`);
    await visible(page.getByLabel('Tên đăng nhập'));
    await look(page, 'login');
    await context.close();
  });

  it('the accountant: receipts, donors, batches, imports, journal, households, payouts, transfers, reports', async () => {
    const { context, page } = await as('ketoan.laocai');
    const base = demo.base;
    await visible(page.getByRole('heading', { name: /Tổng quan/ }));
    await look(page, 'dashboard', { docs: 'dashboard', ...covered });

    await page.goto(`${base}/admin/contributions`);
    await look(page, 'contributions', covered);
    await openFirst(page, /^\/admin\/contributions\/\d+$/);
    await visible(page.getByRole('link', { name: 'Phiếu thu (PDF)' }));
    await look(page, 'contribution', covered);
    await page.goto(`${base}/admin/contributions/new`);
    await look(page, 'contribution-new', { docs: 'contribution-new', ...covered });

    await page.goto(`${base}/admin/donors`);
    await look(page, 'donors', covered);
    const donor = await openFirst(page, /^\/admin\/donors\/\d+$/);
    await look(page, 'donor');
    await page.goto(`${base}${donor}/edit`);
    await look(page, 'donor-edit');
    await page.goto(`${base}/admin/donors/new`);
    await look(page, 'donor-new', covered);
    await page.goto(`${base}/admin/batches/new`);
    await look(page, 'batch-new', covered);
    await page.goto(`${base}/admin/imports`);
    await look(page, 'imports');

    await page.goto(`${base}/admin/journal`);
    await look(page, 'journal', { docs: 'journal' });
    await openFirst(page, /^\/admin\/journal\/\d+$/);
    await look(page, 'journal-entry', covered);
    await page.goto(`${base}/admin/journal/new`);
    await look(page, 'journal-new', covered);

    await page.goto(`${base}/admin/beneficiaries`);
    await look(page, 'beneficiaries', covered);
    await page.goto(`${base}/admin/beneficiaries/new`);
    await look(page, 'beneficiary-new', covered);
    await page.goto(`${base}/admin/beneficiaries/duplicates`);
    await look(page, 'duplicates', { docs: 'duplicates' });
    await page.goto(`${base}/admin/beneficiaries?q=giang`);
    await openFirst(page, /^\/admin\/beneficiaries\/\d+$/);
    await look(page, 'beneficiary');

    // A gift to this household, requested from its page: the request form with its policy checks.
    await page.getByRole('link', { name: 'Lập đề nghị chi' }).click();
    // htmx binds the live checks once the page's scripts have run.
    await page.waitForLoadState('load');
    const form = page.getByRole('main');
    await form.getByLabel('Mục đích').selectOption('visit_gift');
    await form.getByLabel('Số tiền').fill('1.500.000');
    await until(async () =>
      ((await page.locator('#amount-words').textContent()) ?? '').includes('Một triệu năm trăm nghìn đồng'),
    );
    await visible(page.locator('#policy-checks').getByText('Không vi phạm quy định chi nào.'));
    await look(page, 'payout-new', { docs: 'payout-new', ...covered });
    await page.getByRole('button', { name: 'Gửi duyệt' }).click();
    await visible(page.getByText('Đã gửi đề nghị chi để duyệt.'));
    payout = page.url().split('?')[0].split('/').pop() ?? '';
    await look(page, 'payout-submitted', covered);

    await page.goto(`${base}/admin/disbursements`);
    await look(page, 'payouts');
    await page.goto(`${base}/admin/transfers`);
    await look(page, 'transfers', { docs: 'transfers' });
    await openFirst(page, /^\/admin\/transfers\/\d+$/);
    await look(page, 'transfer', covered);
    await page.goto(`${base}/admin/transfers/new`);
    await look(page, 'transfer-new', covered);
    await page.goto(`${base}/admin/reports/trial-balance?to=31/12/2023&consolidated=on`);
    await look(page, 'trial-balance');
    await context.close();
  });

  it('the approver: the approval queue, and approving the request', async () => {
    const { context, page } = await as('pheduyet.laocai');
    await page.getByRole('link', { name: 'Phiếu chi' }).first().click();
    await page.getByRole('link', { name: 'Chờ duyệt' }).click();
    await look(page, 'approval-queue', covered);
    await page.getByRole('link', { name: payout, exact: true }).click();
    await page.getByLabel('Ghi chú duyệt').fill('Đúng đối tượng, đúng mức');
    await look(page, 'payout-approve', { docs: 'payout-approve', ...covered });
    await page.getByRole('button', { name: 'Duyệt', exact: true }).click();
    await visible(page.getByText('Đã duyệt.'));
    await context.close();
  });

  it('the cashier: the to-pay list, paying, and the voucher', async () => {
    const { context, page } = await as('thuquy.laocai');
    await page.getByRole('link', { name: 'Phiếu chi' }).first().click();
    await page.getByRole('link', { name: 'Chờ chi' }).click();
    await look(page, 'to-pay');
    await page.getByRole('link', { name: payout, exact: true }).click();
    await page.getByRole('button', { name: 'Chi tiền' }).click();
    await visible(page.getByText('Đã chi tiền và lập phiếu chi.'));
    await visible(page.getByRole('link', { name: 'Phiếu chi (PDF)' }));
    await look(page, 'payout-paid', { docs: 'payout-paid', ...covered });
    await context.close();
  });

  it('the auditor: verify, the audit log and the exports', async () => {
    const { context, page } = await as('kiemtoan');
    await page.getByRole('link', { name: 'Kiểm tra' }).first().click();
    await page.getByRole('button', { name: 'Kiểm tra chuỗi' }).click();
    await visible(page.getByText('Chuỗi khớp: không có sai lệch.'));
    await look(page, 'audit', { docs: 'audit', ...covered });
    await context.close();
  });

  // The pages added by the closing and bank specs (admin-closing, admin-bank), which run axe on them: here on the demo.
  it('the books, house projects, campaigns, bank reconciliation, closing and exports on the demo books', async () => {
    const accountant = await as('ketoan.laocai');
    let page = accountant.page;
    await page.goto(`${demo.base}/admin/reports/books?book=cash&from=01/01/2023&to=31/12/2023`);
    await visible(page.getByRole('heading', { name: /Báo cáo/ }));
    await look(page, 'books-cash', { docs: 'books', ...covered });
    await page.goto(`${demo.base}/admin/projects`);
    await look(page, 'projects', covered);
    await openFirst(page, /^\/admin\/projects\/\d+$/);
    await look(page, 'project', { docs: 'project', ...covered });
    await page.goto(`${demo.base}/admin/campaigns`);
    await look(page, 'campaigns', covered);
    await page.goto(`${demo.base}/admin/reports/bank`);
    await look(page, 'bank', { docs: 'bank', ...covered });
    await accountant.context.close();

    const approver = await as('pheduyet.laocai');
    page = approver.page;
    await page.goto(`${demo.base}/admin/closing`);
    await look(page, 'closing', { docs: 'closing', ...covered });
    await approver.context.close();

    const auditor = await as('kiemtoan');
    page = auditor.page;
    await page.goto(`${demo.base}/admin/audit/exports`);
    await look(page, 'exports', covered);
    await auditor.context.close();
  });

  it('the admin: users and funds', async () => {
    const { context, page } = await as('admin');
    await page.goto(`${demo.base}/admin/users`);
    await look(page, 'users', { docs: 'users', ...covered });
    await page.goto(`${demo.base}/admin/funds`);
    await look(page, 'funds', { docs: 'funds' });
    await context.close();
  });
});
