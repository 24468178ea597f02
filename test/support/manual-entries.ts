import type { Response } from 'supertest';
import { bearer, type TestApp } from './app';

const approvers = new WeakMap<TestApp, Promise<string>>();

/**
 * POST /api/journal-entries, and when the entry waits for approval (202: it credits 111/112 or debits 61xx), has
 * an approver approve it. Answers the posted entry as the journal's GET gives it (the shape of a 201), so setups
 * that post such entries read the same either way. Throws on any other answer.
 */
export async function postEntry(
  t: TestApp,
  token: string,
  body: object,
  idempotencyKey?: string,
): Promise<Response> {
  let req = t.http.post('/api/journal-entries').set(bearer(token));
  if (idempotencyKey) req = req.set('Idempotency-Key', idempotencyKey);
  const res = await req.send(body);
  if (res.status === 201) return res;
  if (res.status !== 202) throw new Error(`POST /api/journal-entries: ${res.status} ${res.text}`);
  if (!approvers.has(t)) approvers.set(t, t.newUser('approver'));
  const approver = await (approvers.get(t) as Promise<string>);
  const requestId = (res.body as { requestId: number }).requestId;
  const approved = await t.http
    .post(`/api/manual-entry-requests/${requestId}/approve`)
    .set(bearer(approver))
    .send({});
  if (approved.status !== 200) throw new Error(`approve ${requestId}: ${approved.status} ${approved.text}`);
  const entryId = (approved.body as { entryId: number }).entryId;
  return t.http.get(`/api/journal-entries/${entryId}`).set(bearer(approver));
}
