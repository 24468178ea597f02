import { Column, Entity, getMetadataArgsStorage, Index, PrimaryGeneratedColumn } from 'typeorm';

export const ATTACHMENT_OWNERS = ['contribution', 'disbursement'] as const;
export type AttachmentOwner = (typeof ATTACHMENT_OWNERS)[number];

/**
 * A file kept with a contribution or a payout: the bank's credit or debit advice, the payment order, a decision.
 * Its bytes are in `content` (PostgreSQL, or an in-memory SQLite database) or in a file named by its SHA-256
 * beside the SQLite database (`storage` says which); `content` is read and written by AttachmentsService only
 * (never selected, inserted or updated through the entity). It is mapped so that the entities describe the
 * migrated table exactly; its type differs between the two databases (see `useAttachmentContentType`).
 */
@Entity({ name: 'attachments' })
@Index('ix_attachments_owner', ['ownerType', 'ownerId'])
export class Attachment {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'owner_type', type: 'varchar', length: 16 })
  ownerType: AttachmentOwner;

  @Column({ name: 'owner_id', type: 'integer' })
  ownerId: number;

  @Column({ name: 'file_name', type: 'varchar', length: 255 })
  fileName: string;

  /** What the file is (data/attachment-kinds.json), e.g. `bank_advice`, `payment_order`, `decision`. */
  @Column({ type: 'varchar', length: 40 })
  kind: string;

  @Column({ name: 'media_type', type: 'varchar', length: 100 })
  mediaType: string;

  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  @Column({ type: 'integer' })
  size: number;

  @Column({ type: 'varchar', length: 8 })
  storage: 'file' | 'db';

  /** The bytes when `storage` is `db`: `blob` on SQLite, `bytea` on PostgreSQL (migration 1764440000000). */
  @Column({ type: 'blob', nullable: true, select: false, insert: false, update: false })
  content?: Buffer | null;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt: string;
}

/**
 * Declares `attachments.content` with the binary type of the database about to be opened (`bytea` on PostgreSQL,
 * `blob` on SQLite), as migration 1764440000000 created it. TypeORM reads column types when a DataSource is
 * initialized, so openDatabase calls this right before; a process opens one kind of database at a time.
 */
export function useAttachmentContentType(databaseType: 'sqlite' | 'postgres'): void {
  const column = getMetadataArgsStorage().columns.find(
    (c) => c.target === Attachment && c.propertyName === 'content',
  );
  if (column) column.options.type = databaseType === 'postgres' ? 'bytea' : 'blob';
}
