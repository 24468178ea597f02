import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Money } from '../common/money';
import { ClaimsFileError, parseClaims, Qualifier, readClaimsFile, verdictOf } from './claims';

const verdict = (actual: number | string, value: number | string, qualifier: Qualifier, tolerance = '0') =>
  verdictOf(Money.parse(String(actual)), Money.parse(String(value)), qualifier, tolerance);

describe('claim verdicts', () => {
  it('exactly: the same figure, to the unit', () => {
    expect(verdict(1024, 1024, 'exactly')).toBe('agrees');
    expect(verdict(1023, 1024, 'exactly')).toBe('disagrees');
    expect(verdict(1025, 1024, 'exactly')).toBe('disagrees');
    expect(verdict(0, 0, 'exactly')).toBe('agrees');
  });

  it('about: within the tolerance on either side, the bound included', () => {
    // 1% of 1.000.000 is 10.000
    expect(verdict(1_010_000, 1_000_000, 'about', '1')).toBe('agrees');
    expect(verdict(990_000, 1_000_000, 'about', '1')).toBe('agrees');
    expect(verdict(1_010_001, 1_000_000, 'about', '1')).toBe('disagrees');
    expect(verdict(989_999, 1_000_000, 'about', '1')).toBe('disagrees');
    expect(verdict(1_000_000, 1_000_000, 'about', '1')).toBe('agrees');
  });

  it('nearly: at most the value, and short of it by no more than the tolerance', () => {
    // "nearly 55.5 billion", 1%: from 54.945 billion to 55.5 billion
    expect(verdict('55500000000', '55500000000', 'nearly', '1')).toBe('agrees');
    expect(verdict('54945000000', '55500000000', 'nearly', '1')).toBe('agrees');
    expect(verdict('54944999999', '55500000000', 'nearly', '1')).toBe('disagrees');
    expect(verdict('55500000001', '55500000000', 'nearly', '1')).toBe('disagrees');
  });

  it('more_than: above the value, by no more than the tolerance', () => {
    // "more than 36.5 billion", 2%: above 36.5 billion, up to 37.23 billion
    expect(verdict('36500000000', '36500000000', 'more_than', '2')).toBe('disagrees');
    expect(verdict('36500000001', '36500000000', 'more_than', '2')).toBe('agrees');
    expect(verdict('37230000000', '36500000000', 'more_than', '2')).toBe('agrees');
    expect(verdict('37230000001', '36500000000', 'more_than', '2')).toBe('disagrees');
  });

  it('takes fractional tolerances exactly, rounding the allowed gap down to whole units', () => {
    // 0.5% of 1.001 is 5.005: a gap of 5 is inside, 6 is not.
    expect(verdict(1006, 1001, 'about', '0.5')).toBe('agrees');
    expect(verdict(1007, 1001, 'about', '0.5')).toBe('disagrees');
    expect(verdict(995, 1000, 'nearly', '0.5')).toBe('agrees');
    expect(verdict(994, 1000, 'nearly', '0.5')).toBe('disagrees');
  });

  it('judges a negative figure (a period whose reversals outweigh its receipts) like any other', () => {
    expect(verdictOf(Money.fromStored('-5'), Money.parse('0'), 'exactly', '0')).toBe('disagrees');
    expect(verdictOf(Money.fromStored('-5'), Money.parse('10'), 'nearly', '100')).toBe('disagrees');
    expect(verdictOf(Money.fromStored('-5'), Money.parse('10'), 'about', '100')).toBe('disagrees');
  });
});

const claim = (overrides: Record<string, unknown> = {}) => ({
  label: 'Gần 55,5 tỷ',
  fund: 'LC',
  from: '2013-01-01',
  to: '2023-12-31',
  consolidated: true,
  metric: 'receipts_total',
  value: '55500000000',
  qualifier: 'nearly',
  tolerancePercent: '1',
  ...overrides,
});
const file = (claims: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ title: 'Lào Cai', source: 'phỏng vấn', claims, ...extra });
const problems = (text: string): string[] => {
  try {
    parseClaims(text, 'f.json');
  } catch (err) {
    if (err instanceof ClaimsFileError) return err.messages;
    throw err;
  }
  throw new Error('no problem found');
};

