import { MigrationInterface, QueryRunner, TableColumn, TableForeignKey } from 'typeorm';

/**
 * Issue 15: a transfer between funds can be reversed as a whole (POST /api/transfers/:id/reverse), and a merger
 * across hierarchies records the admin's reason. Plain TypeORM Table API, so it runs the same on SQLite and
 * PostgreSQL.
 */
export class TransferReversals1764410000000 implements MigrationInterface {
  name = 'TransferReversals1764410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('transfers', [
      new TableColumn({ name: 'reversed_at', type: 'varchar', length: '30', isNullable: true }),
      new TableColumn({ name: 'reversed_by', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'reversal_reason', type: 'varchar', length: '300', isNullable: true }),
      new TableColumn({ name: 'from_reversal_entry_id', type: 'integer', isNullable: true }),
      new TableColumn({ name: 'to_reversal_entry_id', type: 'integer', isNullable: true }),
    ]);
    await q.createForeignKeys('transfers', [
      new TableForeignKey({
        name: 'fk_transfers_from_reversal_entry',
        columnNames: ['from_reversal_entry_id'],
        referencedTableName: 'journal_entries',
        referencedColumnNames: ['id'],
        onDelete: 'RESTRICT',
      }),
      new TableForeignKey({
        name: 'fk_transfers_to_reversal_entry',
        columnNames: ['to_reversal_entry_id'],
        referencedTableName: 'journal_entries',
        referencedColumnNames: ['id'],
        onDelete: 'RESTRICT',
      }),
    ]);
    await q.addColumn(
      'fund_mergers',
      new TableColumn({ name: 'cross_hierarchy_reason', type: 'varchar', length: '300', isNullable: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('fund_mergers', 'cross_hierarchy_reason');
    await q.dropForeignKey('transfers', 'fk_transfers_to_reversal_entry');
    await q.dropForeignKey('transfers', 'fk_transfers_from_reversal_entry');
    await q.dropColumns('transfers', [
      'to_reversal_entry_id',
      'from_reversal_entry_id',
      'reversal_reason',
      'reversed_by',
      'reversed_at',
    ]);
  }
}
