import type { Response } from 'supertest';
import { bearer, type TestApp } from './app';

export type Role = 'admin' | 'accountant' | 'approver' | 'cashier' | 'auditor';
export const ROLES: readonly Role[] = ['admin', 'accountant', 'approver', 'cashier', 'auditor'];

const STATUS_NAMES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
};

/**
 * Asserts the contract's error body, `{ statusCode, error, message: string[] }` and nothing else (no stack, no
 * internals), and returns its messages.
 */
export function expectError(res: Response, status: number): string[] {
  if (res.status !== status) {
    throw new Error(`expected ${status}, got ${res.status}: ${res.text.slice(0, 500)}`);
  }
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.body as { statusCode: unknown; error: unknown; message: unknown };
  expect(Object.keys(body).sort()).toEqual(['error', 'message', 'statusCode']);
  expect(body.statusCode).toBe(status);
  expect(body.error).toBe(STATUS_NAMES[status]);
  expect(Array.isArray(body.message)).toBe(true);
  const messages = body.message as unknown[];
  expect(messages.length).toBeGreaterThan(0);
  for (const message of messages) {
    expect(typeof message).toBe('string');
    expect((message as string).trim()).not.toBe('');
  }
  expectNoStackTrace(res.text);
  return messages as string[];
}

/** Nothing that looks like a stack frame or a source path. */
export function expectNoStackTrace(text: string): void {
  expect(text).not.toMatch(/\bat [\w$.<>]+ \(/);
  expect(text).not.toMatch(/\.(ts|js):\d+/);
  expect(text).not.toMatch(/"stack"/);
  expect(text).not.toMatch(/node_modules/);
}

export interface TestUser {
  username: string;
  password: string;
  role: Role;
  token: string;
}

let userCounter = 0;

/** Like TestApp.newUser, but keeps the credentials, so the test can log in again (e.g. to log out). */
export async function createUser(t: TestApp, role: Role, fundCode?: string): Promise<TestUser> {
  const username = `u-${role}-${++userCounter}`;
  const password = `${role}-secret-${userCounter}`;
  await t.http
    .post('/api/users')
    .set(bearer(t.adminToken))
    .send({ username, password, role, ...(fundCode ? { fundCode } : {}) })
    .expect(201);
  return { username, password, role, token: await t.login(username, password) };
}

/** A balanced entry that needs no cash: bank in, other receipts out. */
export function bankReceipt(
  fundCode: string,
  date: string,
  amount: string | number,
  description = 'Thu khác',
) {
  return {
    fundCode,
    date,
    description,
    lines: [
      { account: '112', debit: amount },
      { account: '5118', credit: amount },
    ],
  };
}
