import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { dongColumn } from '../database/columns';
import { Fund } from '../funds/fund.entity';

/**
 * requested → confirmed (by an approver who did not ask) → used (by the document it let through), or rejected.
 */
export type LateEntryStatus = 'requested' | 'confirmed' | 'rejected' | 'used';

/**
 * A late entry ("ghi bổ sung", issue 10 item 3): a receipt or voucher dated before the latest document of its
 * series. It is numbered only with an approver's confirmation of its fund, series, date, amount and reason; the
 * document then carries the next number of its series, and this row, found by `documentNo`, marks it as late on
 * the printed document and in the books.
 */
@Entity({ name: 'late_entries' })
@Index('ix_late_entries_status', ['status', 'fundId'])
@Index('ux_late_entries_document', ['fundId', 'documentNo'], { unique: true })
export class LateEntry {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'fund_id', type: 'integer' })
  fundId: number;

  @ManyToOne(() => Fund, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fund_id', foreignKeyConstraintName: 'fk_late_entries_fund' })
  fund?: Fund;

  /** The series the document is numbered in: PT, PC, or a bank series (data/document-series.json). */
  @Column({ type: 'varchar', length: 8 })
  series: string;

  @Column({ name: 'document_date', type: 'varchar', length: 10 })
  documentDate: string;

  @Column({ type: 'bigint', transformer: dongColumn })
  amount: string;

  @Column({ type: 'varchar', length: 500 })
  reason: string;

  @Column({ type: 'varchar', length: 10 })
  status: LateEntryStatus;

  @Column({ name: 'requested_by', type: 'varchar', length: 64 })
  requestedBy: string;

  @Column({ name: 'requested_at', type: 'varchar', length: 30 })
  requestedAt: string;

  /** The approver who confirmed or rejected it. */
  @Column({ name: 'decided_by', type: 'varchar', length: 64, nullable: true })
  decidedBy: string | null;

  @Column({ name: 'decided_at', type: 'varchar', length: 30, nullable: true })
  decidedAt: string | null;

  /** The approver's note, or the reason for a rejection. */
  @Column({ type: 'varchar', length: 400, nullable: true })
  note: string | null;

  /** The number of the document it let through, once used. */
  @Column({ name: 'document_no', type: 'varchar', length: 20, nullable: true })
  documentNo: string | null;

  @Column({ name: 'used_by', type: 'varchar', length: 64, nullable: true })
  usedBy: string | null;

  @Column({ name: 'used_at', type: 'varchar', length: 30, nullable: true })
  usedAt: string | null;
}
