import fc from 'fast-check';
import type { Response } from 'supertest';
import { postEntry } from '../support/manual-entries';
import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { createUser, TestUser } from '../support/http';

// Issue 15: on random hierarchies, with random contributions, payouts, transfers between any two funds and
// year-end closes, any sequence of mergers — into the parent, into the parent's successor, across hierarchies with
// an admin's reason, or refused — leaves the consolidated receipts, disbursements and closing balance of every fund
// that holds both sides exactly as they were; and in the consolidation of the whole tree, which holds both sides of
// every transfer, 5121 and 6121 stay at zero.

interface FundNode {
  code: string;
  level: 'central' | 'province' | 'district' | 'commune';
  parent: string | null;
}
interface StatementBody {
  receipts: { total: string; byAccount: Record<string, string> };
  disbursements: { total: string; byAccount: Record<string, string> };
  closingBalance: string;
}
interface TrialBalanceBody {
  rows: { account: string; debit: string; credit: string }[];
  totalDebit: string;
  totalCredit: string;
}

const CUTOFF = '2025-06-30';
const M = 1_000_000;

const scenario = fc.record({
  /** Per province (two of them, below one central fund): how many communes each of its districts has. */
  provinces: fc.tuple(
    fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 2 }),
    fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 0, maxLength: 2 }),
  ),
  transfers: fc.array(
    fc.record({
      from: fc.nat(),
      to: fc.nat(),
      amount: fc.integer({ min: 1, max: 20 }),
      year: fc.constantFrom(2024, 2025),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  payouts: fc.array(fc.record({ fund: fc.nat(), amount: fc.integer({ min: 1, max: 5 }) }), { maxLength: 3 }),
  closes2024: fc.array(fc.nat(), { maxLength: 3 }),
  mergers: fc.array(
    fc.record({
      fund: fc.nat(),
      kind: fc.constantFrom('parent', 'parent', 'cross', 'outside-without-reason'),
      target: fc.nat(),
      reparentChildren: fc.boolean(),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

describe(`mergers on random hierarchies leave every consolidation holding both sides unchanged (${DB_LABEL})`, () => {
  let t: TestApp;
  let accountant: TestUser;
  let approver: TestUser;
  let run = 0;

  beforeAll(async () => {
    t = await startTestApp();
    accountant = await createUser(t, 'accountant');
    approver = await createUser(t, 'approver');
  }, 60_000);
  afterAll(() => t.close(), 60_000);

  const get = <T>(path: string): Promise<T> =>
    t.http
      .get(path)
      .set(bearer(t.adminToken))
      .expect(200)
      .then((res: Response) => res.body as T);
  const ok = async (res: Promise<Response>, what: string) => {
    const answer = await res;
    if (answer.status >= 300) throw new Error(`${what}: ${answer.status} ${answer.text}`);
    return answer.body as Record<string, unknown>;
  };
  const post = (path: string, body: object, token: string) => t.http.post(path).set(bearer(token)).send(body);
  const figures = async (code: string) => {
    const s = await get<StatementBody>(
      `/api/reports/statement?fund=${code}&from=2024-01-01&to=2025-12-31&consolidated=true`,
    );
    const tb = await get<TrialBalanceBody>(
      `/api/reports/trial-balance?fund=${code}&asOf=2025-12-31&consolidated=true`,
    );
    expect(tb.totalDebit).toBe(tb.totalCredit);
    return {
      receipts: s.receipts.total,
      disbursements: s.disbursements.total,
      closingBalance: s.closingBalance,
      /** Transfers from and to funds outside the consolidation: the statement's figures. */
      transfersIn: s.receipts.byAccount['5121'] ?? '0',
      transfersOut: s.disbursements.byAccount['6121'] ?? '0',
    };
  };
  /** The consolidated trial balance's turnover of 5121 and 6121 (a close moves them into 431). */
  const transferTurnover = async (code: string) => {
    const tb = await get<TrialBalanceBody>(
      `/api/reports/trial-balance?fund=${code}&asOf=2025-12-31&consolidated=true`,
    );
    const turnover = (account: string) => {
      const row = tb.rows.find((r) => r.account === account);
      return row ? `${row.debit}/${row.credit}` : '0/0';
    };
    return [turnover('5121'), turnover('6121')];
  };

  it('holds for any sequence of mergers', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const p = `R${++run}`;
        // The hierarchy: one central fund, two provinces, their districts and communes.
        const funds: FundNode[] = [{ code: `${p}`, level: 'central', parent: null }];
        sc.provinces.forEach((districts, i) => {
          const province = `${p}-P${i}`;
          funds.push({ code: province, level: 'province', parent: p });
          districts.forEach((communes, j) => {
            const district = `${province}-D${j}`;
            funds.push({ code: district, level: 'district', parent: province });
            for (let k = 0; k < communes; k++)
              funds.push({ code: `${district}-C${k}`, level: 'commune', parent: district });
          });
        });
        for (const f of funds) await t.newFund(f.code, f.level, f.parent ?? undefined);
        const parentOf = new Map(funds.map((f) => [f.code, f.parent]));
        const pick = (n: number) => funds[n % funds.length].code;

        // Books: 100 000 000 in for every fund, then transfers, payouts and some 2024 closes.
        for (const f of funds) {
          await ok(
            post(
              '/api/journal-entries',
              {
                fundCode: f.code,
                date: '2024-02-01',
                description: 'Thu đóng góp',
                lines: [
                  { account: '112', debit: 100 * M },
                  { account: '5111', credit: 100 * M },
                ],
              },
              accountant.token,
            ),
            `contribution to ${f.code}`,
          );
        }
        const closed2024 = new Set(sc.closes2024.map(pick));
        // Transfers of 2024 first, then the closes of 2024, then the transfers of 2025.
        const transfers = sc.transfers
          .map((tr) => ({ ...tr, from: pick(tr.from), to: pick(tr.to) }))
          .filter((tr) => tr.from !== tr.to)
          .sort((a, b) => a.year - b.year);
        const doTransfer = (tr: (typeof transfers)[number]) =>
          ok(
            post(
              '/api/transfers',
              {
                fromFund: tr.from,
                toFund: tr.to,
                amount: tr.amount * M,
                date: `${tr.year}-05-10`,
                method: 'bank',
              },
              accountant.token,
            ),
            `transfer ${tr.from} → ${tr.to}`,
          );
        for (const tr of transfers.filter((x) => x.year === 2024)) await doTransfer(tr);
        for (const code of closed2024) {
          await ok(post(`/api/funds/${code}/close-year`, { year: 2024 }, approver.token), `close ${code}`);
        }
        for (const tr of transfers.filter((x) => x.year === 2025)) await doTransfer(tr);
        for (const payout of sc.payouts) {
          await ok(
            postEntry(t, accountant.token, {
              fundCode: pick(payout.fund),
              date: '2025-04-01',
              description: 'Chi thăm hỏi',
              lines: [
                { account: '6113', debit: payout.amount * M },
                { account: '112', credit: payout.amount * M },
              ],
            }),
            'payout',
          );
        }

        // Every transfer is inside the central fund's tree: its consolidation shows no 5121 or 6121 at all.
        expect(await transferTurnover(p)).toEqual(['0/0', '0/0']);

        const status = new Map(funds.map((f) => [f.code, 'active']));
        const successor = new Map<string, string>();
        const above = (code: string): string[] => {
          const chain: string[] = [];
          for (let f = parentOf.get(code) ?? null; f !== null; f = parentOf.get(f) ?? null) chain.push(f);
          return chain;
        };
        const below = (code: string) => funds.map((f) => f.code).filter((c) => above(c).includes(code));

        for (const m of sc.mergers) {
          const active = funds.filter((f) => status.get(f.code) === 'active' && f.parent !== null);
          if (active.length === 0) break;
          const pred = active[m.fund % active.length].code;
          let into: string;
          let reason: string | undefined;
          if (m.kind === 'parent') {
            into = parentOf.get(pred) as string;
            while (successor.has(into)) into = successor.get(into) as string;
          } else {
            const others = funds
              .map((f) => f.code)
              .filter((c) => status.get(c) === 'active' && c !== pred && !below(pred).includes(c));
            if (others.length === 0) continue;
            into = others[m.target % others.length];
            if (m.kind === 'cross') reason = 'Quyết định điều chuyển địa giới hành chính';
          }
          if (status.get(into) !== 'active') continue;
          const both = [into, ...above(into)].filter((c) => c === pred || above(pred).includes(c));
          const before = new Map<string, Awaited<ReturnType<typeof figures>>>();
          for (const code of both) before.set(code, await figures(code));
          const counts = await t.counts();

          const res = await post(
            `/api/funds/${pred}/merge`,
            {
              into,
              cutoff: CUTOFF,
              note: 'Sắp xếp đơn vị hành chính',
              reparentChildren: m.reparentChildren,
              ...(reason ? { crossHierarchyReason: reason } : {}),
            },
            t.adminToken,
          );
          let inLine = parentOf.get(pred) ?? null;
          const line: string[] = [];
          while (inLine !== null) {
            line.push(inLine);
            inLine = successor.get(inLine) ?? null;
          }
          if (!line.includes(into) && reason === undefined) {
            // Outside the line without a reason: refused, nothing written.
            expect([res.status, (res.body as { message: string[] }).message.join(' ')]).toEqual([
              422,
              expect.stringContaining('outside its line') as unknown,
            ]);
            expect(await t.counts()).toEqual(counts);
            continue;
          }
          if (res.status === 422) {
            // A reparenting the levels do not allow: refused as a whole, nothing written.
            expect(await t.counts()).toEqual(counts);
            continue;
          }
          expect([pred, into, res.status, res.text]).toEqual([pred, into, 201, expect.any(String)]);
          status.set(pred, 'closed');
          successor.set(pred, into);
          if (m.reparentChildren) {
            for (const f of funds) if (f.parent === pred) f.parent = into;
            for (const f of funds) parentOf.set(f.code, f.parent);
          }

          for (const code of both) {
            expect([pred, into, code, await figures(code)]).toEqual([pred, into, code, before.get(code)]);
          }
          expect([pred, into, await transferTurnover(p)]).toEqual([pred, into, ['0/0', '0/0']]);
        }
        const verify = await get<{ ok: boolean; problems: string[] }>('/api/audit/verify');
        expect(verify.problems).toEqual([]);
      }),
      { numRuns: Number(process.env.MERGER_PROPERTY_RUNS ?? 8), endOnFailure: true },
    );
  }, 600_000);
});
