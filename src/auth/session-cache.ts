import type { User } from './user.entity';

/** What a token stands for, as read from `sessions` and `users` (the fund scope is not kept: funds change). */
export interface CachedSession {
  sessionId: number;
  expiresAt: string;
  user: Pick<User, 'id' | 'username' | 'role' | 'fundId'>;
}

/** How long a token's lookup is trusted without reading the database again. */
export const SESSION_CACHE_TTL_MS = 5_000;
/** Tokens kept at most; past it the cache starts again empty. */
const MAX_CACHED_SESSIONS = 10_000;

/**
 * Every request authenticates (issue 13): this keeps each token's session and user for SESSION_CACHE_TTL_MS, so a
 * burst of requests reads them once. Revocation is honoured at once in this process: whatever ends a session or
 * changes a user calls `invalidate` when its transaction has committed, and a lookup that began before that is not
 * stored (the generation moved on). Another process (a second server, the CLI) is not told: there a revoked token
 * may be accepted for up to SESSION_CACHE_TTL_MS (docs/scaling.md).
 */
export class SessionCache {
  private readonly entries = new Map<string, { session: CachedSession; until: number }>();
  private generation = 0;

  constructor(private readonly ttlMs = SESSION_CACHE_TTL_MS) {}

  get(tokenHash: string, nowMs = Date.now()): CachedSession | null {
    const hit = this.entries.get(tokenHash);
    if (!hit) return null;
    if (hit.until <= nowMs) {
      this.entries.delete(tokenHash);
      return null;
    }
    return hit.session;
  }

  /** The generation to hand back to `set`: read it before reading the database. */
  begin(): number {
    return this.generation;
  }

  /** Keeps a lookup, unless something was invalidated since `generation` was read. */
  set(tokenHash: string, session: CachedSession, generation: number, nowMs = Date.now()): void {
    if (generation !== this.generation || this.ttlMs <= 0) return;
    if (this.entries.size >= MAX_CACHED_SESSIONS) this.entries.clear();
    this.entries.set(tokenHash, { session, until: nowMs + this.ttlMs });
  }

  /** Forgets every token: after a session was revoked or a user disabled, re-passworded or given another role. */
  invalidate(): void {
    this.generation += 1;
    this.entries.clear();
  }
}
