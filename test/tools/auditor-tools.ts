import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';

// The auditors' own programs, which `npm install` does not bring: the tools project (`npm run test:tools`)
// fails, naming the Debian package, where one is missing; `npm test` never starts them.

/** Each program and the Debian package that installs it. */
export const AUDITOR_TOOLS = { hledger: 'hledger', ledger: 'ledger', 'bean-check': 'beancount' } as const;
export type AuditorTool = keyof typeof AUDITOR_TOOLS;

function onPath(command: string): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .some((dir) => {
      try {
        fs.accessSync(path.join(dir, command), fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

/** The tools not on PATH. */
export function missingTools(): AuditorTool[] {
  return (Object.keys(AUDITOR_TOOLS) as AuditorTool[]).filter((command) => !onPath(command));
}

/** Throws, naming the Debian packages to install, unless every tool is on PATH. */
export function requireTools(): void {
  const missing = missingTools();
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((command) => AUDITOR_TOOLS[command]))];
    throw new Error(
      `npm run test:tools checks the exports with the auditors' own programs, and ${missing.join(', ')} ` +
        `${missing.length === 1 ? 'is' : 'are'} not installed: apt-get install ${packages.join(' ')}`,
    );
  }
}

/** Runs hledger, ledger or bean-check; fails with the tool's own words when it exits non-zero. */
export function tool(command: AuditorTool, args: string[]): string {
  const result = runTool(command, args);
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr}\n${result.stdout}`,
    );
  }
  return result.stdout;
}

/** Runs a tool and returns how it ended, for the tests that expect it to refuse. */
export function runTool(
  command: AuditorTool,
  args: string[],
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new Error(`${command} is not installed: apt-get install ${AUDITOR_TOOLS[command]}`);
    throw result.error;
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `hledger bal` per fund and account code: `assets:LC:112 Tiền gửi…` → "LC|112". */
export function hledgerBalances(file: string): Map<string, bigint> {
  const csv = tool('hledger', ['bal', '-f', file, '-O', 'csv', '--no-total']);
  const rows = parse(csv, { from_line: 2 }) as string[][];
  const result = new Map<string, bigint>();
  for (const [account, amount] of rows) {
    const [, fund, rest] = account.split(':');
    const value = amount === '0' ? 0n : BigInt(amount.replace(/ VND$/, ''));
    result.set(`${fund}|${rest.split(' ')[0]}`, value);
  }
  return result;
}
