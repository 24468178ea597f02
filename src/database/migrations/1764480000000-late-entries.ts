import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { fk, id, index, int, varchar } from './table-helpers';

/**
 * Issue 10 item 3: backdated numbers. Each document series remembers the date of its latest document
 * (`document_series.last_date`, filled from the receipts and vouchers already numbered), so a document dated
 * before it is recognised as a late entry ("ghi bổ sung"); `late_entries` holds the approver's confirmation of
 * each, and the number it was used for; an imported historical contribution keeps its paper number
 * (`contributions.original_no`). Plain TypeORM Table API, so it runs the same on SQLite and PostgreSQL.
 */
export class LateEntries1764480000000 implements MigrationInterface {
  name = 'LateEntries1764480000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('document_series', new TableColumn(varchar('last_date', 10, true)));
    // The latest date numbered so far in each series: receipts (contributions) and vouchers (payouts).
    await q.query(
      `UPDATE document_series SET last_date = (
         SELECT MAX(x.d) FROM (
           SELECT fund_id, receipt_no AS no, contribution_date AS d FROM contributions
           UNION ALL
           SELECT fund_id, voucher_no AS no, payment_date AS d FROM disbursements WHERE voucher_no IS NOT NULL
         ) x
         WHERE x.fund_id = document_series.fund_id
           AND x.no LIKE document_series.series || '-' || CAST(document_series.year AS VARCHAR(4)) || '-%')`,
    );
    await q.addColumn('contributions', new TableColumn(varchar('original_no', 40, true)));
    await q.createTable(
      new Table({
        name: 'late_entries',
        columns: [
          id,
          int('fund_id'),
          varchar('series', 8),
          varchar('document_date', 10),
          { name: 'amount', type: 'bigint' },
          varchar('reason', 500),
          varchar('status', 10),
          varchar('requested_by', 64),
          varchar('requested_at', 30),
          varchar('decided_by', 64, true),
          varchar('decided_at', 30, true),
          varchar('note', 400, true),
          varchar('document_no', 20, true),
          varchar('used_by', 64, true),
          varchar('used_at', 30, true),
        ],
        foreignKeys: [fk('fk_late_entries_fund', 'fund_id', 'funds')],
        indices: [
          index('ix_late_entries_status', ['status', 'fund_id']),
          index('ux_late_entries_document', ['fund_id', 'document_no'], true),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('late_entries');
    await q.dropColumn('contributions', 'original_no');
    await q.dropColumn('document_series', 'last_date');
  }
}
