import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { dongColumn } from '../database/columns';
import { Fund } from '../funds/fund.entity';
import { JournalEntry } from '../ledger/entities';

/** Money moved between two funds: 6121 out of the sender, 5121 into the receiver, posted as one linked pair. */
@Entity({ name: 'transfers' })
export class Transfer {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'from_fund_id', type: 'integer' })
  fromFundId: number;

  @ManyToOne(() => Fund, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'from_fund_id', foreignKeyConstraintName: 'fk_transfers_from_fund' })
  fromFund?: Fund;

  @Column({ name: 'to_fund_id', type: 'integer' })
  toFundId: number;

  @ManyToOne(() => Fund, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'to_fund_id', foreignKeyConstraintName: 'fk_transfers_to_fund' })
  toFund?: Fund;

  @Column({ type: 'bigint', transformer: dongColumn })
  amount: string;

  @Column({ name: 'transfer_date', type: 'varchar', length: 10 })
  date: string;

  @Column({ type: 'varchar', length: 8 })
  method: 'cash' | 'bank';

  @Column({ type: 'varchar', length: 300 })
  description: string;

  @Column({ name: 'from_entry_id', type: 'integer' })
  fromEntryId: number;

  @ManyToOne(() => JournalEntry, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'from_entry_id', foreignKeyConstraintName: 'fk_transfers_from_entry' })
  fromEntry?: JournalEntry;

  @Column({ name: 'to_entry_id', type: 'integer' })
  toEntryId: number;

  @ManyToOne(() => JournalEntry, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'to_entry_id', foreignKeyConstraintName: 'fk_transfers_to_entry' })
  toEntry?: JournalEntry;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;

  /** Set when the transfer was reversed (both entries at once, POST /api/transfers/:id/reverse). */
  @Column({ name: 'reversed_at', type: 'varchar', length: 30, nullable: true })
  reversedAt: string | null;

  @Column({ name: 'reversed_by', type: 'varchar', length: 64, nullable: true })
  reversedBy: string | null;

  @Column({ name: 'reversal_reason', type: 'varchar', length: 300, nullable: true })
  reversalReason: string | null;

  /** The reversal of the sender's entry. */
  @Column({ name: 'from_reversal_entry_id', type: 'integer', nullable: true })
  fromReversalEntryId: number | null;

  @ManyToOne(() => JournalEntry, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'from_reversal_entry_id',
    foreignKeyConstraintName: 'fk_transfers_from_reversal_entry',
  })
  fromReversalEntry?: JournalEntry | null;

  /** The reversal of the receiver's entry. */
  @Column({ name: 'to_reversal_entry_id', type: 'integer', nullable: true })
  toReversalEntryId: number | null;

  @ManyToOne(() => JournalEntry, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'to_reversal_entry_id', foreignKeyConstraintName: 'fk_transfers_to_reversal_entry' })
  toReversalEntry?: JournalEntry | null;
}
