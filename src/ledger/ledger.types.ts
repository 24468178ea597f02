import type { Money } from '../common/money';
import type { EntrySource } from './entities';

export interface PostingLineInput {
  account: string;
  debit?: Money;
  credit?: Money;
  memo?: string | null;
}

/** What any feature asks the one posting path to write. */
export interface PostingInput {
  fundCode: string;
  /** YYYY-MM-DD */
  date: string;
  description: string;
  source: EntrySource;
  /** The document behind the entry (receipt or voucher number). */
  sourceRef?: string | null;
  lines: PostingLineInput[];
  /** Username of the person (or `cli`) posting. */
  postedBy: string;
}

export interface EntryLineView {
  account: string;
  debit: string;
  credit: string;
  memo: string | null;
}

export interface EntryView {
  id: number;
  number: number;
  fundCode: string;
  date: string;
  description: string;
  source: EntrySource;
  sourceRef: string | null;
  postedBy: string;
  postedAt: string;
  hash: string;
  reversalOf: number | null;
  reversedBy: number | null;
  lines: EntryLineView[];
}

export const MAX_LINES_PER_ENTRY = 200;
