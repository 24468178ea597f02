import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Fund } from '../funds/fund.entity';

/**
 * The number a document that is printed on demand (a donor's letter of thanks, a statement) was first issued
 * under: printing it again gives the same number, so the register of documents sent stays one line per document.
 * `subject` names what it is about, e.g. `donor:12:2023` or `statement:2023-01-01:2023-12-31:own`.
 */
@Entity({ name: 'issued_documents' })
@Index('uq_issued_documents_subject', ['fundId', 'series', 'subject'], { unique: true })
export class IssuedDocument {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'fund_id', type: 'integer' })
  fundId: number;

  @ManyToOne(() => Fund, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fund_id', foreignKeyConstraintName: 'fk_issued_documents_fund' })
  fund?: Fund;

  @Column({ type: 'varchar', length: 8 })
  series: string;

  @Column({ type: 'varchar', length: 100 })
  subject: string;

  @Column({ type: 'varchar', length: 30 })
  number: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;
}
