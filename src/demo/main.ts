import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createApp, listen } from '../app.factory';
import { DATA_DIR } from '../common/paths';
import { ConfigError, DatabaseConfig, loadConfig } from '../config/app-config';
import { buildDemo, DemoBuildResult } from './demo-builder';
import { planDemo } from './planner';
import { formatSummary, formatUsers } from './report';

const USAGE = `npm run demo [-- --build-only | --serve-only]

  (re)builds data/demo.sqlite with the Lào Cai demonstration books (data/demo/), then serves it like npm start.
  --build-only   build, print the users and exit (for tests and CI)
  --serve-only   serve the data/demo.sqlite built before, without rebuilding it
PORT, ADMIN_PASSWORD and LOG_LEVEL work as for npm start; the demo's admin takes ADMIN_PASSWORD when it is set.`;

const DEMO_FILE = path.join(DATA_DIR, 'demo.sqlite');

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const unknown = argv.filter((a) => a !== '--build-only' && a !== '--serve-only');
  if (unknown.length || (argv.includes('--build-only') && argv.includes('--serve-only'))) {
    console.error(
      `${unknown.length ? `unexpected arguments ${unknown.join(' ')}` : 'choose one of --build-only and --serve-only'}\n\n${USAGE}`,
    );
    return 2;
  }
  const config = loadConfig();
  const database: DatabaseConfig = { type: 'sqlite', path: DEMO_FILE };
  let built: DemoBuildResult | null = null;
  const adminPassword = config.adminPassword ?? randomBytes(12).toString('base64url');

  if (argv.includes('--serve-only')) {
    if (!fs.existsSync(DEMO_FILE)) {
      console.error(
        `${DEMO_FILE} does not exist yet: run npm run demo (or npm run demo -- --build-only) first`,
      );
      return 2;
    }
  } else {
    console.log(`Building the Lào Cai demonstration books in ${path.relative(process.cwd(), DEMO_FILE)} …`);
    const tty = process.stderr.isTTY;
    built = await buildDemo({
      database,
      adminPassword,
      onProgress: tty
        ? (done, total) =>
            process.stderr.write(`\r  ${Math.floor((done * 100) / total)} % (${done}/${total} steps)`)
        : undefined,
    });
    if (tty) process.stderr.write('\n');
    console.log(formatSummary(built));
    if (argv.includes('--build-only')) {
      console.log(formatUsers(built.users));
      return 0;
    }
  }

  const served = { ...config, database, adminPassword };
  const app = await createApp(served);
  await listen(app, served);
  const url = `http://localhost:${config.port}`;
  console.log(`\nThe demonstration is served at ${url} (API documentation at ${url}/api/docs).`);
  if (built) console.log(formatUsers(built.users));
  else {
    // Served as built before: the planned users are the same on every build; admin's password is the one set then.
    const admin = {
      username: 'admin',
      password: '(as built)',
      role: 'admin' as const,
      fundCode: null,
      label: 'quản trị',
    };
    console.log(formatUsers([admin, ...planDemo().users]));
  }
  console.log(
    `\nTry: the published claims against the books, as the auditor:\n` +
      `  TOKEN=$(curl -s ${url}/api/auth/login -H 'content-type: application/json' -d '{"username":"kiemtoan","password":"demo-kiemtoan-2025"}' | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')\n` +
      `  curl -s "${url}/api/reports/reconciliation?claims=lao-cai-2013-2023" -H "Authorization: Bearer $TOKEN"`,
  );
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    // -1: the server is running; it stops with the process.
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  },
);
