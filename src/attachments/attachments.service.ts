import { Inject, Injectable, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EntityManager } from 'typeorm';
import { nowIso } from '../common/clock';
import { InvalidRequestError, NotFoundError } from '../common/errors';
import { DATA_DIR } from '../common/paths';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Attachment, AttachmentOwner } from './attachment.entity';
import { AttachmentDto } from './dto';

export const MAX_ATTACHMENT_BYTES = 8 * 1024 * 1024;
export const MAX_ATTACHMENTS = 10;

/** The kinds of file a fund keeps (data/attachment-kinds.json): code → Vietnamese name. */
export function attachmentKinds(): Record<string, string> {
  kinds ??= JSON.parse(fs.readFileSync(path.join(DATA_DIR, 'attachment-kinds.json'), 'utf8')) as Record<
    string,
    string
  >;
  return kinds;
}
let kinds: Record<string, string> | undefined;

/** What each stored file is, in words, by its kind ("giấy báo của ngân hàng, Kho bạc"). */
export function attachmentDetails(files: { kind: string }[]): string[] {
  const known = attachmentKinds();
  return files.map((file) => known[file.kind] ?? file.kind);
}

export interface AttachmentView {
  id: number;
  fileName: string;
  kind: string;
  mediaType: string;
  sha256: string;
  size: number;
}

/**
 * The files kept with contributions and payouts. On SQLite the bytes go to `attachments/<sha256>` beside the
 * database file (written and synced before the row, so a row never names a missing file; a rolled-back request
 * may leave an unnamed file, which is harmless); on PostgreSQL, and for an in-memory SQLite database, into the
 * row itself. Reading checks the SHA-256 again.
 */
@Injectable()
export class AttachmentsService {
  private readonly directory: string | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const db = config.database;
    this.directory =
      db.type === 'sqlite' && db.path !== ':memory:' ? path.join(path.dirname(db.path), 'attachments') : null;
  }

  /** Checks every file before anything is written: a 400 names each file at fault. */
  check(files: AttachmentDto[] | undefined, field = 'attachments'): Buffer[] {
    if (!files) return [];
    const problems: string[] = [];
    if (files.length > MAX_ATTACHMENTS) problems.push(`${field} must hold at most ${MAX_ATTACHMENTS} files`);
    const known = attachmentKinds();
    const contents = files.map((file, index) => {
      const where = `${field}[${index}]`;
      if (!(file.kind in known))
        problems.push(`${where}.kind must be one of ${Object.keys(known).join(', ')}`);
      const bytes = Buffer.from(file.content, 'base64');
      if (bytes.length === 0) problems.push(`${where}.content must not be empty`);
      if (bytes.length > MAX_ATTACHMENT_BYTES)
        problems.push(`${where}.content must be at most ${MAX_ATTACHMENT_BYTES} bytes`);
      if (file.sha256 !== undefined && sha256(bytes) !== file.sha256)
        problems.push(`${where}.sha256 does not match the file's content (${sha256(bytes)})`);
      return bytes;
    });
    if (problems.length) throw new InvalidRequestError(problems);
    return contents;
  }

  /** Stores checked files for their owner inside the caller's transaction. */
  async store(
    tx: EntityManager,
    owner: AttachmentOwner,
    ownerId: number,
    files: AttachmentDto[] | undefined,
    contents: Buffer[],
    createdBy: string,
  ): Promise<void> {
    for (const [index, file] of (files ?? []).entries()) {
      const bytes = contents[index];
      const hash = sha256(bytes);
      if (this.directory) this.writeFile(hash, bytes);
      const row = await tx.save(
        tx.create(Attachment, {
          ownerType: owner,
          ownerId,
          fileName: file.fileName,
          kind: file.kind,
          mediaType: file.mediaType ?? 'application/octet-stream',
          sha256: hash,
          size: bytes.length,
          storage: this.directory ? 'file' : 'db',
          createdBy,
          createdAt: nowIso(),
        }),
      );
      if (!this.directory) {
        const mark = tx.connection.options.type === 'postgres' ? '$1' : '?';
        const idMark = tx.connection.options.type === 'postgres' ? '$2' : '?';
        await tx.query(`UPDATE attachments SET content = ${mark} WHERE id = ${idMark}`, [bytes, row.id]);
      }
    }
  }

  async list(manager: EntityManager, owner: AttachmentOwner, ownerId: number): Promise<AttachmentView[]> {
    const rows = await manager.find(Attachment, {
      where: { ownerType: owner, ownerId },
      order: { id: 'ASC' },
    });
    return rows.map((a) => ({
      id: a.id,
      fileName: a.fileName,
      kind: a.kind,
      mediaType: a.mediaType,
      sha256: a.sha256,
      size: a.size,
    }));
  }

  /** One file of an owner, its bytes checked against the SHA-256 recorded with it. */
  async content(
    manager: EntityManager,
    owner: AttachmentOwner,
    ownerId: number,
    id: number,
  ): Promise<{ attachment: Attachment; content: Buffer }> {
    const attachment = await manager.findOne(Attachment, { where: { id, ownerType: owner, ownerId } });
    if (!attachment) throw new NotFoundError(`attachment ${id} of ${owner} ${ownerId} does not exist`);
    let content: Buffer;
    if (attachment.storage === 'file') {
      if (!this.directory)
        throw new Error(`attachment ${id} is stored in a file, but this database has no folder`);
      content = fs.readFileSync(path.join(this.directory, attachment.sha256));
    } else {
      const mark = manager.connection.options.type === 'postgres' ? '$1' : '?';
      const rows = await manager.query<{ content: Buffer | Uint8Array }[]>(
        `SELECT content FROM attachments WHERE id = ${mark}`,
        [id],
      );
      content = Buffer.from(rows[0].content);
    }
    if (sha256(content) !== attachment.sha256) {
      throw new Error(`attachment ${id} no longer matches its SHA-256 ${attachment.sha256}`);
    }
    return { attachment, content };
  }

  private writeFile(hash: string, bytes: Buffer): void {
    const directory = this.directory as string;
    const target = path.join(directory, hash);
    if (fs.existsSync(target)) return;
    fs.mkdirSync(directory, { recursive: true });
    const temporary = `${target}.${process.pid}.tmp`;
    const fd = fs.openSync(temporary, 'w');
    try {
      fs.writeSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, target);
  }
}

/** Answers a kept file as a download, with its recorded SHA-256 in a header. */
export function attachmentFile(
  res: Response,
  file: { attachment: Attachment; content: Buffer },
): StreamableFile {
  res.setHeader('Content-Type', file.attachment.mediaType);
  res.setHeader(
    'Content-Disposition',
    `attachment; filename*=UTF-8''${encodeURIComponent(file.attachment.fileName)}`,
  );
  res.setHeader('X-Content-SHA256', file.attachment.sha256);
  return new StreamableFile(file.content);
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
