import type { Response } from 'supertest';
import { bearer, TestApp } from './app';
import { bankReceipt } from './http';

let sequence = 0;
/** A number no other row of this test process has had: for unique names, codes and amounts. */
export const nextNumber = (): number => ++sequence;

/** The `id` of a created row. */
export const idOf = (res: Response): number => (res.body as { id: number }).id;

/**
 * Rows made through the API, as a caller would make them (so every rule and the posting path apply): each
 * builder returns what the next request needs. Writes go as `token` (the admin unless told); `next` numbers
 * the names, codes and amounts that must be unique (a spec passes its own counter to share one sequence).
 * Used by test/e2e/access.e2e-spec.ts, which needs a fresh row of each kind for every role it tries.
 */
export class ApiFactory {
  constructor(
    private readonly t: TestApp,
    private readonly next: () => number = nextNumber,
    private readonly token = t.adminToken,
  ) {}

  /** POSTs `body`, expecting `status`. */
  async post(path: string, body: object, status = 201, token = this.token): Promise<Response> {
    return this.t.http.post(path).set(bearer(token)).send(body).expect(status);
  }

  /** The body of a new household (a war invalid of Tả Van born 1950), with a unique name. */
  household(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      fullName: `Nguyễn Văn Hộ ${this.next()}`,
      category: 'war_invalid',
      commune: 'Tả Van',
      birthYear: 1950,
      ...overrides,
    };
  }

  /** A contribution by bank transfer. */
  contribution(fundCode: string, donorId: number, date: string, amount: number | string): Promise<Response> {
    return this.post('/api/contributions', { fundCode, donorId, date, amount, method: 'bank' });
  }

  /** A hardship payout request of 1.000 đ (far below its cap) from the fund's bank, prepared as `token`. */
  async payout(fundCode: string, beneficiaryId: number, token = this.token, draft = false): Promise<number> {
    const body = {
      fundCode,
      beneficiaryId,
      purpose: 'hardship',
      amount: 1000,
      date: '2023-09-01',
      method: 'bank',
      description: `Trợ cấp khó khăn ${this.next()}`,
      ...(draft ? { draft: true } : {}),
    };
    return idOf(await this.post('/api/disbursements', body, 201, token));
  }

  /** A new payout request taken to `status`: prepared as `preparerToken`, then approved and paid by this factory. */
  async payoutIn(
    status: 'submitted' | 'approved' | 'paid',
    fundCode: string,
    beneficiaryId: number,
    preparerToken: string,
  ): Promise<number> {
    const id = await this.payout(fundCode, beneficiaryId, preparerToken);
    if (status === 'submitted') return id;
    await this.post(`/api/disbursements/${id}/approve`, {}, 200);
    if (status === 'approved') return id;
    await this.post(`/api/disbursements/${id}/pay`, { date: '2023-09-02' }, 200);
    return id;
  }

  /** A new repair project with a budget of 1.000 đ and nothing paid (so nothing left to settle). */
  async houseProject(fundCode: string, beneficiaryId: number): Promise<number> {
    return idOf(
      await this.post('/api/house-projects', {
        fundCode,
        beneficiaryId,
        kind: 'repair',
        description: `Sửa nhà tình nghĩa ${this.next()}`,
        budget: 1000,
        startedOn: '2023-03-01',
      }),
    );
  }

  /** An open batch of the donor expecting two names totalling 3.000 đ; with them if `filled`. */
  async batch(fundCode: string, donorId: number, filled: boolean): Promise<number> {
    const id = idOf(
      await this.post('/api/contribution-batches', {
        fundCode,
        donorId,
        date: '2023-07-03',
        method: 'bank',
        description: 'Ủng hộ một ngày lương',
        expectedCount: 2,
        expectedTotal: 3000,
      }),
    );
    if (filled) {
      const members = [
        { name: 'Trần Thị Bình', amount: 1000 },
        { name: 'Lê Văn Cường', amount: '2000' },
      ];
      await this.post(`/api/contribution-batches/${id}/members`, { members }, 200);
    }
    return id;
  }

  /** A new, empty province fund; returns its code. */
  async provinceFund(prefix = 'Y'): Promise<string> {
    const code = `${prefix}${this.next()}`;
    await this.post('/api/funds', { code, name: `Quỹ ${code}`, level: 'province' });
    return code;
  }

  /** A new proposed bank match in the fund: a receipt to 112, the statement line of it, and a matching run. */
  async bankMatch(fundCode: string, date = '2023-10-02'): Promise<number> {
    const n = this.next();
    const amount = String(7_000_000 + n);
    await this.post('/api/journal-entries', bankReceipt(fundCode, date, amount));
    await this.t.http
      .post(`/api/funds/${fundCode}/bank-statements?fileName=factory-${n}.csv`)
      .set(bearer(this.token))
      .set('Content-Type', 'text/csv')
      .send(`date,amount,direction,reference\n${date},${amount},in,MQ-${n}\n`)
      .expect(201);
    const run = await this.post(`/api/funds/${fundCode}/bank-reconciliation/match`, { from: date, to: date });
    const proposed = (run.body as { matches: { id: number; amount: string }[] }).matches;
    return (proposed.find((m) => m.amount === amount) as { id: number }).id;
  }
}
