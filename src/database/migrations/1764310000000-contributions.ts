import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { dong, fk, id, index, int, varchar } from './table-helpers';

/** Donors, campaigns, contributions with their receipt series, batches, imports and e-mail deliveries. */
export class Contributions1764310000000 implements MigrationInterface {
  name = 'Contributions1764310000000';

  async up(q: QueryRunner): Promise<void> {
    // The unit that keeps the fund, printed at the top of its documents (e.g. "UBND tỉnh Lào Cai").
    await q.addColumn('funds', new TableColumn(varchar('unit_name', 200, true)));
    await q.createTable(
      new Table({
        name: 'document_series',
        columns: [
          { name: 'fund_id', type: 'integer', isPrimary: true },
          { name: 'series', type: 'varchar', length: '8', isPrimary: true },
          { name: 'year', type: 'integer', isPrimary: true },
          int('last_no'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'donors',
        columns: [
          id,
          varchar('name', 300),
          varchar('name_folded', 300),
          varchar('kind', 16),
          varchar('address', 500, true),
          varchar('email', 200, true),
          varchar('tax_code', 20, true),
          varchar('national_id', 12, true),
          int('in_province'),
          int('merged_into_id', true),
          varchar('created_at', 30),
        ],
        foreignKeys: [fk('fk_donors_merged_into', 'merged_into_id', 'donors')],
        indices: [index('ix_donors_name_folded', ['name_folded'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'campaigns',
        columns: [
          id,
          varchar('code', 32),
          varchar('name', 200),
          varchar('starts_on', 10),
          varchar('ends_on', 10),
          varchar('created_at', 30),
        ],
        indices: [index('uq_campaigns_code', ['code'], true)],
      }),
    );
    await q.createTable(
      new Table({
        name: 'contribution_batches',
        columns: [
          id,
          int('fund_id'),
          int('donor_id'),
          int('campaign_id', true),
          varchar('batch_date', 10),
          varchar('method', 8),
          varchar('purpose', 300, true),
          varchar('description', 300),
          int('expected_count'),
          dong('expected_total'),
          varchar('status', 10),
          varchar('created_by', 64),
          varchar('created_at', 30),
        ],
        foreignKeys: [
          fk('fk_batches_fund', 'fund_id', 'funds'),
          fk('fk_batches_donor', 'donor_id', 'donors'),
          fk('fk_batches_campaign', 'campaign_id', 'campaigns'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'batch_members',
        columns: [
          id,
          int('batch_id'),
          int('line_no'),
          varchar('name', 200),
          dong('amount'),
          varchar('note', 200, true),
        ],
        foreignKeys: [fk('fk_batch_members_batch', 'batch_id', 'contribution_batches')],
        indices: [index('uq_batch_members_line', ['batch_id', 'line_no'], true)],
      }),
    );
    await q.createTable(
      new Table({
        name: 'contributions',
        columns: [
          id,
          int('fund_id'),
          int('donor_id'),
          int('campaign_id', true),
          int('batch_id', true),
          varchar('contribution_date', 10),
          dong('amount'),
          varchar('method', 8),
          varchar('purpose', 300, true),
          varchar('receipt_no', 20),
          int('entry_id'),
          varchar('status', 10),
          int('void_entry_id', true),
          varchar('void_reason', 400, true),
          varchar('voided_at', 30, true),
          varchar('external_ref', 100, true),
          varchar('import_key', 64, true),
          varchar('created_by', 64),
          varchar('created_at', 30),
        ],
        foreignKeys: [
          fk('fk_contributions_fund', 'fund_id', 'funds'),
          fk('fk_contributions_donor', 'donor_id', 'donors'),
          fk('fk_contributions_campaign', 'campaign_id', 'campaigns'),
          fk('fk_contributions_batch', 'batch_id', 'contribution_batches'),
          fk('fk_contributions_entry', 'entry_id', 'journal_entries'),
          fk('fk_contributions_void_entry', 'void_entry_id', 'journal_entries'),
        ],
        indices: [
          index('uq_contributions_receipt', ['fund_id', 'receipt_no'], true),
          index('ix_contributions_receipt_no', ['receipt_no']),
          index('ix_contributions_donor', ['donor_id']),
          index('uq_contributions_import_key', ['import_key'], true),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'email_deliveries',
        columns: [
          id,
          int('contribution_id'),
          varchar('recipient', 200),
          varchar('status', 10),
          varchar('error', 500, true),
          varchar('message_id', 200, true),
          varchar('at', 30),
        ],
        foreignKeys: [fk('fk_email_deliveries_contribution', 'contribution_id', 'contributions')],
        indices: [index('ix_email_deliveries_contribution', ['contribution_id'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'donor_merges',
        columns: [
          id,
          int('from_donor_id'),
          int('into_donor_id'),
          int('contributions_moved'),
          varchar('reason', 400),
          varchar('merged_by', 64),
          varchar('at', 30),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'imports',
        columns: [
          id,
          varchar('kind', 32),
          varchar('file_name', 300),
          varchar('file_sha256', 64),
          int('rows_total'),
          int('rows_imported'),
          int('rows_skipped'),
          varchar('created_by', 64),
          varchar('created_at', 30),
        ],
        indices: [index('ix_imports_sha256', ['file_sha256'])],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'imports',
      'donor_merges',
      'email_deliveries',
      'contributions',
      'batch_members',
      'contribution_batches',
      'campaigns',
      'donors',
      'document_series',
    ]) {
      await q.dropTable(table);
    }
    await q.dropColumn('funds', 'unit_name');
  }
}
