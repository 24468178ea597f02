import { HttpException, HttpStatus } from '@nestjs/common';

/** Failed logins per username and address in a sliding minute; past the limit, login answers 429. */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private static readonly WINDOW_MS = 60_000;
  private static readonly MAX_KEYS = 10_000;

  constructor(private readonly maxPerMinute: number) {}

  assertAllowed(key: string, nowMs = Date.now()): void {
    const recent = this.recent(key, nowMs);
    if (recent.length >= this.maxPerMinute) {
      const retryS = Math.ceil((recent[0] + LoginThrottle.WINDOW_MS - nowMs) / 1000);
      throw new HttpException(
        { message: [`too many failed logins; try again in ${retryS} s`] },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }

  fail(key: string, nowMs = Date.now()): void {
    if (this.failures.size >= LoginThrottle.MAX_KEYS) this.failures.clear();
    this.failures.set(key, [...this.recent(key, nowMs), nowMs]);
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, nowMs: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => nowMs - t < LoginThrottle.WINDOW_MS);
  }
}
