import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A request's first response, kept so that a retry with the same Idempotency-Key gets it back (invariant 8). */
@Entity({ name: 'idempotency_keys' })
@Index('uq_idempotency_scope_key', ['scope', 'key'], { unique: true })
export class IdempotencyRecord {
  @PrimaryGeneratedColumn()
  id: number;

  /** The user (or cli) that sent the key: keys of different users never collide. */
  @Column({ type: 'varchar', length: 64 })
  scope: string;

  @Column({ name: 'idem_key', type: 'varchar', length: 200 })
  key: string;

  /** SHA-256 of method, path and canonical body. */
  @Column({ name: 'request_hash', type: 'varchar', length: 64 })
  requestHash: string;

  @Column({ name: 'status_code', type: 'integer' })
  statusCode: number;

  @Column({ name: 'response_body', type: 'text' })
  responseBody: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;
}

/** One row for every change of state, written in the same transaction as the change. */
@Entity({ name: 'audit_log' })
@Index('ix_audit_log_at', ['at'])
export class AuditLogEntry {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 30 })
  at: string;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId: string | null;

  @Column({ name: 'user_id', type: 'integer', nullable: true })
  userId: number | null;

  @Column({ type: 'varchar', length: 64 })
  username: string;

  /** e.g. "POST /api/journal-entries" or "cli demo" */
  @Column({ type: 'varchar', length: 200 })
  action: string;

  /** JSON: the request (secrets and national IDs removed) and the result's id. */
  @Column({ type: 'text' })
  details: string;
}
