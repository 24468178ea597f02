import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Money } from '../../src/common/money';
import type { EntryView } from '../../src/ledger/ledger.types';
import { entryHash } from '../../src/ledger/hash-chain';
import { VerifyReport } from '../../src/ledger/verify.service';
import { DB_LABEL, POSTGRES_URL } from '../support/database';
import { Backdoor, createFund, Ledger, openBackdoor, openLedger, post, query } from './harness';

/**
 * verify's fast path (src/ledger/verify-fast.ts): SQLite builds each entry's canonical JSON text and JavaScript only
 * hashes it, on the caller's connection (`sql`) or on worker threads (`workers`); a page it does not find clean goes
 * through the JavaScript path (`js`). Whatever the books, the three must report the same, byte for byte: on honest
 * books with quotes, backslashes, control characters and non-ASCII in their texts, on tampered ones, and on books
 * whose hashes a forger computed over SQLite's text of values that JavaScript prints otherwise.
 */

/** The built worker script: the reliability project builds dist/ before its tests (test/global-setup.js). */
const WORKER_SCRIPT = path.resolve(__dirname, '../../dist/ledger/verify-fast.js');
const MODES = ['js', 'sql', 'workers'] as const;
const ODD =
  'Quà "Tết" \\ C:\\quỹ\\ \n dòng 2\r\t\b\f \u0001\u001f\u007f \u2028\u2029 Đền ơn đáp nghĩa 😀 </script> \'';

describe('SQLite JSON text and JSON.stringify', () => {
  it('are byte for byte the same for every code point in a text, and for integers and null', () => {
    const db = new Database(':memory:');
    try {
      const text = db.prepare('SELECT json_array(?, ?, ?, ?) AS j').pluck();
      let differ = 0;
      for (let start = 0; start < 0x110000; start += 2048) {
        let s = '"\\';
        for (let cp = start; cp < Math.min(start + 2048, 0x110000); cp++) {
          if (cp < 0xd800 || cp > 0xdfff) s += String.fromCodePoint(cp);
        }
        if (text.get(s, null, 9007199254740991n, -42n) !== JSON.stringify([s, null, 9007199254740991, -42]))
          differ += 1;
      }
      expect(differ).toBe(0);
    } finally {
      db.close();
    }
  });
});

