import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { dongColumn } from '../database/columns';
import { Fund } from '../funds/fund.entity';
import { JournalEntry } from '../ledger/entities';

export const DONOR_KINDS = ['agency', 'enterprise', 'organization', 'individual'] as const;
export type DonorKind = (typeof DONOR_KINDS)[number];
export const PAYMENT_METHODS = ['cash', 'bank'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export type ContributionStatus = 'posted' | 'voided';
/**
 * money: a gift of money (credit 5111–5114 by the donor's kind); in_kind: goods (hiện vật), booked at their
 * valuation (debit 156, credit 5111–5114); state_budget: support from the state budget (credit 5116).
 */
export const CONTRIBUTION_KINDS = ['money', 'in_kind', 'state_budget'] as const;
export type ContributionKind = (typeof CONTRIBUTION_KINDS)[number];
/** How a contribution came: cash, a bank or the Treasury, or (an in-kind gift) as goods. */
export type ContributionMethod = PaymentMethod | 'in_kind';

@Entity({ name: 'donors' })
@Index('ix_donors_name_folded', ['nameFolded'])
export class Donor {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 300 })
  name: string;

  /** Lower case without diacritics, for search and duplicate matching. */
  @Column({ name: 'name_folded', type: 'varchar', length: 300 })
  nameFolded: string;

  @Column({ type: 'varchar', length: 16 })
  kind: DonorKind;

  @Column({ type: 'varchar', length: 500, nullable: true })
  address: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  email: string | null;

  @Column({ name: 'tax_code', type: 'varchar', length: 20, nullable: true })
  taxCode: string | null;

  /** CCCD (12 digits) or legacy CMND (9); shown masked. */
  @Column({ name: 'national_id', type: 'varchar', length: 12, nullable: true })
  nationalId: string | null;

  /** 1 when the donor is inside the province, 0 outside. */
  @Column({ name: 'in_province', type: 'integer' })
  inProvince: number;

  /** Set when this record was merged into another; the record stays as the trace. */
  @Column({ name: 'merged_into_id', type: 'integer', nullable: true })
  mergedIntoId: number | null;

  @ManyToOne(() => Donor, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'merged_into_id', foreignKeyConstraintName: 'fk_donors_merged_into' })
  mergedInto?: Donor | null;

  /**
   * The fund whose user registered the donor, when that user was limited to some funds: it lets them (and their
   * fund's other users) see the donor before its first contribution there. Null for donors registered by others.
   */
  @Column({ name: 'registered_fund_id', type: 'integer', nullable: true })
  registeredFundId: number | null;

  @ManyToOne(() => Fund, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'registered_fund_id', foreignKeyConstraintName: 'fk_donors_registered_fund' })
  registeredFund?: Fund | null;

  /** 1 when the donor consented to the public honour roll (bảng vàng); off (0) by default. */
  @Column({ name: 'public_listing', type: 'integer', default: 0 })
  publicListing: number;

  /** The day the donor gave (or withdrew) that consent, as the accountant recorded it. */
  @Column({ name: 'public_listing_consent_on', type: 'varchar', length: 10, nullable: true })
  publicListingConsentOn: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;
}

@Entity({ name: 'campaigns' })
@Index('uq_campaigns_code', ['code'], { unique: true })
export class Campaign {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'starts_on', type: 'varchar', length: 10 })
  startsOn: string;

  @Column({ name: 'ends_on', type: 'varchar', length: 10 })
  endsOn: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;
}

