import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { dong, fk, id, index, int, varchar } from './table-helpers';

/** Imported bank/Treasury statements of account 112, their lines, and the matches proposed against the books. */
export class BankReconciliation1764340000000 implements MigrationInterface {
  name = 'BankReconciliation1764340000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'bank_statements',
        columns: [
          id,
          int('fund_id'),
          varchar('file_name', 300),
          varchar('file_sha256', 64),
          varchar('period_from', 10),
          varchar('period_to', 10),
          int('line_count'),
          int('skipped_count'),
          varchar('imported_by', 64),
          varchar('imported_at', 30),
        ],
        foreignKeys: [fk('fk_bank_statements_fund', 'fund_id', 'funds')],
        indices: [index('uq_bank_statements_file', ['fund_id', 'file_sha256'], true)],
      }),
    );
    await q.createTable(
      new Table({
        name: 'bank_statement_lines',
        columns: [
          id,
          int('statement_id'),
          int('line_no'),
          varchar('line_date', 10),
          dong('amount'),
          varchar('direction', 3),
          varchar('reference', 100, true),
          varchar('description', 500, true),
          varchar('status', 10),
          varchar('line_key', 64),
        ],
        foreignKeys: [fk('fk_bank_statement_lines_statement', 'statement_id', 'bank_statements')],
        indices: [
          index('ix_bank_statement_lines_statement', ['statement_id']),
          index('ix_bank_statement_lines_date', ['line_date']),
          index('uq_bank_statement_lines_key', ['line_key'], true),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'bank_matches',
        columns: [
          id,
          int('fund_id'),
          varchar('kind', 12),
          varchar('status', 10),
          varchar('basis', 200),
          varchar('proposed_by', 64),
          varchar('proposed_at', 30),
          varchar('confirmed_by', 64, true),
          varchar('confirmed_at', 30, true),
          varchar('undone_by', 64, true),
          varchar('undone_at', 30, true),
          varchar('undo_reason', 300, true),
        ],
        foreignKeys: [fk('fk_bank_matches_fund', 'fund_id', 'funds')],
        indices: [index('ix_bank_matches_fund_status', ['fund_id', 'status'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'bank_match_items',
        columns: [
          id,
          int('match_id'),
          int('statement_line_id', true),
          int('journal_line_id', true),
          varchar('live_key', 24, true),
        ],
        foreignKeys: [
          fk('fk_bank_match_items_match', 'match_id', 'bank_matches'),
          fk('fk_bank_match_items_statement_line', 'statement_line_id', 'bank_statement_lines'),
          fk('fk_bank_match_items_journal_line', 'journal_line_id', 'journal_lines'),
        ],
        indices: [
          index('ix_bank_match_items_match', ['match_id']),
          index('ix_bank_match_items_statement_line', ['statement_line_id']),
          index('ix_bank_match_items_journal_line', ['journal_line_id']),
          index('uq_bank_match_items_live', ['live_key'], true),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['bank_match_items', 'bank_matches', 'bank_statement_lines', 'bank_statements']) {
      await q.dropTable(table);
    }
  }
}
