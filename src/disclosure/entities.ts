import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Donor } from '../contributions/entities';
import { Fund } from '../funds/fund.entity';

/** A fund's Ed25519 key for its published files. The newest key that is not retired signs. */
@Entity({ name: 'public_signing_keys' })
@Index('ix_public_keys_fund', ['fundId'])
@Index('ux_public_keys_key_id', ['keyId'], { unique: true })
export class PublicSigningKey {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'fund_id', type: 'integer' })
  fundId: number;

  @ManyToOne(() => Fund, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fund_id', foreignKeyConstraintName: 'fk_public_keys_fund' })
  fund?: Fund;

  /** The first 16 hex digits of the SHA-256 of the public key (DER). */
  @Column({ name: 'key_id', type: 'varchar', length: 16 })
  keyId: string;

  /** SPKI DER, base64. */
  @Column({ name: 'public_key', type: 'varchar', length: 200 })
  publicKey: string;

  /** PKCS#8 DER, base64: it lives in the database (and its backups), never in the repository or a log. */
  @Column({ name: 'private_key', type: 'varchar', length: 300 })
  privateKey: string;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;

  @Column({ name: 'retired_at', type: 'varchar', length: 30, nullable: true })
  retiredAt: string | null;
}

/** A one-time link to a donor's own receipts: only the SHA-256 of its token is stored. */
@Entity({ name: 'donor_links' })
@Index('ux_donor_links_token', ['tokenHash'], { unique: true })
export class DonorLink {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'donor_id', type: 'integer' })
  donorId: number;

  @ManyToOne(() => Donor, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'donor_id', foreignKeyConstraintName: 'fk_donor_links_donor' })
  donor?: Donor;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;

  @Column({ name: 'expires_at', type: 'varchar', length: 30 })
  expiresAt: string;

  @Column({ name: 'used_at', type: 'varchar', length: 30, nullable: true })
  usedAt: string | null;
}

/** Every request for a link, whatever its outcome; the e-mail only as a keyed hash. */
@Entity({ name: 'donor_link_requests' })
@Index('ix_donor_link_requests_at', ['at'])
export class DonorLinkRequest {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 30 })
  at: string;

  @Column({ name: 'email_hash', type: 'varchar', length: 64, nullable: true })
  emailHash: string | null;

  @Column({ name: 'receipt_no', type: 'varchar', length: 40, nullable: true })
  receiptNo: string | null;

  /** sent | unknown | no_email | mail_failed | limited */
  @Column({ type: 'varchar', length: 20 })
  outcome: string;
}
