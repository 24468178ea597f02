import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Contribution } from '../contributions/entities';
import { Fund } from '../funds/fund.entity';

/**
 * Per fund: whether the admin let one person hold the accountant's and the cashier's roles (a small unit with one
 * bookkeeper). No row means no: the accountant prepares, the cashier pays.
 */
@Entity('role_combinations')
@Index('ux_role_combinations_fund', ['fundId'], { unique: true })
export class RoleCombination {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'fund_id', type: 'integer' })
  fundId: number;

  @ManyToOne(() => Fund, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fund_id', foreignKeyConstraintName: 'fk_role_combinations_fund' })
  fund?: Fund;

  @Column({ name: 'accountant_may_pay', type: 'integer' })
  accountantMayPay: number;

  @Column({ type: 'varchar', length: 500 })
  reason: string;

  @Column({ name: 'set_by', type: 'varchar', length: 64 })
  setBy: string;

  @Column({ name: 'set_at', type: 'varchar', length: 30 })
  setAt: string;
}

/** The cashier's confirmation that a cash receipt's money is in the till (once per receipt). */
@Entity('cash_confirmations')
@Index('ux_cash_confirmations_contribution', ['contributionId'], { unique: true })
export class CashConfirmation {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'contribution_id', type: 'integer' })
  contributionId: number;

  @ManyToOne(() => Contribution, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'contribution_id', foreignKeyConstraintName: 'fk_cash_confirmations_contribution' })
  contribution?: Contribution;

  @Column({ name: 'confirmed_by', type: 'varchar', length: 64 })
  confirmedBy: string;

  @Column({ name: 'confirmed_at', type: 'varchar', length: 30 })
  confirmedAt: string;
}
