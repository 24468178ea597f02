import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';

/**
 * Issue 14 (public disclosure): a donor's consent to the honour roll (off by default, with the day it was given);
 * each fund's Ed25519 key that signs its published files; and the one-time links of donor self-service, with a log
 * of link requests that keeps a hash of the e-mail, never the e-mail. Plain TypeORM Table API; its own shorthands
 * (table-helpers.ts is frozen).
 */
export class PublicDisclosure1764460000000 implements MigrationInterface {
  name = 'PublicDisclosure1764460000000';

  async up(q: QueryRunner): Promise<void> {
    const id = {
      name: 'id',
      type: 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment' as const,
    };
    const text = (name: string, length: number, isNullable = false) => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable,
    });
    const int = (name: string, isNullable = false) => ({ name, type: 'integer', isNullable });
    const fk = (name: string, column: string, table: string) =>
      new TableForeignKey({
        name,
        columnNames: [column],
        referencedTableName: table,
        referencedColumnNames: ['id'],
        onDelete: 'RESTRICT',
      });

    await q.addColumn('donors', new TableColumn({ name: 'public_listing', type: 'integer', default: 0 }));
    await q.addColumn(
      'donors',
      new TableColumn({ name: 'public_listing_consent_on', type: 'varchar', length: '10', isNullable: true }),
    );

    await q.createTable(
      new Table({
        name: 'public_signing_keys',
        columns: [
          id,
          int('fund_id'),
          text('key_id', 16),
          text('public_key', 200),
          text('private_key', 300),
          text('created_by', 64),
          text('created_at', 30),
          text('retired_at', 30, true),
        ],
        foreignKeys: [fk('fk_public_keys_fund', 'fund_id', 'funds')],
        indices: [
          new TableIndex({ name: 'ix_public_keys_fund', columnNames: ['fund_id'] }),
          new TableIndex({ name: 'ux_public_keys_key_id', columnNames: ['key_id'], isUnique: true }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'donor_links',
        columns: [
          id,
          int('donor_id'),
          text('token_hash', 64),
          text('created_at', 30),
          text('expires_at', 30),
          text('used_at', 30, true),
        ],
        foreignKeys: [fk('fk_donor_links_donor', 'donor_id', 'donors')],
        indices: [
          new TableIndex({ name: 'ux_donor_links_token', columnNames: ['token_hash'], isUnique: true }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'donor_link_requests',
        columns: [
          id,
          text('at', 30),
          text('email_hash', 64, true),
          text('receipt_no', 40, true),
          text('outcome', 20),
        ],
        indices: [new TableIndex({ name: 'ix_donor_link_requests_at', columnNames: ['at'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('donor_link_requests');
    await q.dropTable('donor_links');
    await q.dropTable('public_signing_keys');
    await q.dropColumn('donors', 'public_listing_consent_on');
    await q.dropColumn('donors', 'public_listing');
  }
}
