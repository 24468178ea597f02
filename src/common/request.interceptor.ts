import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { catchError, Observable, of, throwError } from 'rxjs';
import { IdempotentReplay } from '../database/unit-of-work';
import { NO_IDEMPOTENCY_KEY } from './decorators';
import { InvalidRequestError } from './errors';
import { canonicalJson, redact } from './redact';
import { requestContext } from './request-context';

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * Records what a state-changing request is (for the audit row its write adds) and handles `Idempotency-Key`:
 * the key and a hash of the request ride along to the UnitOfWork, which stores the answer in the same
 * transaction as the write, or replays the stored answer.
 */
@Injectable()
export class RequestInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    const ctx = requestContext.get();
    if (!ctx || request.method === 'GET' || request.method === 'HEAD') return next.handle();

    const path = request.originalUrl.split('?')[0];
    ctx.action = `${request.method} ${path}`;
    ctx.auditDetails = redact(request.body);

    const key = request.header('idempotency-key');
    if (key === undefined || request.method !== 'POST') return next.handle();
    if (Reflect.getMetadata(NO_IDEMPOTENCY_KEY, context.getHandler()) === true) return next.handle();
    if (!KEY_PATTERN.test(key)) {
      return throwError(
        () => new InvalidRequestError('Idempotency-Key must be 1 to 200 visible ASCII characters'),
      );
    }
    const statusCode =
      (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ??
      HttpStatus.CREATED;
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.originalUrl}\n${canonicalJson(request.body ?? null)}`)
      .digest('hex');
    ctx.idempotency = { key, requestHash, statusCode };

    return next.handle().pipe(
      catchError((error: unknown) => {
        if (!(error instanceof IdempotentReplay)) return throwError(() => error);
        const response = context.switchToHttp().getResponse<Response>();
        response.status(error.statusCode).setHeader('Idempotent-Replayed', 'true');
        return of(error.body);
      }),
    );
  }
}
