import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DatabaseConfig } from '../../src/config/app-config';

export const POSTGRES_URL = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '')
  ? (process.env.DATABASE_URL as string)
  : null;

export interface TestDatabase {
  config: DatabaseConfig;
  /** The SQLite file, when the test runs on SQLite. */
  file: string | null;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one test file: a new SQLite file in the temp folder, or — when DATABASE_URL is a
 * postgres URL — a new PostgreSQL database created next to the one named there.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  if (POSTGRES_URL) {
    const admin = new Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${name}`;
    return {
      config: { type: 'postgres', url: url.toString() },
      file: null,
      async drop() {
        const client = new Client({ connectionString: POSTGRES_URL });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'den-on-'));
  const file = path.join(dir, `${name}.sqlite`);
  return {
    config: { type: 'sqlite', path: file },
    file,
    drop: () => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })),
  };
}

/** Which database the suite runs on, for test names. */
export const DB_LABEL = POSTGRES_URL ? 'PostgreSQL' : 'SQLite';