describe('claims files', () => {
  it('reads a good file, with the default tolerances', () => {
    const parsed = parseClaims(
      file([
        claim(),
        claim({
          qualifier: 'exactly',
          tolerancePercent: undefined,
          metric: 'households_supported',
          value: 1024,
        }),
        claim({
          qualifier: 'about',
          tolerancePercent: undefined,
          purposes: ['house_new', 'transfer'],
          metric: 'disbursements_total',
        }),
      ]),
      'f.json',
    );
    expect(
      parsed.claims.map((c) => [c.metric, c.value, c.qualifier, c.tolerancePercent, c.purposes]),
    ).toEqual([
      ['receipts_total', '55500000000', 'nearly', '1', null],
      ['households_supported', '1024', 'exactly', '0', null],
      ['disbursements_total', '55500000000', 'about', '5', ['house_new', 'transfer']],
    ]);
  });

  it('reads the accounts a claim counts, and refuses accounts of the wrong side or beside purposes', () => {
    const parsed = parseClaims(file([claim({ accounts: ['5111', '5112', '5113', '5114'] })]), 'f.json');
    expect(parsed.claims[0].accounts).toEqual(['5111', '5112', '5113', '5114']);
    expect(
      problems(
        file([
          claim({ accounts: ['6111'] }),
          claim({ metric: 'households_supported', accounts: ['5111'] }),
          claim({ metric: 'disbursements_total', accounts: ['6111'], purposes: ['house_new'] }),
          claim({ accounts: ['51x1', '5111'] }),
        ]),
      ),
    ).toEqual([
      'f.json: claims[0].accounts: 6111 is not a 51xx account, which receipts_total counts',
      'f.json: claims[1].accounts applies only to receipts_total and disbursements_total',
      'f.json: claims[2]: name accounts or purposes, not both',
      'f.json: claims[3].accounts must be a list of 1 to 50 account codes in digits, e.g. ["5111", "5112"]',
    ]);
  });

  it('names every problem of a broken file, with where it is', () => {
    expect(problems('{"title": ')[0]).toMatch(/^f\.json is not valid JSON/);
    expect(problems('[]')).toEqual(['f.json must be an object']);
    expect(problems(file([], { extra: 1 }))).toEqual([
      'f.json: extra is not a known field (title, source, definitions, claims)',
      'f.json: claims must hold from 1 to 200 claims',
    ]);
    expect(
      problems(
        file([
          claim({ label: ' ', fund: 7, from: '2023-02-30', consolidated: 'true', metric: 'total' }),
          claim({ value: '-1', qualifier: 'roughly', tolerancePercent: 'five', purposes: ['house_new'] }),
          claim({ metric: 'households_supported', purposes: ['transfer', 'house_new', 'house_new'] }),
          claim({ qualifier: 'exactly', tolerancePercent: '1', to: '2012-12-31', colour: 'red' }),
          claim({ tolerancePercent: '101', value: 1.5 }),
        ]),
      ),
    ).toEqual([
      'f.json: claims[0].label must be a non-blank string',
      'f.json: claims[0].fund must be a non-blank string',
      'f.json: claims[0].from must be a date written YYYY-MM-DD',
      'f.json: claims[0].consolidated must be true or false',
      'f.json: claims[0].metric must be one of receipts_total, disbursements_total, households_supported, closing_balance',
      'f.json: claims[1].qualifier must be one of exactly, about, nearly, more_than',
      'f.json: claims[1].purposes applies only to disbursements_total and households_supported',
      'f.json: claims[1].value must not be negative',
      'f.json: claims[1].tolerancePercent must be a percent from 0 to 100 written in digits, e.g. "1" or "0.5"',
      'f.json: claims[2].purposes: transfer is not one of house_new, house_repair, visit_gift, hardship, savings_book, memorial, management',
      'f.json: claims[2].purposes names a purpose twice',
      'f.json: claims[3]: colour is not a known field (label, fund, from, to, consolidated, metric, purposes, accounts, value, qualifier, tolerancePercent)',
      'f.json: claims[3]: from (2013-01-01) must not be after to (2012-12-31)',
      'f.json: claims[3].tolerancePercent does not apply to exactly (use about)',
      'f.json: claims[4].value must be a whole number of đồng, without a fraction',
      'f.json: claims[4].tolerancePercent must be a percent from 0 to 100 written in digits, e.g. "1" or "0.5"',
    ]);
  });

  it('finds files by name only in its folder: 404 for a missing file or a name that could leave it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claims-'));
    try {
      fs.writeFileSync(path.join(dir, 'ok.json'), file([claim()]));
      fs.mkdirSync(path.join(dir, 'folder.json'));
      expect(readClaimsFile('ok', dir).claims).toHaveLength(1);
      for (const name of ['missing', '../ok', 'OK', '', 'folder']) {
        expect(() => readClaimsFile(name, dir)).toThrow(/do not exist/);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ships data/claims files that parse', () => {
    const laoCai = readClaimsFile('lao-cai-2013-2023');
    expect(laoCai.claims.map((c) => [c.fund, c.metric, c.value, c.qualifier, c.tolerancePercent])).toEqual([
      ['LC', 'receipts_total', '55500000000', 'nearly', '1'],
      ['LC', 'households_supported', '1024', 'exactly', '0'],
      ['LC', 'disbursements_total', '36500000000', 'more_than', '2'],
    ]);
    expect(
      laoCai.claims.every((c) => c.consolidated && c.from === '2013-01-01' && c.to === '2023-12-31'),
    ).toBe(true);
    expect(readClaimsFile('test-fixture').claims.length).toBeGreaterThan(0);
  });
});