@Entity({ name: 'contribution_batches' })
export class ContributionBatch {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'fund_id', type: 'integer' })
  fundId: number;

  @ManyToOne(() => Fund, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fund_id', foreignKeyConstraintName: 'fk_batches_fund' })
  fund?: Fund;

  @Column({ name: 'donor_id', type: 'integer' })
  donorId: number;

  @ManyToOne(() => Donor, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'donor_id', foreignKeyConstraintName: 'fk_batches_donor' })
  donor?: Donor;

  @Column({ name: 'campaign_id', type: 'integer', nullable: true })
  campaignId: number | null;

  @ManyToOne(() => Campaign, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'fk_batches_campaign' })
  campaign?: Campaign | null;

  @Column({ name: 'batch_date', type: 'varchar', length: 10 })
  date: string;

  @Column({ type: 'varchar', length: 8 })
  method: PaymentMethod;

  @Column({ type: 'varchar', length: 300, nullable: true })
  purpose: string | null;

  @Column({ type: 'varchar', length: 300 })
  description: string;

  @Column({ name: 'expected_count', type: 'integer' })
  expectedCount: number;

  @Column({ name: 'expected_total', type: 'bigint', transformer: dongColumn })
  expectedTotal: string;

  @Column({ type: 'varchar', length: 10 })
  status: 'open' | 'closed' | 'cancelled';

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;
}

@Entity({ name: 'batch_members' })
@Index('uq_batch_members_line', ['batchId', 'lineNo'], { unique: true })
export class BatchMember {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'batch_id', type: 'integer' })
  batchId: number;

  @ManyToOne(() => ContributionBatch, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'batch_id', foreignKeyConstraintName: 'fk_batch_members_batch' })
  batch?: ContributionBatch;

  @Column({ name: 'line_no', type: 'integer' })
  lineNo: number;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'bigint', transformer: dongColumn })
  amount: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  note: string | null;
}

@Entity({ name: 'contributions' })
@Index('uq_contributions_receipt', ['fundId', 'receiptNo'], { unique: true })
@Index('ix_contributions_receipt_no', ['receiptNo'])
@Index('ix_contributions_donor', ['donorId'])
@Index('ix_contributions_entry', ['entryId'])
@Index('uq_contributions_import_key', ['importKey'], { unique: true, where: 'import_key IS NOT NULL' })
export class Contribution {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'fund_id', type: 'integer' })
  fundId: number;

  @ManyToOne(() => Fund, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fund_id', foreignKeyConstraintName: 'fk_contributions_fund' })
  fund?: Fund;

  @Column({ name: 'donor_id', type: 'integer' })
  donorId: number;

  @ManyToOne(() => Donor, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'donor_id', foreignKeyConstraintName: 'fk_contributions_donor' })
  donor?: Donor;

  @Column({ name: 'campaign_id', type: 'integer', nullable: true })
  campaignId: number | null;

  @ManyToOne(() => Campaign, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'fk_contributions_campaign' })
  campaign?: Campaign | null;

  @Column({ name: 'batch_id', type: 'integer', nullable: true })
  batchId: number | null;

  @ManyToOne(() => ContributionBatch, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'batch_id', foreignKeyConstraintName: 'fk_contributions_batch' })
  batch?: ContributionBatch | null;

  @Column({ name: 'contribution_date', type: 'varchar', length: 10 })
  date: string;

  @Column({ type: 'bigint', transformer: dongColumn })
  amount: string;

  @Column({ type: 'varchar', length: 8 })
  method: ContributionMethod;

  @Column({ type: 'varchar', length: 16, default: 'money' })
  kind: ContributionKind;

  /** An in-kind gift: what it is, how much of it, and how its value in đồng was arrived at. */
  @Column({ name: 'in_kind_description', type: 'varchar', length: 500, nullable: true })
  inKindDescription: string | null;

  @Column({ name: 'in_kind_quantity', type: 'varchar', length: 100, nullable: true })
  inKindQuantity: string | null;

  @Column({ name: 'valuation_basis', type: 'varchar', length: 500, nullable: true })
  valuationBasis: string | null;

  /** A restricted purpose the donor named, e.g. "Xây nhà tình nghĩa". */
  @Column({ type: 'varchar', length: 300, nullable: true })
  purpose: string | null;

  @Column({ name: 'receipt_no', type: 'varchar', length: 20 })
  receiptNo: string;

  @Column({ name: 'entry_id', type: 'integer' })
  entryId: number;

  @ManyToOne(() => JournalEntry, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'entry_id', foreignKeyConstraintName: 'fk_contributions_entry' })
  entry?: JournalEntry;

  @Column({ type: 'varchar', length: 10 })
  status: ContributionStatus;

  @Column({ name: 'void_entry_id', type: 'integer', nullable: true })
  voidEntryId: number | null;

  @ManyToOne(() => JournalEntry, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'void_entry_id', foreignKeyConstraintName: 'fk_contributions_void_entry' })
  voidEntry?: JournalEntry | null;

  @Column({ name: 'void_reason', type: 'varchar', length: 400, nullable: true })
  voidReason: string | null;

  @Column({ name: 'voided_at', type: 'varchar', length: 30, nullable: true })
  voidedAt: string | null;

  /** The original document number of an imported historical contribution. */
  @Column({ name: 'external_ref', type: 'varchar', length: 100, nullable: true })
  externalRef: string | null;

  /**
   * An imported historical document's paper number, printed where the number is; its `receiptNo` is then of the
   * historical series (LS), never of the live one (issue 10 item 3).
   */
  @Column({ name: 'original_no', type: 'varchar', length: 40, nullable: true })
  originalNo: string | null;

  /** The bank's or the Treasury's transaction reference of money that did not come in cash (its credit advice). */
  @Column({ name: 'bank_ref', type: 'varchar', length: 100, nullable: true })
  bankRef: string | null;

  /** The day the bank or the Treasury credited the money, when it differs from the contribution's date. */
  @Column({ name: 'bank_date', type: 'varchar', length: 10, nullable: true })
  bankDate: string | null;

  /** Người nộp tiền: who handed the money over on behalf of an organisation. */
  @Column({ name: 'handed_over_by', type: 'varchar', length: 200, nullable: true })
  handedOverBy: string | null;

  /** Identifies an imported row, so importing the same file again adds nothing. */
  @Column({ name: 'import_key', type: 'varchar', length: 64, nullable: true })
  importKey: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;
}

