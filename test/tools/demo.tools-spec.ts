import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DatabaseConfig } from '../../src/config/app-config';
import { buildDemo } from '../../src/demo/demo-builder';
import { ADMIN_PASSWORD } from '../support/app';
import { runCli } from '../support/cli';
import { requireTools, tool } from './auditor-tools';

// The Lào Cai demonstration books (what `npm run demo` builds), exported with the command line as an auditor
// would, and checked with the auditors' own programs: ten years, a merger and every kind of entry.
describe('the Lào Cai demo exported through hledger, ledger and bean-check (an SQLite file, as npm run demo builds)', () => {
  let dir: string;
  let database: DatabaseConfig;

  /** Runs the command line on the demo books; fails with its own words unless it exits 0. */
  const cli = (args: string[]): string => {
    const result = runCli(args, database);
    if (result.status !== 0)
      throw new Error(`cli ${args.join(' ')} exited ${result.status}:\n${result.stderr}\n${result.stdout}`);
    return result.stdout;
  };

  beforeAll(async () => {
    requireTools();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'den-on-demo-tools-'));
    database = { type: 'sqlite', path: path.join(dir, 'demo.sqlite') };
    await buildDemo({ database, adminPassword: ADMIN_PASSWORD });
  }, 300_000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('verifies its hash chain and stored balances', () => {
    cli(['verify']);
  }, 120_000);

  it('exports the province and everything below it as an hledger journal that hledger and ledger accept', () => {
    const file = path.join(dir, 'lc.hledger');
    cli(['export', 'journal', '--format', 'hledger', '--fund', 'LC', '--consolidated', '--out', file]);
    tool('hledger', ['check', '-s', '-f', file]);
    tool('ledger', ['-f', file, 'bal']);
  }, 120_000);

  it('exports it as a beancount ledger that bean-check accepts', () => {
    const file = path.join(dir, 'lc.beancount');
    cli(['export', 'journal', '--format', 'beancount', '--fund', 'LC', '--consolidated', '--out', file]);
    tool('bean-check', [file]);
  }, 120_000);

  it('exports an audit bundle that verifies against the books', () => {
    const file = path.join(dir, 'bundle.zip');
    cli(['export', 'bundle', '--fund', 'LC', '--consolidated', '--out', file]);
    expect(cli(['verify-bundle', file, '--db'])).toContain('OK: ');
  }, 120_000);
});
