import type { DataSource } from 'typeorm';
import { TooManyRequestsError } from '../common/errors';
import { loadConfig, type AppConfig } from '../config/app-config';
import { LoginThrottle } from './login-throttle';

const config = (overrides: Partial<AppConfig> = {}): AppConfig =>
  ({
    database: { type: 'sqlite', path: ':memory:' },
    loginAttemptsPerMinute: 3,
    loginAttemptsPerAddressPerMinute: 1_000_000,
    loginFailuresPerHour: 1_000_000,
    ...overrides,
  }) as AppConfig;

const noDatabase = {} as DataSource;

async function refusal(attempt: Promise<void>): Promise<TooManyRequestsError> {
  try {
    await attempt;
  } catch (error) {
    if (error instanceof TooManyRequestsError) return error;
    throw error;
  }
  throw new Error('expected a 429');
}

describe('LoginThrottle', () => {
  it('keeps a username locked however many other usernames fail (a flood of 10,001 made-up names once reset every window)', async () => {
    const throttle = await LoginThrottle.create(config(), noDatabase);
    for (let i = 0; i < 3; i++) await throttle.attempt('admin', '10.0.0.1');
    await refusal(throttle.attempt('admin', '10.0.0.1'));
    for (let i = 0; i <= 10_000; i++) await throttle.attempt(`made-up-${i}`, `10.1.${i >> 8}.${i & 255}`);
    const error = await refusal(throttle.attempt('admin', '10.0.0.9'));
    expect(error.messages[0]).toMatch(/^too many failed logins; try again in \d+ s$/);
    expect(error.retryAfterS).toBeGreaterThanOrEqual(1);
    expect(error.retryAfterS).toBeLessThanOrEqual(60);
  });

  it('limits one address whatever usernames it tries', async () => {
    const throttle = await LoginThrottle.create(config({ loginAttemptsPerAddressPerMinute: 5 }), noDatabase);
    for (let i = 0; i < 5; i++) await throttle.attempt(`user-${i}`, '10.0.0.2');
    await refusal(throttle.attempt('user-new', '10.0.0.2'));
    await throttle.attempt('user-new', '10.0.0.3');
  });

  it('brakes failures across every user and address, and counts a refused attempt nowhere', async () => {
    const throttle = await LoginThrottle.create(config({ loginFailuresPerHour: 4 }), noDatabase);
    for (let i = 0; i < 4; i++) await throttle.attempt(`user-${i}`, `10.0.1.${i}`);
    const error = await refusal(throttle.attempt('someone-else', '10.0.2.1'));
    expect(error.messages[0]).toMatch(/too many failed logins on this server/);
    expect(error.retryAfterS).toBeGreaterThan(60);
  });

  it('takes a right attempt back: it counts against neither the user, the address nor the brake', async () => {
    const throttle = await LoginThrottle.create(config({ loginFailuresPerHour: 2 }), noDatabase);
    for (let i = 0; i < 10; i++) {
      await throttle.attempt('admin', '10.0.0.4');
      await throttle.succeeded('admin', '10.0.0.4');
    }
    await throttle.attempt('admin', '10.0.0.4');
  });
});

describe('the throttle store setting', () => {
  it('shares the counters through PostgreSQL by default on PostgreSQL, in memory on SQLite', () => {
    expect(loadConfig({}).rateLimitStore).toBe('memory');
    expect(loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x' }).rateLimitStore).toBe(
      'postgres',
    );
    expect(
      loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x', RATE_LIMIT_STORE: 'memory' })
        .rateLimitStore,
    ).toBe('memory');
    expect(() => loadConfig({ RATE_LIMIT_STORE: 'postgres' })).toThrow(/RATE_LIMIT_STORE=postgres needs/);
    expect(() => loadConfig({ RATE_LIMIT_STORE: 'redis' })).toThrow(
      /RATE_LIMIT_STORE must be memory or postgres/,
    );
    expect(loadConfig({})).toMatchObject({
      loginAttemptsPerAddressPerMinute: 30,
      loginFailuresPerHour: 1000,
    });
  });
});
