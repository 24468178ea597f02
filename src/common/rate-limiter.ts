import { HttpException, HttpStatus } from '@nestjs/common';

/** A sliding one-minute window per key; past `maxPerMinute` events, `assertAllowed` answers 429. */
export class RateLimiter {
  private readonly events = new Map<string, number[]>();
  private static readonly WINDOW_MS = 60_000;
  private static readonly MAX_KEYS = 10_000;

  constructor(
    private readonly maxPerMinute: number,
    private readonly what: string,
  ) {}

  assertAllowed(key: string, nowMs = Date.now()): void {
    const recent = this.recent(key, nowMs);
    if (recent.length >= this.maxPerMinute) {
      const retryS = Math.ceil((recent[0] + RateLimiter.WINDOW_MS - nowMs) / 1000);
      throw new HttpException(
        { message: [`too many ${this.what}; try again in ${retryS} s`] },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }

  record(key: string, nowMs = Date.now()): void {
    // Bounded memory: a flood of distinct keys resets the window rather than growing without limit.
    if (this.events.size >= RateLimiter.MAX_KEYS && !this.events.has(key)) this.events.clear();
    this.events.set(key, [...this.recent(key, nowMs), nowMs]);
  }

  /** Counts an event and refuses it when over the limit. */
  hit(key: string, nowMs = Date.now()): void {
    this.assertAllowed(key, nowMs);
    this.record(key, nowMs);
  }

  reset(key: string): void {
    this.events.delete(key);
  }

  private recent(key: string, nowMs: number): number[] {
    return (this.events.get(key) ?? []).filter((t) => nowMs - t < RateLimiter.WINDOW_MS);
  }
}
