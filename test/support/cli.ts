import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { DatabaseConfig } from '../../src/config/app-config';

const ROOT = path.resolve(__dirname, '..', '..');

export function databaseUrl(config: DatabaseConfig): string {
  return config.type === 'sqlite' ? `sqlite:${config.path}` : config.url;
}

/** Runs the built command line the way `npm run cli -- …` does. */
export function runCli(
  args: string[],
  database: DatabaseConfig,
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli', 'main.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl(database), LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
