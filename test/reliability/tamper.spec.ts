import type { EntryView } from '../../src/ledger/ledger.types';
import { entryHash } from '../../src/ledger/hash-chain';
import { VerifyReport, VerifyService } from '../../src/ledger/verify.service';
import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { Backdoor, chainHead, createFund, Ledger, openBackdoor, openLedger, post, query } from './harness';

/**
 * Invariant 7: any change made behind the application's back — an edited amount, a deleted or inserted row,
 * an edited stored balance — makes verify fail and name what does not match. The changes are made through a
 * second connection to the same database (better-sqlite3 on the SQLite file, or a pg client).
 */

function expectDetected(report: VerifyReport, ...patterns: RegExp[]): void {
  expect(report.ok).toBe(false);
  for (const pattern of patterns) {
    expect({
      pattern: String(pattern),
      found: report.problems.some((p) => pattern.test(p)),
      problems: report.problems,
    }).toEqual(expect.objectContaining({ pattern: String(pattern), found: true }));
  }
}

describe(`verify detects tampering (${DB_LABEL})`, () => {
  let ledger: Ledger;
  let door: Backdoor;
  /** TA no. 1–5 and TB no. 1–2, interleaved; the last entry of the chain is TA no. 5. */
  let ta: EntryView[];
  let tb: EntryView[];

  const verify = () => ledger.verifier.verify(ledger.dataSource.manager);
  const accountId = async (fund: string, code: string) => {
    const [row] = await query<{ id: number | string }>(
      ledger.dataSource.manager,
      'SELECT a.id FROM accounts a JOIN books b ON b.fund_id = a.fund_id WHERE b.fund_code = ? AND a.code = ?',
      [fund, code],
    );
    return Number(row.id);
  };

  beforeEach(async () => {
    ledger = await openLedger();
    await createFund(ledger, 'TA');
    await createFund(ledger, 'TB');
    ta = [];
    tb = [];
    ta.push(
      await post(ledger, 'TA', '2024-03-01', [
        { account: '111', debit: 5_000_000n },
        { account: '5114', credit: 5_000_000n },
      ]),
    );
    tb.push(
      await post(ledger, 'TB', '2024-03-01', [
        { account: '112', debit: 800_000n },
        { account: '5111', credit: 800_000n },
      ]),
    );
    ta.push(
      await post(ledger, 'TA', '2024-03-02', [
        { account: '112', debit: 2_000_000_000n },
        { account: '5111', credit: 2_000_000_000n },
      ]),
    );
    ta.push(
      await post(ledger, 'TA', '2024-03-05', [
        { account: '6113', debit: 300_000n },
        { account: '6111', debit: 700_000n },
        { account: '111', credit: 1_000_000n },
      ]),
    );
    tb.push(
      await post(ledger, 'TB', '2024-03-09', [
        { account: '6113', debit: 100_000n },
        { account: '112', credit: 100_000n },
      ]),
    );
    ta.push(
      await post(ledger, 'TA', '2024-04-01', [
        { account: '111', debit: 250_000n },
        { account: '5114', credit: 250_000n },
      ]),
    );
    ta.push(
      await post(ledger, 'TA', '2024-04-02', [
        { account: '141', debit: 100_000n },
        { account: '111', credit: 100_000n },
      ]),
    );
    door = await openBackdoor(ledger.db);
  });

  afterEach(async () => {
    await door.close();
    await ledger.close();
  });

  it('an honest database verifies ok', async () => {
    const report = await verify();
    const head = await chainHead(ledger.dataSource.manager);
    expect(report).toEqual({ ok: true, entriesChecked: 7, chainHead: head.hash, problems: [] });
    expect(head.entryCount).toBe(7);
  });

  /**
   * Rewrites the books as they were before the chain went per fund (issue 13): one chain over all entries in id
   * order, its head in chain_head, each fund's last hash in its books row (what migration 1764520000000 leaves).
   */
  async function chainAsOneChain(): Promise<string> {
    const manager = ledger.dataSource.manager;
    const entries = await query<Record<string, string | number | null>>(
      manager,
      `SELECT e.id, b.fund_code, e.number, e.entry_date, e.description, e.source, e.source_ref, e.reversal_of_id,
              e.posted_by, e.posted_at FROM journal_entries e JOIN books b ON b.fund_id = e.fund_id ORDER BY e.id`,
    );
    let prev = '0'.repeat(64);
    for (const e of entries) {
      const lines = await query<{
        line_no: number;
        code: string;
        debit: string;
        credit: string;
        memo: string | null;
      }>(
        manager,
        `SELECT l.line_no, a.code, CAST(l.debit AS TEXT) AS debit, CAST(l.credit AS TEXT) AS credit, l.memo
           FROM journal_lines l JOIN accounts a ON a.id = l.account_id WHERE l.entry_id = ? ORDER BY l.line_no`,
        [e.id],
      );
      const hash = entryHash(prev, {
        fundCode: String(e.fund_code),
        number: Number(e.number),
        date: String(e.entry_date),
        description: String(e.description),
        source: String(e.source),
        sourceRef: e.source_ref === null ? null : String(e.source_ref),
        reversalOfId: e.reversal_of_id === null ? null : Number(e.reversal_of_id),
        postedBy: String(e.posted_by),
        postedAt: String(e.posted_at),
        lines: lines.map((l) => ({
          lineNo: Number(l.line_no),
          account: l.code,
          debit: l.debit,
          credit: l.credit,
          memo: l.memo,
        })),
      });
      await door.exec('UPDATE journal_entries SET prev_hash = ?, hash = ? WHERE id = ?', [
        prev,
        hash,
        Number(e.id),
      ]);
      prev = hash;
    }
    await door.exec('UPDATE chain_head SET last_entry_id = ?, hash = ?, entry_count = ? WHERE id = 1', [
      Number(entries[entries.length - 1].id),
      prev,
      entries.length,
    ]);
    await door.exec(
      `UPDATE books SET last_hash = (SELECT e.hash FROM journal_entries e
         WHERE e.fund_id = books.fund_id AND e.number = books.last_entry_no)`,
    );
    return prev;
  }

  it('books chained as one chain before the chain went per fund verify ok, and go on per fund', async () => {
    await chainAsOneChain();
    expect((await verify()).problems).toEqual([]);
    const [before] = await query<{ last_hash: string }>(
      ledger.dataSource.manager,
      "SELECT last_hash FROM books WHERE fund_code = 'TB'",
    );
    const next = await post(ledger, 'TB', '2024-04-05', [
      { account: '6113', debit: 1_000n },
      { account: '112', credit: 1_000n },
    ]);
    const [row] = await query<{ prev_hash: string }>(
      ledger.dataSource.manager,
      'SELECT prev_hash FROM journal_entries WHERE id = ?',
      [next.id],
    );
    expect(row.prev_hash).toBe(before.last_hash);
    expect(await verify()).toMatchObject({ ok: true, entriesChecked: 8, problems: [] });
  });

  it('books chained as one chain: an entry edited before the switch breaks that chain', async () => {
    await chainAsOneChain();
    await door.exec("UPDATE journal_entries SET description = 'Sửa' WHERE id = ?", [tb[0].id]);
    expectDetected(
      await verify(),
      new RegExp(`^entry ${tb[0].id} \\(fund TB no\\. 1\\): content does not match its hash`),
    );
  });

  it('(a) an edited amount on both lines of an entry, still "balanced": the entry no longer matches its hash', async () => {
    const [e] = ta;
    await door.exec('UPDATE journal_lines SET debit = 6000000 WHERE entry_id = ? AND debit > 0', [e.id]);
    await door.exec('UPDATE journal_lines SET credit = 6000000 WHERE entry_id = ? AND credit > 0', [e.id]);
    const report = await verify();
    expectDetected(
      report,
      new RegExp(`^entry ${e.id} \\(fund TA no\\. 1\\): content does not match its hash`),
      /stored balance of account 111 of fund TA for 2024-03 is 5000000\/1000000, the lines sum to 6000000\/1000000/,
      /stored balance of account 5114 of fund TA for 2024-03/,
    );
    expect(report.problems[0]).toMatch(new RegExp(`^entry ${e.id} `));
    expect(report.problems.some((p) => /does not balance/.test(p))).toBe(false);
  });

  it('(a) an edited amount on one line: the entry does not balance', async () => {
    const e = ta[1];
    await door.exec('UPDATE journal_lines SET debit = 2000000001 WHERE entry_id = ? AND debit > 0', [e.id]);
    expectDetected(
      await verify(),
      new RegExp(`^entry ${e.id} \\(fund TA no\\. 2\\): content does not match its hash`),
      new RegExp(
        `^entry ${e.id} \\(fund TA no\\. 2\\): does not balance \\(2 lines, debits 2\\.000\\.000\\.001 đ, credits 2\\.000\\.000\\.000 đ\\)`,
      ),
      /stored balance of account 112 of fund TA for 2024-03/,
    );
  });

  it("(b) a deleted line: the entry does not balance and the account's balance no longer adds up", async () => {
    const e = ta[2];
    await door.exec('DELETE FROM journal_lines WHERE entry_id = ? AND line_no = 2', [e.id]);
    expectDetected(
      await verify(),
      new RegExp(`^entry ${e.id} \\(fund TA no\\. 3\\): content does not match its hash`),
      new RegExp(
        `^entry ${e.id} \\(fund TA no\\. 3\\): does not balance \\(2 lines, debits 300\\.000 đ, credits 1\\.000\\.000 đ\\)`,
      ),
      /stored balance of account 6111 of fund TA for 2024-03 is 700000\/0, the lines sum to 0\/0/,
    );
  });

  /**
   * A careful forger: appends an entry (6113 / 111, 4.000.000 đ) to fund TA with the right previous hash (fund
   * TA's last) and a hash that matches the forged content. Returns the forged entry's id.
   */
  async function forge(): Promise<number> {
    const manager = ledger.dataSource.manager;
    const [book] = await query<{ fund_id: number | string; last_hash: string }>(
      manager,
      "SELECT fund_id, last_hash FROM books WHERE fund_code = 'TA'",
    );
    const head = { hash: book.last_hash };
    const postedAt = '2024-04-03T08:00:00.000Z';
    const lines = [
      { lineNo: 1, account: '6113', debit: '4000000', credit: '0', memo: null },
      { lineNo: 2, account: '111', debit: '0', credit: '4000000', memo: null },
    ];
    const hash = entryHash(head.hash, {
      fundCode: 'TA',
      number: 6,
      date: '2024-04-03',
      description: 'Chi khống',
      source: 'manual',
      sourceRef: null,
      reversalOfId: null,
      postedBy: 'reliability',
      postedAt,
      lines,
    });
    await door.exec(
      `INSERT INTO journal_entries (fund_id, number, entry_date, description, source, source_ref, reversal_of_id, posted_by, posted_at, prev_hash, hash)
       VALUES (?, 6, '2024-04-03', 'Chi khống', 'manual', NULL, NULL, 'reliability', ?, ?, ?)`,
      [Number(book.fund_id), postedAt, head.hash, hash],
    );
    const [forged] = await query<{ id: number | string }>(
      manager,
      'SELECT MAX(id) AS id FROM journal_entries',
    );
    for (const line of lines) {
      await door.exec(
        'INSERT INTO journal_lines (entry_id, line_no, account_id, debit, credit, memo) VALUES (?, ?, ?, ?, ?, NULL)',
        [Number(forged.id), line.lineNo, await accountId('TA', line.account), line.debit, line.credit],
      );
    }
    return Number(forged.id);
  }

  it('(c) a forged entry appended with a correct hash: the chain head, the entry numbers and the balances disagree', async () => {
    await forge();
    const report = await verify();
    expectDetected(
      report,
      /^fund TA: its chain head is .*, its last entry in the journal .* \(entries were added or removed at the end\)/,
      /^fund TA: last entry number is 6, the books expect 5/,
      /stored balance of account 111 of fund TA for 2024-04 is 250000\/100000, the lines sum to 250000\/4100000/,
      /account 6113 of fund TA has lines in 2024-04 \(4000000\/0\) but no stored balance/,
    );
    expect(report.entriesChecked).toBe(8);
  });

  it("(c) a forged entry whose forger also fixed the entry counter and the balances: the fund's chain head still disagrees", async () => {
    await forge();
    await door.exec("UPDATE books SET last_entry_no = 6 WHERE fund_code = 'TA'");
    await door.exec(
      "INSERT INTO account_balances (account_id, period, fund_id, debit, credit) SELECT ?, '2024-04', fund_id, 4000000, 0 FROM books WHERE fund_code = 'TA'",
      [await accountId('TA', '6113')],
    );
    await door.exec(
      "UPDATE account_balances SET credit = credit + 4000000 WHERE account_id = ? AND period = '2024-04'",
      [await accountId('TA', '111')],
    );
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.stringMatching(/^fund TA: its chain head is .*, its last entry in the journal .*/),
    ]);
  });

  it('(d) an edited stored balance: verify names the account and month', async () => {
    await door.exec(
      "UPDATE account_balances SET debit = debit + 1 WHERE account_id = ? AND period = '2024-03'",
      [await accountId('TB', '112')],
    );
    const report = await verify();
    expectDetected(
      report,
      /^stored balance of account 112 of fund TB for 2024-03 is 800001\/100000, the lines sum to 800000\/100000$/,
    );
    expect(report.problems).toHaveLength(1);
  });

  it("(e) the last entry and its lines deleted: the chain head and the fund's entry count disagree", async () => {
    const last = ta[4];
    await door.exec('DELETE FROM journal_lines WHERE entry_id = ?', [last.id]);
    await door.exec('DELETE FROM journal_entries WHERE id = ?', [last.id]);
    const report = await verify();
    expectDetected(
      report,
      /^fund TA: its chain head is .*, its last entry in the journal .* \(entries were added or removed at the end\)/,
      /^fund TA: last entry number is 4, the books expect 5/,
      /^stored balance of account 141 of fund TA for 2024-04 is 100000\/0, the lines sum to 0\/0/,
    );
    expect(report.entriesChecked).toBe(6);
  });

  it('(e) an entry deleted from the middle: the chain breaks at the entry after it', async () => {
    // Each fund has its own chain: the entry after the gap in the same fund no longer follows its predecessor.
    const gone = ta[2];
    await door.exec('DELETE FROM journal_lines WHERE entry_id = ?', [gone.id]);
    await door.exec('DELETE FROM journal_entries WHERE id = ?', [gone.id]);
    const next = ta[3];
    expectDetected(
      await verify(),
      new RegExp(`^entry ${next.id} \\(fund TA no\\. 4\\): hash chain broken`),
      /^entry \d+ \(fund TA no\. 4\): entry numbers of the fund jump from 2 to 4/,
    );
  });
});

