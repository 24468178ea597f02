import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { fk, id, index, int, varchar } from './table-helpers';

/**
 * Issue 10 (documents): money through a bank or the Treasury keeps its bank reference and date, the person who
 * hands money over for an organisation, the payee's account of a payment order, and its attachments (file name,
 * kind, SHA-256; the bytes beside the SQLite file or, on PostgreSQL, in the table); a fund's managing unit is
 * named by date; letters of thanks and statements keep the number they were first issued under. Plain TypeORM
 * Table API, so it runs the same on SQLite and PostgreSQL.
 */
export class BankDocumentsAndUnitNames1764440000000 implements MigrationInterface {
  name = 'BankDocumentsAndUnitNames1764440000000';

  async up(q: QueryRunner): Promise<void> {
    const blob = q.connection.options.type === 'postgres' ? 'bytea' : 'blob';
    await q.addColumns('contributions', [
      new TableColumn({ name: 'bank_ref', type: 'varchar', length: '100', isNullable: true }),
      new TableColumn({ name: 'bank_date', type: 'varchar', length: '10', isNullable: true }),
      new TableColumn({ name: 'handed_over_by', type: 'varchar', length: '200', isNullable: true }),
    ]);
    await q.addColumns('disbursements', [
      new TableColumn({ name: 'bank_ref', type: 'varchar', length: '100', isNullable: true }),
      new TableColumn({ name: 'payee_account', type: 'varchar', length: '40', isNullable: true }),
      new TableColumn({ name: 'payee_bank', type: 'varchar', length: '200', isNullable: true }),
      new TableColumn({ name: 'payer_account', type: 'varchar', length: '40', isNullable: true }),
      new TableColumn({ name: 'received_by', type: 'varchar', length: '200', isNullable: true }),
    ]);
    await q.createTable(
      new Table({
        name: 'attachments',
        columns: [
          id,
          varchar('owner_type', 16),
          int('owner_id'),
          varchar('file_name', 255),
          varchar('kind', 40),
          varchar('media_type', 100),
          varchar('sha256', 64),
          int('size'),
          varchar('storage', 8),
          { name: 'content', type: blob, isNullable: true },
          varchar('created_by', 64),
          varchar('created_at', 30),
        ],
        indices: [index('ix_attachments_owner', ['owner_type', 'owner_id'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'fund_unit_names',
        columns: [
          id,
          int('fund_id'),
          varchar('valid_from', 10),
          varchar('name', 200),
          varchar('place', 100, true),
          varchar('reason', 300, true),
          varchar('created_by', 64),
          varchar('created_at', 30),
        ],
        foreignKeys: [fk('fk_fund_unit_names_fund', 'fund_id', 'funds')],
        indices: [index('uq_fund_unit_names_from', ['fund_id', 'valid_from'], true)],
      }),
    );
    await q.createTable(
      new Table({
        name: 'issued_documents',
        columns: [
          id,
          int('fund_id'),
          varchar('series', 8),
          varchar('subject', 100),
          varchar('number', 30),
          varchar('created_at', 30),
        ],
        foreignKeys: [fk('fk_issued_documents_fund', 'fund_id', 'funds')],
        indices: [index('uq_issued_documents_subject', ['fund_id', 'series', 'subject'], true)],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('issued_documents');
    await q.dropTable('fund_unit_names');
    await q.dropTable('attachments');
    await q.dropColumns('disbursements', [
      'received_by',
      'payer_account',
      'payee_bank',
      'payee_account',
      'bank_ref',
    ]);
    await q.dropColumns('contributions', ['handed_over_by', 'bank_date', 'bank_ref']);
  }
}
