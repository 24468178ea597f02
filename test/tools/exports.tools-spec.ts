import { runCli } from '../support/cli';
import { DB_LABEL } from '../support/database';
import { ExportBooks, FROM, TO, unzip } from '../support/export-books';
import { hledgerBalances, requireTools, runTool, tool } from './auditor-tools';

// DESIGN.md §8: the plain-text journals must satisfy the auditors' tools themselves (hledger check -s, ledger bal,
// bean-check) and agree with the trial balance to the đồng. The same books as test/e2e/exports.e2e-spec.ts,
// which checks the formats' text, the bundle, the CLI and access without these programs.
describe(`exports through hledger, ledger and bean-check (${DB_LABEL})`, () => {
  let books: ExportBooks;

  /** Every account of the fund's trial balance has the same balance in hledger, and hledger has no other. */
  async function expectMatchesTrialBalance(balances: Map<string, bigint>, fund: string): Promise<void> {
    const tb = await books.trialBalance(fund);
    expect(tb.rows.length).toBeGreaterThan(0);
    const fromHledger = [...balances.entries()]
      .filter(([key, value]) => key.startsWith(`${fund}|`) && value !== 0n)
      .map(([key, value]) => [key.split('|')[1], value.toString()])
      .sort();
    const fromBooks = tb.rows
      .filter((r) => r.balance !== '0')
      .map((r) => [r.account, r.balance])
      .sort();
    expect(fromHledger).toEqual(fromBooks);
  }

  beforeAll(async () => {
    requireTools();
    books = await ExportBooks.start();
  }, 120_000);
  afterAll(async () => {
    await books?.close();
  });

  describe('hledger / ledger', () => {
    it('passes hledger check -s and ledger bal, and hledger bal equals the trial balance per account', async () => {
      const file = books.save(
        'lc.hledger',
        await books.download(`/api/exports/journal?fund=LC&from=${FROM}&to=${TO}&format=hledger`),
      );
      tool('hledger', ['check', '-s', '-f', file]);
      tool('ledger', ['-f', file, 'bal']);
      await expectMatchesTrialBalance(hledgerBalances(file), 'LC');
    });

    it('keeps the funds of a consolidated export apart, each agreeing with its own trial balance', async () => {
      const file = books.save(
        'group.hledger',
        await books.download(
          `/api/exports/journal?fund=LC&from=${FROM}&to=${TO}&format=hledger&consolidated=true`,
        ),
      );
      tool('hledger', ['check', '-s', '-f', file]);
      tool('ledger', ['-f', file, 'bal']);
      const balances = hledgerBalances(file);
      await expectMatchesTrialBalance(balances, 'LC');
      await expectMatchesTrialBalance(balances, 'LC-TV');
      expect([...balances.keys()].some((k) => k.startsWith('YB|'))).toBe(false);

      // Summed over the funds, less the transfers inside the group, it is the consolidated trial balance.
      const group = await books.trialBalance('LC', true);
      expect(group.eliminated.length).toBeGreaterThan(0);
      const summed = new Map<string, bigint>();
      for (const [key, value] of balances) {
        const code = key.split('|')[1];
        summed.set(code, (summed.get(code) ?? 0n) + value);
      }
      for (const e of group.eliminated) {
        summed.set(e.account, (summed.get(e.account) ?? 0n) - BigInt(e.debit) + BigInt(e.credit));
      }
      for (const row of group.rows)
        expect([row.account, summed.get(row.account) ?? 0n]).toEqual([row.account, BigInt(row.balance)]);
    });

    it('passes hledger check -s from the start of the books, and for a range after the last entry', async () => {
      for (const [name, query] of [
        ['tv-all', 'fund=LC-TV'],
        ['late', 'fund=LC-TV&from=2030-01-01'],
      ]) {
        const text = await books.download(`/api/exports/journal?${query}&format=hledger`);
        tool('hledger', ['check', '-s', '-f', books.save(`${name}.hledger`, text)]);
      }
    });

    it('passes hledger check -s as the command line writes it to stdout', () => {
      const stdout = runCli(
        ['export', 'journal', '--format', 'hledger', '--fund', 'LC-TV'],
        books.t.db.config,
      );
      expect(stdout.status).toBe(0);
      tool('hledger', ['check', '-s', '-f', books.save('stdout.hledger', stdout.stdout)]);
    });
  });

  describe('beancount', () => {
    it('passes bean-check, single fund and consolidated', async () => {
      for (const query of [`fund=LC&from=${FROM}&to=${TO}`, `fund=LC&to=${TO}&consolidated=true`]) {
        const text = await books.download(`/api/exports/journal?${query}&format=beancount`);
        tool('bean-check', [books.save('journal.beancount', text)]);
      }
    });
  });

  it('puts journals in the audit bundle that pass hledger check -s and bean-check', async () => {
    const members = await unzip(
      await books.download(`/api/exports/bundle?fund=LC&from=${FROM}&to=${TO}&consolidated=true`),
    );
    tool('hledger', ['check', '-s', '-f', books.save('bundle.hledger', members.get('journal.hledger')!)]);
    tool('bean-check', [books.save('bundle.beancount', members.get('journal.beancount')!)]);
  });

  // Last: it changes the books behind the application.
  it('fails the balance assertion of an hledger export of books changed behind the application, naming the account', async () => {
    // Both lines, so the entry still balances: only the stored balances can tell.
    await books.t.dataSource.query('UPDATE journal_lines SET debit = 9876544 WHERE debit = 9876543');
    await books.t.dataSource.query('UPDATE journal_lines SET credit = 9876544 WHERE credit = 9876543');
    const file = books.save(
      'tampered.hledger',
      await books.download(`/api/exports/journal?fund=LC&from=${FROM}&to=${TO}&format=hledger`),
    );
    const result = runTool('hledger', ['check', '-s', '-f', file]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/balance assertion/i);
    expect(result.stderr).toContain('assets:LC:112');
  });
});
