import type { EntryView } from '../../src/ledger/ledger.types';
import { VERIFY_PAGE_SIZE, VerifyReport } from '../../src/ledger/verify.service';
import { DB_LABEL } from '../support/database';
import { Backdoor, createFund, Ledger, openBackdoor, openLedger, post } from './harness';

/**
 * verify reads the journal in pages of entry ids, each page's entries and their lines by two queries merged in
 * entry order. Whatever the page size — one entry a page, pages that end between an entry and its lines' neighbours,
 * the default — it must find the same, on honest books and on tampered ones; and it sums amounts exactly, past
 * what a JavaScript number holds.
 */
describe(`verify in pages (${DB_LABEL})`, () => {
  let ledger: Ledger;
  let door: Backdoor;
  let entries: EntryView[];

  const SIZES = [1, 2, 3, VERIFY_PAGE_SIZE];
  /** The report at each page size. */
  const reports = async (): Promise<VerifyReport[]> => {
    const out: VerifyReport[] = [];
    for (const size of SIZES) {
      ledger.verifier.pageSize = size;
      out.push(await ledger.verifier.verify(ledger.dataSource.manager));
    }
    ledger.verifier.pageSize = VERIFY_PAGE_SIZE;
    return out;
  };

  beforeEach(async () => {
    ledger = await openLedger();
    await createFund(ledger, 'TA');
    await createFund(ledger, 'TB');
    entries = [];
    // Ten gifts of 10^15 đồng and one more đồng into TA's 112 in March: 10,000,000,000,000,001, above 2^53, where a
    // JavaScript number would read 10^16. TB's entries come in between, some with three lines.
    for (let i = 0; i < 10; i++) {
      const amount = i === 9 ? 1_000_000_000_000_001n : 1_000_000_000_000_000n;
      entries.push(
        await post(ledger, 'TA', `2024-03-${String(i + 1).padStart(2, '0')}`, [
          { account: '112', debit: amount },
          { account: '5111', credit: amount },
        ]),
      );
      if (i % 3 === 0)
        entries.push(
          await post(ledger, 'TB', `2024-03-${String(i + 1).padStart(2, '0')}`, [
            { account: '111', debit: 300_000n },
            { account: '112', debit: 700_000n + BigInt(i) },
            { account: '5114', credit: 1_000_000n + BigInt(i) },
          ]),
        );
    }
    door = await openBackdoor(ledger.db);
  });
  afterEach(async () => {
    await door.close();
    await ledger.close();
  });

  it('finds honest books whole at every page size, with the same chain head', async () => {
    const found = await reports();
    for (const report of found) {
      expect(report).toEqual({
        ...found[found.length - 1],
        ok: true,
        entriesChecked: entries.length,
        problems: [],
      });
    }
  });

  it('names the same problems at every page size when a line and an entry are gone', async () => {
    const [, middle] = entries.filter((e) => e.lines.length === 3);
    await door.exec('DELETE FROM journal_lines WHERE entry_id = ? AND line_no = 2', [middle.id]);
    const gone = entries[3];
    await door.exec('DELETE FROM journal_lines WHERE entry_id = ?', [gone.id]);
    await door.exec('DELETE FROM journal_entries WHERE id = ?', [gone.id]);

    const found = await reports();
    expect(found[0].ok).toBe(false);
    expect(found[0].problems.some((p) => p.startsWith(`entry ${middle.id} `))).toBe(true);
    // The chain breaks at the fund's entry after the one deleted.
    expect(found[0].problems.some((p) => p.startsWith(`entry ${entries[4].id} `))).toBe(true);
    for (const report of found) expect(report).toEqual(found[0]);
  });
});
