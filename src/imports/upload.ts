import {
  applyDecorators,
  CallHandler,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  PayloadTooLargeException,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { MulterOptions } from '@nestjs/platform-express/multer/interfaces/multer-options.interface';
import { ApiBody, ApiConsumes, ApiQuery } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Request } from 'express';
import { randomBytes } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { finalize, from, mergeMap, Observable } from 'rxjs';
import { InvalidRequestError } from '../common/errors';
import { ImportFormDto, ImportQueryDto, UploadFormDto, UploadQueryDto } from './dto';
import { ImportRejectedFilter } from './import-rejected.filter';
import type { ImportOptions, ImportSource } from './import-run';

/**
 * The upload handling every import shares: a file comes as the multipart field `file` or as the raw request body
 * (CSV or XLSX), goes straight to a temporary file (never into memory) within MAX_UPLOAD_BYTES, and is deleted
 * once the answer is sent. A route takes it with two decorators:
 *
 *     @Post('contributions') @ImportUpload('CSV (UTF-8) or XLSX, header row first', { partial: true })
 *     contributions(@CurrentActor() actor: Actor, @UploadedImport() upload: ImportUploaded) { … }
 */

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

/** What an import route receives: the uploaded file and the options sent with it. */
export interface ImportUploaded {
  source: ImportSource;
  options: ImportOptions;
}

/**
 * Makes a route an import upload: multipart or raw body to a temporary file, a rejected file answered with its bad
 * rows (ImportRejectedFilter), and the OpenAPI description of the file and options. `partial: true` lets the
 * client ask for the good rows to be imported anyway.
 */
export function ImportUpload(fileDescription: string, how: { partial: boolean }) {
  const properties: Record<string, SchemaObject> = {
    file: { type: 'string', format: 'binary', description: fileDescription },
  };
  if (how.partial) properties.partial = { type: 'string', enum: ['true', 'false'] };
  return applyDecorators(
    UseFilters(ImportRejectedFilter),
    UseInterceptors(FileInterceptor('file', MULTIPART_OPTIONS), UploadInterceptor),
    ApiConsumes('multipart/form-data', 'text/csv'),
    ApiBody({ schema: { type: 'object', required: ['file'], properties } }),
    ApiQuery({
      name: 'fileName',
      required: false,
      type: String,
      description: 'Name to record for a raw body',
    }),
    ...(how.partial ? [ApiQuery({ name: 'partial', required: false, enum: ['true', 'false'] })] : []),
  );
}

/**
 * The uploaded file and its options, with the form fields and the query checked as the global ValidationPipe checks
 * a body (an unknown or malformed field is a 400). `@UploadedImport({ partial: false })`, for a file imported only
 * whole, refuses `partial`.
 */
export const UploadedImport = createParamDecorator(
  (how: { partial: boolean } | undefined, context: ExecutionContext): ImportUploaded => {
    const request = context.switchToHttp().getRequest<UploadRequest>();
    const partialAllowed = how?.partial ?? true;
    const form = checked(partialAllowed ? ImportFormDto : UploadFormDto, request.body);
    const query = checked(partialAllowed ? ImportQueryDto : UploadQueryDto, request.query);
    return {
      source: uploadedSource(request.file),
      options: { partial: form.partial === 'true' || query.partial === 'true' },
    };
  },
);

function checked(type: new () => ImportQueryDto, fields: unknown): ImportQueryDto {
  const value = plainToInstance(type, fields ?? {});
  const errors = validateSync(value, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: false,
  });
  if (errors.length > 0) {
    throw new InvalidRequestError(errors.flatMap((error) => Object.values(error.constraints ?? {})));
  }
  return value;
}
