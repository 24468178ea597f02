import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { createUser, TestUser } from '../support/http';

// Issue 15, defect 7: an SMTP server that accepts the connection but never greets must not hold the request.
// The connection and greeting timeouts (SMTP_TIMEOUT_MS, 10 s by default) are set small here; the send fails,
// the attempt is recorded as a failed delivery, and the answer is a 502 that says why.
describe(`e-mail to a mail server that never greets (${DB_LABEL})`, () => {
  let silent: net.Server;
  const sockets = new Set<net.Socket>();
  let t: TestApp;
  let accountant: TestUser;
  let contributionId: number;

  beforeAll(async () => {
    // Accepts every connection and says nothing: no "220" greeting, ever.
    silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    t = await startTestApp({ smtpUrl: `smtp://127.0.0.1:${port}`, smtpTimeoutMs: 300 });
    await t.newFund('LC', 'province');
    accountant = await createUser(t, 'accountant');
    const donor = await t.http
      .post('/api/donors')
      .set(bearer(accountant.token))
      .send({ name: 'Công ty Apatit Việt Nam', kind: 'enterprise', email: 'ketoan@apatit.vn' })
      .expect(201);
    const contribution = await t.http
      .post('/api/contributions')
      .set(bearer(accountant.token))
      .send({
        fundCode: 'LC',
        donorId: (donor.body as { id: number }).id,
        date: '2024-03-01',
        amount: 5_000_000,
        method: 'bank',
      })
      .expect(201);
    contributionId = (contribution.body as { id: number }).id;
  });

  afterAll(async () => {
    await t.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('gives up after the configured timeout and records a failed delivery', async () => {
    const res = await t.http
      .post(`/api/contributions/${contributionId}/email`)
      .set(bearer(accountant.token))
      .send({});
    expect(res.status).toBe(502);
    const message = (res.body as { message: string[] }).message.join(' ');
    expect(message).toContain('the mail server did not accept the receipt');
    expect(message.toLowerCase()).toMatch(/greeting|timeout|timed out/);

    const deliveries = await t.http
      .get(`/api/contributions/${contributionId}/deliveries`)
      .set(bearer(accountant.token))
      .expect(200);
    expect(deliveries.body).toEqual([
      expect.objectContaining({ status: 'failed', recipient: 'ketoan@apatit.vn' }),
    ]);
  }, 8_000);
});
