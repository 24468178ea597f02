import express from 'express';
import request from 'supertest';
import { createLogger, requestLogger } from './logger';

/** The per-request log line (LOG_LEVEL other than silent): what it says, and what it never says. */
describe('requestLogger', () => {
  const lines: string[] = [];
  const app = express();
  app.use((req: express.Request, _res: express.Response, next: express.NextFunction) => {
    (req as express.Request & { id?: string }).id = 'req-0042';
    next();
  });
  app.use(express.json());
  app.use(requestLogger(createLogger('info', { write: (line: string) => void lines.push(line) })));
  app.post('/api/auth/login', (_req, res) => {
    res.cookie('den_on_session', 'cookie-secret-value');
    res.json({ token: 'answer-token-secret' });
  });

  beforeEach(() => lines.splice(0));

  it('writes one JSON line per answered request: its id, method, URL and status', async () => {
    await request(app).post('/api/auth/login?lang=vi').send({ username: 'ketoan' }).expect(200);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]) as {
      service: string;
      req: unknown;
      res: { statusCode: number; headers: Record<string, string> };
      responseTime: number;
    };
    expect(line.service).toBe('den-on-ledger');
    expect(line.req).toEqual({ id: 'req-0042', method: 'POST', url: '/api/auth/login?lang=vi' });
    expect(line.res.statusCode).toBe(200);
    expect(typeof line.responseTime).toBe('number');
  });

  it('never writes the body, the bearer token or a cookie', async () => {
    await request(app)
      .post('/api/auth/login')
      .set('Authorization', 'Bearer bearer-token-secret')
      .set('Cookie', 'den_on_admin=request-cookie-secret')
      .send({ username: 'ketoan', password: 'password-secret', nationalId: '001234567890' })
      .expect(200);
    expect(lines).toHaveLength(1);
    for (const secret of [
      'password-secret',
      '001234567890',
      'bearer-token-secret',
      'request-cookie-secret',
      'cookie-secret-value',
      'answer-token-secret',
    ]) {
      expect(lines[0]).not.toContain(secret);
    }
    const line = JSON.parse(lines[0]) as { res: { headers: Record<string, string> } };
    expect(line.res.headers['set-cookie']).toBe('[redacted]');
  });
});
