import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The last number used in one document series: fund × series (PT, PC) × year (invariant 6). */
@Entity({ name: 'document_series' })
export class DocumentSeries {
  @PrimaryColumn({ name: 'fund_id', type: 'integer' })
  fundId: number;

  @PrimaryColumn({ type: 'varchar', length: 8 })
  series: string;

  @PrimaryColumn({ type: 'integer' })
  year: number;

  @Column({ name: 'last_no', type: 'integer' })
  lastNo: number;

  /** The date of the latest document numbered in the series: one dated before it is a late entry. */
  @Column({ name: 'last_date', type: 'varchar', length: 10, nullable: true })
  lastDate: string | null;
}
