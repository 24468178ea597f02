import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createApp, listen } from '../../src/app.factory';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, DB_LABEL, TestDatabase } from '../support/database';

// Issue 15, defect 8: HOST chooses the address the server listens on (127.0.0.1 unless told otherwise), and
// TRUST_PROXY lets the per-address limiters see the client behind a reverse proxy (X-Forwarded-For) instead of
// the proxy itself. The public verification page's per-address limiter shows which address the server saw.
describe(`listening address and reverse proxies (${DB_LABEL})`, () => {
  const verifyFrom = (t: TestApp, client: string) =>
    t.http.get('/verify/PT-2024-000001').set('Accept', 'application/json').set('X-Forwarded-For', client);

  describe('behind one reverse proxy (TRUST_PROXY=1)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ trustProxy: 1, verifyRequestsPerMinute: 2 });
    });
    afterAll(() => t.close());

    it('counts each client address on its own', async () => {
      expect((await verifyFrom(t, '203.0.113.7')).status).toBe(404);
      expect((await verifyFrom(t, '203.0.113.7')).status).toBe(404);
      expect((await verifyFrom(t, '203.0.113.7')).status).toBe(429);
      // Another client behind the same proxy still has its own allowance.
      expect((await verifyFrom(t, '198.51.100.23')).status).toBe(404);
    });
  });

  describe('without TRUST_PROXY (the default)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ verifyRequestsPerMinute: 2 });
    });
    afterAll(() => t.close());

    it('ignores X-Forwarded-For, which any client can write', async () => {
      expect((await verifyFrom(t, '203.0.113.7')).status).toBe(404);
      expect((await verifyFrom(t, '203.0.113.8')).status).toBe(404);
      // A forged header does not buy a new allowance: every request came from the same peer.
      expect((await verifyFrom(t, '203.0.113.9')).status).toBe(429);
    });
  });

  describe('HOST', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(() => db.drop());

    it('listens on 127.0.0.1 unless HOST says otherwise', async () => {
      const config = {
        port: 0,
        database: db.config,
        adminPassword: 'admin-password-1',
        logLevel: 'silent' as const,
        sessionTtlHours: 12,
        loginAttemptsPerMinute: 1000,
        verifyRequestsPerMinute: 1000,
        publicUrl: 'http://ledger.test',
        smtpUrl: null,
        mailFrom: 'x <x@ledger.test>',
      };
      const app = await createApp(config);
      try {
        await listen(app, config);
        const address = app.getHttpServer().address() as AddressInfo;
        expect(address.address).toBe('127.0.0.1');
        await request(`http://127.0.0.1:${address.port}`).get('/api/health').expect(200);
      } finally {
        await app.close();
      }
    });
  });
});
