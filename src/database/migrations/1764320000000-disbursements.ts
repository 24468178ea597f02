import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { dong, fk, id, index, int, varchar } from './table-helpers';

/** Beneficiary registry, payout requests with their workflow, house projects, and transfers between funds. */
export class Disbursements1764320000000 implements MigrationInterface {
  name = 'Disbursements1764320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'beneficiaries',
        columns: [
          id,
          varchar('full_name', 200),
          varchar('name_folded', 200),
          varchar('national_id', 12, true),
          varchar('id_kind', 8, true),
          int('birth_year', true),
          varchar('category', 40),
          varchar('commune', 200),
          varchar('commune_folded', 200),
          varchar('address', 500, true),
          varchar('record_no', 50, true),
          varchar('housing_condition', 300, true),
          int('merged_into_id', true),
          varchar('import_key', 64, true),
          varchar('created_by', 64),
          varchar('created_at', 30),
        ],
        foreignKeys: [fk('fk_beneficiaries_merged_into', 'merged_into_id', 'beneficiaries')],
        indices: [
          index('ix_beneficiaries_national_id', ['national_id']),
          index('ix_beneficiaries_match', ['name_folded', 'birth_year', 'commune_folded']),
          index('uq_beneficiaries_import_key', ['import_key'], true),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'beneficiary_merges',
        columns: [
          id,
          int('from_id'),
          int('into_id'),
          int('disbursements_moved'),
          varchar('reason', 400),
          varchar('merged_by', 64),
          varchar('at', 30),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'house_projects',
        columns: [
          id,
          int('fund_id'),
          int('beneficiary_id'),
          varchar('kind', 8),
          varchar('description', 300),
          dong('budget'),
          dong('central_budget'),
          dong('local_budget'),
          dong('social_sources'),
          varchar('status', 12),
          varchar('started_on', 10),
          varchar('completed_on', 10, true),
          varchar('created_by', 64),
          varchar('created_at', 30),
        ],
        foreignKeys: [
          fk('fk_house_projects_fund', 'fund_id', 'funds'),
          fk('fk_house_projects_beneficiary', 'beneficiary_id', 'beneficiaries'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'disbursements',
        columns: [
          id,
          int('fund_id'),
          int('beneficiary_id'),
          varchar('purpose', 16),
          dong('amount'),
          varchar('request_date', 10),
          varchar('method', 8),
          varchar('decision_no', 100, true),
          varchar('description', 300, true),
          varchar('status', 12),
          varchar('stage', 12),
          int('project_id', true),
          varchar('override_rules', 300, true),
          varchar('override_reason', 400, true),
          varchar('prepared_by', 64),
          varchar('approved_by', 64, true),
          varchar('payment_date', 10, true),
          varchar('voucher_no', 20, true),
          int('entry_id', true),
          int('reversal_entry_id', true),
          varchar('created_at', 30),
        ],
        foreignKeys: [
          fk('fk_disbursements_fund', 'fund_id', 'funds'),
          fk('fk_disbursements_beneficiary', 'beneficiary_id', 'beneficiaries'),
          fk('fk_disbursements_project', 'project_id', 'house_projects'),
          fk('fk_disbursements_entry', 'entry_id', 'journal_entries'),
          fk('fk_disbursements_reversal_entry', 'reversal_entry_id', 'journal_entries'),
        ],
        indices: [
          index('ix_disbursements_beneficiary', ['beneficiary_id', 'purpose']),
          index('ix_disbursements_fund_status', ['fund_id', 'status']),
          index('ix_disbursements_voucher', ['fund_id', 'voucher_no']),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'disbursement_events',
        columns: [
          id,
          int('disbursement_id'),
          varchar('action', 20),
          varchar('username', 64),
          varchar('at', 30),
          varchar('note', 400, true),
        ],
        foreignKeys: [fk('fk_disbursement_events_disbursement', 'disbursement_id', 'disbursements')],
        indices: [index('ix_disbursement_events_disbursement', ['disbursement_id'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'transfers',
        columns: [
          id,
          int('from_fund_id'),
          int('to_fund_id'),
          dong('amount'),
          varchar('transfer_date', 10),
          varchar('method', 8),
          varchar('description', 300),
          int('from_entry_id'),
          int('to_entry_id'),
          varchar('created_by', 64),
          varchar('created_at', 30),
        ],
        foreignKeys: [
          fk('fk_transfers_from_fund', 'from_fund_id', 'funds'),
          fk('fk_transfers_to_fund', 'to_fund_id', 'funds'),
          fk('fk_transfers_from_entry', 'from_entry_id', 'journal_entries'),
          fk('fk_transfers_to_entry', 'to_entry_id', 'journal_entries'),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'transfers',
      'disbursement_events',
      'disbursements',
      'house_projects',
      'beneficiary_merges',
      'beneficiaries',
    ]) {
      await q.dropTable(table);
    }
  }
}
