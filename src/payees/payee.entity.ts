import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const PAYEE_KINDS = ['organization', 'agency', 'enterprise'] as const;
export type PayeeKind = (typeof PAYEE_KINDS)[number];

/**
 * Who a payout goes to when it is not a household (issue 10 item 4): a martyrs' cemetery's management board, a
 * contractor, a service provider. Printed on the voucher or payment order with its tax code and bank account;
 * never counted as a household.
 */
@Entity({ name: 'payees' })
@Index('ix_payees_name_folded', ['nameFolded'])
@Index('ix_payees_tax_code', ['taxCode'])
export class Payee {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 300 })
  name: string;

  /** Lower case without diacritics, for search and duplicate matching. */
  @Column({ name: 'name_folded', type: 'varchar', length: 300 })
  nameFolded: string;

  @Column({ type: 'varchar', length: 16 })
  kind: PayeeKind;

  /** Mã số thuế (10 digits, or 10 + "-" + 3 for a branch); at most one payee per tax code. */
  @Column({ name: 'tax_code', type: 'varchar', length: 20, nullable: true })
  taxCode: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  address: string | null;

  /** The account a payment order pays into, and its bank. */
  @Column({ name: 'bank_account', type: 'varchar', length: 40, nullable: true })
  bankAccount: string | null;

  @Column({ name: 'bank_name', type: 'varchar', length: 200, nullable: true })
  bankName: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;
}
