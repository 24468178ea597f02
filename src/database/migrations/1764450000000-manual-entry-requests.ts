import { MigrationInterface, QueryRunner, Table, TableForeignKey } from 'typeorm';
import { fk, id, index, int, varchar } from './table-helpers';

/**
 * Issue 10 (books): a manual entry that credits cash or bank (111, 112) or debits a disbursements account (61xx)
 * waits for an approver, as a payout does. Plain TypeORM Table API, so it runs the same on SQLite and PostgreSQL.
 */
export class ManualEntryRequests1764450000000 implements MigrationInterface {
  name = 'ManualEntryRequests1764450000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'manual_entry_requests',
        columns: [
          id,
          int('fund_id'),
          varchar('entry_date', 10),
          varchar('description', 500),
          { name: 'lines_json', type: 'text' },
          varchar('approval_reason', 300),
          varchar('status', 10),
          varchar('prepared_by', 64),
          varchar('prepared_at', 30),
          varchar('decided_by', 64, true),
          varchar('decided_at', 30, true),
          varchar('note', 400, true),
          int('entry_id', true),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_manual_entry_requests_book',
            columnNames: ['fund_id'],
            referencedTableName: 'books',
            referencedColumnNames: ['fund_id'],
            onDelete: 'RESTRICT',
          }),
          fk('fk_manual_entry_requests_entry', 'entry_id', 'journal_entries'),
        ],
        indices: [index('ix_manual_entry_requests_status', ['status', 'fund_id'])],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('manual_entry_requests');
  }
}
