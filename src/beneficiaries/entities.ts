import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/** A household of a person with meritorious services (người có công), as the registry knows it. */
@Entity({ name: 'beneficiaries' })
@Index('ix_beneficiaries_national_id', ['nationalId'])
@Index('ix_beneficiaries_match', ['nameFolded', 'birthYear', 'communeFolded'])
@Index('uq_beneficiaries_import_key', ['importKey'], { unique: true })
export class Beneficiary {
  @PrimaryGeneratedColumn()
  id: number;

  /** Head of household. */
  @Column({ name: 'full_name', type: 'varchar', length: 200 })
  fullName: string;

  @Column({ name: 'name_folded', type: 'varchar', length: 200 })
  nameFolded: string;

  /** CCCD (12 digits) or a legacy CMND (9 digits, flagged by idKind). */
  @Column({ name: 'national_id', type: 'varchar', length: 12, nullable: true })
  nationalId: string | null;

  @Column({ name: 'id_kind', type: 'varchar', length: 8, nullable: true })
  idKind: 'cccd' | 'cmnd' | null;

  @Column({ name: 'birth_year', type: 'integer', nullable: true })
  birthYear: number | null;

  /** One of data/beneficiary-categories.json. */
  @Column({ type: 'varchar', length: 40 })
  category: string;

  @Column({ type: 'varchar', length: 200 })
  commune: string;

  @Column({ name: 'commune_folded', type: 'varchar', length: 200 })
  communeFolded: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  address: string | null;

  /** Số hồ sơ: the file number of the household's record. */
  @Column({ name: 'record_no', type: 'varchar', length: 50, nullable: true })
  recordNo: string | null;

  @Column({ name: 'housing_condition', type: 'varchar', length: 300, nullable: true })
  housingCondition: string | null;

  @Column({ name: 'merged_into_id', type: 'integer', nullable: true })
  mergedIntoId: number | null;

  @ManyToOne(() => Beneficiary, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'merged_into_id', foreignKeyConstraintName: 'fk_beneficiaries_merged_into' })
  mergedInto?: Beneficiary | null;

  /** Identifies an imported row, so importing the same file again adds nothing. */
  @Column({ name: 'import_key', type: 'varchar', length: 64, nullable: true })
  importKey: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;
}

@Entity({ name: 'beneficiary_merges' })
export class BeneficiaryMerge {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'from_id', type: 'integer' })
  fromId: number;

  @Column({ name: 'into_id', type: 'integer' })
  intoId: number;

  @Column({ name: 'disbursements_moved', type: 'integer' })
  disbursementsMoved: number;

  @Column({ type: 'varchar', length: 400 })
  reason: string;

  @Column({ name: 'merged_by', type: 'varchar', length: 64 })
  mergedBy: string;

  @Column({ type: 'varchar', length: 30 })
  at: string;
}

/**
 * Two households someone checked and found to be two ("not a duplicate"): the duplicates report no longer lists
 * the pair. `aId` is the lower id; one row per pair.
 */
@Entity({ name: 'beneficiary_distinct_pairs' })
@Index('uq_beneficiary_distinct_pairs_pair', ['aId', 'bId'], { unique: true })
@Index('ix_beneficiary_distinct_pairs_b', ['bId'])
export class BeneficiaryDistinctPair {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'a_id', type: 'integer' })
  aId: number;

  @ManyToOne(() => Beneficiary, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'a_id', foreignKeyConstraintName: 'fk_beneficiary_distinct_pairs_a' })
  a?: Beneficiary;

  @Column({ name: 'b_id', type: 'integer' })
  bId: number;

  @ManyToOne(() => Beneficiary, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'b_id', foreignKeyConstraintName: 'fk_beneficiary_distinct_pairs_b' })
  b?: Beneficiary;

  @Column({ type: 'varchar', length: 400 })
  reason: string;

  @Column({ name: 'decided_by', type: 'varchar', length: 64 })
  decidedBy: string;

  @Column({ name: 'decided_at', type: 'varchar', length: 30 })
  decidedAt: string;
}
