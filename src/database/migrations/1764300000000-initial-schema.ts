import { MigrationInterface, QueryRunner, Table, TableCheck } from 'typeorm';
import { dong, fk, id, index, int, varchar } from './table-helpers';

// Written with TypeORM's portable Table API, so the same migration builds the schema on SQLite and PostgreSQL.
// Never edit a committed migration: add a new one.

export class InitialSchema1764300000000 implements MigrationInterface {
  name = 'InitialSchema1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'funds',
        columns: [
          id,
          varchar('code', 32),
          varchar('name', 200),
          varchar('level', 16),
          int('parent_id', true),
          varchar('valid_from', 10, true),
          varchar('valid_to', 10, true),
          varchar('status', 16),
          varchar('created_at', 30),
        ],
        foreignKeys: [fk('fk_funds_parent', 'parent_id', 'funds')],
        indices: [index('uq_funds_code', ['code'], true)],
      }),
    );
    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          id,
          varchar('username', 64),
          varchar('password_hash', 255),
          varchar('role', 16),
          int('fund_id', true),
          varchar('status', 16),
          varchar('created_at', 30),
        ],
        foreignKeys: [fk('fk_users_fund', 'fund_id', 'funds')],
        indices: [index('uq_users_username', ['username'], true)],
      }),
    );
    await q.createTable(
      new Table({
        name: 'sessions',
        columns: [
          id,
          int('user_id'),
          varchar('token_hash', 64),
          varchar('created_at', 30),
          varchar('expires_at', 30),
          varchar('revoked_at', 30, true),
        ],
        foreignKeys: [fk('fk_sessions_user', 'user_id', 'users')],
        indices: [index('uq_sessions_token_hash', ['token_hash'], true)],
      }),
    );
    await q.createTable(
      new Table({
        name: 'books',
        columns: [
          { name: 'fund_id', type: 'integer', isPrimary: true },
          varchar('fund_code', 32),
          varchar('locked_through', 10, true),
          int('last_entry_no'),
        ],
        indices: [index('uq_books_code', ['fund_code'], true)],
      }),
    );
    await q.createTable(
      new Table({
        name: 'accounts',
        columns: [
          id,
          int('fund_id'),
          varchar('code', 16),
          varchar('name_vi', 200),
          varchar('name_en', 200),
          varchar('type', 16),
          int('non_negative'),
        ],
        foreignKeys: [fk('fk_accounts_book', 'fund_id', 'books', 'fund_id')],
        indices: [index('uq_accounts_fund_code', ['fund_id', 'code'], true)],
      }),
    );
    await q.createTable(
      new Table({
        name: 'journal_entries',
        columns: [
          id,
          int('fund_id'),
          int('number'),
          varchar('entry_date', 10),
          varchar('description', 500),
          varchar('source', 16),
          varchar('source_ref', 100, true),
          int('reversal_of_id', true),
          varchar('posted_by', 64),
          varchar('posted_at', 30),
          varchar('prev_hash', 64),
          varchar('hash', 64),
        ],
        foreignKeys: [
          fk('fk_entries_book', 'fund_id', 'books', 'fund_id'),
          fk('fk_entries_reversal_of', 'reversal_of_id', 'journal_entries'),
        ],
        indices: [
          index('uq_entries_fund_number', ['fund_id', 'number'], true),
          index('ix_entries_fund_date', ['fund_id', 'entry_date']),
          index('uq_entries_reversal_of', ['reversal_of_id'], true),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'journal_lines',
        columns: [
          id,
          int('entry_id'),
          int('line_no'),
          int('account_id'),
          dong('debit'),
          dong('credit'),
          varchar('memo', 500, true),
        ],
        foreignKeys: [
          fk('fk_lines_entry', 'entry_id', 'journal_entries'),
          fk('fk_lines_account', 'account_id', 'accounts'),
        ],
        indices: [index('ix_lines_entry', ['entry_id']), index('ix_lines_account', ['account_id'])],
        checks: [
          new TableCheck({
            name: 'ck_lines_one_side',
            expression: '(debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)',
          }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'account_balances',
        columns: [
          { name: 'account_id', type: 'integer', isPrimary: true },
          { name: 'period', type: 'varchar', length: '7', isPrimary: true },
          int('fund_id'),
          dong('debit'),
          dong('credit'),
        ],
        foreignKeys: [fk('fk_balances_account', 'account_id', 'accounts')],
        indices: [index('ix_balances_fund_period', ['fund_id', 'period'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'chain_head',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          int('last_entry_id', true),
          varchar('hash', 64),
          int('entry_count'),
        ],
      }),
    );
    await q.query(
      `INSERT INTO chain_head (id, last_entry_id, hash, entry_count) VALUES (1, NULL, '${'0'.repeat(64)}', 0)`,
    );
    await q.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          id,
          varchar('scope', 64),
          varchar('idem_key', 200),
          varchar('request_hash', 64),
          int('status_code'),
          { name: 'response_body', type: 'text' },
          varchar('created_at', 30),
        ],
        indices: [index('uq_idempotency_scope_key', ['scope', 'idem_key'], true)],
      }),
    );
    await q.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          id,
          varchar('at', 30),
          varchar('request_id', 64, true),
          int('user_id', true),
          varchar('username', 64),
          varchar('action', 200),
          { name: 'details', type: 'text' },
        ],
        indices: [index('ix_audit_log_at', ['at'])],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'audit_log',
      'idempotency_keys',
      'chain_head',
      'account_balances',
      'journal_lines',
      'journal_entries',
      'accounts',
      'books',
      'sessions',
      'users',
      'funds',
    ]) {
      await q.dropTable(table);
    }
  }
}
