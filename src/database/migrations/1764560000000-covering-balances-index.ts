import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Issue 13 (report.statement): the statement and the trial balance sum the stored monthly balances of a fund's
 * months (`account_balances` by fund and period). Through `ix_balances_fund_period` (fund_id, period) each row
 * found was then read from the table for its account and amounts; the index now carries them too, so those reads
 * use the index alone. It replaces the narrower index under the same name (its prefix is the same), so a posting
 * still keeps one index beside the primary key, now rewritten with each balance's new amounts.
 *
 * Runs the same on SQLite and PostgreSQL.
 */
export class CoveringBalancesIndex1764560000000 implements MigrationInterface {
  name = 'CoveringBalancesIndex1764560000000';

  async up(q: QueryRunner): Promise<void> {
    await q.dropIndex('account_balances', 'ix_balances_fund_period');
    await q.createIndex(
      'account_balances',
      new TableIndex({
        name: 'ix_balances_fund_period',
        columnNames: ['fund_id', 'period', 'account_id', 'debit', 'credit'],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('account_balances', 'ix_balances_fund_period');
    await q.createIndex(
      'account_balances',
      new TableIndex({ name: 'ix_balances_fund_period', columnNames: ['fund_id', 'period'] }),
    );
  }
}
