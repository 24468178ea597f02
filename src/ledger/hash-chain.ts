import { sha256Text } from '../common/sha256';

export const GENESIS_HASH = '0'.repeat(64);

/** Everything that makes an entry what it is; any change to it changes the hash. */
export interface CanonicalEntry {
  fundCode: string;
  number: number;
  date: string;
  description: string;
  source: string;
  sourceRef: string | null;
  reversalOfId: number | null;
  postedBy: string;
  postedAt: string;
  lines: { lineNo: number; account: string; debit: string; credit: string; memo: string | null }[];
}

/**
 * SHA-256 over the previous entry's hash and this entry's canonical content (invariant 7). The previous entry is
 * the fund's own previous one (each fund has its chain, chain-head.ts); for entries posted before the chain went
 * per fund, the one before it in id order (`chain_head` marks where that chain ends).
 */
export function entryHash(prevHash: string, entry: CanonicalEntry): string {
  const canonical = JSON.stringify([
    prevHash,
    entry.fundCode,
    entry.number,
    entry.date,
    entry.description,
    entry.source,
    entry.sourceRef,
    entry.reversalOfId,
    entry.postedBy,
    entry.postedAt,
    entry.lines.map((line) => [line.lineNo, line.account, line.debit, line.credit, line.memo]),
  ]);
  // The one-shot SHA-256 (UTF-8, as before): the same digest without a Hash object per entry.
  return sha256Text(canonical);
}
