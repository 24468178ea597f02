import {
  RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';
import { TooManyRequestsError } from './errors';

/**
 * Where the counters live. `memory` is one process's own (bounded: a key disappears when its window ends);
 * `postgres` is a table shared by every process and machine on the same database, so N processes do not allow
 * N times the limit.
 */
export type RateLimitStore = { kind: 'memory' } | { kind: 'postgres'; dataSource: DataSource };

export const RATE_LIMIT_TABLE = 'rate_limits';

export interface RateLimitOptions {
  /** Distinguishes this limiter's keys from the others' in a shared store. */
  name: string;
  /** Events allowed per window. */
  points: number;
  windowS: number;
  /** For the 429 message: "too many failed logins". */
  what: string;
}

/**
 * A fixed-window limiter from `rate-limiter-flexible`. A refusal is a TooManyRequestsError (429) that carries
 * the seconds to wait, which the exception filter sends as `Retry-After`.
 */
export class RateLimiter {
  private constructor(
    private readonly limiter: RateLimiterAbstract,
    private readonly options: RateLimitOptions,
  ) {}

  /** A limiter of this process only. */
  static memory(options: RateLimitOptions): RateLimiter {
    return new RateLimiter(
      new RateLimiterMemory({ keyPrefix: options.name, points: options.points, duration: options.windowS }),
      options,
    );
  }

  /** Builds the limiter; with the PostgreSQL store, creates its table first (idempotent across processes). */
  static async create(
    options: RateLimitOptions,
    store: RateLimitStore = { kind: 'memory' },
  ): Promise<RateLimiter> {
    const base = { keyPrefix: options.name, points: options.points, duration: options.windowS };
    if (store.kind === 'memory') return RateLimiter.memory(options);
    const limiter = await new Promise<RateLimiterPostgres>((resolve, reject) => {
      const created: RateLimiterPostgres = new RateLimiterPostgres(
        {
          ...base,
          storeClient: store.dataSource,
          storeType: 'typeorm',
          tableName: RATE_LIMIT_TABLE,
          // Should the database be unreachable, each process goes on limiting on its own rather than not at all.
          insuranceLimiter: new RateLimiterMemory(base),
        },
        (error?: Error) => (error ? reject(error) : resolve(created)),
      );
    });
    return new RateLimiter(limiter, options);
  }

  /** Counts one event and refuses it (429) when the window's budget is spent. */
  async hit(key: string): Promise<void> {
    try {
      await this.limiter.consume(key);
    } catch (refusal) {
      throw this.refusal(refusal);
    }
  }

  /** Refuses (429) when the budget is already spent, without counting. */
  async assertAllowed(key: string): Promise<void> {
    const state = await this.limiter.get(key);
    if (state !== null && state.consumedPoints >= this.options.points) throw this.refusal(state);
  }

  /** Takes one event back (a login that turned out right). */
  async reward(key: string): Promise<void> {
    await this.limiter.reward(key);
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }

  private refusal(refusal: unknown): Error {
    if (!(refusal instanceof RateLimiterRes))
      return refusal instanceof Error ? refusal : new Error(String(refusal));
    const retryAfterS = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
    return new TooManyRequestsError(
      `too many ${this.options.what}; try again in ${retryAfterS} s`,
      retryAfterS,
    );
  }
}
