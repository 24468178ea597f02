import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { fk, id, index, int, varchar } from './table-helpers';

/**
 * Issue 12 (duplicates queue): a pair of households someone checked and found to be two households ("not a
 * duplicate"), with who said so and why, so that the duplicates report stops flagging the pair. The lower id is
 * `a_id`; one row per pair. Plain TypeORM Table API, so it runs the same on SQLite and PostgreSQL.
 */
export class BeneficiaryDistinctPairs1764500000000 implements MigrationInterface {
  name = 'BeneficiaryDistinctPairs1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'beneficiary_distinct_pairs',
        columns: [
          id,
          int('a_id'),
          int('b_id'),
          varchar('reason', 400),
          varchar('decided_by', 64),
          varchar('decided_at', 30),
        ],
        foreignKeys: [
          fk('fk_beneficiary_distinct_pairs_a', 'a_id', 'beneficiaries'),
          fk('fk_beneficiary_distinct_pairs_b', 'b_id', 'beneficiaries'),
        ],
        indices: [
          index('uq_beneficiary_distinct_pairs_pair', ['a_id', 'b_id'], true),
          index('ix_beneficiary_distinct_pairs_b', ['b_id']),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('beneficiary_distinct_pairs');
  }
}
