import { CachedSession, SessionCache } from './session-cache';

const session: CachedSession = {
  sessionId: 7,
  expiresAt: '2099-01-01T00:00:00.000Z',
  user: { id: 3, username: 'ketoan', role: 'accountant', fundId: null },
};

describe('SessionCache', () => {
  it('keeps a lookup for its time to live, then forgets it', () => {
    const cache = new SessionCache(5_000);
    cache.set('h', session, cache.begin(), 1_000);
    expect(cache.get('h', 5_999)).toEqual(session);
    expect(cache.get('h', 6_000)).toBeNull();
  });

  it('forgets every token when a session is revoked or a user changed', () => {
    const cache = new SessionCache(5_000);
    cache.set('h', session, cache.begin(), 1_000);
    cache.invalidate();
    expect(cache.get('h', 1_001)).toBeNull();
  });

  it('does not keep a lookup that began before an invalidation (it may have read the revoked session)', () => {
    const cache = new SessionCache(5_000);
    const generation = cache.begin();
    cache.invalidate();
    cache.set('h', session, generation, 1_000);
    expect(cache.get('h', 1_001)).toBeNull();
  });

  it('keeps nothing with a time to live of zero', () => {
    const cache = new SessionCache(0);
    cache.set('h', session, cache.begin(), 1_000);
    expect(cache.get('h', 1_000)).toBeNull();
  });
});
