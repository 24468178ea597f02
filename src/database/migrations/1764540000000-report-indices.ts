import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Issue 13 (report.statement): two indices so that a statement's cost no longer grows with the entries.
 *
 * - `ix_entries_closing`: the year-end closing and merger entries (source `closing`) by fund and date, a partial
 *   index holding only those few rows. The statement adds their lines back per period; without it the query
 *   walked every entry of the range through ix_entries_fund_date to find them. Other entries skip it on insert.
 * - `ix_disbursements_paid`: the paid payouts by fund and payment date, covering what the statement counts (distinct
 *   households per purpose, reversed payouts, house advances), so the counts read the index alone and only the
 *   payouts of the period instead of every payout of the funds.
 *
 * Both run the same on SQLite and PostgreSQL (partial indices exist on both).
 */
export class ReportIndices1764540000000 implements MigrationInterface {
  name = 'ReportIndices1764540000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex(
      'journal_entries',
      new TableIndex({
        name: 'ix_entries_closing',
        columnNames: ['fund_id', 'entry_date'],
        where: "source = 'closing'",
      }),
    );
    await q.createIndex(
      'disbursements',
      new TableIndex({
        name: 'ix_disbursements_paid',
        columnNames: [
          'fund_id',
          'payment_date',
          'status',
          'stage',
          'purpose',
          'beneficiary_id',
          'reversal_entry_id',
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('disbursements', 'ix_disbursements_paid');
    await q.dropIndex('journal_entries', 'ix_entries_closing');
  }
}
