import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey } from 'typeorm';
import { id, index, int, varchar } from './table-helpers';

/**
 * Issue 11 (web admin): each run of the chain verification is kept (time, result, entries checked, first problem),
 * so the dashboard can warn when the last one failed or is old; and a donor records the fund that registered it, so
 * that a user limited to that fund sees the donor before its first contribution. Plain TypeORM Table API.
 */
export class VerifyRunsAndDonorFund1764430000000 implements MigrationInterface {
  name = 'VerifyRunsAndDonorFund1764430000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'verify_runs',
        columns: [
          id,
          varchar('at', 30),
          int('ok'),
          int('entries_checked'),
          varchar('first_problem', 1000, true),
          varchar('run_by', 64),
        ],
        indices: [index('ix_verify_runs_at', ['at'])],
      }),
    );
    await q.addColumn(
      'donors',
      new TableColumn({ name: 'registered_fund_id', type: 'integer', isNullable: true }),
    );
    await q.createForeignKey(
      'donors',
      new TableForeignKey({
        name: 'fk_donors_registered_fund',
        columnNames: ['registered_fund_id'],
        referencedTableName: 'funds',
        referencedColumnNames: ['id'],
        onDelete: 'RESTRICT',
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropForeignKey('donors', 'fk_donors_registered_fund');
    await q.dropColumn('donors', 'registered_fund_id');
    await q.dropTable('verify_runs');
  }
}
