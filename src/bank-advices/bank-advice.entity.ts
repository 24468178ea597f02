import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { dongColumn } from '../database/columns';
import { Fund } from '../funds/fund.entity';
import { JournalEntry } from '../ledger/entities';

export const BANK_ADVICE_KINDS = ['interest', 'fee'] as const;
export type BankAdviceKind = (typeof BANK_ADVICE_KINDS)[number];

/**
 * A bank's or the Treasury's advice of money it moved on its own: interest credited (giấy báo Có, 112 → 5115) or
 * a fee charged (giấy báo Nợ, 6117 → 112). The advice's reference is kept, once per fund.
 */
@Entity({ name: 'bank_advices' })
@Index('uq_bank_advices_ref', ['fundId', 'bankRef'], { unique: true })
export class BankAdvice {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'fund_id', type: 'integer' })
  fundId: number;

  @ManyToOne(() => Fund, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fund_id', foreignKeyConstraintName: 'fk_bank_advices_fund' })
  fund?: Fund;

  @Column({ type: 'varchar', length: 16 })
  kind: BankAdviceKind;

  @Column({ name: 'advice_date', type: 'varchar', length: 10 })
  adviceDate: string;

  @Column({ name: 'bank_ref', type: 'varchar', length: 100 })
  bankRef: string;

  @Column({ type: 'bigint', transformer: dongColumn })
  amount: string;

  @Column({ type: 'varchar', length: 300 })
  description: string;

  @Column({ name: 'entry_id', type: 'integer' })
  entryId: number;

  @ManyToOne(() => JournalEntry, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'entry_id', foreignKeyConstraintName: 'fk_bank_advices_entry' })
  entry?: JournalEntry;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;
}
