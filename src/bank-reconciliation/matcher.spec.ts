import {
  BookItem,
  dayGap,
  matchConfidence,
  matchSignature,
  ProposedMatch,
  proposeMatches,
  StatementItem,
} from './matcher';

let nextId = 1;

const bank = (
  date: string,
  amount: number | bigint,
  direction: 'in' | 'out' = 'in',
  reference: string | null = null,
  description: string | null = null,
): StatementItem => ({
  id: nextId++,
  date,
  amountDong: BigInt(amount),
  direction,
  reference,
  description,
});

const book = (
  date: string,
  amount: number | bigint,
  direction: 'in' | 'out' = 'in',
  sourceRef: string | null = null,
  text = 'Thu đóng góp',
  reversal = false,
): BookItem => ({ id: nextId++, date, amountDong: BigInt(amount), direction, sourceRef, text, reversal });

/** Proposals as "statement ids → journal ids" pairs, for readable expectations. */
const pairs = (proposals: ProposedMatch[]) =>
  proposals.map((p) => `${p.statementLineIds.join('+')}→${p.journalLineIds.join('+')}`);

const pair = (s: StatementItem[], b: BookItem[]) =>
  `${s.map((x) => x.id).join('+')}→${b.map((x) => x.id).join('+')}`;

describe('proposeMatches', () => {
  const window = { windowDays: 3 };

  it('matches equal amounts of the same direction within the window', () => {
    const s1 = bank('2023-07-03', 55_500_000);
    const s2 = bank('2023-07-13', 8_000_000, 'out');
    const b1 = book('2023-07-02', 55_500_000);
    const b2 = book('2023-07-12', 8_000_000, 'out');
    const proposals = proposeMatches([s1, s2], [b2, b1], window);
    expect(pairs(proposals)).toEqual([pair([s1], [b1]), pair([s2], [b2])]);
    expect(proposals.map((p) => p.kind)).toEqual(['one_to_one', 'one_to_one']);
    expect(proposals[0].basis).toBe('same amount; 1 day apart');
  });

  it('never matches across directions, unequal amounts, or outside the window', () => {
    const proposals = proposeMatches(
      [bank('2023-07-03', 1_000_000, 'in'), bank('2023-07-03', 2_000_000), bank('2023-07-03', 3_000_000)],
      [
        book('2023-07-03', 1_000_000, 'out'),
        book('2023-07-03', 2_000_001),
        book('2023-07-07', 3_000_000), // 4 days
      ],
      window,
    );
    expect(proposals).toEqual([]);
  });

  it('takes the window as inclusive, and 0 as the same day only', () => {
    const s = bank('2023-07-31', 500_000);
    const b = book('2023-08-03', 500_000);
    expect(pairs(proposeMatches([s], [b], { windowDays: 3 }))).toEqual([pair([s], [b])]);
    expect(proposeMatches([s], [b], { windowDays: 2 })).toEqual([]);
    const same = book('2023-07-31', 500_000);
    expect(pairs(proposeMatches([s], [b, same], { windowDays: 0 }))).toEqual([pair([s], [same])]);
  });

  it('prefers the line with the same reference over a closer date', () => {
    const s = bank('2023-07-10', 10_000_000, 'in', 'PT-2023-000007');
    const near = book('2023-07-10', 10_000_000, 'in', 'PT-2023-000008');
    const referenced = book('2023-07-08', 10_000_000, 'in', 'PT-2023-000007');
    const [match] = proposeMatches([s], [near, referenced], window);
    expect(match.journalLineIds).toEqual([referenced.id]);
    expect(match.basis).toBe('same reference PT-2023-000007; 2 days apart');
  });

  it('finds the reference in the entry description, and the voucher number in the bank description', () => {
    const s1 = bank('2023-07-10', 4_000_000, 'out', 'UNC-15');
    const b1other = book('2023-07-10', 4_000_000, 'out', 'PC-2023-000002', 'Chi thăm hỏi');
    const b1 = book('2023-07-11', 4_000_000, 'out', 'PC-2023-000003', 'Chi thăm hỏi theo UNC-15 ngày 10/7');
    const s2 = bank('2023-07-20', 2_000_000, 'in', 'FT2320', 'NOP TIEN PT2023000009 UNG HO QUY');
    const b2other = book('2023-07-20', 2_000_000, 'in', 'PT-2023-000010');
    const b2 = book('2023-07-21', 2_000_000, 'in', 'PT-2023-000009');
    const proposals = proposeMatches([s1, s2], [b1other, b1, b2other, b2], window);
    expect(pairs(proposals)).toEqual([pair([s1], [b1]), pair([s2], [b2])]);
    expect(proposals[0].basis).toBe('reference UNC-15 in the entry; 1 day apart');
    expect(proposals[1].basis).toBe("PT-2023-000009 in the bank's description; 1 day apart");
  });

  it('does not take a reference inside a longer code for the same one', () => {
    const s = bank('2023-07-10', 1_000_000, 'in', 'UNC-1');
    const inside = book('2023-07-10', 1_000_000, 'in', null, 'Chi theo UNC-15');
    const [match] = proposeMatches([s], [inside], window);
    expect(match.basis).toBe('same amount; same day');
  });

  it('resolves ambiguity by the closest date, and never uses a line twice', () => {
    // Two equal receipts and two equal bank lines: each bank line gets the receipt nearest to it.
    const s5 = bank('2023-07-05', 10_000_000);
    const s8 = bank('2023-07-08', 10_000_000);
    const b4 = book('2023-07-04', 10_000_000);
    const b8 = book('2023-07-08', 10_000_000);
    const proposals = proposeMatches([s5, s8], [b8, b4], window);
    expect(pairs(proposals).sort()).toEqual([pair([s5], [b4]), pair([s8], [b8])].sort());

    // Three bank lines compete for one receipt: only the closest gets it.
    const lone = book('2023-08-10', 7_000_000);
    const far = bank('2023-08-07', 7_000_000);
    const close = bank('2023-08-11', 7_000_000);
    const other = bank('2023-08-12', 7_000_000);
    expect(pairs(proposeMatches([far, close, other], [lone], window))).toEqual([pair([close], [lone])]);
  });

  it('breaks a tie of equal distance by the earlier line, the same way every time', () => {
    const s = bank('2023-07-10', 3_000_000);
    const before = book('2023-07-09', 3_000_000);
    const after = book('2023-07-11', 3_000_000);
    expect(pairs(proposeMatches([s], [after, before], window))).toEqual([pair([s], [before])]);
    expect(pairs(proposeMatches([s], [before, after], window))).toEqual([pair([s], [before])]);
  });

  it('matches a reversed entry, or a reversal, only when nothing else fits', () => {
    const s = bank('2023-07-10', 3_000_000);
    const reversed = book('2023-07-10', 3_000_000, 'in', null, 'Thu ghi nhầm', true);
    const good = book('2023-07-10', 3_000_000);
    expect(pairs(proposeMatches([s], [reversed, good], window))).toEqual([pair([s], [good])]);
    expect(pairs(proposeMatches([s], [reversed], window))).toEqual([pair([s], [reversed])]);
  });

  it('matches one bank deposit to the sum of several receipts', () => {
    const deposit = bank('2023-07-11', 5_000_000, 'in', 'NT-889', 'Nộp tiền mặt vào tài khoản');
    const r1 = book('2023-07-10', 3_000_000);
    const r2 = book('2023-07-10', 2_000_000);
    const unrelated = book('2023-07-10', 1_500_000);
    const proposals = proposeMatches([deposit], [r1, unrelated, r2], window);
    expect(proposals).toEqual([
      {
        kind: 'one_to_many',
        statementLineIds: [deposit.id],
        journalLineIds: [r1.id, r2.id],
        basis: 'sum of 2 book lines; at most 1 day apart',
      },
    ]);
  });

  it('prefers same-day lines for a sum, then the closest', () => {
    const deposit = bank('2023-07-11', 5_000_000);
    const sameDay = [book('2023-07-11', 1_000_000), book('2023-07-11', 4_000_000)];
    const earlier = [book('2023-07-09', 2_500_000), book('2023-07-09', 2_500_000)];
    const [match] = proposeMatches([deposit], [...earlier, ...sameDay], window);
    expect(match.journalLineIds).toEqual(sameDay.map((b) => b.id));
    expect(match.basis).toBe('sum of 2 book lines; same day');

    const deposit2 = bank('2023-09-11', 6_000_000);
    const near = [book('2023-09-10', 1_000_000), book('2023-09-12', 5_000_000)];
    const far = [book('2023-09-08', 3_000_000), book('2023-09-14', 3_000_000)];
    expect(proposeMatches([deposit2], [...far, ...near], window)[0].journalLineIds).toEqual(
      near.map((b) => b.id),
    );
  });

  it('matches one to one before one to many, and a sum of up to six lines only', () => {
    const deposit = bank('2023-07-11', 600);
    const exact = book('2023-07-13', 600);
    const parts = [100, 100, 100, 100, 100, 100].map((a) => book('2023-07-11', a));
    expect(pairs(proposeMatches([deposit], [...parts, exact], window))).toEqual([pair([deposit], [exact])]);
    const sixParts = proposeMatches([deposit], parts, window);
    expect(sixParts[0].journalLineIds).toHaveLength(6);
    const fewest = [300, 300, 200, 100].map((a) => book('2023-07-11', a));
    expect(proposeMatches([deposit], fewest, window)[0].journalLineIds).toEqual([fewest[0].id, fewest[1].id]);
    const onlySeven = [90, 90, 90, 90, 90, 90, 60].map((a) => book('2023-07-11', a));
    expect(proposeMatches([deposit], onlySeven, window)).toEqual([]);
  });

  it('never sums reversal lines or lines of the other direction', () => {
    const deposit = bank('2023-07-11', 5_000_000);
    const proposals = proposeMatches(
      [deposit],
      [
        book('2023-07-11', 3_000_000),
        book('2023-07-11', 2_000_000, 'out'),
        book('2023-07-11', 2_000_000, 'in', null, 'Thu ghi nhầm', true),
      ],
      window,
    );
    expect(proposals).toEqual([]);
  });

  it('leaves unmatched what has no counterpart: a bank fee, a receipt not yet on the statement', () => {
    const fee = bank('2023-07-31', 22_000, 'out', null, 'Phí quản lý tài khoản');
    const s = bank('2023-07-03', 1_000_000);
    const b = book('2023-07-03', 1_000_000);
    const pending = book('2023-07-28', 1_200_000, 'out');
    expect(pairs(proposeMatches([fee, s], [b, pending], window))).toEqual([pair([s], [b])]);
  });

  it('skips pairings an accountant rejected, one to one and one to many', () => {
    const s = bank('2023-07-10', 3_000_000);
    const b1 = book('2023-07-10', 3_000_000);
    const b2 = book('2023-07-12', 3_000_000);
    const excluded = new Set([matchSignature([s.id], [b1.id])]);
    expect(pairs(proposeMatches([s], [b1, b2], { ...window, excluded }))).toEqual([pair([s], [b2])]);

    const deposit = bank('2023-07-11', 5_000_000);
    const parts = [book('2023-07-11', 3_000_000), book('2023-07-11', 2_000_000)];
    const rejected = new Set([matchSignature([deposit.id], parts.map((p) => p.id).reverse())]);
    expect(proposeMatches([deposit], parts, { ...window, excluded: rejected })).toEqual([]);
  });

  it('gives every line to at most one proposal over a year of lines, and stays quick', () => {
    const statement: StatementItem[] = [];
    const books: BookItem[] = [];
    // A year of a busy account: 15 lines a day on each side, few distinct amounts (so many ties and sums).
    for (let day = 0; day < 365; day++) {
      const date = new Date(Date.UTC(2023, 0, 1 + day)).toISOString().slice(0, 10);
      for (let k = 0; k < 15; k++) {
        statement.push(bank(date, 1000 * (1 + (k % 5)), k % 2 ? 'in' : 'out'));
        books.push(book(date, 1000 * (1 + ((k + day) % 5)), k % 3 ? 'in' : 'out'));
      }
    }
    const started = process.hrtime.bigint();
    const proposals = proposeMatches(statement, books, window);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    const statementIds = proposals.flatMap((p) => p.statementLineIds);
    const journalIds = proposals.flatMap((p) => p.journalLineIds);
    expect(new Set(statementIds).size).toBe(statementIds.length);
    expect(new Set(journalIds).size).toBe(journalIds.length);
    const amountOf = new Map([...statement, ...books].map((x) => [x.id, x.amountDong]));
    for (const p of proposals) {
      const sum = (ids: number[]) => ids.reduce((total, id) => total + (amountOf.get(id) ?? 0n), 0n);
      expect(sum(p.statementLineIds)).toBe(sum(p.journalLineIds));
    }
    expect(proposals.length).toBeGreaterThan(4000);
    // A generous bound: the subset search is capped per line, so this is far from any machine's limit.
    expect(elapsedMs).toBeLessThan(20_000);
  });

  it('handles amounts beyond 2^53 exactly', () => {
    const s = bank('2023-07-10', 900_719_925_474_099_300n);
    const parts = [book('2023-07-10', 900_719_925_474_099_200n), book('2023-07-10', 100)];
    expect(proposeMatches([s], parts, window)[0].journalLineIds).toEqual(parts.map((p) => p.id));
  });
});

