import { ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import type { DatabaseConfig } from '../../src/config/app-config';
import { ADMIN_PASSWORD } from '../support/app';
import { databaseUrl } from '../support/cli';

/**
 * The built server (dist/main.js, as `npm start` runs it) in its own process, on a given database, and a small
 * fetch-based client for it. The reliability suites that must see a real process — its own event loop, its own
 * connections, a real socket between client and server — use this instead of supertest.
 */

const ROOT = path.resolve(__dirname, '..', '..');

export interface Answer<T = unknown> {
  status: number;
  body: T;
}

export interface Server {
  url: string;
  child: ChildProcess;
  /** POST (or another method) with a JSON body; never throws on a status, only on a broken connection. */
  send<T = unknown>(
    method: string,
    route: string,
    token: string | null,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer<T>>;
  get<T = unknown>(route: string, token: string | null): Promise<Answer<T>>;
  login(username: string, password: string): Promise<string>;
  /** Stops the process (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export async function startServer(
  database: DatabaseConfig,
  env: Record<string, string> = {},
): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl(database),
      PORT: String(port),
      ADMIN_PASSWORD,
      LOG_LEVEL: 'error',
      LOGIN_ATTEMPTS_PER_MINUTE: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const send = async <T>(
    method: string,
    route: string,
    token: string | null,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> => {
    const res = await fetch(url + route, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T };
  };

  for (let waitedMs = 0; ; waitedMs += 100) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    if (waitedMs > 60_000) {
      child.kill('SIGKILL');
      throw new Error(`server did not answer /api/health within 60 s:\n${output}`);
    }
    try {
      if ((await send('GET', '/api/health', null)).status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    child,
    send,
    get: (route, token) => send('GET', route, token),
    async login(username, password) {
      const res = await send<{ token: string }>('POST', '/api/auth/login', null, { username, password });
      if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.token;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Creates a user through the API (as admin) and logs it in. */
export async function newUser(
  server: Server,
  adminToken: string,
  username: string,
  role: string,
  fundCode?: string,
): Promise<string> {
  const password = `Mật khẩu dài ${username.length}-${role}-7 cho kiểm thử`;
  const res = await server.send('POST', '/api/users', adminToken, {
    username,
    password,
    role,
    ...(fundCode ? { fundCode } : {}),
  });
  if (res.status !== 201)
    throw new Error(`create user ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return server.login(username, password);
}
