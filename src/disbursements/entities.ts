import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Beneficiary } from '../beneficiaries/entities';
import { dongColumn } from '../database/columns';
import { Fund } from '../funds/fund.entity';
import { JournalEntry } from '../ledger/entities';
import { Payee } from '../payees/payee.entity';

export const PURPOSES = [
  'house_new',
  'house_repair',
  'visit_gift',
  'hardship',
  'savings_book',
  'memorial',
  'management',
] as const;
export type Purpose = (typeof PURPOSES)[number];

/** The disbursements account each purpose is paid from (DESIGN.md §4). */
export const PURPOSE_ACCOUNT: Record<Purpose, string> = {
  house_new: '6111',
  house_repair: '6112',
  visit_gift: '6113',
  hardship: '6114',
  savings_book: '6115',
  memorial: '6116',
  management: '6118',
};

export const DISBURSEMENT_STATUSES = [
  'draft',
  'submitted',
  'approved',
  'paid',
  'rejected',
  'cancelled',
  'reversed',
] as const;
export type DisbursementStatus = (typeof DISBURSEMENT_STATUSES)[number];

/** Purposes that may pay an organisation (a payee) instead of a household. */
export const PAYEE_PURPOSES: readonly Purpose[] = ['memorial', 'management'];

/** `full`: one payment; a house project pays an `advance` (to 141) and later a `settlement` (141 → 6111/6112). */
export type Stage = 'full' | 'advance' | 'settlement';

@Entity({ name: 'house_projects' })
export class HouseProject {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'fund_id', type: 'integer' })
  fundId: number;

  @ManyToOne(() => Fund, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fund_id', foreignKeyConstraintName: 'fk_house_projects_fund' })
  fund?: Fund;

  @Column({ name: 'beneficiary_id', type: 'integer' })
  beneficiaryId: number;

  @ManyToOne(() => Beneficiary, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'beneficiary_id', foreignKeyConstraintName: 'fk_house_projects_beneficiary' })
  beneficiary?: Beneficiary;

  @Column({ type: 'varchar', length: 8 })
  kind: 'new' | 'repair';

  @Column({ type: 'varchar', length: 300 })
  description: string;

  /** What the fund itself will pay. */
  @Column({ type: 'bigint', transformer: dongColumn })
  budget: string;

  /** Memo figures: other sources of the same house, not in the fund's books. */
  @Column({ name: 'central_budget', type: 'bigint', transformer: dongColumn })
  centralBudget: string;

  @Column({ name: 'local_budget', type: 'bigint', transformer: dongColumn })
  localBudget: string;

  @Column({ name: 'social_sources', type: 'bigint', transformer: dongColumn })
  socialSources: string;

  @Column({ type: 'varchar', length: 12 })
  status: 'open' | 'completed' | 'cancelled';

  @Column({ name: 'started_on', type: 'varchar', length: 10 })
  startedOn: string;

  @Column({ name: 'completed_on', type: 'varchar', length: 10, nullable: true })
  completedOn: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;
}

