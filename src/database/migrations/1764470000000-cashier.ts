import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { fk, id, index, int, varchar } from './table-helpers';

/**
 * Issue 10 item 14: the cashier (thủ quỹ). `role_combinations` holds, per fund, whether the admin let one person
 * be accountant and cashier (a small unit); `cash_confirmations` records the cashier's confirmation that a cash
 * receipt's money is in the till. Plain TypeORM Table API, so it runs the same on SQLite and PostgreSQL.
 */
export class Cashier1764470000000 implements MigrationInterface {
  name = 'Cashier1764470000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'role_combinations',
        columns: [
          id,
          int('fund_id'),
          int('accountant_may_pay'),
          varchar('reason', 500),
          varchar('set_by', 64),
          varchar('set_at', 30),
        ],
        foreignKeys: [fk('fk_role_combinations_fund', 'fund_id', 'funds')],
        indices: [index('ux_role_combinations_fund', ['fund_id'], true)],
      }),
    );
    await q.createTable(
      new Table({
        name: 'cash_confirmations',
        columns: [id, int('contribution_id'), varchar('confirmed_by', 64), varchar('confirmed_at', 30)],
        foreignKeys: [fk('fk_cash_confirmations_contribution', 'contribution_id', 'contributions')],
        indices: [index('ux_cash_confirmations_contribution', ['contribution_id'], true)],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('cash_confirmations');
    await q.dropTable('role_combinations');
  }
}
