import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

// What every browser spec shares: the app and the browser that support/global-setup.js started once for the run
// (one app, one Chromium), and the helpers that drive pages as a person does.

export const SHOTS = path.join(__dirname, '..', 'screenshots');
export const PASSWORD = 'browser-pass-12345';

export interface Shared {
  base: string;
  dir: string;
  adminPassword: string;
  browser: Browser;
}

/** Connects to the run's browser; call in beforeAll, and `close()` the browser in afterAll. */
export async function shared(): Promise<Shared> {
  const base = process.env.ADMIN_BROWSER_BASE;
  const ws = process.env.ADMIN_BROWSER_WS;
  if (!base || !ws) throw new Error('test/browser/support/global-setup.js did not run');
  mkdirSync(SHOTS, { recursive: true });
  return {
    base,
    dir: process.env.ADMIN_BROWSER_DIR ?? '',
    adminPassword: process.env.ADMIN_BROWSER_ADMIN_PASSWORD ?? '',
    browser: await chromium.connect(ws),
  };
}

export async function api(
  base: string,
  method: string,
  url: string,
  token: string | null,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
}

export async function login(
  base: string,
  context: BrowserContext,
  username: string,
  password: string,
): Promise<Page> {
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  await page.goto(`${base}/admin/login`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL(`${base}/admin`);
  return page;
}

export async function visible(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout: 30_000 });
}

/** Waits until the condition holds (the page updates as the user types). */
export async function until(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${condition.toString()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** No serious or critical axe violation on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual(
    [],
  );
}

/** Screenshots at 1366×768 and at tablet width (768 px). */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}-1366.png`), fullPage: true });
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.screenshot({ path: path.join(SHOTS, `${name}-768.png`), fullPage: true });
  await page.setViewportSize({ width: 1366, height: 768 });
}
