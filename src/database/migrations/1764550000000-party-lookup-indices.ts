import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Issue 13 (export.hledger, the audit bundle): the spreadsheet and the bundle show each entry's donor and payee,
 * looked up by entry id a page at a time. Without an index on `entry_id` each page scanned every contribution and
 * every payout, so an export's cost grew with the square of the books.
 *
 * - `ix_contributions_entry`: a contribution by the entry that posted it.
 * - `ix_disbursements_entry`: a payout by the entry that posted it.
 *
 * Both run the same on SQLite and PostgreSQL.
 */
export class PartyLookupIndices1764550000000 implements MigrationInterface {
  name = 'PartyLookupIndices1764550000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex(
      'contributions',
      new TableIndex({ name: 'ix_contributions_entry', columnNames: ['entry_id'] }),
    );
    await q.createIndex(
      'disbursements',
      new TableIndex({ name: 'ix_disbursements_entry', columnNames: ['entry_id'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('disbursements', 'ix_disbursements_entry');
    await q.dropIndex('contributions', 'ix_contributions_entry');
  }
}
