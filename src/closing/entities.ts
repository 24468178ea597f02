import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Fund } from '../funds/fund.entity';
import { JournalEntry } from '../ledger/entities';

export type YearClosingStatus = 'closed' | 'reopened';

/**
 * One year-end close of one fund (DESIGN.md §7). Reopening keeps the row (status `reopened`, who, when, why) and a
 * later close adds a new one, so the table is the history of every close; at most one row per fund and year is
 * `closed` at a time (checked under the write lock).
 */
@Entity({ name: 'year_closings' })
@Index('ix_year_closings_fund_year', ['fundId', 'year'])
export class YearClosing {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'fund_id', type: 'integer' })
  fundId: number;

  @ManyToOne(() => Fund, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fund_id', foreignKeyConstraintName: 'fk_year_closings_fund' })
  fund?: Fund;

  @Column({ type: 'integer' })
  year: number;

  /** The closing entry (receipts and disbursements into 431); null when the year had nothing to close. */
  @Column({ name: 'entry_id', type: 'integer', nullable: true })
  entryId: number | null;

  @ManyToOne(() => JournalEntry, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'entry_id', foreignKeyConstraintName: 'fk_year_closings_entry' })
  entry?: JournalEntry | null;

  @Column({ type: 'varchar', length: 10 })
  status: YearClosingStatus;

  @Column({ name: 'closed_by', type: 'varchar', length: 64 })
  closedBy: string;

  @Column({ name: 'closed_at', type: 'varchar', length: 30 })
  closedAt: string;

  @Column({ name: 'reopened_by', type: 'varchar', length: 64, nullable: true })
  reopenedBy: string | null;

  @Column({ name: 'reopened_at', type: 'varchar', length: 30, nullable: true })
  reopenedAt: string | null;

  /** Why the year was reopened. */
  @Column({ type: 'varchar', length: 400, nullable: true })
  reason: string | null;

  /** The reversal of the closing entry posted by the reopening. */
  @Column({ name: 'reversal_entry_id', type: 'integer', nullable: true })
  reversalEntryId: number | null;

  @ManyToOne(() => JournalEntry, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'reversal_entry_id', foreignKeyConstraintName: 'fk_year_closings_reversal_entry' })
  reversalEntry?: JournalEntry | null;
}

/** A fund merged into its successor at a cut-off date (DESIGN.md §7): at most one per predecessor. */
@Entity({ name: 'fund_mergers' })
@Index('uq_fund_mergers_predecessor', ['predecessorId'], { unique: true })
@Index('ix_fund_mergers_successor', ['successorId'])
export class FundMerger {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'predecessor_id', type: 'integer' })
  predecessorId: number;

  @ManyToOne(() => Fund, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'predecessor_id', foreignKeyConstraintName: 'fk_fund_mergers_predecessor' })
  predecessor?: Fund;

  @Column({ name: 'successor_id', type: 'integer' })
  successorId: number;

  @ManyToOne(() => Fund, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'successor_id', foreignKeyConstraintName: 'fk_fund_mergers_successor' })
  successor?: Fund;

  /** The predecessor's last day (YYYY-MM-DD); all three entries are dated on it. */
  @Column({ type: 'varchar', length: 10 })
  cutoff: string;

  @Column({ type: 'varchar', length: 300 })
  note: string;

  /** Why an admin merged the fund outside its own line (not into its parent or the parent's successor). */
  @Column({ name: 'cross_hierarchy_reason', type: 'varchar', length: 300, nullable: true })
  crossHierarchyReason: string | null;

  /** In the predecessor: receipts and disbursements into 431 (null when there was nothing to close). */
  @Column({ name: 'closing_entry_id', type: 'integer', nullable: true })
  closingEntryId: number | null;

  @ManyToOne(() => JournalEntry, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'closing_entry_id', foreignKeyConstraintName: 'fk_fund_mergers_closing_entry' })
  closingEntry?: JournalEntry | null;

  /** In the predecessor: every balance sheet balance out (null when it held nothing). */
  @Column({ name: 'handover_entry_id', type: 'integer', nullable: true })
  handoverEntryId: number | null;

  @ManyToOne(() => JournalEntry, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'handover_entry_id', foreignKeyConstraintName: 'fk_fund_mergers_handover_entry' })
  handoverEntry?: JournalEntry | null;

  /** In the successor: the same balances in. */
  @Column({ name: 'opening_entry_id', type: 'integer', nullable: true })
  openingEntryId: number | null;

  @ManyToOne(() => JournalEntry, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'opening_entry_id', foreignKeyConstraintName: 'fk_fund_mergers_opening_entry' })
  openingEntry?: JournalEntry | null;

  /** How many funds below the predecessor were moved below the successor. */
  @Column({ name: 'children_moved', type: 'integer' })
  childrenMoved: number;

  @Column({ name: 'merged_by', type: 'varchar', length: 64 })
  mergedBy: string;

  @Column({ name: 'merged_at', type: 'varchar', length: 30 })
  mergedAt: string;
}