describe(`GET /api/audit/verify reports tampering like VerifyService (${DB_LABEL})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await t.newFund('HT');
  });

  afterAll(() => t.close());

  it('is ok on honest books and names the edited line after a change behind its back', async () => {
    const ids: number[] = [];
    for (const [date, amount] of [
      ['2024-05-01', '9000000'],
      ['2024-05-02', '1500000'],
      ['2024-05-03', '250000'],
    ] as const) {
      const res = await t.http
        .post('/api/journal-entries')
        .set(bearer(t.adminToken))
        .send({
          fundCode: 'HT',
          date,
          description: 'Thu đóng góp',
          lines: [
            { account: '111', debit: amount },
            { account: '5114', credit: amount },
          ],
        })
        .expect(201);
      ids.push((res.body as EntryView).id);
    }
    const honest = await t.http.get('/api/audit/verify').set(bearer(t.adminToken)).expect(200);
    expect(honest.body).toMatchObject({ ok: true, entriesChecked: 3, problems: [] });

    const door = await openBackdoor(t.db);
    try {
      await door.exec('UPDATE journal_lines SET debit = 1 WHERE entry_id = ? AND debit > 0', [ids[1]]);
    } finally {
      await door.close();
    }
    const res = await t.http.get('/api/audit/verify').set(bearer(t.adminToken)).expect(200);
    const direct = await new VerifyService().verify(t.dataSource.manager);
    expect(res.body).toEqual(direct);
    expectDetected(
      res.body as VerifyReport,
      new RegExp(`^entry ${ids[1]} \\(fund HT no\\. 2\\): content does not match its hash`),
      new RegExp(`^entry ${ids[1]} \\(fund HT no\\. 2\\): does not balance`),
      /stored balance of account 111 of fund HT for 2024-05/,
    );
  });
});
