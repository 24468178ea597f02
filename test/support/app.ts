import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import type { AppConfig } from '../../src/config/app-config';
import { DATA_SOURCE } from '../../src/database/unit-of-work';
import { createTestDatabase, TestDatabase } from './database';

export const ADMIN_PASSWORD = 'admin-password-1';

export interface TestApp {
  app: INestApplication;
  http: TestAgent;
  db: TestDatabase;
  dataSource: DataSource;
  adminToken: string;
  login(username: string, password: string): Promise<string>;
  /** Creates a user through the API and returns its token. */
  newUser(
    role: 'admin' | 'accountant' | 'approver' | 'cashier' | 'auditor',
    fundCode?: string,
  ): Promise<string>;
  /** Creates a fund through the API. */
  newFund(code: string, level?: string, parentCode?: string): Promise<void>;
  /** Row counts of every table: to prove a failed request wrote nothing. */
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

let userCounter = 0;

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);

/** A real application on a real, fresh database (SQLite file, or PostgreSQL when DATABASE_URL says so). */
export async function startTestApp(
  overrides: Partial<AppConfig> = {},
  shared?: TestDatabase,
): Promise<TestApp> {
  // A second app on a `shared` database leaves dropping it to the first.
  const db = shared ? { ...shared, drop: () => Promise.resolve() } : await createTestDatabase();
  const config: AppConfig = {
    port: 0,
    database: db.config,
    adminPassword: ADMIN_PASSWORD,
    logLevel: 'silent',
    sessionTtlHours: 12,
    loginAttemptsPerMinute: 1000,
    verifyRequestsPerMinute: 1000,
    publicUrl: 'http://ledger.test',
    smtpUrl: null,
    mailFrom: 'Quỹ Đền ơn đáp nghĩa <quy@ledger.test>',
    ...overrides,
  };
  const app = await createApp(config);
  await app.init();
  // Tests assert the English messages (the `en` catalogue): every request asks for English unless the test sets
  // another Accept-Language (or `.unset('Accept-Language')` for the Vietnamese default).
  const raw = request(app.getHttpServer());
  const http = new Proxy(raw, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || !HTTP_METHODS.has(String(prop))) return value;
      return (url: string) =>
        (value as (u: string) => request.Test).call(target, url).set('Accept-Language', 'en');
    },
  });
  const dataSource = app.get<DataSource>(DATA_SOURCE);

  const login = async (username: string, password: string) => {
    const res = await http.post('/api/auth/login').send({ username, password }).expect(200);
    return (res.body as { token: string }).token;
  };
  const adminToken = await login('admin', overrides.adminPassword ?? ADMIN_PASSWORD);

  return {
    app,
    http,
    db,
    dataSource,
    adminToken,
    login,
    async newUser(role, fundCode) {
      const username = `${role}${++userCounter}`;
      const password = `${role}-password-${userCounter}`;
      await http
        .post('/api/users')
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ username, password, role, ...(fundCode ? { fundCode } : {}) })
        .expect(201);
      return login(username, password);
    },
    async newFund(code, level = 'province', parentCode) {
      await http
        .post('/api/funds')
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ code, name: `Quỹ ${code}`, level, ...(parentCode ? { parentCode } : {}) })
        .expect(201);
    },
    async counts() {
      const result: Record<string, number> = {};
      // Every table the entities know, so a new feature's tables are covered without editing this list.
      for (const table of dataSource.entityMetadatas.map((m) => m.tableName).sort()) {
        const [row] = await dataSource.query<{ n: string | number }[]>(`SELECT COUNT(*) AS n FROM ${table}`);
        result[table] = Number(row.n);
      }
      return result;
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
