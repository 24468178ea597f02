/**
 * "Số tiền bằng chữ": a whole number of đồng read in Vietnamese words, by the rules of DESIGN.md §5.
 *
 * Works on the digit string only (no Number, no floating point), so amounts of 10^15 đồng and beyond read
 * exactly. Above 10^9 the quotient is read again and followed by "tỷ": 10^12 is "một nghìn tỷ",
 * 10^15 is "một triệu tỷ", 10^18 is "một tỷ tỷ".
 */

/** Longest digit string accepted (10^40 − 1): a bound on the work, far above any amount the books hold. */
export const MAX_AMOUNT_WORDS_DIGITS = 40;

const DIGIT_WORDS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'] as const;
/** Scale words of the three 3-digit groups below a tỷ, from the lowest. */
const GROUP_SCALES = ['', 'nghìn', 'triệu'] as const;
const DIGITS = /^[0-9]+$/;

export class AmountWordsError extends Error {}

/**
 * Reads a non-negative whole amount of đồng, given as a string of digits, e.g. "55500000000" →
 * "Năm mươi lăm tỷ năm trăm triệu đồng". Leading zeros are ignored; "0" is "Không đồng".
 */
export function amountInWords(digits: string): string {
  if (!DIGITS.test(digits)) {
    throw new AmountWordsError(`amount must be a string of digits (whole đồng), got "${digits}"`);
  }
  const significant = digits.replace(/^0+/, '');
  if (significant.length > MAX_AMOUNT_WORDS_DIGITS) {
    throw new AmountWordsError(`amount has more than ${MAX_AMOUNT_WORDS_DIGITS} digits`);
  }
  if (significant === '') return 'Không đồng';
  const words = readNumber(significant, true).join(' ');
  return `${words.charAt(0).toUpperCase()}${words.slice(1)} đồng`;
}

/**
 * Words for a number given as digits without leading zeros (or an all-zero string, which reads as nothing).
 * `leading` is true when these digits begin the whole amount: only the leading group is read short
 * ("năm" rather than "không trăm linh năm").
 */
function readNumber(digits: string, leading: boolean): string[] {
  if (digits.length > 9) {
    // Above 10^9: the quotient is read again (it may itself hold tỷ), then the remainder in full.
    const quotient = digits.slice(0, digits.length - 9);
    const remainder = digits.slice(digits.length - 9);
    const words = [...readNumber(quotient, leading), 'tỷ'];
    return words.concat(readNumber(remainder, false));
  }
  const words: string[] = [];
  const padded = digits.padStart(9, '0');
  for (let group = 0; group < 3; group++) {
    const triple = padded.slice(group * 3, group * 3 + 3);
    if (triple === '000') continue; // all-zero groups are skipped
    const scale = GROUP_SCALES[2 - group];
    // The first group of the whole amount is read short; every later group is read in full.
    const full = !(leading && words.length === 0);
    words.push(...readTriple(digit(triple, 0), digit(triple, 1), digit(triple, 2), full));
    if (scale !== '') words.push(scale);
  }
  return words;
}

/** Words for one 3-digit group that is not 000. */
function readTriple(hundreds: number, tens: number, units: number, full: boolean): string[] {
  const words: string[] = [];
  const readsHundreds = full || hundreds > 0;
  if (readsHundreds) words.push(DIGIT_WORDS[hundreds], 'trăm'); // "không trăm" when full and hundreds are 0
  if (tens === 0) {
    if (units === 0) return words;
    // "linh" joins hundreds to a lone unit: 105 "một trăm linh năm"; a bare 5 is just "năm".
    if (readsHundreds) words.push('linh');
    words.push(DIGIT_WORDS[units]);
    return words;
  }
  if (tens === 1) {
    words.push('mười');
  } else {
    words.push(DIGIT_WORDS[tens], 'mươi');
  }
  if (units === 0) return words;
  words.push(unitAfterTens(tens, units));
  return words;
}

/** A unit digit that follows a tens digit of 1–9. */
function unitAfterTens(tens: number, units: number): string {
  if (units === 5) return 'lăm'; // after any tens digit: mười lăm, hai mươi lăm
  if (tens >= 2 && units === 1) return 'mốt'; // hai mươi mốt, but mười một
  if (tens >= 2 && units === 4) return 'tư'; // hai mươi tư, but mười bốn (one spelling, used consistently)
  return DIGIT_WORDS[units];
}

function digit(text: string, index: number): number {
  return text.charCodeAt(index) - 48;
}
