import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../common/actor';
import { Fund } from '../funds/fund.entity';

@Entity({ name: 'users' })
@Index('uq_users_username', ['username'], { unique: true })
export class User {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64 })
  username: string;

  /** scrypt$N$r$p$salt$hash (base64) */
  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  /** When set, the user sees only this fund and the funds below it. */
  @Column({ name: 'fund_id', type: 'integer', nullable: true })
  fundId: number | null;

  @ManyToOne(() => Fund, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fund_id', foreignKeyConstraintName: 'fk_users_fund' })
  fund?: Fund | null;

  @Column({ type: 'varchar', length: 16 })
  status: 'active' | 'disabled';

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;
}

@Entity({ name: 'sessions' })
@Index('uq_sessions_token_hash', ['tokenHash'], { unique: true })
export class Session {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_sessions_user' })
  user?: User;

  /** SHA-256 of the bearer token; the token itself is never stored. */
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;

  @Column({ name: 'expires_at', type: 'varchar', length: 30 })
  expiresAt: string;

  @Column({ name: 'revoked_at', type: 'varchar', length: 30, nullable: true })
  revokedAt: string | null;
}