(POSTGRES_URL ? describe.skip : describe)(
  `verify's fast path agrees with the JavaScript path (${DB_LABEL})`,
  () => {
    let ledger: Ledger;
    let door: Backdoor;
    let entries: EntryView[];

    /** The report of each mode at `pageSize`, and what share of the pages each fast mode found clean. */
    const reports = async (pageSize = 2) => {
      const out: Record<string, VerifyReport> = {};
      const clean: Record<string, string> = {};
      for (const mode of MODES) {
        Object.assign(ledger.verifier, { mode, pageSize, workers: 2, workerScript: WORKER_SCRIPT });
        out[mode] = await ledger.verifier.verify(ledger.dataSource.manager);
        const run = ledger.verifier.lastRun;
        expect(run?.via).toBe(mode);
        clean[mode] = `${run?.cleanPages}/${run?.pages}`;
      }
      expect(out.sql).toEqual(out.js);
      expect(out.workers).toEqual(out.js);
      return { report: out.js, clean };
    };

    /** An entry posted through the posting path, with the odd text as its description and a line's memo. */
    const postOdd = (fund: string, date: string, amount: bigint, description = ODD) =>
      ledger.uow.write((tx) =>
        ledger.posting.post(tx, {
          fundCode: fund,
          date,
          description,
          source: 'manual',
          postedBy: 'reliability',
          lines: [
            { account: '112', debit: Money.fromStored(amount), memo: `${ODD} ghi chú` },
            { account: '5111', credit: Money.fromStored(amount) },
          ],
        }),
      );

    /** SQLite's canonical text of an entry, as a forger would hash it (with `lines` for its lines, if given). */
    const sqliteText = (
      id: number,
      lines = `(SELECT json_group_array(json_array(l.line_no, a.code,
      CAST(l.debit AS TEXT), CAST(l.credit AS TEXT), l.memo)) FROM journal_lines l JOIN accounts a ON a.id = l.account_id
      WHERE l.entry_id = e.id)`,
    ) => {
      const db = new Database(ledger.db.file as string, { readonly: true });
      try {
        return db
          .prepare(
            `SELECT json_array(e.prev_hash, b.fund_code, e.number, e.entry_date, e.description, e.source, e.source_ref,
             e.reversal_of_id, e.posted_by, e.posted_at, ${lines})
             FROM journal_entries e JOIN books b ON b.fund_id = e.fund_id WHERE e.id = ?`,
          )
          .pluck()
          .get(id) as string;
      } finally {
        db.close();
      }
    };

    /**
     * SQLite's canonical text of entry `id` as bytes, as a forger would hash it for the packed page: a fund or account
     * that the join does not find as '?', the lines in line_no order.
     */
    const sqliteBytes = (id: number) => {
      const db = new Database(ledger.db.file as string, { readonly: true });
      try {
        return db
          .prepare(
            `SELECT CAST(json_array(e.prev_hash, COALESCE(b.fund_code, '?'), e.number, e.entry_date, e.description,
             e.source, e.source_ref, e.reversal_of_id, e.posted_by, e.posted_at, (SELECT json_group_array(json_array(
             l.line_no, COALESCE(a.code, '?'), CAST(l.debit AS TEXT), CAST(l.credit AS TEXT), l.memo) ORDER BY l.line_no)
             FROM journal_lines l LEFT JOIN accounts a ON a.id = l.account_id WHERE l.entry_id = e.id)) AS BLOB)
             FROM journal_entries e LEFT JOIN books b ON b.fund_id = e.fund_id WHERE e.id = ?`,
          )
          .pluck()
          .get(id) as Buffer;
      } finally {
        db.close();
      }
    };
    /** Hashes a fund's last entry again over `bytes`, its fund's head with it: no link breaks. */
    const rehashLast = async (entry: EntryView, bytes: Buffer) => {
      const hash = createHash('sha256').update(bytes).digest('hex');
      await forgeHash(entry.id, hash);
      await door.exec('UPDATE books SET last_hash = ? WHERE fund_code = ?', [hash, entry.fundCode]);
    };

    /** Gives entry `id` the stored hash `hash` (the next entry's link then breaks: a forger would go on). */
    const forgeHash = (id: number, hash: string) =>
      door.exec('UPDATE journal_entries SET hash = ? WHERE id = ?', [hash, id]);
    const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
    /** Matches the problem that entry `id`'s content does not match its hash. */
    const contentMismatch = (id: number): unknown =>
      expect.stringMatching(new RegExp(`^entry ${id} .*: content does not match its hash`));

    beforeEach(async () => {
      expect(fs.existsSync(WORKER_SCRIPT)).toBe(true);
      ledger = await openLedger();
      await createFund(ledger, 'TA');
      await createFund(ledger, 'TB');
      entries = [];
      for (let i = 0; i < 6; i++) {
        entries.push(await postOdd(i % 3 === 2 ? 'TB' : 'TA', `2024-03-0${i + 1}`, 1_000_000n + BigInt(i)));
        entries.push(
          await post(ledger, 'TA', `2024-03-0${i + 1}`, [
            { account: '111', debit: 500_000n },
            { account: '5114', credit: 500_000n },
          ]),
        );
      }
      door = await openBackdoor(ledger.db);
    });
    afterEach(async () => {
      await door.close();
      await ledger.close();
    });

    it('finds honest books with odd texts whole, every page clean on the fast path', async () => {
      const { report, clean } = await reports();
      expect(report).toMatchObject({ ok: true, entriesChecked: 12, problems: [] });
      expect(clean).toEqual({ js: '0/6', sql: '6/6', workers: '6/6' });
      // One page for all, and one entry a page: the same.
      expect((await reports(2000)).report).toEqual(report);
      expect((await reports(1)).report).toEqual(report);
      // Workers that cannot start: their pages are checked on the caller's connection.
      Object.assign(ledger.verifier, {
        mode: 'workers',
        pageSize: 2,
        workerScript: path.join(__dirname, 'none.js'),
      });
      expect(await ledger.verifier.verify(ledger.dataSource.manager)).toEqual(report);
      expect(ledger.verifier.lastRun).toEqual({ via: 'workers', pages: 6, cleanPages: 6 });
    });

    it('names a description edited to odd text the same way, the page checked again by the JavaScript path', async () => {
      const target = entries[5];
      await door.exec('UPDATE journal_entries SET description = ? WHERE id = ?', [`${ODD}!`, target.id]);
      const { report, clean } = await reports();
      expect(report.problems).toEqual([
        `entry ${target.id} (fund TA no. ${target.number}): content does not match its hash (an amount, account, line or field was changed)`,
      ]);
      expect(clean).toEqual({ js: '0/6', sql: '5/6', workers: '5/6' });
    });

    it('does not take a hash made over SQLite text of a number JavaScript prints otherwise', async () => {
      // 1e20 cannot be a 64-bit integer: stored as a REAL, which SQLite prints 1.0e+20 and JavaScript 100000000000000000000.
      const target = entries[3];
      await door.exec('UPDATE journal_entries SET number = ? WHERE id = ?', [1e20, target.id]);
      await forgeHash(target.id, sha256(sqliteText(target.id)));
      const { report } = await reports();
      expect(report.problems).toContain(
        `entry ${target.id} (fund TA no. 100000000000000000000): content does not match its hash (an amount, account, line or field was changed)`,
      );
    });

    it('does not take a hash made over lines renumbered out of the order they are stored in', async () => {
      // The two lines swap numbers: in storage order SQLite would print line 2 first; the JavaScript path line 1 first.
      const target = entries[7];
      await door.exec('UPDATE journal_lines SET line_no = 3 - line_no WHERE entry_id = ?', [target.id]);
      const storageOrder = `(SELECT json_group_array(json_array(l.line_no, a.code, CAST(l.debit AS TEXT),
        CAST(l.credit AS TEXT), l.memo)) FROM (SELECT * FROM journal_lines ORDER BY id) l
        JOIN accounts a ON a.id = l.account_id WHERE l.entry_id = e.id)`;
      await forgeHash(target.id, sha256(sqliteText(target.id, storageOrder)));
      for (const size of [1, 2000]) {
        const { report } = await reports(size);
        expect(report.problems).toContain(
          `entry ${target.id} (fund TA no. ${target.number}): content does not match its hash (an amount, account, line or field was changed)`,
        );
      }
    });

    it('does not take a text column stored as the JSONB of its text, which SQLite prints as the text', async () => {
      // json_array prints a blob that holds valid JSONB as the JSON it encodes: here the honest text. The JavaScript
      // path reads a Buffer, prints it otherwise, and finds the hash does not match.
      const [described, memo] = [entries[4], entries[8]];
      await door.exec(
        'UPDATE journal_entries SET description = jsonb(json_quote(description)) WHERE id = ?',
        [described.id],
      );
      await door.exec(
        'UPDATE journal_lines SET memo = jsonb(json_quote(memo)) WHERE entry_id = ? AND memo IS NOT NULL',
        [memo.id],
      );
      const [{ j }] = await query<{ j: string }>(
        ledger.dataSource.manager,
        'SELECT json_array(description) AS j FROM journal_entries WHERE id = ?',
        [described.id],
      );
      expect(j).toBe(JSON.stringify([ODD]));
      for (const size of [1, 3, 2000]) {
        const { report } = await reports(size);
        expect(report.problems).toEqual([described, memo].map((entry) => contentMismatch(entry.id)));
      }
    });

    it('does not take a number in a text column under a rewritten schema, which SQLite prints otherwise', async () => {
      // Declared varchar, a column stores a number as text; a forger who rewrites the declared type can store the REAL
      // 1.0, which SQLite's JSON prints as 1.0 and JavaScript as 1.
      const target = entries[6];
      const raw = new Database(ledger.db.file as string);
      try {
        // The table made again with the column untyped (SQLite's defensive mode keeps sqlite_master read-only).
        const table = raw
          .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'journal_entries'")
          .pluck()
          .get() as string;
        raw.pragma('foreign_keys = OFF');
        raw.exec(
          table
            .replace('"journal_entries"', '"untyped"')
            .replace('"description" varchar(500)', '"description"'),
        );
        raw.exec('INSERT INTO untyped SELECT * FROM journal_entries');
        raw.exec('DROP TABLE journal_entries');
        raw.exec('ALTER TABLE untyped RENAME TO journal_entries');
      } finally {
        raw.close();
      }
      await door.close();
      door = await openBackdoor(ledger.db);
      await door.exec('UPDATE journal_entries SET description = 1.0 WHERE id = ?', [target.id]);
      const [{ kind }] = await query<{ kind: string }>(
        ledger.dataSource.manager,
        'SELECT typeof(description) AS kind FROM journal_entries WHERE id = ?',
        [target.id],
      );
      expect(kind).toBe('real');
      await forgeHash(target.id, sha256(sqliteText(target.id)));
      for (const size of [1, 2, 2000]) {
        const { report } = await reports(size);
        expect(report.problems).toEqual(expect.arrayContaining([contentMismatch(target.id)]));
      }
    });

    it('does not take stored hashes that run together as they should but are not 64 characters each', async () => {
      // Packed (PACKED_SQL), a page's hashes come as one string cut every 64 characters: moving the last character of
      // one hash to the front of the next leaves that string as it was. Each must be 64 characters itself.
      const [first, second] = [entries[2], entries[3]];
      const [a, b] = [first.hash, second.hash];
      await forgeHash(first.id, a.slice(0, 63));
      await forgeHash(second.id, a.slice(63) + b);
      for (const size of [1, 4, 2000]) {
        const { report } = await reports(size);
        expect(report.problems).toEqual(
          expect.arrayContaining([first, second].map((entry) => contentMismatch(entry.id))),
        );
      }
    });

    it('finds a previous hash in upper case a broken link, as the JavaScript path does', async () => {
      // The same digits to a reader, another text to the chain (the packed text's previous hash is read as bytes).
      // The forger hashes the entry again over it.
      const target = entries[6];
      await door.exec('UPDATE journal_entries SET prev_hash = upper(prev_hash) WHERE id = ?', [target.id]);
      const [e] = await query<{ prev_hash: string }>(
        ledger.dataSource.manager,
        'SELECT prev_hash FROM journal_entries WHERE id = ?',
        [target.id],
      );
      const db = new Database(ledger.db.file as string, { readonly: true });
      const text = (() => {
        try {
          return db
            .prepare(
              `SELECT json_array(e.prev_hash, b.fund_code, e.number, e.entry_date, e.description, e.source,
               e.source_ref, e.reversal_of_id, e.posted_by, e.posted_at, (SELECT json_group_array(json_array(l.line_no,
               a.code, CAST(l.debit AS TEXT), CAST(l.credit AS TEXT), l.memo) ORDER BY l.line_no) FROM journal_lines l
               JOIN accounts a ON a.id = l.account_id WHERE l.entry_id = e.id))
               FROM journal_entries e JOIN books b ON b.fund_id = e.fund_id WHERE e.id = ?`,
            )
            .pluck()
            .get(target.id) as string;
        } finally {
          db.close();
        }
      })();
      expect(text.startsWith(`["${e.prev_hash}"`)).toBe(true);
      await forgeHash(target.id, sha256(text));
      for (const size of [1, 2, 3, 2000]) {
        const { report } = await reports(size);
        expect(report.problems[0]).toBe(
          `entry ${target.id} (fund TA no. ${target.number}): hash chain broken — prev_hash does not match the previous entry's hash (an entry was inserted or deleted before it)`,
        );
      }
    });

    it('finds honest lines numbered other than 1, 2 … clean, an entry a row', async () => {
      // The packed text takes lines as they come only when they come numbered 1, 2 …; else PAGE_SQL sorts them.
      // The last entry, so that hashing it again breaks no link but its fund's head (set again as well).
      const target = entries[11];
      await door.exec('UPDATE journal_lines SET line_no = 30 - 10 * line_no WHERE entry_id = ?', [target.id]);
      const { report: before } = await reports(2000);
      expect(before.problems).toEqual([contentMismatch(target.id)]);
      // Hashed again as the JavaScript path prints the lines (20 first, then 10): honest books again, and clean.
      const text = sqliteText(
        target.id,
        `(SELECT json_group_array(json_array(l.line_no, a.code, CAST(l.debit AS TEXT), CAST(l.credit AS TEXT), l.memo)
          ORDER BY l.line_no) FROM journal_lines l JOIN accounts a ON a.id = l.account_id WHERE l.entry_id = e.id)`,
      );
      expect(text).toMatch(/\[\[10,.*\],\[20,/);
      await forgeHash(target.id, sha256(text));
      await door.exec(
        'UPDATE books SET last_hash = ? WHERE fund_id = (SELECT fund_id FROM journal_entries WHERE id = ?)',
        [sha256(text), target.id],
      );
      for (const size of [1, 2, 2000]) {
        const { report, clean } = await reports(size);
        expect(report).toMatchObject({ ok: true, entriesChecked: 12, problems: [] });
        expect(clean.sql).toBe(clean.workers);
        expect(clean.sql).toBe(`${Math.ceil(12 / size)}/${Math.ceil(12 / size)}`);
      }
    });

    it('names an entry that does not balance, even when its hash was made again over its new lines', async () => {
      const target = entries[4];
      await door.exec('UPDATE journal_lines SET credit = credit + 1 WHERE entry_id = ? AND credit > 0', [
        target.id,
      ]);
      // The forger's hash over the lines as the JavaScript path prints them: content matches, the balance does not.
      const [e] = await query<Record<string, string | number | null>>(
        ledger.dataSource.manager,
        'SELECT prev_hash, number, entry_date, posted_at FROM journal_entries WHERE id = ?',
        [target.id],
      );
      const lines = await query<{
        line_no: number;
        code: string;
        debit: string;
        credit: string;
        memo: string | null;
      }>(
        ledger.dataSource.manager,
        `SELECT l.line_no, a.code, CAST(l.debit AS TEXT) AS debit, CAST(l.credit AS TEXT) AS credit, l.memo
         FROM journal_lines l JOIN accounts a ON a.id = l.account_id WHERE l.entry_id = ? ORDER BY l.line_no`,
        [target.id],
      );
      const hash = entryHash(String(e.prev_hash), {
        fundCode: 'TB',
        number: Number(e.number),
        date: String(e.entry_date),
        description: ODD,
        source: 'manual',
        sourceRef: null,
        reversalOfId: null,
        postedBy: 'reliability',
        postedAt: String(e.posted_at),
        lines: lines.map((l) => ({
          lineNo: Number(l.line_no),
          account: l.code,
          debit: l.debit,
          credit: l.credit,
          memo: l.memo,
        })),
      });
      expect(sha256(sqliteText(target.id))).toBe(hash);
      await forgeHash(target.id, hash);
      const first = await reports();
      expect(first.report.problems[0]).toMatch(
        new RegExp(`^entry ${target.id} \\(fund TB no\\. 1\\): does not balance`),
      );

      // A hash over the text SQLite gives an entry that does not balance (its lines null): never taken either.
      await forgeHash(target.id, sha256(sqliteText(target.id, 'NULL')));
      const second = await reports();
      expect(second.report.problems.slice(0, 2)).toEqual([
        expect.stringMatching(new RegExp(`^entry ${target.id} .*: content does not match its hash`)),
        expect.stringMatching(new RegExp(`^entry ${target.id} .*: does not balance`)),
      ]);
    });

    it('sums months that come back in id order, and leaves out a line whose entry id is no entry', async () => {
      // Back-dated entries: the months run March, April, March, April … in id order.
      for (let i = 0; i < 6; i++) {
        entries.push(
          await post(ledger, 'TA', i % 2 === 0 ? `2024-04-0${i + 1}` : `2024-03-2${i}`, [
            { account: '111', debit: 700_000n + BigInt(i) },
            { account: '5114', credit: 700_000n + BigInt(i) },
          ]),
        );
      }
      const honest = await reports(2000);
      expect(honest.report).toMatchObject({ ok: true, entriesChecked: 18, problems: [] });
      expect(honest.clean).toEqual({ js: '0/1', sql: '1/1', workers: '1/1' });
      // A line whose entry id falls between two entries belongs to none: the JavaScript path does not count it.
      await door.exec('PRAGMA foreign_keys = OFF');
      await door.exec(
        `INSERT INTO journal_lines (entry_id, line_no, account_id, debit, credit, memo)
       SELECT ? + 0.5, 1, account_id, 1000, 0, NULL FROM journal_lines WHERE entry_id = ? AND debit > 0`,
        [entries[14].id, entries[14].id],
      );
      for (const size of [3, 2000]) expect((await reports(size)).report).toEqual(honest.report);
    });

    it('links pages across workers: a deleted entry, a reordered line, a changed memo', async () => {
      const gone = entries[6];
      await door.exec('DELETE FROM journal_lines WHERE entry_id = ?', [gone.id]);
      await door.exec('DELETE FROM journal_entries WHERE id = ?', [gone.id]);
      await door.exec('UPDATE journal_lines SET line_no = 3 - line_no WHERE entry_id = ?', [entries[9].id]);
      await door.exec(
        'UPDATE journal_lines SET memo = memo || char(0) WHERE entry_id = ? AND memo IS NOT NULL',
        [entries[10].id],
      );
      for (const size of [1, 2, 3, 2000]) {
        const { report } = await reports(size);
        expect(report.ok).toBe(false);
        expect(report.problems.some((p) => p.startsWith(`entry ${entries[7].id} `))).toBe(true);
        expect(report.problems.some((p) => p.startsWith(`entry ${entries[9].id} `))).toBe(true);
        expect(report.problems.some((p) => p.startsWith(`entry ${entries[10].id} `))).toBe(true);
      }
    });

    it('does not take a hash made over the bytes SQLite prints of a text that is not UTF-8', async () => {
      // A text column may hold any bytes (a blob cast to text): SQLite copies them into its JSON text, the packed page
      // is hashed as those bytes; the JavaScript path reads them as U+FFFD and hashes that.
      const target = entries[11];
      await door.exec(
        `UPDATE journal_entries SET description = description || CAST(x'ff' AS TEXT) WHERE id = ?`,
        [target.id],
      );
      await rehashLast(target, sqliteBytes(target.id));
      for (const size of [1, 2000]) {
        const { report } = await reports(size);
        expect(report.problems).toEqual([contentMismatch(target.id)]);
      }
    });

    it('does not take an account or fund id stored as text that JavaScript reads as a number, SQLite as none', async () => {
      // '0x6f' stays text in an INTEGER column and joins no row, so SQLite prints '?'; Number('0x6f') is 111, whose
      // code the JavaScript path prints.
      const [lined, funded] = [entries[11], entries[10]];
      await door.exec('PRAGMA foreign_keys = OFF');
      await door.exec(
        `UPDATE journal_lines SET account_id = printf('0x%x', account_id) WHERE entry_id = ? AND debit > 0`,
        [lined.id],
      );
      await door.exec(`UPDATE journal_entries SET fund_id = printf('0x%x', fund_id) WHERE id = ?`, [
        funded.id,
      ]);
      await rehashLast(lined, sqliteBytes(lined.id));
      await rehashLast(funded, sqliteBytes(funded.id));
      for (const size of [1, 2000]) {
        const { report } = await reports(size);
        expect(report.problems).toEqual([funded, lined].map((entry) => contentMismatch(entry.id)));
      }
    });

    it('sums an entry in the month JavaScript slices from its date, not where SQLite cuts it at a NUL', async () => {
      // substr stops at a NUL: '2024' for SQLite, '2024\0-0' for the JavaScript path. The forger hashes the entry
      // again (both print the NUL as \u0000) and moves its amounts in the stored balances to the month SQLite gives.
      const target = entries[11];
      await door.exec(
        `UPDATE journal_entries SET entry_date = '2024' || char(0) || substr(entry_date, 5) WHERE id = ?`,
        [target.id],
      );
      await rehashLast(target, sqliteBytes(target.id));
      const own = (column: string) => `(SELECT SUM(l.${column}) FROM journal_lines l
        WHERE l.entry_id = ? AND l.account_id = account_balances.account_id)`;
      await door.exec(
        `UPDATE account_balances SET debit = debit - ${own('debit')}, credit = credit - ${own('credit')}
          WHERE period = '2024-03' AND account_id IN (SELECT account_id FROM journal_lines WHERE entry_id = ?)`,
        [target.id, target.id, target.id],
      );
      await door.exec(
        `INSERT INTO account_balances (account_id, period, fund_id, debit, credit)
         SELECT l.account_id, '2024', a.fund_id, l.debit, l.credit
           FROM journal_lines l JOIN accounts a ON a.id = l.account_id WHERE l.entry_id = ?`,
        [target.id],
      );
      for (const size of [1, 2000]) {
        const { report } = await reports(size);
        expect(report.ok).toBe(false);
        expect(report.problems).toContainEqual(expect.stringContaining('has lines in 2024\u0000-0 ('));
      }
    });
  },
);
