import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { api, expectAccessible, shared, shot, until, visible, type Shared } from './support/fixture';

// Issue 14 in real Chromium: an anonymous visitor reads /public/funds/LC, downloads the CSV and verify-public
// accepts it; a donor asks for a link from a receipt's QR page, opens it from the SMTP sink, sees only their own
// receipts, downloads one, and the same link is refused the second time. The browser is the run's shared one; the
// app is this file's own (dist/main.js on its own SQLite file) because it needs SMTP_URL pointing at this file's
// mail sink, and because the public figures must not move under the admin journeys running beside it.
// The demo's own figures (2013–2023 receipts, 1,024 households housed) are asserted in test/e2e/demo.e2e-spec.ts,
// which builds the demo once; here the book is small, built through the API.

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '..', '..');
const ADMIN_PASSWORD = 'public-browser-admin-1';
const HOUSEHOLDS = [
  'Giàng Seo Bí Mật',
  'Lý Thị Riêng Tư',
  'Vàng A Kín',
  'Sùng Seo Ẩn',
  'Hầu Thị Giấu',
  'Thào A Lặng',
];

let run: Shared;
let base: string;
let app: ChildProcess;
let dir: string;
let smtp: SMTPServer;
const mails: string[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

beforeAll(async () => {
  run = await shared();
  dir = mkdtempSync(path.join(tmpdir(), 'public-browser-'));
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        mails.push(raw);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  app = spawn(process.execPath, [path.join(ROOT, 'dist/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${path.join(dir, 'ledger.sqlite')}`,
      ADMIN_PASSWORD,
      PUBLIC_URL: base,
      SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await until(async () => (await fetch(`${base}/api/health`).catch(() => null))?.ok === true, 30_000);
});

afterAll(async () => {
  await run?.browser.close();
  app?.kill();
  await new Promise<void>((resolve) => (smtp ? smtp.close(resolve) : resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('public disclosure and donor self-service', () => {
  let admin: string;
  let receiptNo: string;
  let statementReceipts: string;

  it('1. builds a small 2013–2023 book through the API, and the admin sets the fund’s signing key', async () => {
    admin = (
      await api(base, 'POST', '/api/auth/login', null, { username: 'admin', password: ADMIN_PASSWORD })
    ).token as string;
    await api(base, 'POST', '/api/funds', admin, {
      code: 'LC',
      name: 'Quỹ Đền ơn đáp nghĩa tỉnh Lào Cai',
      level: 'province',
    });
    await api(base, 'POST', '/api/funds', admin, {
      code: 'LC-TV',
      name: 'Quỹ xã Tả Van',
      level: 'commune',
      parentCode: 'LC',
    });
    await api(base, 'POST', '/api/users', admin, {
      username: 'ketoanpub',
      password: 'browser-pass-12345',
      role: 'accountant',
    });
    const accountant = (
      await api(base, 'POST', '/api/auth/login', null, {
        username: 'ketoanpub',
        password: 'browser-pass-12345',
      })
    ).token as string;
    const donor = (
      await api(base, 'POST', '/api/donors', admin, {
        name: 'Công ty CP Apatit Việt Nam',
        kind: 'enterprise',
        email: 'ketoan@apatit.vn',
      })
    ).id as number;
    const other = (
      await api(base, 'POST', '/api/donors', admin, {
        name: 'Ngân hàng Nông nghiệp Lào Cai',
        kind: 'enterprise',
      })
    ).id as number;
    for (let year = 2013; year <= 2023; year++) {
      // In date order within each series: an earlier date after a later one would be a late entry.
      await api(base, 'POST', '/api/contributions', admin, {
        fundCode: 'LC',
        donorId: other,
        date: `${year}-03-01`,
        amount: 250_000_000,
        method: 'bank',
      });
      const c = await api(base, 'POST', '/api/contributions', admin, {
        fundCode: year % 2 ? 'LC' : 'LC-TV',
        donorId: donor,
        date: `${year}-07-15`,
        amount: 100_000_000 + year,
        method: 'bank',
      });
      if (year === 2020) receiptNo = c.receiptNo as string;
    }
    for (const fullName of HOUSEHOLDS) {
      const b = (
        await api(base, 'POST', '/api/beneficiaries', admin, {
          fullName,
          category: 'war_invalid',
          commune: 'Tả Van',
          birthYear: 1950,
        })
      ).id as number;
      const d = (
        await api(base, 'POST', '/api/disbursements', accountant, {
          fundCode: 'LC',
          beneficiaryId: b,
          purpose: 'house_repair',
          amount: 30_000_000,
          date: '2023-05-01',
          method: 'bank',
          description: 'Hỗ trợ sửa chữa nhà ở',
        })
      ).id as number;
      await api(base, 'POST', `/api/disbursements/${d}/approve`, admin, {});
      await api(base, 'POST', `/api/disbursements/${d}/pay`, admin, { date: '2023-05-02' });
    }
    await api(base, 'POST', '/api/public/funds/LC/signing-key', admin, {});
    const statement = await api(
      base,
      'GET',
      '/api/reports/statement?fund=LC&from=2013-01-01&to=2023-12-31&consolidated=true',
      admin,
    );
    statementReceipts = (statement.receipts as { total: string }).total;
  });

  it('2. an anonymous visitor sees the statement’s receipts and the households housed, and no household name', async () => {
    const context = await run.browser.newContext({
      viewport: { width: 1366, height: 768 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    await page.goto(`${base}/public/funds/LC?from=2013&to=2023&year=2023`);
    await visible(page.getByRole('heading', { name: 'Quỹ Đền ơn đáp nghĩa tỉnh Lào Cai' }));
    const shown = await page.locator('[data-figure="receipts"]').innerText();
    expect(shown).toBe(`${BigInt(statementReceipts).toLocaleString('de-DE')} đ`);
    expect(await page.locator('[data-figure="housing-households"]').innerText()).toBe('6 hộ');
    await visible(page.getByRole('heading', { name: 'Chi tiết năm 2023' }));
    const html = await page.content();
    for (const name of HOUSEHOLDS) expect(html).not.toContain(name);
    await expectAccessible(page);
    await shot(page, '14-public-fund');
    // The README's picture is refreshed only on request, so a test run never changes tracked files.
    if (process.env.UPDATE_DOCS_IMG === '1') {
      mkdirSync(path.join(ROOT, 'docs', 'img'), { recursive: true });
      copyFileSync(
        path.join(__dirname, 'screenshots', '14-public-fund-1366.png'),
        path.join(ROOT, 'docs', 'img', 'public-fund.png'),
      );
    }

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Tải CSV' }).click(),
    ]);
    const file = path.join(dir, 'cong-khai-LC.csv');
    await download.saveAs(file);
    const csv = readFileSync(file, 'utf8');
    for (const name of HOUSEHOLDS) expect(csv).not.toContain(name);
    expect(csv).toContain(`total,,receipts,,${statementReceipts},`);
    const keys = await (await fetch(`${base}/public/funds/LC/keys.json`)).text();
    writeFileSync(path.join(dir, 'keys.json'), keys);
    const verify = (args: string[]) =>
      spawnSync(process.execPath, [path.join(ROOT, 'dist/cli/main.js'), 'verify-public', ...args], {
        cwd: ROOT,
        env: {
          ...process.env,
          DATABASE_URL: `sqlite:${path.join(dir, 'ledger.sqlite')}`,
          LOG_LEVEL: 'silent',
        },
        encoding: 'utf8',
      });
    const accepted = verify([file, '--key', path.join(dir, 'keys.json')]);
    expect(accepted.stdout).toMatch(/^OK/);
    expect(accepted.status).toBe(0);
    writeFileSync(
      path.join(dir, 'edited.csv'),
      csv.replace(statementReceipts, String(BigInt(statementReceipts) + 1n)),
    );
    expect(verify([path.join(dir, 'edited.csv'), '--key', path.join(dir, 'keys.json')]).status).toBe(1);
    await context.close();
  });

  it('3. a donor asks for a link from the QR page, opens it from the mail, sees only their receipts, downloads one; the link works once', async () => {
    const context = await run.browser.newContext({
      viewport: { width: 1366, height: 768 },
      acceptDownloads: true,
    });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(`${base}/verify/${receiptNo}?fund=LC-TV`);
    await page.getByRole('link', { name: 'Xem tất cả phiếu thu của tôi' }).click();
    expect(await page.getByLabel('hoặc Số phiếu thu').inputValue()).toBe(receiptNo);
    await page.getByRole('button', { name: 'Gửi đường dẫn' }).click();
    await visible(page.getByText('Đã ghi nhận đề nghị'));
    await until(() => Promise.resolve(mails.length > 0));
    const text = mails[0].replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const link = new RegExp(`${base.replace(/[.:/]/g, '\\$&')}/public/donor/[A-Za-z0-9_-]{20,}`).exec(
      text,
    )?.[0] as string;
    expect(link).toBeDefined();
    await page.goto(link);
    await visible(page.getByRole('heading', { name: 'Các phiếu thu của Công ty CP Apatit Việt Nam' }));
    const html = await page.content();
    expect(html).toContain(receiptNo);
    expect(html).not.toContain('Ngân hàng Nông nghiệp');
    expect(await page.getByRole('link', { name: /^Phiếu thu .* \(PDF\)$/ }).count()).toBe(11);
    await visible(page.getByRole('link', { name: /Thư cảm ơn 2023/ }));
    await expectAccessible(page);
    await shot(page, '14-donor-receipts');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: `Phiếu thu ${receiptNo} (PDF)` }).click(),
    ]);
    const pdf = path.join(dir, 'receipt.pdf');
    await download.saveAs(pdf);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const again = await page.goto(link);
    expect(again?.status()).toBe(410);
    await visible(page.getByRole('heading', { name: 'Đường dẫn không dùng được' }));
    await context.close();
  });
});
