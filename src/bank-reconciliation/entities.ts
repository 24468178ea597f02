import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { dongColumn } from '../database/columns';
import { Fund } from '../funds/fund.entity';
import { JournalLine } from '../ledger/entities';

/** The bank's view of a movement: `in` credits the fund's account (our debit 112), `out` debits it (our credit 112). */
export type Direction = 'in' | 'out';
/**
 * `matched` while a proposed or confirmed match holds the line; an undone match gives it back. A line repeating an
 * earlier line of its own file (same date, amount, direction and reference) is `pending` until an accountant keeps
 * it (`unmatched`) or drops it (`dropped`: never counted in the statement's balance, never matched).
 */
export type StatementLineStatus = 'unmatched' | 'matched' | 'pending' | 'dropped';
export type MatchKind = 'one_to_one' | 'one_to_many';
export type MatchStatus = 'proposed' | 'confirmed' | 'undone';

/** One imported bank or Treasury statement file of a fund's account 112. */
@Entity({ name: 'bank_statements' })
@Index('uq_bank_statements_file', ['fundId', 'fileSha256'], { unique: true })
export class BankStatement {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'fund_id', type: 'integer' })
  fundId: number;

  @ManyToOne(() => Fund, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fund_id', foreignKeyConstraintName: 'fk_bank_statements_fund' })
  fund?: Fund;

  @Column({ name: 'file_name', type: 'varchar', length: 300 })
  fileName: string;

  @Column({ name: 'file_sha256', type: 'varchar', length: 64 })
  fileSha256: string;

  /** First and last line dates of the file (YYYY-MM-DD). */
  @Column({ name: 'period_from', type: 'varchar', length: 10 })
  periodFrom: string;

  @Column({ name: 'period_to', type: 'varchar', length: 10 })
  periodTo: string;

  /** Lines stored under this statement: the file's lines not already imported by an earlier statement. */
  @Column({ name: 'line_count', type: 'integer' })
  lineCount: number;

  /** Lines of the file that an earlier statement had already brought in. */
  @Column({ name: 'skipped_count', type: 'integer' })
  skippedCount: number;

  @Column({ name: 'imported_by', type: 'varchar', length: 64 })
  importedBy: string;

  @Column({ name: 'imported_at', type: 'varchar', length: 30 })
  importedAt: string;
}

@Entity({ name: 'bank_statement_lines' })
@Index('ix_bank_statement_lines_statement', ['statementId'])
@Index('ix_bank_statement_lines_date', ['lineDate'])
@Index('uq_bank_statement_lines_key', ['lineKey'], { unique: true })
export class BankStatementLine {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'statement_id', type: 'integer' })
  statementId: number;

  @ManyToOne(() => BankStatement, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'statement_id', foreignKeyConstraintName: 'fk_bank_statement_lines_statement' })
  statement?: BankStatement;

  /** The line of the file it came from (the header is line 1). */
  @Column({ name: 'line_no', type: 'integer' })
  lineNo: number;

  @Column({ name: 'line_date', type: 'varchar', length: 10 })
  lineDate: string;

  @Column({ type: 'bigint', transformer: dongColumn })
  amount: string;

  @Column({ type: 'varchar', length: 3 })
  direction: Direction;

  @Column({ type: 'varchar', length: 100, nullable: true })
  reference: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description: string | null;

  @Column({ type: 'varchar', length: 10 })
  status: StatementLineStatus;

  /**
   * SHA-256 of fund, date, amount, direction and reference, and the line's occurrence among identical lines of its
   * file: an overlapping or repeated statement brings in only the lines not seen before.
   */
  @Column({ name: 'line_key', type: 'varchar', length: 64 })
  lineKey: string;
}

