// One app and one browser for the whole browser project (every *.browser-spec.ts): builds dist/ (as the other
// projects do), starts dist/main.js on a fresh SQLite file and launches Chromium as a server that each spec file
// connects to. Their addresses reach the test workers through the environment; global-teardown.js stops both.
// When the run has a spec on the demo books (global-sequencer.js says so), their build starts here in the
// background (test/support/demo-fixture.ts, transpiled by jest as this file is), to overlap the other tests.
const { spawn, spawnSync } = require('node:child_process');
const { mkdtempSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const buildDist = require('../../global-setup');
const { startDemoBuild } = require('../../support/demo-fixture');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const ADMIN_PASSWORD = 'admin-browser-pass-1';

function freePort() {
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

function launchServer() {
  const args = ['--no-sandbox', '--disable-dev-shm-usage'];
  if (process.env.CHROMIUM_PATH)
    return chromium.launchServer({ executablePath: process.env.CHROMIUM_PATH, args, headless: true });
  // @sparticuz/chromium is an ES module: a child node unpacks it and names the binary and its arguments.
  const found = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "const c = (await import('@sparticuz/chromium')).default; console.log(JSON.stringify({ path: await c.executablePath(), args: c.args }));",
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (found.status !== 0) throw new Error(`@sparticuz/chromium: ${found.stderr}`);
  const c = JSON.parse(found.stdout.trim().split('\n').pop() || '{}');
  return chromium.launchServer({
    executablePath: c.path,
    args: [...c.args.filter((a) => a !== '--single-process'), ...args],
    headless: true,
  });
}

async function startApp(dir) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = spawn(process.execPath, [path.join(ROOT, 'dist/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${path.join(dir, 'ledger.sqlite')}`,
      ADMIN_PASSWORD,
      PUBLIC_URL: base,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return { app, base };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  app.kill();
  throw new Error('the app did not start');
}

module.exports = async function browserGlobalSetup() {
  buildDist();
  const demoBuild = process.env.DEN_ON_DEMO_WANTED === '1' ? startDemoBuild() : null;
  const dir = mkdtempSync(path.join(tmpdir(), 'admin-browser-'));
  const [{ app, base }, server] = await Promise.all([startApp(dir), launchServer()]);
  globalThis.__ADMIN_BROWSER__ = { app, server, dir, demoBuild };
  process.env.ADMIN_BROWSER_BASE = base;
  process.env.ADMIN_BROWSER_WS = server.wsEndpoint();
  process.env.ADMIN_BROWSER_DIR = dir;
  process.env.ADMIN_BROWSER_ADMIN_PASSWORD = ADMIN_PASSWORD;
};
