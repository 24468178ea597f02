import type { DataSource } from 'typeorm';
import { RateLimiter, RateLimitStore } from '../common/rate-limiter';
import type { AppConfig } from '../config/app-config';

/** Per address and the global brake, when the configuration does not say (programmatic configs in tests). */
export const DEFAULT_ATTEMPTS_PER_ADDRESS_PER_MINUTE = 30;
export const DEFAULT_FAILURES_PER_HOUR = 1000;

/**
 * The limits on password guessing (docs/security.md):
 * - per username: `loginAttemptsPerMinute` failed attempts a minute, from any address;
 * - per address: `loginAttemptsPerAddressPerMinute` failed attempts a minute, whatever the usernames tried;
 * - the global brake: `loginFailuresPerHour` failed attempts an hour in all, which stops a slow spray across many
 *   addresses and usernames.
 * An attempt is counted before the (slow) password check, so parallel guesses cannot slip past a limit, and taken
 * back when it succeeds. Counters live in memory (keys vanish when their window ends, so memory stays bounded by
 * the limits themselves) or, on PostgreSQL, in a table shared by every process.
 */
export class LoginThrottle {
  private constructor(
    private readonly perUsername: RateLimiter,
    private readonly perAddress: RateLimiter,
    private readonly global: RateLimiter,
  ) {}

  static async create(config: AppConfig, dataSource: DataSource): Promise<LoginThrottle> {
    const store: RateLimitStore =
      config.rateLimitStore === 'postgres' ||
      (config.rateLimitStore === undefined && config.database.type === 'postgres')
        ? { kind: 'postgres', dataSource }
        : { kind: 'memory' };
    const perAddress =
      config.loginAttemptsPerAddressPerMinute ??
      Math.max(DEFAULT_ATTEMPTS_PER_ADDRESS_PER_MINUTE, 3 * config.loginAttemptsPerMinute);
    const perHour = config.loginFailuresPerHour ?? Math.max(DEFAULT_FAILURES_PER_HOUR, 10 * perAddress);
    const what = 'failed logins';
    return new LoginThrottle(
      await RateLimiter.create(
        { name: 'login_user', points: config.loginAttemptsPerMinute, windowS: 60, what },
        store,
      ),
      await RateLimiter.create({ name: 'login_addr', points: perAddress, windowS: 60, what }, store),
      await RateLimiter.create(
        { name: 'login_all', points: perHour, windowS: 3600, what: `${what} on this server` },
        store,
      ),
    );
  }

  /** Counts an attempt, or refuses it (429 with Retry-After) when any limit is spent. */
  async attempt(username: string, address: string): Promise<void> {
    // The brake is checked first and counted last: a refused attempt must not use up the shared budget.
    await this.global.assertAllowed('all');
    await this.perAddress.hit(address);
    await this.perUsername.hit(username.toLowerCase());
    await this.global.hit('all');
  }

  /** The attempt was right: it does not count against anyone. */
  async succeeded(username: string, address: string): Promise<void> {
    await this.perUsername.reset(username.toLowerCase());
    await this.perAddress.reward(address);
    await this.global.reward('all');
  }
}
