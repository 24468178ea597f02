import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Money } from '../common/money';
import { ADMIN_ACTOR as ADMIN, LedgerBooks } from '../../test/support/ledger-books';
import { ClaimEntryItem, ClaimsReconciliationService } from './claims-reconciliation.service';

/**
 * The drill-down lists exactly the entries behind a claim's figure: what each adds sums to the figure, over
 * closes, eliminated transfers, and a transfer whose elimination completes inside the period.
 */
describe('reconciliation drill-down', () => {
  let books: LedgerBooks;
  let reconciliation: ClaimsReconciliationService;
  let dir: string;

  const post: LedgerBooks['post'] = (...args) => books.post(...args);
  const reverse: LedgerBooks['reverse'] = (...args) => books.reverse(...args);

  beforeAll(async () => {
    books = await LedgerBooks.open();
    const { transfers } = books;
    reconciliation = new ClaimsReconciliationService(books.uow, books.statements);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claims-'));
    reconciliation.claimsDir = dir;

    const province = await books.newFund('P', 'province');
    await books.newFund('C', 'commune', province);
    await post('P', '2022-01-10', [
      ['112', 10_000, 0],
      ['5111', 0, 10_000],
    ]);
    const moved = await transfers.create(ADMIN, {
      fromFund: 'P',
      toFund: 'C',
      amount: 2_000,
      date: '2022-06-01',
      method: 'bank',
    });
    await reverse(moved.fromEntryId, '2022-12-20');
    await reverse(moved.toEntryId, '2023-01-10');
    await transfers.create(ADMIN, {
      fromFund: 'P',
      toFund: 'C',
      amount: 1_500,
      date: '2023-03-01',
      method: 'bank',
    });
    await post('C', '2023-03-02', [
      ['6112', 900, 0],
      ['112', 0, 900],
    ]);
    await post('P', '2023-05-01', [
      ['111', 600, 0],
      ['5113', 0, 600],
    ]);
    await post(
      'P',
      '2023-12-31',
      [
        ['5111', 10_000, 0],
        ['5113', 600, 0],
        ['431', 0, 10_600],
      ],
      'closing',
    );
    const claim = (metric: string, consolidated = true) => ({
      label: metric,
      fund: 'P',
      from: '2023-01-01',
      to: '2023-12-31',
      consolidated,
      metric,
      value: '0',
      qualifier: 'exactly',
    });
    fs.writeFileSync(
      path.join(dir, 'books.json'),
      JSON.stringify({
        title: 't',
        source: 't',
        claims: [
          claim('receipts_total'),
          claim('disbursements_total'),
          claim('closing_balance'),
          claim('receipts_total', false),
        ],
      }),
    );
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await books.close();
  });

  it('lists entries whose amounts add up to each figure', async () => {
    const report = await reconciliation.reconcile(ADMIN, 'books');
    expect(report.claims.map((c) => [c.metric, c.consolidated, c.actual])).toEqual([
      ['receipts_total', true, '600'],
      // 900 paid by the commune, and the 2.000 the group "gave back" in 2022 returns to 2023 (see the
      // statement spec: the elimination of that transfer completes in 2023).
      ['disbursements_total', true, '2900'],
      ['closing_balance', true, '9700'],
      ['receipts_total', false, '600'],
    ]);
    for (const [index, claim] of report.claims.entries()) {
      const all = await reconciliation.entries(ADMIN, 'books', index, 1, 500);
      const items = all.items as ClaimEntryItem[];
      expect([claim.metric, all.sum]).toEqual([claim.metric, claim.actual]);
      expect(Money.sum(items.map((i) => Money.fromStored(i.amount))).toString()).toBe(claim.actual);
      expect(items).toHaveLength(all.total);
      expect(items.map((i) => i.source)).not.toContain('closing');
    }
  });

  it('names the transfer whose elimination completed in the period', async () => {
    const disbursements = await reconciliation.entries(ADMIN, 'books', 1, 1, 500);
    const items = disbursements.items as ClaimEntryItem[];
    expect(items.map((i) => [i.date, i.source, i.amount, i.eliminatedInPeriod ?? false])).toEqual([
      ['2022-12-20', 'reversal', '2000', true],
      ['2023-03-02', 'manual', '900', false],
    ]);
    // Not consolidated: the fund's own transfers are its own receipts and disbursements.
    const own = await reconciliation.entries(ADMIN, 'books', 3, 1, 500);
    expect(own.total).toBe(1);
  });

  it('pages, and answers 404 for a claim that does not exist', async () => {
    const first = await reconciliation.entries(ADMIN, 'books', 2, 1, 2);
    const second = await reconciliation.entries(ADMIN, 'books', 2, 2, 2);
    expect(first.items).toHaveLength(2);
    expect(first.total).toBe(second.total);
    await expect(reconciliation.entries(ADMIN, 'books', 4, 1, 10)).rejects.toThrow('claim 4 does not exist');
  });
});
