import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

const GENESIS = '0'.repeat(64);

/**
 * Issue 13: the hash chain per fund, so that funds post in parallel. Each entry posted from now on follows the
 * previous entry of its own fund (its `prev_hash`), whose hash the fund's books keep (`books.last_hash`).
 * Entries already in the books stay as they were chained, one chain over all funds: `chain_head` keeps that
 * chain's last entry (it moves no more), and verify checks the entries up to it in that order.
 * Plain TypeORM Table API and SQL that both SQLite and PostgreSQL run.
 */
export class HashChainPerFund1764520000000 implements MigrationInterface {
  name = 'HashChainPerFund1764520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'books',
      new TableColumn({
        name: 'last_hash',
        type: 'varchar',
        length: '64',
        isNullable: false,
        default: `'${GENESIS}'`,
      }),
    );
    await q.query(
      `UPDATE books SET last_hash = COALESCE(
         (SELECT e.hash FROM journal_entries e WHERE e.fund_id = books.fund_id AND e.number = books.last_entry_no),
         '${GENESIS}')`,
    );
    await q.createIndex(
      'journal_entries',
      new TableIndex({ name: 'ix_entries_fund_id', columnNames: ['fund_id', 'id'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('journal_entries', 'ix_entries_fund_id');
    await q.dropColumn('books', 'last_hash');
  }
}
