import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';

/**
 * Issue 10, items 4 and 16. Payouts to an organisation (a cemetery, a supplier of management services) name a
 * payee of its own (name, tax code, bank account) instead of a household, so `disbursements.beneficiary_id`
 * becomes nullable beside a new `payee_id`. Contributions get a kind (money, in kind, state-budget support) and
 * an in-kind gift's valuation; bank advices (interest credited, fees charged) are kept with their reference.
 * Plain TypeORM Table API, so it runs the same on SQLite and PostgreSQL; its own column shorthands, since
 * table-helpers.ts is frozen.
 */
const idColumn = {
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment' as const,
};
const text = (name: string, length: number, isNullable = false) =>
  new TableColumn({ name, type: 'varchar', length: String(length), isNullable });

export class PayeesAndKindsOfMoney1764490000000 implements MigrationInterface {
  name = 'PayeesAndKindsOfMoney1764490000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'payees',
        columns: [
          idColumn,
          text('name', 300),
          text('name_folded', 300),
          text('kind', 16),
          text('tax_code', 20, true),
          text('address', 500, true),
          text('bank_account', 40, true),
          text('bank_name', 200, true),
          text('created_by', 64),
          text('created_at', 30),
        ],
        indices: [
          new TableIndex({ name: 'ix_payees_name_folded', columnNames: ['name_folded'] }),
          new TableIndex({ name: 'ix_payees_tax_code', columnNames: ['tax_code'] }),
        ],
      }),
    );
    await q.addColumn(
      'disbursements',
      new TableColumn({ name: 'payee_id', type: 'integer', isNullable: true }),
    );
    await q.createForeignKey(
      'disbursements',
      new TableForeignKey({
        name: 'fk_disbursements_payee',
        columnNames: ['payee_id'],
        referencedTableName: 'payees',
        referencedColumnNames: ['id'],
        onDelete: 'RESTRICT',
      }),
    );
    await q.changeColumn(
      'disbursements',
      'beneficiary_id',
      new TableColumn({ name: 'beneficiary_id', type: 'integer', isNullable: true }),
    );

    await q.addColumns('contributions', [
      new TableColumn({ name: 'kind', type: 'varchar', length: '16', isNullable: false, default: "'money'" }),
      text('in_kind_description', 500, true),
      text('in_kind_quantity', 100, true),
      text('valuation_basis', 500, true),
    ]);

    await q.createTable(
      new Table({
        name: 'bank_advices',
        columns: [
          idColumn,
          { name: 'fund_id', type: 'integer' },
          text('kind', 16),
          text('advice_date', 10),
          text('bank_ref', 100),
          { name: 'amount', type: 'bigint' },
          text('description', 300),
          { name: 'entry_id', type: 'integer' },
          text('created_by', 64),
          text('created_at', 30),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_bank_advices_fund',
            columnNames: ['fund_id'],
            referencedTableName: 'funds',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
          }),
          new TableForeignKey({
            name: 'fk_bank_advices_entry',
            columnNames: ['entry_id'],
            referencedTableName: 'journal_entries',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
          }),
        ],
        indices: [
          new TableIndex({
            name: 'uq_bank_advices_ref',
            columnNames: ['fund_id', 'bank_ref'],
            isUnique: true,
          }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('bank_advices');
    await q.dropColumns('contributions', [
      'valuation_basis',
      'in_kind_quantity',
      'in_kind_description',
      'kind',
    ]);
    await q.changeColumn(
      'disbursements',
      'beneficiary_id',
      new TableColumn({ name: 'beneficiary_id', type: 'integer', isNullable: false }),
    );
    await q.dropForeignKey('disbursements', 'fk_disbursements_payee');
    await q.dropColumn('disbursements', 'payee_id');
    await q.dropTable('payees');
  }
}
