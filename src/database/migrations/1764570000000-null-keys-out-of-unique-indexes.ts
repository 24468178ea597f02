import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Issue 13 (post.http): two unique indexes whose column is null on nearly every row — an entry's reversed entry
 * (`uq_entries_reversal_of`, set on reversals only) and a contribution's import key (`uq_contributions_import_key`,
 * set on imported rows only) — hold only the rows that have one. A null never collided with anything (nulls are
 * distinct in a unique index, on both databases), so what is refused is unchanged; but every gift over HTTP
 * inserted a null key into each, and so changed two more pages that its COMMIT wrote to the log (23.6 → 21.4
 * pages a gift on SQLite, about 15 µs of its 90 µs COMMIT). The lookups by reversed entry and by import key name
 * a value, which the partial indexes still answer.
 *
 * Runs the same on SQLite and PostgreSQL (partial indexes exist on both).
 */
const INDEXES = [
  { table: 'journal_entries', name: 'uq_entries_reversal_of', column: 'reversal_of_id' },
  { table: 'contributions', name: 'uq_contributions_import_key', column: 'import_key' },
];

export class NullKeysOutOfUniqueIndexes1764570000000 implements MigrationInterface {
  name = 'NullKeysOutOfUniqueIndexes1764570000000';

  async up(q: QueryRunner): Promise<void> {
    for (const { table, name, column } of INDEXES) {
      await q.dropIndex(table, name);
      await q.createIndex(
        table,
        new TableIndex({ name, columnNames: [column], isUnique: true, where: `${column} IS NOT NULL` }),
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const { table, name, column } of INDEXES) {
      await q.dropIndex(table, name);
      await q.createIndex(table, new TableIndex({ name, columnNames: [column], isUnique: true }));
    }
  }
}