/** A pairing of statement lines with 112 journal lines: an annotation on the books, never a posting. */
@Entity({ name: 'bank_matches' })
@Index('ix_bank_matches_fund_status', ['fundId', 'status'])
export class BankMatch {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'fund_id', type: 'integer' })
  fundId: number;

  @ManyToOne(() => Fund, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fund_id', foreignKeyConstraintName: 'fk_bank_matches_fund' })
  fund?: Fund;

  @Column({ type: 'varchar', length: 12 })
  kind: MatchKind;

  @Column({ type: 'varchar', length: 10 })
  status: MatchStatus;

  /** Why the matcher proposed it: "same reference PT-2023-000001; 1 day apart". */
  @Column({ type: 'varchar', length: 200 })
  basis: string;

  @Column({ name: 'proposed_by', type: 'varchar', length: 64 })
  proposedBy: string;

  @Column({ name: 'proposed_at', type: 'varchar', length: 30 })
  proposedAt: string;

  @Column({ name: 'confirmed_by', type: 'varchar', length: 64, nullable: true })
  confirmedBy: string | null;

  @Column({ name: 'confirmed_at', type: 'varchar', length: 30, nullable: true })
  confirmedAt: string | null;

  @Column({ name: 'undone_by', type: 'varchar', length: 64, nullable: true })
  undoneBy: string | null;

  @Column({ name: 'undone_at', type: 'varchar', length: 30, nullable: true })
  undoneAt: string | null;

  @Column({ name: 'undo_reason', type: 'varchar', length: 300, nullable: true })
  undoReason: string | null;
}

/** One line of a match: a statement line or a journal line (exactly one of the two). */
@Entity({ name: 'bank_match_items' })
@Index('ix_bank_match_items_match', ['matchId'])
@Index('ix_bank_match_items_statement_line', ['statementLineId'])
@Index('ix_bank_match_items_journal_line', ['journalLineId'])
@Index('uq_bank_match_items_live', ['liveKey'], { unique: true })
export class BankMatchItem {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'match_id', type: 'integer' })
  matchId: number;

  @ManyToOne(() => BankMatch, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'match_id', foreignKeyConstraintName: 'fk_bank_match_items_match' })
  match?: BankMatch;

  @Column({ name: 'statement_line_id', type: 'integer', nullable: true })
  statementLineId: number | null;

  @ManyToOne(() => BankStatementLine, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'statement_line_id',
    foreignKeyConstraintName: 'fk_bank_match_items_statement_line',
  })
  statementLine?: BankStatementLine | null;

  @Column({ name: 'journal_line_id', type: 'integer', nullable: true })
  journalLineId: number | null;

  @ManyToOne(() => JournalLine, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'journal_line_id', foreignKeyConstraintName: 'fk_bank_match_items_journal_line' })
  journalLine?: JournalLine | null;

  /**
   * `s:<statement line id>` or `j:<journal line id>` while the match is proposed or confirmed, NULL once it is
   * undone. Unique: the database itself refuses to put one line into two live matches.
   */
  @Column({ name: 'live_key', type: 'varchar', length: 24, nullable: true })
  liveKey: string | null;
}

export const liveKeyOf = (side: 'statement' | 'journal', lineId: number): string =>
  `${side === 'statement' ? 's' : 'j'}:${lineId}`;

/** What an accountant decided about a repeated statement line. */
export type DuplicateDecision = 'keep' | 'drop';

/**
 * A statement line that repeats an earlier line of the same file, held `pending` on import, and the accountant's
 * decision about it: keep it (a real repeat) or drop it (the bank's export listed it twice), with the reason.
 */
@Entity({ name: 'bank_statement_duplicates' })
@Index('ix_bank_statement_duplicates_statement', ['statementId'])
@Index('uq_bank_statement_duplicates_line', ['lineId'], { unique: true })
export class BankStatementDuplicate {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'statement_id', type: 'integer' })
  statementId: number;

  @ManyToOne(() => BankStatement, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'statement_id', foreignKeyConstraintName: 'fk_bank_statement_duplicates_statement' })
  statement?: BankStatement;

  /** The repeated line. */
  @Column({ name: 'line_id', type: 'integer' })
  lineId: number;

  @ManyToOne(() => BankStatementLine, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'line_id', foreignKeyConstraintName: 'fk_bank_statement_duplicates_line' })
  line?: BankStatementLine;

  /** The line of the file it repeats (the first with the same date, amount, direction and reference). */
  @Column({ name: 'repeats_line_no', type: 'integer' })
  repeatsLineNo: number;

  @Column({ type: 'varchar', length: 4, nullable: true })
  decision: DuplicateDecision | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  reason: string | null;

  @Column({ name: 'decided_by', type: 'varchar', length: 64, nullable: true })
  decidedBy: string | null;

  @Column({ name: 'decided_at', type: 'varchar', length: 30, nullable: true })
  decidedAt: string | null;
}
