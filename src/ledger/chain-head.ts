import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { sql } from '../database/sql';
import { GENESIS_HASH } from './hash-chain';

/**
 * The head of the books (issue 13). Each fund has its own hash chain (hash-chain.ts), so that funds post in
 * parallel; what stands for all the books at a moment — in an audit bundle, a signed disclosure, a backup — is the
 * SHA-256 over every fund's head (its last entry's number and hash) in fund-code order. It depends only on the
 * journal up to an entry id, so a head recorded then can be recomputed and checked at any later time.
 */
export interface LedgerHead {
  /** GENESIS_HASH for books without an entry. */
  hash: string;
  /** Entries up to `lastEntryId`: the sum of the funds' last entry numbers (each fund numbers 1, 2, 3, …). */
  entryCount: number;
  lastEntryId: number | null;
}

/** One fund's head: its last entry (up to some entry id). */
export interface FundHead {
  fundCode: string;
  id: number;
  number: number;
  hash: string;
}

/**
 * Every fund's last entry with an id up to `?`: index ix_entries_fund_id makes it one seek per fund. Plain SQL
 * with one `?`, so TypeORM and a raw better-sqlite3 handle (the backup command) run the same text.
 */
export const FUND_HEADS_SQL = `SELECT b.fund_code AS fund_code, e.id AS id, e.number AS number, e.hash AS hash
  FROM books b JOIN journal_entries e
    ON e.id = (SELECT MAX(x.id) FROM journal_entries x WHERE x.fund_id = b.fund_id AND x.id <= ?)`;

/** Above any entry id (ids are 32-bit integers on PostgreSQL): "up to now". */
export const LATEST = 2_147_483_647;

export function fundHeadsFromRows(
  rows: { fund_code: string; id: number | string; number: number | string; hash: string }[],
): FundHead[] {
  return rows.map((r) => ({
    fundCode: r.fund_code,
    id: Number(r.id),
    number: Number(r.number),
    hash: r.hash,
  }));
}

export function combineHeads(heads: readonly FundHead[]): LedgerHead {
  if (heads.length === 0) return { hash: GENESIS_HASH, entryCount: 0, lastEntryId: null };
  const ordered = [...heads].sort((a, b) => (a.fundCode < b.fundCode ? -1 : a.fundCode > b.fundCode ? 1 : 0));
  const hash = createHash('sha256')
    .update(JSON.stringify(ordered.map((h) => [h.fundCode, h.number, h.hash])), 'utf8')
    .digest('hex');
  return {
    hash,
    entryCount: ordered.reduce((sum, h) => sum + h.number, 0),
    lastEntryId: Math.max(...ordered.map((h) => h.id)),
  };
}

/**
 * The books' head as of entry `upTo` (default: now), over all funds or only `fundCodes` (a user limited to some
 * funds sees their funds' head, not the others').
 */
export async function ledgerHead(
  manager: EntityManager,
  options: { upTo?: number | null; fundCodes?: readonly string[] } = {},
): Promise<LedgerHead> {
  const rows = await sql<{ fund_code: string; id: number; number: number; hash: string }>(
    manager,
    FUND_HEADS_SQL,
    [options.upTo ?? LATEST],
  );
  const wanted = options.fundCodes ? new Set(options.fundCodes) : null;
  return combineHeads(fundHeadsFromRows(rows).filter((h) => wanted === null || wanted.has(h.fundCode)));
}
