import * as path from 'node:path';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type DatabaseConfig = { type: 'sqlite'; path: string } | { type: 'postgres'; url: string };

/** The validated environment. Built once at start; a bad value stops start-up with a message naming it. */
export interface AppConfig {
  port: number;
  database: DatabaseConfig;
  /** Password for the first-start `admin`; a random one is generated and logged once when unset. */
  adminPassword: string | null;
  logLevel: LogLevel;
  sessionTtlHours: number;
  /** Failed logins allowed per username in one minute (from any address). */
  loginAttemptsPerMinute: number;
  /** Failed logins allowed per client address in one minute (whatever the usernames); default 30. */
  loginAttemptsPerAddressPerMinute?: number;
  /** The global brake: failed logins allowed in one hour across all users and addresses; default 1000. */
  loginFailuresPerHour?: number;
  /** Where the login counters live: `postgres` (shared by every process) by default on PostgreSQL, else `memory`. */
  rateLimitStore?: 'memory' | 'postgres';
  /** Public verification page requests allowed per address in one minute. */
  verifyRequestsPerMinute: number;
  /** The address donors reach this service at: receipt QR codes point to `${publicUrl}/verify/…`. */
  publicUrl: string;
  /** smtp://user:pass@host:port or smtps://…; null disables e-mail. */
  smtpUrl: string | null;
  /** The From: of receipts sent by e-mail. */
  mailFrom: string;
  /** SMTP connection and greeting timeout in milliseconds (SMTP_TIMEOUT_MS); default 10 000. */
  smtpTimeoutMs?: number;
  /** The address the server listens on (HOST); default 127.0.0.1, 0.0.0.0 behind a reverse proxy or in a container. */
  host?: string;
  /** Express's 'trust proxy' setting (TRUST_PROXY); default false: the client is the peer of the TCP connection. */
  trustProxy?: TrustProxy;
}

/** What TRUST_PROXY may say: off, a number of proxy hops, or a list of trusted proxy addresses/subnets. */
export type TrustProxy = boolean | number | string[];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
    return fallback;
  }
  return Number(raw);
}

export function parseDatabaseUrl(raw: string, problems: string[]): DatabaseConfig {
  if (raw.startsWith('sqlite:')) {
    const file = raw.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!file) problems.push('DATABASE_URL sqlite: needs a file path, e.g. sqlite:data/ledger.sqlite');
    return { type: 'sqlite', path: file === ':memory:' ? file : path.resolve(file) };
  }
  if (raw.startsWith('postgres://') || raw.startsWith('postgresql://')) {
    try {
      return { type: 'postgres', url: new URL(raw).toString() };
    } catch {
      problems.push('DATABASE_URL is not a valid postgres:// URL');
    }
  } else {
    problems.push(`DATABASE_URL must start with sqlite: or postgres:// (got "${raw}")`);
  }
  return { type: 'sqlite', path: path.resolve('data/ledger.sqlite') };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const port = integer(env, 'PORT', 3000, 0, 65535, problems);
  const database = parseDatabaseUrl(env.DATABASE_URL || 'sqlite:data/ledger.sqlite', problems);

  const adminPassword = env.ADMIN_PASSWORD || null;
  if (adminPassword !== null && adminPassword.length < 12)
    problems.push('ADMIN_PASSWORD must be at least 12 characters');

  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel))
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);

  const sessionTtlHours = integer(env, 'SESSION_TTL_HOURS', 12, 1, 24 * 90, problems);
  const loginAttemptsPerMinute = integer(env, 'LOGIN_ATTEMPTS_PER_MINUTE', 10, 1, 10_000, problems);
  const loginAttemptsPerAddressPerMinute = integer(
    env,
    'LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE',
    30,
    1,
    100_000,
    problems,
  );
  const loginFailuresPerHour = integer(env, 'LOGIN_FAILURES_PER_HOUR', 1000, 1, 10_000_000, problems);
  const rateLimitStore = (env.RATE_LIMIT_STORE || (database.type === 'postgres' ? 'postgres' : 'memory')) as
    'memory' | 'postgres';
  if (rateLimitStore !== 'memory' && rateLimitStore !== 'postgres')
    problems.push(`RATE_LIMIT_STORE must be memory or postgres (got "${String(rateLimitStore)}")`);
  else if (rateLimitStore === 'postgres' && database.type !== 'postgres')
    problems.push('RATE_LIMIT_STORE=postgres needs DATABASE_URL=postgres://…');
  const verifyRequestsPerMinute = integer(env, 'VERIFY_REQUESTS_PER_MINUTE', 60, 1, 100_000, problems);

  const publicUrl = (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(publicUrl))
    problems.push(`PUBLIC_URL must be an http(s):// address (got "${publicUrl}")`);
  const smtpUrl = env.SMTP_URL || null;
  if (smtpUrl !== null && !/^smtps?:\/\//.test(smtpUrl))
    problems.push('SMTP_URL must start with smtp:// or smtps://');
  const mailFrom = env.MAIL_FROM || 'Quỹ Đền ơn đáp nghĩa <no-reply@localhost>';
  const smtpTimeoutMs = integer(env, 'SMTP_TIMEOUT_MS', 10_000, 100, 600_000, problems);
  const host = parseHost(env.HOST, problems);
  const trustProxy = parseTrustProxy(env.TRUST_PROXY, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    database,
    adminPassword,
    logLevel,
    sessionTtlHours,
    loginAttemptsPerMinute,
    loginAttemptsPerAddressPerMinute,
    loginFailuresPerHour,
    rateLimitStore,
    verifyRequestsPerMinute,
    publicUrl,
    smtpUrl,
    mailFrom,
    smtpTimeoutMs,
    host,
    trustProxy,
  };
}

/** Where `npm start` listens when HOST is unset: this machine only. */
export const DEFAULT_HOST = '127.0.0.1';

/** HOST: an IPv4 or IPv6 address, or a host name; default 127.0.0.1 (this machine only). */
export function parseHost(raw: string | undefined, problems: string[]): string {
  if (raw === undefined || raw === '') return DEFAULT_HOST;
  const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
  const ipv6 = /^[0-9a-fA-F:]+$/;
  const name =
    /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
  if (ipv4.test(raw) || (raw.includes(':') && ipv6.test(raw)) || (!/^[\d.]+$/.test(raw) && name.test(raw)))
    return raw;
  problems.push(`HOST must be an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0 (got "${raw}")`);
  return DEFAULT_HOST;
}

/**
 * TRUST_PROXY, as Express's 'trust proxy' takes it: `false` (default) or `true`; a number of proxy hops (`1` for
 * one reverse proxy in front); or a comma-separated list of proxy addresses, subnets or the names `loopback`,
 * `linklocal`, `uniquelocal` (e.g. `loopback, 10.0.0.0/8`). Anything else stops start-up.
 */
export function parseTrustProxy(raw: string | undefined, problems: string[]): TrustProxy {
  const value = (raw ?? '').trim();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops <= 100) return hops;
  } else {
    const items = value.split(',').map((item) => item.trim());
    const named = new Set(['loopback', 'linklocal', 'uniquelocal']);
    const ipv4 =
      /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(\/(3[0-2]|[12]?\d))?$/;
    const ipv6 = /^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(\/(12[0-8]|1[01]\d|[1-9]?\d))?$/;
    if (items.every((item) => named.has(item) || ipv4.test(item) || ipv6.test(item))) return items;
  }
  problems.push(
    `TRUST_PROXY must be true, false, a number of proxy hops (0–100) or a comma-separated list of proxy addresses, subnets, loopback, linklocal or uniquelocal (got "${value}")`,
  );
  return false;
}