describe('dayGap', () => {
  it('counts whole days across months and years', () => {
    expect(dayGap('2023-12-30', '2024-01-02')).toBe(3);
    expect(dayGap('2024-03-01', '2024-02-28')).toBe(2);
    expect(dayGap('2023-07-10', '2023-07-10')).toBe(0);
  });
});

describe('matchConfidence', () => {
  it('is high with a shared reference, medium for the same amount a day apart at most, low beyond', () => {
    const statement: StatementItem[] = [
      {
        id: 1,
        date: '2023-07-03',
        amountDong: 5_000_000n,
        direction: 'in',
        reference: 'PT-2023-000001',
        description: null,
      },
      {
        id: 2,
        date: '2023-07-03',
        amountDong: 7_000_000n,
        direction: 'in',
        reference: null,
        description: null,
      },
      {
        id: 3,
        date: '2023-07-10',
        amountDong: 9_000_000n,
        direction: 'out',
        reference: null,
        description: null,
      },
      {
        id: 4,
        date: '2023-07-20',
        amountDong: 3_000_000n,
        direction: 'in',
        reference: null,
        description: null,
      },
    ];
    const book = (
      id: number,
      date: string,
      amountDong: bigint,
      direction: 'in' | 'out',
      sourceRef: string | null,
    ) => ({
      id,
      date,
      amountDong,
      direction,
      sourceRef,
      text: '',
      reversal: false,
    });
    const books = [
      book(11, '2023-07-04', 5_000_000n, 'in', 'PT-2023-000001'),
      book(12, '2023-07-04', 7_000_000n, 'in', null),
      book(13, '2023-07-07', 9_000_000n, 'out', null),
      book(14, '2023-07-20', 1_000_000n, 'in', null),
      book(15, '2023-07-20', 2_000_000n, 'in', null),
    ];
    const proposals = proposeMatches(statement, books, { windowDays: 3 });
    const confidence = Object.fromEntries(
      proposals.map((p) => [p.statementLineIds[0], matchConfidence(p.kind, p.basis)]),
    );
    expect(confidence).toEqual({ 1: 'high', 2: 'medium', 3: 'low', 4: 'medium' });
    expect(matchConfidence('one_to_many', 'sum of 2 book lines; at most 2 days apart')).toBe('low');
  });
});
