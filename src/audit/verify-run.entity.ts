import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One run of the chain verification (API, web admin or CLI): when, by whom, and what it found. */
@Entity({ name: 'verify_runs' })
@Index('ix_verify_runs_at', ['at'])
export class VerifyRun {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 30 })
  at: string;

  /** 1 when the chain and every balance matched. */
  @Column({ type: 'integer' })
  ok: number;

  @Column({ name: 'entries_checked', type: 'integer' })
  entriesChecked: number;

  @Column({ name: 'first_problem', type: 'varchar', length: 1000, nullable: true })
  firstProblem: string | null;

  @Column({ name: 'run_by', type: 'varchar', length: 64 })
  runBy: string;
}
