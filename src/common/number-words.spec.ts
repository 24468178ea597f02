import fc from 'fast-check';
import { AmountWordsError, amountInWords } from './number-words';

// Each expected string was read by hand against DESIGN.md §5. Keys are written with Vietnamese thousands
// separators for readability; the dots are stripped before the call.
const CASES: [string, string][] = [
  // §5's own examples
  ['1.005', 'Một nghìn không trăm linh năm đồng'],
  ['15', 'Mười lăm đồng'],
  ['21', 'Hai mươi mốt đồng'],
  ['105', 'Một trăm linh năm đồng'],
  ['1.010', 'Một nghìn không trăm mười đồng'],
  ['700.001', 'Bảy trăm nghìn không trăm linh một đồng'],
  ['1.000.000.001', 'Một tỷ không trăm linh một đồng'],
  ['55.500.000.000', 'Năm mươi lăm tỷ năm trăm triệu đồng'],
  ['1.000.000.000.000', 'Một nghìn tỷ đồng'],
  ['1.500.000.000.000', 'Một nghìn năm trăm tỷ đồng'],
  // units and tens
  ['0', 'Không đồng'],
  ['1', 'Một đồng'],
  ['4', 'Bốn đồng'],
  ['5', 'Năm đồng'],
  ['9', 'Chín đồng'],
  ['10', 'Mười đồng'],
  ['11', 'Mười một đồng'],
  ['14', 'Mười bốn đồng'],
  ['19', 'Mười chín đồng'],
  ['20', 'Hai mươi đồng'],
  ['24', 'Hai mươi tư đồng'],
  ['25', 'Hai mươi lăm đồng'],
  ['31', 'Ba mươi mốt đồng'],
  ['40', 'Bốn mươi đồng'],
  ['41', 'Bốn mươi mốt đồng'],
  ['44', 'Bốn mươi tư đồng'],
  ['54', 'Năm mươi tư đồng'],
  ['55', 'Năm mươi lăm đồng'],
  ['99', 'Chín mươi chín đồng'],
  // hundreds: linh, mười, mốt, lăm
  ['100', 'Một trăm đồng'],
  ['101', 'Một trăm linh một đồng'],
  ['104', 'Một trăm linh bốn đồng'],
  ['110', 'Một trăm mười đồng'],
  ['111', 'Một trăm mười một đồng'],
  ['115', 'Một trăm mười lăm đồng'],
  ['121', 'Một trăm hai mươi mốt đồng'],
  ['305', 'Ba trăm linh năm đồng'],
  ['999', 'Chín trăm chín mươi chín đồng'],
  // thousands: inner groups read in full
  ['1.000', 'Một nghìn đồng'],
  ['1.001', 'Một nghìn không trăm linh một đồng'],
  ['1.015', 'Một nghìn không trăm mười lăm đồng'],
  ['1.021', 'Một nghìn không trăm hai mươi mốt đồng'],
  ['1.100', 'Một nghìn một trăm đồng'],
  ['10.005', 'Mười nghìn không trăm linh năm đồng'],
  ['15.000', 'Mười lăm nghìn đồng'],
  ['21.000', 'Hai mươi mốt nghìn đồng'],
  ['25.500', 'Hai mươi lăm nghìn năm trăm đồng'],
  ['50.000', 'Năm mươi nghìn đồng'],
  ['100.000', 'Một trăm nghìn đồng'],
  ['105.000', 'Một trăm linh năm nghìn đồng'],
  ['500.000', 'Năm trăm nghìn đồng'],
  // millions: all-zero groups skipped
  ['1.000.000', 'Một triệu đồng'],
  ['1.000.001', 'Một triệu không trăm linh một đồng'],
  ['1.000.010', 'Một triệu không trăm mười đồng'],
  ['1.001.000', 'Một triệu không trăm linh một nghìn đồng'],
  ['1.250.000', 'Một triệu hai trăm năm mươi nghìn đồng'],
  ['2.024.000', 'Hai triệu không trăm hai mươi tư nghìn đồng'],
  ['5.050.505', 'Năm triệu không trăm năm mươi nghìn năm trăm linh năm đồng'],
  ['21.000.021', 'Hai mươi mốt triệu không trăm hai mươi mốt đồng'],
  ['35.500.000', 'Ba mươi lăm triệu năm trăm nghìn đồng'],
  ['100.000.000', 'Một trăm triệu đồng'],
  ['200.000.000', 'Hai trăm triệu đồng'],
  [
    '999.999.999',
    'Chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn chín trăm chín mươi chín đồng',
  ],
  // tỷ, and the recursive tỷ above 10^12
  ['1.000.000.000', 'Một tỷ đồng'],
  ['1.000.001.000', 'Một tỷ không trăm linh một nghìn đồng'],
  ['1.001.000.000', 'Một tỷ không trăm linh một triệu đồng'],
  ['2.000.005.000', 'Hai tỷ không trăm linh năm nghìn đồng'],
  ['36.500.000.000', 'Ba mươi sáu tỷ năm trăm triệu đồng'],
  ['100.000.000.000', 'Một trăm tỷ đồng'],
  ['1.005.000.000.000', 'Một nghìn không trăm linh năm tỷ đồng'],
  ['1.000.000.010.000', 'Một nghìn tỷ không trăm mười nghìn đồng'],
  ['1.000.100.000.000', 'Một nghìn tỷ một trăm triệu đồng'],
  [
    '1.234.567.890.123',
    'Một nghìn hai trăm ba mươi tư tỷ năm trăm sáu mươi bảy triệu tám trăm chín mươi nghìn ' +
      'một trăm hai mươi ba đồng',
  ],
  ['1.000.000.000.000.000', 'Một triệu tỷ đồng'],
  ['1.000.000.000.000.001', 'Một triệu tỷ không trăm linh một đồng'],
  [
    '999.999.999.999.999',
    'Chín trăm chín mươi chín nghìn chín trăm chín mươi chín tỷ chín trăm chín mươi chín triệu ' +
      'chín trăm chín mươi chín nghìn chín trăm chín mươi chín đồng',
  ],
  ['1.000.000.000.000.000.000', 'Một tỷ tỷ đồng'],
  ['2.000.000.000.000.000.001', 'Hai tỷ tỷ không trăm linh một đồng'],
  ['5.000.000.000.000.000.000.000', 'Năm nghìn tỷ tỷ đồng'],
];

