import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { fk, id, index, int, varchar } from './table-helpers';

/** Statement lines that repeat an earlier line of their own file, and what an accountant decided about each. */
export class BankStatementDuplicates1764400000000 implements MigrationInterface {
  name = 'BankStatementDuplicates1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'bank_statement_duplicates',
        columns: [
          id,
          int('statement_id'),
          int('line_id'),
          int('repeats_line_no'),
          varchar('decision', 4, true),
          varchar('reason', 300, true),
          varchar('decided_by', 64, true),
          varchar('decided_at', 30, true),
        ],
        foreignKeys: [
          fk('fk_bank_statement_duplicates_statement', 'statement_id', 'bank_statements'),
          fk('fk_bank_statement_duplicates_line', 'line_id', 'bank_statement_lines'),
        ],
        indices: [
          index('ix_bank_statement_duplicates_statement', ['statement_id']),
          index('uq_bank_statement_duplicates_line', ['line_id'], true),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('bank_statement_duplicates');
  }
}
