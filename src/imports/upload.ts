import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  PayloadTooLargeException,
} from '@nestjs/common';
import type { MulterOptions } from '@nestjs/platform-express/multer/interfaces/multer-options.interface';
import type { Request } from 'express';
import { randomBytes } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { finalize, from, mergeMap, Observable } from 'rxjs';
import { InvalidRequestError } from '../common/errors';
import type { ImportSource } from './import-run';

/** Largest file an import takes over HTTP; bigger history goes through the command line. */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

/** Content types of a file sent as the whole request body instead of as multipart/form-data. */
export const RAW_UPLOAD_TYPES = [
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/octet-stream',
];

/** multer, for the `file` field: straight to a temporary file (never into memory), one file, few small fields. */
export const MULTIPART_OPTIONS: MulterOptions = {
  dest: tmpdir(),
  limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 4, fieldSize: 1024, parts: 5 },
};

/** The part of multer's file description we use (a local type: @types/multer is not installed). */
export interface UploadedDiskFile {
  path: string;
  originalname: string;
  size: number;
}

type UploadRequest = Request & { file?: UploadedDiskFile };

/**
 * Runs after FileInterceptor. A raw CSV or XLSX body is streamed to a temporary file like a multipart one, and
 * whatever file the request brought is deleted once the answer is sent, whether the import succeeded or not.
 */
@Injectable()
export class UploadInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<UploadRequest>();
    return from(this.receiveRawBody(request)).pipe(
      mergeMap(() => next.handle()),
      finalize(() => {
        if (request.file) rmSync(request.file.path, { force: true });
      }),
    );
  }

  private async receiveRawBody(request: UploadRequest): Promise<void> {
    if (request.file || !request.is(RAW_UPLOAD_TYPES)) return;
    if (Number(request.headers['content-length'] ?? 0) > MAX_UPLOAD_BYTES) throw tooLarge();
    const path = join(tmpdir(), `import-${randomBytes(12).toString('hex')}`);
    const name = typeof request.query.fileName === 'string' ? request.query.fileName : 'upload';
    request.file = { path, originalname: name, size: 0 };
    let bytes = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        callback(bytes > MAX_UPLOAD_BYTES ? tooLarge() : null, chunk);
      },
    });
    await pipeline(request, limit, createWriteStream(path, { flags: 'wx' }));
    request.file.size = bytes;
  }
}

/** The uploaded file as an import source, or a 400 saying how to send one. */
export function uploadedSource(file: UploadedDiskFile | undefined): ImportSource {
  if (!file) {
    throw new InvalidRequestError(
      'send the file as the multipart/form-data field "file", or as the request body with Content-Type text/csv ' +
        '(or the .xlsx type)',
    );
  }
  return { path: file.path, name: file.originalname };
}

function tooLarge(): PayloadTooLargeException {
  return new PayloadTooLargeException(`the file must not exceed ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`);
}
