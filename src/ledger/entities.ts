import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { dongColumn } from '../database/columns';
import { GENESIS_HASH } from './hash-chain';

export const ACCOUNT_TYPES = ['asset', 'liability', 'fund_balance', 'receipts', 'disbursements'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export const ENTRY_SOURCES = [
  'manual',
  'contribution',
  'disbursement',
  'transfer',
  'reversal',
  'closing',
  'opening',
  'import',
  'bank_advice',
] as const;
export type EntrySource = (typeof ENTRY_SOURCES)[number];

/** The ledger's view of a fund: one set of books, its lock date and its entry counter. */
@Entity({ name: 'books' })
@Index('uq_books_code', ['fundCode'], { unique: true })
export class Book {
  /** Same value as funds.id: a fund's books are opened in the transaction that creates the fund. */
  @PrimaryColumn({ name: 'fund_id', type: 'integer' })
  fundId: number;

  @Column({ name: 'fund_code', type: 'varchar', length: 32 })
  fundCode: string;

  /** No posting on or before this date (YYYY-MM-DD). */
  @Column({ name: 'locked_through', type: 'varchar', length: 10, nullable: true })
  lockedThrough: string | null;

  @Column({ name: 'last_entry_no', type: 'integer' })
  lastEntryNo: number;

  /** The hash of entry `lastEntryNo`, the head of this fund's hash chain (GENESIS_HASH before its first entry). */
  @Column({ name: 'last_hash', type: 'varchar', length: 64, default: GENESIS_HASH })
  lastHash: string;

  /** Closed books (a merged fund) take no posting at all, from this date (YYYY-MM-DD) on; null while open. */
  @Column({ name: 'closed_on', type: 'varchar', length: 10, nullable: true })
  closedOn: string | null;

  /** Why they closed, quoted in the refusal, e.g. "merged into LC (Quỹ … tỉnh Lào Cai) on 2025-06-30". */
  @Column({ name: 'closed_note', type: 'varchar', length: 300, nullable: true })
  closedNote: string | null;
}

@Entity({ name: 'accounts' })
@Index('uq_accounts_fund_code', ['fundId', 'code'], { unique: true })
export class Account {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'fund_id', type: 'integer' })
  fundId: number;

  @ManyToOne(() => Book, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fund_id', foreignKeyConstraintName: 'fk_accounts_book' })
  book?: Book;

  @Column({ type: 'varchar', length: 16 })
  code: string;

  @Column({ name: 'name_vi', type: 'varchar', length: 200 })
  nameVi: string;

  @Column({ name: 'name_en', type: 'varchar', length: 200 })
  nameEn: string;

  @Column({ type: 'varchar', length: 16 })
  type: AccountType;

  /** Cash and bank (111, 112): the balance may never go below zero. */
  @Column({ name: 'non_negative', type: 'integer' })
  nonNegative: number;
}

@Entity({ name: 'journal_entries' })
@Index('uq_entries_fund_number', ['fundId', 'number'], { unique: true })
@Index('ix_entries_fund_date', ['fundId', 'entryDate'])
@Index('ix_entries_fund_id', ['fundId', 'id'])
@Index('ix_entries_closing', ['fundId', 'entryDate'], { where: "source = 'closing'" })
@Index('uq_entries_reversal_of', ['reversalOfId'], { unique: true, where: 'reversal_of_id IS NOT NULL' })
export class JournalEntry {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'fund_id', type: 'integer' })
  fundId: number;

  @ManyToOne(() => Book, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fund_id', foreignKeyConstraintName: 'fk_entries_book' })
  book?: Book;

  /** Per-fund sequence: 1, 2, 3, … */
  @Column({ type: 'integer' })
  number: number;

  @Column({ name: 'entry_date', type: 'varchar', length: 10 })
  entryDate: string;

  @Column({ type: 'varchar', length: 500 })
  description: string;

  @Column({ type: 'varchar', length: 16 })
  source: EntrySource;

  /** The document behind the entry, e.g. a receipt number. */
  @Column({ name: 'source_ref', type: 'varchar', length: 100, nullable: true })
  sourceRef: string | null;

  @Column({ name: 'reversal_of_id', type: 'integer', nullable: true })
  reversalOfId: number | null;

  @ManyToOne(() => JournalEntry, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'reversal_of_id', foreignKeyConstraintName: 'fk_entries_reversal_of' })
  reversalOf?: JournalEntry | null;

  @Column({ name: 'posted_by', type: 'varchar', length: 64 })
  postedBy: string;

  @Column({ name: 'posted_at', type: 'varchar', length: 30 })
  postedAt: string;

  @Column({ name: 'prev_hash', type: 'varchar', length: 64 })
  prevHash: string;

  @Column({ type: 'varchar', length: 64 })
  hash: string;
}

@Entity({ name: 'journal_lines' })
@Index('ix_lines_entry', ['entryId'])
@Index('ix_lines_account', ['accountId'])
@Check('ck_lines_one_side', '(debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)')
export class JournalLine {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'entry_id', type: 'integer' })
  entryId: number;

  @ManyToOne(() => JournalEntry, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'entry_id', foreignKeyConstraintName: 'fk_lines_entry' })
  entry?: JournalEntry;

  @Column({ name: 'line_no', type: 'integer' })
  lineNo: number;

  @Column({ name: 'account_id', type: 'integer' })
  accountId: number;

  @ManyToOne(() => Account, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'fk_lines_account' })
  account?: Account;

  @Column({ type: 'bigint', transformer: dongColumn })
  debit: string;

  @Column({ type: 'bigint', transformer: dongColumn })
  credit: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  memo: string | null;
}

/** Debit and credit turnover per account and month, kept in the posting transaction (invariant 4). */
@Entity({ name: 'account_balances' })
@Index('ix_balances_fund_period', ['fundId', 'period', 'accountId', 'debit', 'credit'])
export class AccountBalance {
  @PrimaryColumn({ name: 'account_id', type: 'integer' })
  accountId: number;

  @ManyToOne(() => Account, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'fk_balances_account' })
  account?: Account;

  /** YYYY-MM */
  @PrimaryColumn({ type: 'varchar', length: 7 })
  period: string;

  @Column({ name: 'fund_id', type: 'integer' })
  fundId: number;

  @Column({ type: 'bigint', transformer: dongColumn })
  debit: string;

  @Column({ type: 'bigint', transformer: dongColumn })
  credit: string;
}

/**
 * The last entry of the one chain over all funds that the books kept before the chain went per fund (issue 13):
 * entries up to `lastEntryId` follow the entry before them in id order, later ones the previous entry of their
 * fund. It no longer moves; `lastEntryId` is null when the books had no entry then.
 */
@Entity({ name: 'chain_head' })
export class ChainHead {
  @PrimaryColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'last_entry_id', type: 'integer', nullable: true })
  lastEntryId: number | null;

  @Column({ type: 'varchar', length: 64 })
  hash: string;

  @Column({ name: 'entry_count', type: 'integer' })
  entryCount: number;
}