describe('amountInWords', () => {
  it('has at least 60 hand-checked amounts', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
  });

  it.each(CASES)('%s đ → %s', (amount, expected) => {
    expect(amountInWords(amount.replace(/\./g, ''))).toBe(expected);
  });

  it('ignores leading zeros', () => {
    expect(amountInWords('0000105')).toBe('Một trăm linh năm đồng');
    expect(amountInWords('000')).toBe('Không đồng');
  });

  it('writes precomposed (NFC) Vietnamese', () => {
    const words = amountInWords('55500000000');
    expect(words.normalize('NFC')).toBe(words);
  });

  it.each(['', ' 1', '-5', '1.000', '1,5', '1e6', '12a', '١٢'])('rejects %j', (input) => {
    expect(() => amountInWords(input)).toThrow(AmountWordsError);
  });

  it('rejects more than 40 significant digits', () => {
    expect(amountInWords('9'.repeat(40))).toMatch(/đồng$/);
    expect(() => amountInWords('1' + '0'.repeat(40))).toThrow(AmountWordsError);
  });

  it('reads back to the same number, with the §5 spelling, for any amount below 10^24', () => {
    // Built from 3-digit groups biased towards zeros and the tricky endings, which uniform numbers rarely hit.
    const group = fc.oneof(
      fc.constant(0),
      fc.constantFrom(1, 4, 5, 10, 11, 14, 15, 21, 24, 25, 100, 101, 105, 110, 115, 999),
      fc.integer({ min: 0, max: 999 }),
    );
    const amount = fc
      .array(group, { minLength: 1, maxLength: 8 })
      .map((groups) => groups.reduce((total, value) => total * 1000n + BigInt(value), 0n));
    fc.assert(
      fc.property(amount, (value) => {
        expect(parseWords(amountInWords(value.toString()))).toBe(value);
      }),
      { numRuns: 3000 },
    );
  });
});

/**
 * A strict reader of the words, written independently of the implementation: it accepts only §5's spelling
 * (mốt/tư only after tens ≥ 2, lăm only after a tens digit, linh only between hundreds and a lone unit,
 * full groups after the first) and throws on anything else.
 */
