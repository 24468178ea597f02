import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Book, JournalEntry } from './entities';

export type ManualEntryRequestStatus = 'submitted' | 'posted' | 'rejected';

/** One line of a manual entry waiting for approval, as the accountant typed it (amounts in digit strings). */
export interface RequestedLine {
  account: string;
  debit: string | null;
  credit: string | null;
  memo: string | null;
}

/**
 * A manual entry that moves money out (credits 111 or 112) or records a disbursement (debits a 61xx account):
 * it waits here, unposted, for an approver who is not its preparer (maker–checker, as for payouts). On approval
 * the entry goes through the one posting path and `entryId` points at it; a rejection keeps the row and its reason.
 */
@Entity({ name: 'manual_entry_requests' })
@Index('ix_manual_entry_requests_status', ['status', 'fundId'])
export class ManualEntryRequest {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'fund_id', type: 'integer' })
  fundId: number;

  @ManyToOne(() => Book, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'fund_id',
    referencedColumnName: 'fundId',
    foreignKeyConstraintName: 'fk_manual_entry_requests_book',
  })
  book?: Book;

  @Column({ name: 'entry_date', type: 'varchar', length: 10 })
  entryDate: string;

  @Column({ type: 'varchar', length: 500 })
  description: string;

  /** JSON of RequestedLine[]. */
  @Column({ name: 'lines_json', type: 'text' })
  linesJson: string;

  /** Why the entry needs approval (the accounts that made it so). */
  @Column({ name: 'approval_reason', type: 'varchar', length: 300 })
  approvalReason: string;

  @Column({ type: 'varchar', length: 10 })
  status: ManualEntryRequestStatus;

  @Column({ name: 'prepared_by', type: 'varchar', length: 64 })
  preparedBy: string;

  @Column({ name: 'prepared_at', type: 'varchar', length: 30 })
  preparedAt: string;

  @Column({ name: 'decided_by', type: 'varchar', length: 64, nullable: true })
  decidedBy: string | null;

  @Column({ name: 'decided_at', type: 'varchar', length: 30, nullable: true })
  decidedAt: string | null;

  /** The approver's note, or the reason for a rejection. */
  @Column({ type: 'varchar', length: 400, nullable: true })
  note: string | null;

  @Column({ name: 'entry_id', type: 'integer', nullable: true })
  entryId: number | null;

  @ManyToOne(() => JournalEntry, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'entry_id', foreignKeyConstraintName: 'fk_manual_entry_requests_entry' })
  entry?: JournalEntry | null;
}