@Entity({ name: 'email_deliveries' })
@Index('ix_email_deliveries_contribution', ['contributionId'])
export class EmailDelivery {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'contribution_id', type: 'integer' })
  contributionId: number;

  @ManyToOne(() => Contribution, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'contribution_id', foreignKeyConstraintName: 'fk_email_deliveries_contribution' })
  contribution?: Contribution;

  @Column({ type: 'varchar', length: 200 })
  recipient: string;

  @Column({ type: 'varchar', length: 10 })
  status: 'sent' | 'failed';

  @Column({ type: 'varchar', length: 500, nullable: true })
  error: string | null;

  @Column({ name: 'message_id', type: 'varchar', length: 200, nullable: true })
  messageId: string | null;

  @Column({ type: 'varchar', length: 30 })
  at: string;
}

@Entity({ name: 'donor_merges' })
export class DonorMerge {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'from_donor_id', type: 'integer' })
  fromDonorId: number;

  @Column({ name: 'into_donor_id', type: 'integer' })
  intoDonorId: number;

  @Column({ name: 'contributions_moved', type: 'integer' })
  contributionsMoved: number;

  @Column({ type: 'varchar', length: 400 })
  reason: string;

  @Column({ name: 'merged_by', type: 'varchar', length: 64 })
  mergedBy: string;

  @Column({ type: 'varchar', length: 30 })
  at: string;
}

@Entity({ name: 'imports' })
@Index('ix_imports_sha256', ['fileSha256'])
export class ImportRun {
  @PrimaryGeneratedColumn()
  id: number;

  /** "contributions" (later also "beneficiaries"). */
  @Column({ type: 'varchar', length: 32 })
  kind: string;

  @Column({ name: 'file_name', type: 'varchar', length: 300 })
  fileName: string;

  @Column({ name: 'file_sha256', type: 'varchar', length: 64 })
  fileSha256: string;

  @Column({ name: 'rows_total', type: 'integer' })
  rowsTotal: number;

  @Column({ name: 'rows_imported', type: 'integer' })
  rowsImported: number;

  @Column({ name: 'rows_skipped', type: 'integer' })
  rowsSkipped: number;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;
}