function parseWords(sentence: string): bigint {
  const match = /^(.*) đồng$/.exec(sentence);
  if (!match) throw new Error(`no "đồng": ${sentence}`);
  const body = match[1];
  if (body.charAt(0) !== body.charAt(0).toUpperCase()) throw new Error(`not capitalised: ${sentence}`);
  const tokens = (body.charAt(0).toLowerCase() + body.slice(1)).split(' ');
  if (tokens.length === 1 && tokens[0] === 'không') return 0n;
  return readTokens(tokens, true);
}

function readTokens(tokens: string[], leading: boolean): bigint {
  const billion = tokens.lastIndexOf('tỷ');
  if (billion >= 0) {
    const quotient = tokens.slice(0, billion);
    const remainder = tokens.slice(billion + 1);
    if (quotient.length === 0) throw new Error('tỷ without a quotient');
    return readTokens(quotient, leading) * 10n ** 9n + (remainder.length ? readGroups(remainder, false) : 0n);
  }
  return readGroups(tokens, leading);
}

function readGroups(tokens: string[], leading: boolean): bigint {
  let total = 0n;
  let current: string[] = [];
  let first = leading;
  let lastScale = 10n ** 9n;
  const flush = (scale: bigint) => {
    if (current.length === 0) throw new Error('scale word without a group');
    if (scale >= lastScale) throw new Error('scales out of order');
    total += readTriple(current, !first) * scale;
    first = false;
    lastScale = scale;
    current = [];
  };
  for (const token of tokens) {
    if (token === 'triệu') flush(10n ** 6n);
    else if (token === 'nghìn') flush(10n ** 3n);
    else current.push(token);
  }
  if (current.length) flush(1n);
  return total;
}

const PLAIN: Record<string, bigint> = {
  không: 0n,
  một: 1n,
  hai: 2n,
  ba: 3n,
  bốn: 4n,
  năm: 5n,
  sáu: 6n,
  bảy: 7n,
  tám: 8n,
  chín: 9n,
};

function plainDigit(token: string | undefined, allowZero: boolean): bigint {
  const value = token === undefined ? undefined : PLAIN[token];
  if (value === undefined || (!allowZero && value === 0n)) throw new Error(`not a digit: ${token}`);
  return value;
}

function readTriple(tokens: string[], full: boolean): bigint {
  let index = 0;
  let hundreds = 0n;
  const hasHundreds = tokens[1] === 'trăm';
  if (full && !hasHundreds) throw new Error(`inner group not read in full: ${tokens.join(' ')}`);
  if (hasHundreds) {
    hundreds = plainDigit(tokens[0], full);
    index = 2;
  }
  const rest = tokens.slice(index);
  let below = 0n;
  if (rest.length === 0) {
    below = 0n;
  } else if (rest[0] === 'linh') {
    if (!hasHundreds || rest.length !== 2) throw new Error(`bad linh: ${tokens.join(' ')}`);
    below = plainDigit(rest[1], false);
  } else if (rest[0] === 'mười') {
    below = 10n + (rest.length === 1 ? 0n : unitAfter(rest.slice(1), 1n));
  } else if (rest[1] === 'mươi') {
    const tens = plainDigit(rest[0], false);
    if (tens < 2n) throw new Error('một mươi');
    below = tens * 10n + (rest.length === 2 ? 0n : unitAfter(rest.slice(2), tens));
  } else {
    if (hasHundreds || rest.length !== 1) throw new Error(`bad group: ${tokens.join(' ')}`);
    below = plainDigit(rest[0], false);
  }
  if (hundreds === 0n && below === 0n) throw new Error('zero group read');
  return hundreds * 100n + below;
}

function unitAfter(tokens: string[], tens: bigint): bigint {
  if (tokens.length !== 1) throw new Error(`extra words: ${tokens.join(' ')}`);
  const [token] = tokens;
  if (token === 'lăm') return 5n;
  if (token === 'năm') throw new Error('năm after tens must be lăm');
  if (tens >= 2n) {
    if (token === 'mốt') return 1n;
    if (token === 'tư') return 4n;
    if (token === 'một' || token === 'bốn') throw new Error(`${token} after tens ≥ 2`);
  }
  return plainDigit(token, false);
}