@Entity({ name: 'disbursements' })
@Index('ix_disbursements_beneficiary', ['beneficiaryId', 'purpose'])
@Index('ix_disbursements_entry', ['entryId'])
@Index('ix_disbursements_fund_status', ['fundId', 'status'])
@Index('ix_disbursements_paid', [
  'fundId',
  'paymentDate',
  'status',
  'stage',
  'purpose',
  'beneficiaryId',
  'reversalEntryId',
])
@Index('ix_disbursements_voucher', ['fundId', 'voucherNo'])
export class Disbursement {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'fund_id', type: 'integer' })
  fundId: number;

  @ManyToOne(() => Fund, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fund_id', foreignKeyConstraintName: 'fk_disbursements_fund' })
  fund?: Fund;

  /** The household paid; null when the payout goes to an organisation (`payeeId`). Exactly one of the two is set. */
  @Column({ name: 'beneficiary_id', type: 'integer', nullable: true })
  beneficiaryId: number | null;

  @ManyToOne(() => Beneficiary, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'beneficiary_id', foreignKeyConstraintName: 'fk_disbursements_beneficiary' })
  beneficiary?: Beneficiary | null;

  /** The organisation paid (a cemetery's board, a supplier): not a household, never counted as one. */
  @Column({ name: 'payee_id', type: 'integer', nullable: true })
  payeeId: number | null;

  @ManyToOne(() => Payee, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'payee_id', foreignKeyConstraintName: 'fk_disbursements_payee' })
  payee?: Payee | null;

  @Column({ type: 'varchar', length: 16 })
  purpose: Purpose;

  @Column({ type: 'bigint', transformer: dongColumn })
  amount: string;

  /** The date of the request (its decision); the payment has its own date. */
  @Column({ name: 'request_date', type: 'varchar', length: 10 })
  requestDate: string;

  @Column({ type: 'varchar', length: 8 })
  method: 'cash' | 'bank';

  /** Số quyết định: the decision that grants the support. */
  @Column({ name: 'decision_no', type: 'varchar', length: 100, nullable: true })
  decisionNo: string | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  description: string | null;

  @Column({ type: 'varchar', length: 12 })
  status: DisbursementStatus;

  @Column({ type: 'varchar', length: 12 })
  stage: Stage;

  @Column({ name: 'project_id', type: 'integer', nullable: true })
  projectId: number | null;

  @ManyToOne(() => HouseProject, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'project_id', foreignKeyConstraintName: 'fk_disbursements_project' })
  project?: HouseProject | null;

  /** Policy rules the request breaks, kept with the preparer's reason for asking an override. */
  @Column({ name: 'override_rules', type: 'varchar', length: 300, nullable: true })
  overrideRules: string | null;

  @Column({ name: 'override_reason', type: 'varchar', length: 400, nullable: true })
  overrideReason: string | null;

  @Column({ name: 'prepared_by', type: 'varchar', length: 64 })
  preparedBy: string;

  @Column({ name: 'approved_by', type: 'varchar', length: 64, nullable: true })
  approvedBy: string | null;

  @Column({ name: 'payment_date', type: 'varchar', length: 10, nullable: true })
  paymentDate: string | null;

  @Column({ name: 'voucher_no', type: 'varchar', length: 20, nullable: true })
  voucherNo: string | null;

  /** The bank's or the Treasury's reference of a payment made by payment order (Ủy nhiệm chi). */
  @Column({ name: 'bank_ref', type: 'varchar', length: 100, nullable: true })
  bankRef: string | null;

  /** The payee's account number and bank, printed on the payment order. */
  @Column({ name: 'payee_account', type: 'varchar', length: 40, nullable: true })
  payeeAccount: string | null;

  @Column({ name: 'payee_bank', type: 'varchar', length: 200, nullable: true })
  payeeBank: string | null;

  /** The fund's own account the payment order debits. */
  @Column({ name: 'payer_account', type: 'varchar', length: 40, nullable: true })
  payerAccount: string | null;

  /** Who received cash on behalf of the payee (an organisation, a household's representative). */
  @Column({ name: 'received_by', type: 'varchar', length: 200, nullable: true })
  receivedBy: string | null;

  @Column({ name: 'entry_id', type: 'integer', nullable: true })
  entryId: number | null;

  @ManyToOne(() => JournalEntry, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'entry_id', foreignKeyConstraintName: 'fk_disbursements_entry' })
  entry?: JournalEntry | null;

  @Column({ name: 'reversal_entry_id', type: 'integer', nullable: true })
  reversalEntryId: number | null;

  @ManyToOne(() => JournalEntry, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'reversal_entry_id', foreignKeyConstraintName: 'fk_disbursements_reversal_entry' })
  reversalEntry?: JournalEntry | null;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;
}

/** Every step of a payout's workflow: who did what, when, and why. */
@Entity({ name: 'disbursement_events' })
@Index('ix_disbursement_events_disbursement', ['disbursementId'])
export class DisbursementEvent {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'disbursement_id', type: 'integer' })
  disbursementId: number;

  @ManyToOne(() => Disbursement, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'disbursement_id', foreignKeyConstraintName: 'fk_disbursement_events_disbursement' })
  disbursement?: Disbursement;

  /** created, submitted, approved, override_approved, rejected, cancelled, paid, reversed */
  @Column({ type: 'varchar', length: 20 })
  action: string;

  @Column({ type: 'varchar', length: 64 })
  username: string;

  @Column({ type: 'varchar', length: 30 })
  at: string;

  @Column({ type: 'varchar', length: 400, nullable: true })
  note: string | null;
}
