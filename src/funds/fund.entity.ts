import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

export const FUND_LEVELS = ['central', 'province', 'district', 'commune'] as const;
export type FundLevel = (typeof FUND_LEVELS)[number];
export type FundStatus = 'active' | 'closed';

@Entity({ name: 'funds' })
@Index('uq_funds_code', ['code'], { unique: true })
export class Fund {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** The unit that keeps the fund, printed at the top of its documents, e.g. "UBND tỉnh Lào Cai". */
  @Column({ name: 'unit_name', type: 'varchar', length: 200, nullable: true })
  unitName: string | null;

  @Column({ type: 'varchar', length: 16 })
  level: FundLevel;

  @Column({ name: 'parent_id', type: 'integer', nullable: true })
  parentId: number | null;

  @ManyToOne(() => Fund, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parent_id', foreignKeyConstraintName: 'fk_funds_parent' })
  parent?: Fund | null;

  /** First day the fund exists (YYYY-MM-DD); null when unknown. */
  @Column({ name: 'valid_from', type: 'varchar', length: 10, nullable: true })
  validFrom: string | null;

  /** Last day the fund exists, e.g. 2025-06-30 for the abolished district level. */
  @Column({ name: 'valid_to', type: 'varchar', length: 10, nullable: true })
  validTo: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: FundStatus;

  /** The fund this one was merged into (closing/ sets it, with status `closed` and validTo = the cutoff). */
  @Column({ name: 'successor_id', type: 'integer', nullable: true })
  successorId: number | null;

  @ManyToOne(() => Fund, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'successor_id', foreignKeyConstraintName: 'fk_funds_successor' })
  successor?: Fund | null;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;
}

/**
 * The name of the unit that keeps a fund, from a date on (the work of a department passing to another, e.g. the
 * Sở Lao động - Thương binh và Xã hội to the Sở Nội vụ in 2025). Before its first row a fund's unit is
 * `funds.unit_name`; a document prints the name in force on its own date.
 */
@Entity({ name: 'fund_unit_names' })
@Index('uq_fund_unit_names_from', ['fundId', 'validFrom'], { unique: true })
export class FundUnitName {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'fund_id', type: 'integer' })
  fundId: number;

  @ManyToOne(() => Fund, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fund_id', foreignKeyConstraintName: 'fk_fund_unit_names_fund' })
  fund?: Fund;

  @Column({ name: 'valid_from', type: 'varchar', length: 10 })
  validFrom: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** Where the unit is from that date, for the "<place>, ngày …" line; null: the place in the fund's name. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  place: string | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  reason: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;
}
