import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { fk, id, index, int, varchar } from './table-helpers';

/** Year-end closings, fund mergers, a fund's successor, and closed books (DESIGN.md §7). */
export class Closing1764330000000 implements MigrationInterface {
  name = 'Closing1764330000000';

  async up(q: QueryRunner): Promise<void> {
    // The fund a merged fund's balances went to (1 July 2025: district funds into the province).
    await q.addColumn('funds', new TableColumn(int('successor_id', true)));
    await q.createForeignKey('funds', fk('fk_funds_successor', 'successor_id', 'funds'));
    // Closed books take no posting at all, whatever the lock date says.
    await q.addColumn('books', new TableColumn(varchar('closed_on', 10, true)));
    await q.addColumn('books', new TableColumn(varchar('closed_note', 300, true)));
    await q.createTable(
      new Table({
        name: 'year_closings',
        columns: [
          id,
          int('fund_id'),
          int('year'),
          int('entry_id', true),
          varchar('status', 10),
          varchar('closed_by', 64),
          varchar('closed_at', 30),
          varchar('reopened_by', 64, true),
          varchar('reopened_at', 30, true),
          varchar('reason', 400, true),
          int('reversal_entry_id', true),
        ],
        foreignKeys: [
          fk('fk_year_closings_fund', 'fund_id', 'funds'),
          fk('fk_year_closings_entry', 'entry_id', 'journal_entries'),
          fk('fk_year_closings_reversal_entry', 'reversal_entry_id', 'journal_entries'),
        ],
        indices: [index('ix_year_closings_fund_year', ['fund_id', 'year'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'fund_mergers',
        columns: [
          id,
          int('predecessor_id'),
          int('successor_id'),
          varchar('cutoff', 10),
          varchar('note', 300),
          int('closing_entry_id', true),
          int('handover_entry_id', true),
          int('opening_entry_id', true),
          int('children_moved'),
          varchar('merged_by', 64),
          varchar('merged_at', 30),
        ],
        foreignKeys: [
          fk('fk_fund_mergers_predecessor', 'predecessor_id', 'funds'),
          fk('fk_fund_mergers_successor', 'successor_id', 'funds'),
          fk('fk_fund_mergers_closing_entry', 'closing_entry_id', 'journal_entries'),
          fk('fk_fund_mergers_handover_entry', 'handover_entry_id', 'journal_entries'),
          fk('fk_fund_mergers_opening_entry', 'opening_entry_id', 'journal_entries'),
        ],
        indices: [
          index('uq_fund_mergers_predecessor', ['predecessor_id'], true),
          index('ix_fund_mergers_successor', ['successor_id']),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('fund_mergers');
    await q.dropTable('year_closings');
    await q.dropColumn('books', 'closed_note');
    await q.dropColumn('books', 'closed_on');
    await q.dropForeignKey('funds', 'fk_funds_successor');
    await q.dropColumn('funds', 'successor_id');
  }
}
